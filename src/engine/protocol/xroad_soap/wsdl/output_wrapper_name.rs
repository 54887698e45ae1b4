use super::view::{self, Wsdl};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The element of an operation's output part is the operation's name followed by `Response`.
    /// ## Why it matters
    /// PR-MESS §2.3 and §3: the response wrapper is the request wrapper's name plus `Response` (XRD-SOAP-017); the WSDL must describe the responses the provider sends.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-output-wrapper-name.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-conformant.xml`
    pub OutputWrapperName { id: "XRD-WSDL-006" }
}

impl Check for OutputWrapperName {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(w) = Wsdl::of(ctx) else { return };
        for op in w.operations() {
            let Some((part, element)) = op.output.and_then(|m| view::wrapper(&w, m)) else {
                continue;
            };
            if element != format!("{}Response", op.name) {
                emit.at(
                    w.loc(part),
                    format!(
                        "output wrapper `{element}` of operation `{}` is not `{}Response`",
                        op.name, op.name
                    ),
                );
            }
        }
    }
}
