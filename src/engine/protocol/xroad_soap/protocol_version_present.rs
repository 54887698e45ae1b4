use super::common::missing_field;
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The SOAP Header contains the `xrd:protocolVersion` field. Its value is checked by
    /// XRD-SOAP-007.
    /// ## Why it matters
    /// PR-MESS Table 1: `protocolVersion` is mandatory; the security server uses it to decide
    /// whether it can process the message and rejects messages without it.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-protocolversion-missing.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub ProtocolVersionPresent { id: "XRD-SOAP-006" }
}

impl Check for ProtocolVersionPresent {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        if soap.xroad("protocolVersion").is_none() {
            emit.at(
                soap.header_loc(),
                missing_field(
                    soap,
                    "protocolVersion",
                    "the X-Road message protocol version, 4.0",
                ),
            );
        }
    }
}
