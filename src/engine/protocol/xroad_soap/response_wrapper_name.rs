use super::common::{shown, xml_trim};
use super::server_reading;
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The local name of a response's wrapper (the first element of the Body). Strict: with
    /// the paired request it equals the request wrapper's local name plus `Response`; without
    /// one, `<serviceCode>Response` (trimmed `xrd:service/iden:serviceCode`). Runtime, as the
    /// Security Server checks every message (`SoapUtils.validateServiceName`): the name starts
    /// with the response's own serviceCode as written, pair or not; strict checks this too.
    /// Skipped without a pair and without a (non-empty) serviceCode.
    /// ## Why it matters
    /// PR-MESS §2.3: the response wrapper is the request wrapper name followed by `Response`
    /// (the WSDL output element); clients bind the answer by this name.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/response-wrapper-mismatch.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/response-conformant.xml`
    pub ResponseWrapperName { id: "XRD-SOAP-017" }
}

impl Check for ResponseWrapperName {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(wrapper) = soap.body_children().into_iter().next() else {
            return;
        };
        let local = wrapper.tag_name().name();
        let raw = server_reading::service_code_as_written(soap).filter(|c| !xml_trim(c).is_empty());
        if ctx.strict() {
            let request_wrapper = ctx
                .request_soap
                .as_ref()
                .and_then(|r| r.body_children().into_iter().next());
            if let Some(req) = request_wrapper {
                let expected = format!("{}Response", req.tag_name().name());
                if local != expected {
                    emit.at(
                        soap.loc(wrapper),
                        format!(
                            "the response wrapper is `{local}`, but the request wrapper is `{}`; the response wrapper must be `{expected}`",
                            req.tag_name().name()
                        ),
                    );
                    return;
                }
            } else if let Some(raw) = &raw {
                let expected = format!("{}Response", xml_trim(raw));
                if local != expected {
                    emit.at(
                        soap.loc(wrapper),
                        format!("the response wrapper is `{local}`, but xrd:service names the serviceCode `{}`; the wrapper must be `{expected}`", xml_trim(raw)),
                    );
                    return;
                }
            }
        }
        // What the Security Server checks (also part of strict).
        let Some(raw) = raw else { return };
        if !local.starts_with(raw.as_str()) {
            emit.at(
                soap.loc(wrapper),
                format!(
                    "the response wrapper `{local}` does not start with the serviceCode {} of the response's xrd:service as written; the Security Server rejects it (inconsistent_headers)",
                    shown(&raw)
                ),
            );
        }
    }
}
