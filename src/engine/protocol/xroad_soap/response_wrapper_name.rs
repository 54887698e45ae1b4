use super::common::trimmed;
use crate::declare_rule;
use crate::engine::protocol::soap::IDENT;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The local name of a response's wrapper (the first element of the Body). With the paired
    /// request: it equals the request wrapper's local name plus `Response` (both variants).
    /// Without one, against the response's own `xrd:service/iden:serviceCode`: the strict
    /// variant requires `<serviceCode>Response`; the runtime variant requires the name to start
    /// with the serviceCode. Skipped without a pair and without a (non-empty) serviceCode.
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
            }
            return;
        }
        let code = soap
            .xroad("service")
            .and_then(|s| {
                s.children().find(|c| {
                    c.tag_name().namespace() == Some(IDENT) && c.tag_name().name() == "serviceCode"
                })
            })
            .map(trimmed)
            .filter(|c| !c.is_empty());
        let Some(code) = code else { return };
        if ctx.strict() {
            let expected = format!("{code}Response");
            if local != expected {
                emit.at(
                    soap.loc(wrapper),
                    format!("the response wrapper is `{local}`, but xrd:service names the serviceCode `{code}`; the wrapper must be `{expected}`"),
                );
            }
        } else if !local.starts_with(code.as_str()) {
            emit.at(
                soap.loc(wrapper),
                format!("the response wrapper `{local}` does not start with the serviceCode `{code}` of xrd:service"),
            );
        }
    }
}
