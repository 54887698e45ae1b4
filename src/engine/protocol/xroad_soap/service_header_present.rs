use super::common::missing_field;
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// A request's or response's SOAP Header contains the `xrd:service` field.
    /// ## Why it matters
    /// PR-MESS §2.2: a request MUST name the service it calls; the client security server
    /// routes the message to the provider by this identifier, and the response repeats the
    /// request's header fields (L269). The Security Server rejects a request or a response
    /// without it (`SaxSoapParserImpl.SoapEnvelopeHandler.validateHeader`); faults need none.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-service-missing.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub ServiceHeaderPresent { id: "XRD-SOAP-008" }
}

impl Check for ServiceHeaderPresent {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        if soap.xroad("service").is_none() {
            emit.at(
                soap.header_loc(),
                missing_field(
                    soap,
                    "service",
                    "the identifier of the called service, required in requests and responses",
                ),
            );
        }
    }
}
