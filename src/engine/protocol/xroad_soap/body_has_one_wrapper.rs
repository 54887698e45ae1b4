use super::common::{name, shown, xml_trim};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The SOAP Body has exactly one element child (the wrapper, or the Fault) and (strict
    /// variant) no text other than whitespace; the Security Server's parser ignores text in
    /// the Body, so the runtime variant checks the elements only.
    /// ## Why it matters
    /// PR-MESS §2.3: X-Road messages are document/literal-wrapped, so the Body holds a single
    /// wrapper element. The Security Server rejects other bodies (`invalid_body`).
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-body-two-children.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub BodyHasOneWrapper { id: "XRD-SOAP-015" }
}

impl Check for BodyHasOneWrapper {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(body) = soap.body else { return };
        let children = soap.body_children();
        match children.as_slice() {
            [] => emit.at(
                soap.loc(body),
                "the SOAP Body has no element; it must hold exactly one wrapper element",
            ),
            [_] => {}
            [first, rest @ ..] => {
                let names: Vec<String> = rest.iter().map(|c| name(*c)).collect();
                let at = rest.first().copied().unwrap_or(*first);
                emit.at(
                    soap.loc(at),
                    format!(
                        "the SOAP Body has {} elements ({} after the wrapper {}); it must hold exactly one wrapper element",
                        children.len(),
                        names.join(", "),
                        name(*first)
                    ),
                );
            }
        }
        if !ctx.strict() {
            // The Security Server's parser ignores text in the Body.
            return;
        }
        for t in body.children().filter(|c| c.is_text()) {
            let value = xml_trim(t.text().unwrap_or(""));
            if !value.is_empty() {
                emit.at(
                    soap.loc(t),
                    format!(
                        "the SOAP Body contains the text {} outside the wrapper element",
                        shown(value)
                    ),
                );
            }
        }
    }
}
