use crate::declare_rule;
use crate::engine::protocol::soap::SOAP11;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The Envelope has a `Header` and a `Body` in the SOAP 1.1 namespace.
    /// ## Why it matters
    /// An X-Road request or response carries its mandatory fields in the SOAP Header; the
    /// Security Server rejects messages without a Header (`missing_header`) or a Body
    /// (`missing_body`).
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-header-missing.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub HeaderAndBodyPresent { id: "XRD-SOAP-030" }
}

impl Check for HeaderAndBodyPresent {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        if !soap.is_soap11() {
            return;
        }
        if soap.header.is_none() {
            emit.at(
                soap.loc(soap.envelope),
                format!("the Envelope has no SOAP 1.1 Header ({SOAP11}); X-Road messages carry their mandatory fields there (missing_header)"),
            );
        }
        if soap.body.is_none() {
            emit.at(
                soap.loc(soap.envelope),
                format!("the Envelope has no SOAP 1.1 Body ({SOAP11}) (missing_body)"),
            );
        }
    }
}
