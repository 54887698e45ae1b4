use super::view::{self, Wsdl};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The element an operation's input part names, when declared in the WSDL's own schemas, has a complex type (inline or named) whose content is an `xs:sequence`.
    /// ## Why it matters
    /// PR-MESS §3: the request wrapper is a complexType sequence of the service's parameters; a simple-typed wrapper or an `xs:all`/`xs:choice` is not what X-Road clients generate.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-input-not-sequence.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-conformant.xml`
    pub InputWrapperSequence { id: "XRD-WSDL-004" }
}

impl Check for InputWrapperSequence {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(w) = Wsdl::of(ctx) else { return };
        for op in w.operations() {
            let Some((part, _)) = op.input.and_then(|m| view::wrapper(&w, m)) else {
                continue;
            };
            let Some(decl) = w.element_decl(part) else {
                continue;
            };
            let ct = match decl.attribute("type") {
                Some(t) => match w.complex_type(decl, t) {
                    Some(ct) => Some(ct),
                    None if view::resolve(decl, t).0.as_deref() == Some(view::XS) => None,
                    None => continue,
                },
                None => decl
                    .children()
                    .find(|n| view::is(*n, view::XS, "complexType")),
            };
            let ok = ct.is_some_and(|ct| ct.children().any(|n| view::is(n, view::XS, "sequence")));
            if !ok {
                emit.at(
                    w.loc(decl),
                    format!(
                        "input wrapper `{}` of operation `{}` is not a complexType with a sequence",
                        decl.attribute("name").unwrap_or(""),
                        op.name
                    ),
                );
            }
        }
    }
}
