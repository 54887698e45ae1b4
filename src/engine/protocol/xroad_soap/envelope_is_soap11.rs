use crate::declare_rule;
use crate::engine::protocol::soap::{SOAP11, SOAP12};
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The root element is `Envelope` in the SOAP 1.1 namespace
    /// `http://schemas.xmlsoap.org/soap/envelope/`.
    /// ## Why it matters
    /// The X-Road message protocol is a profile of SOAP 1.1; SOAP 1.2 envelopes or plain XML
    /// are not X-Road messages and security servers reject them.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-soap12-envelope.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub EnvelopeIsSoap11 { id: "XRD-SOAP-001" }
}

impl Check for EnvelopeIsSoap11 {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        if soap.is_soap11() {
            return;
        }
        let root = soap.envelope.tag_name();
        let what = match root.namespace() {
            Some(SOAP12) => "a SOAP 1.2 envelope".to_string(),
            Some(ns) => format!("`{}` in namespace `{ns}`", root.name()),
            None => format!("`{}` in no namespace", root.name()),
        };
        emit.at(soap.loc(soap.envelope), format!("the root element is {what}, not a SOAP 1.1 Envelope ({SOAP11})"));
    }
}
