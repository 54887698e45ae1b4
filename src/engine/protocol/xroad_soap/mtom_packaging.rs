use super::common::{content_type, header_loc, param, soap_part};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// Reports (as information) an MTOM-packaged capture: `multipart/related` with
    /// `type="application/xop+xml"`, or a SOAP part of media type `application/xop+xml`. The
    /// message says whether the `start-info` parameter and the SOAP part's `type` parameter
    /// are `text/xml`, as SOAP 1.1 over MTOM expects.
    /// ## Why it matters
    /// PR-MESS §2.4: MTOM/XOP is an allowed way to carry binary data; security servers pass it
    /// through, but the receiving service must support it.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/http-request-mtom-conformant.http`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/http-request-swa-conformant.http`
    pub MtomPackaging { id: "XRD-SOAP-021" }
}

fn describe(what: &str, value: Option<&str>) -> String {
    match value.map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("text/xml") => format!("{what} is text/xml"),
        Some(v) => format!("{what} is {v:?}, not text/xml as SOAP 1.1 over MTOM expects"),
        None => format!("{what} is not given (SOAP 1.1 over MTOM expects text/xml)"),
    }
}

impl Check for MtomPackaging {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(http) = ctx.input.http else { return };
        let Some((ct, mime, params)) = content_type(&http.headers) else {
            return;
        };
        let related_xop = mime == "multipart/related"
            && param(&params, "type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/xop+xml"));
        let part = soap_part(http);
        let part_ct = part.and_then(|p| content_type(&p.headers));
        let part_xop = part_ct
            .as_ref()
            .is_some_and(|(_, m, _)| m == "application/xop+xml");
        if !(related_xop || part_xop) {
            return;
        }
        let start_info = describe("the start-info parameter", param(&params, "start-info"));
        let root_type = match &part_ct {
            Some((_, _, p)) => describe("the SOAP part's type parameter", param(p, "type")),
            None => "the SOAP part has no Content-Type".to_string(),
        };
        emit.at(
            header_loc(ct),
            format!("the message is MTOM/XOP-packaged (application/xop+xml SOAP part); {start_info}; {root_type}"),
        );
    }
}
