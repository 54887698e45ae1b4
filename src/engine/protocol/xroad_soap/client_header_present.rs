use super::common::missing_field;
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The SOAP Header contains the `xrd:client` field (namespace
    /// `http://x-road.eu/xsd/xroad.xsd`). A message without a Header lacks it too.
    /// ## Why it matters
    /// PR-MESS Table 1: `client` is mandatory; it identifies the member or subsystem that sends
    /// the request, and the security servers use it for access control and logging. Without it
    /// the client security server rejects the message (`missing_header_field`).
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-client-missing.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub ClientHeaderPresent { id: "XRD-SOAP-002" }
}

impl Check for ClientHeaderPresent {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        if soap.xroad("client").is_none() {
            emit.at(
                soap.header_loc(),
                missing_field(
                    soap,
                    "client",
                    "the identifier of the client member or subsystem",
                ),
            );
        }
    }
}
