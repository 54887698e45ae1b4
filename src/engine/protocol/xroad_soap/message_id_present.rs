use super::common::{missing_field, trimmed};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The SOAP Header contains the `xrd:id` field and (strict variant) its text, with
    /// surrounding whitespace removed, is not empty. The runtime variant checks presence only:
    /// the Security Server accepts an empty `xrd:id` (`SaxSoapParserImpl.validateHeader`).
    /// ## Why it matters
    /// PR-MESS Table 1: `id` is mandatory; it is the unique identifier of the message, which
    /// the security servers log and sign, and by which a response is matched to its request.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-id-empty.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub MessageIdPresent { id: "XRD-SOAP-004" }
}

impl Check for MessageIdPresent {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        match soap.xroad("id") {
            None => emit.at(
                soap.header_loc(),
                missing_field(soap, "id", "the unique message identifier"),
            ),
            Some(id) if ctx.strict() && trimmed(id).is_empty() => emit.at(
                soap.loc(id),
                "xrd:id is empty: the message identifier must have a value (a UUID is recommended)",
            ),
            Some(_) => {}
        }
    }
}
