use super::common::{shown, xml_trim};
use super::server_reading;
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The local name of a request's wrapper (the first element of the Body) against the
    /// trimmed `xrd:service/iden:serviceCode`: the strict variant requires them to be equal;
    /// the runtime variant requires the wrapper name to start with the service code as
    /// written, untrimmed (as `SoapUtils.validateServiceName` of the Security Server does), and
    /// strict checks that too. Skipped when there is no (or an empty) serviceCode.
    /// ## Why it matters
    /// PR-MESS §2.3: the request wrapper is named after the service (the WSDL operation). The
    /// Security Server rejects a body that does not match the service header
    /// (`inconsistent_headers`).
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-wrapper-mismatch.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub RequestWrapperMatchesServiceCode { id: "XRD-SOAP-016" }
}

impl Check for RequestWrapperMatchesServiceCode {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(raw) = server_reading::service_code_as_written(soap) else {
            return;
        };
        let code = xml_trim(&raw);
        if code.is_empty() {
            return;
        }
        let Some(wrapper) = soap.body_children().into_iter().next() else {
            return;
        };
        let local = wrapper.tag_name().name();
        if ctx.strict() && local != code {
            emit.at(
                soap.loc(wrapper),
                format!("the request wrapper is `{local}`, but xrd:service names the serviceCode `{code}`; the wrapper must be named `{code}`"),
            );
        } else if !local.starts_with(raw.as_str()) {
            emit.at(
                soap.loc(wrapper),
                format!(
                    "the request wrapper `{local}` does not start with the serviceCode {} of xrd:service as written; the Security Server rejects it (inconsistent_headers)",
                    shown(&raw)
                ),
            );
        }
    }
}
