use super::view::{self, Wsdl};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The element of an operation's input part has the operation's name.
    /// ## Why it matters
    /// PR-MESS §3: the request wrapper's name is the service code the client calls (XRD-SOAP-016); a WSDL that names it otherwise describes requests the Security Server routes elsewhere.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-input-wrapper-name.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-conformant.xml`
    pub InputWrapperName { id: "XRD-WSDL-005" }
}

impl Check for InputWrapperName {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(w) = Wsdl::of(ctx) else { return };
        for op in w.operations() {
            let Some((part, element)) = op.input.and_then(|m| view::wrapper(&w, m)) else {
                continue;
            };
            if element != op.name {
                emit.at(
                    w.loc(part),
                    format!(
                        "input wrapper `{element}` is not named after operation `{}`",
                        op.name
                    ),
                );
            }
        }
    }
}
