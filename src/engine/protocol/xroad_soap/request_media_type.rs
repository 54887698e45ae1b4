use super::common::{content_type, header_loc, line_loc, part_loc, soap_part};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// An HTTP request capture has a Content-Type whose media type (case-insensitive,
    /// parameters ignored) is `text/xml`, `multipart/related` or `application/xop+xml`; for a
    /// multipart body, the SOAP part's media type is `text/xml` or `application/xop+xml`.
    /// ## Why it matters
    /// The client security server accepts only these media types (`SoapUtils`,
    /// `invalid_content_type`); `application/soap+xml` is SOAP 1.2 and is rejected.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/http-request-soap12-content-type.http`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/http-request-conformant.http`
    pub RequestMediaType { id: "XRD-SOAP-028" }
}

const TOP_LEVEL: [&str; 3] = ["text/xml", "multipart/related", "application/xop+xml"];
const SOAP_PART: [&str; 2] = ["text/xml", "application/xop+xml"];

impl Check for RequestMediaType {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(http) = ctx.input.http else { return };
        match content_type(&http.headers) {
            None => emit.at(
                line_loc(http.first_line),
                "the request has no Content-Type header; the Security Server accepts only text/xml, multipart/related or application/xop+xml",
            ),
            Some((h, mime, _)) if !TOP_LEVEL.contains(&mime.as_str()) => {
                let hint = if mime == "application/soap+xml" { " (application/soap+xml is the SOAP 1.2 media type)" } else { "" };
                emit.at(
                    header_loc(h),
                    format!("the request's media type is {mime}{hint}; the Security Server accepts only text/xml, multipart/related or application/xop+xml"),
                );
            }
            Some(_) => {}
        }
        if let Some(part) = soap_part(http) {
            match content_type(&part.headers) {
                None => emit.at(
                    part_loc(part),
                    "the SOAP part has no Content-Type; it must be text/xml or application/xop+xml",
                ),
                Some((h, mime, _)) if !SOAP_PART.contains(&mime.as_str()) => {
                    emit.at(header_loc(h), format!("the SOAP part's media type is {mime}; it must be text/xml or application/xop+xml"));
                }
                Some(_) => {}
            }
        }
    }
}
