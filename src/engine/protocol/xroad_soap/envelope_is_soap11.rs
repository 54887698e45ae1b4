use super::common::{name, namespace};
use crate::declare_rule;
use crate::engine::protocol::soap::{SOAP11, SOAP12};
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The root element is `Envelope` in the SOAP 1.1 namespace
    /// `http://schemas.xmlsoap.org/soap/envelope/`, no child of the Envelope is in the SOAP 1.2
    /// namespace `http://www.w3.org/2003/05/soap-envelope`, and a child named `Header` or `Body`
    /// is in the SOAP 1.1 namespace.
    /// ## Why it matters
    /// The X-Road message protocol is a profile of SOAP 1.1; SOAP 1.2 envelopes or plain XML
    /// are not X-Road messages and security servers reject them. A SOAP 1.2 (or unqualified)
    /// `Header` inside a SOAP 1.1 envelope is not a SOAP header at all, so its X-Road fields are
    /// ignored.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-soap12-header-in-soap11-envelope.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub EnvelopeIsSoap11 { id: "XRD-SOAP-001" }
}

impl Check for EnvelopeIsSoap11 {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        if !soap.is_soap11() {
            let root = soap.envelope.tag_name();
            let what = match root.namespace() {
                Some(SOAP12) => "a SOAP 1.2 envelope".to_string(),
                Some(ns) => format!("`{}` in namespace `{ns}`", root.name()),
                None => format!("`{}` in no namespace", root.name()),
            };
            emit.at(
                soap.loc(soap.envelope),
                format!("the root element is {what}, not a SOAP 1.1 Envelope ({SOAP11})"),
            );
            return;
        }
        for child in soap.envelope.children().filter(|c| c.is_element()) {
            let tag = child.tag_name();
            if tag.namespace() == Some(SOAP12) {
                emit.at(
                    soap.loc(child),
                    format!(
                        "{} is in the SOAP 1.2 namespace {SOAP12} inside a SOAP 1.1 envelope; SOAP 1.1 elements must be in {SOAP11}",
                        tag.name()
                    ),
                );
            } else if matches!(tag.name(), "Header" | "Body") && tag.namespace() != Some(SOAP11) {
                let found = match namespace(child) {
                    Some(ns) => format!("in the namespace {ns}"),
                    None => "in no namespace".to_string(),
                };
                emit.at(
                    soap.loc(child),
                    format!("the Envelope child {} is {found}, expected the SOAP 1.1 namespace {SOAP11}", name(child)),
                );
            }
        }
    }
}
