use super::common::soap_bytes;
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// Reports (as information) a SOAP part that starts with the UTF-8 byte order mark
    /// `EF BB BF`.
    /// ## Why it matters
    /// PR-MESS §2.6: a BOM is allowed, but some receivers do not expect bytes before the XML
    /// declaration, and it changes the bytes that are hashed for `requestHash`.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-with-bom.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub Utf8Bom { id: "XRD-SOAP-025" }
}

impl Check for Utf8Bom {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        if soap_bytes(ctx.input).starts_with(&[0xEF, 0xBB, 0xBF]) {
            emit.at(
                soap.doc.line_location(1, Some(1)),
                "the message starts with a UTF-8 byte order mark (EF BB BF); allowed, but not all receivers expect it",
            );
        }
    }
}
