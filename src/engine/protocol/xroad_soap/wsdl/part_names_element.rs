use super::view::Wsdl;
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// Every body part of an operation's input and output message names a schema element (`element="…"`), not a type (`type="…"`).
    /// ## Why it matters
    /// PR-MESS §3: with document/literal the part's element is the wrapper in the body; a `type` part has no element name and is an RPC idiom.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-part-type.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-conformant.xml`
    pub PartNamesElement { id: "XRD-WSDL-003" }
}

impl Check for PartNamesElement {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(w) = Wsdl::of(ctx) else { return };
        for op in w.operations() {
            for m in [op.input, op.output].into_iter().flatten() {
                for p in w
                    .body_parts(m)
                    .into_iter()
                    .filter(|p| p.attribute("element").is_none())
                {
                    let how = p
                        .attribute("type")
                        .map_or("no element".to_string(), |t| format!("type=\"{t}\""));
                    emit.at(
                        w.loc(p),
                        format!(
                            "part `{}` of message `{}` has {how}: parts must reference an element",
                            p.attribute("name").unwrap_or(""),
                            m.attribute("name").unwrap_or("")
                        ),
                    );
                }
            }
        }
    }
}
