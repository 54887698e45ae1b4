use super::view::Wsdl;
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The input and output message of every port type operation has at most one part in the SOAP body (parts that a binding maps to `soap:header` are not counted).
    /// ## Why it matters
    /// PR-MESS §3: the body of an X-Road message holds exactly one wrapper element; a second body part would put a second element next to it.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-two-parts.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-conformant.xml`
    pub OnePartPerMessage { id: "XRD-WSDL-002" }
}

impl Check for OnePartPerMessage {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(w) = Wsdl::of(ctx) else { return };
        for op in w.operations() {
            for m in [op.input, op.output].into_iter().flatten() {
                let parts = w.body_parts(m);
                if parts.len() > 1 {
                    emit.at(
                        w.loc(m),
                        format!(
                            "message `{}` of operation `{}` has {} body parts: at most one is allowed",
                            m.attribute("name").unwrap_or(""),
                            op.name,
                            parts.len()
                        ),
                    );
                }
            }
        }
    }
}
