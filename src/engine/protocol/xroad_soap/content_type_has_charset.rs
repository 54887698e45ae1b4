use super::common::{content_type, header_loc, line_loc, param, part_loc, soap_part};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The Content-Type of the SOAP part (the message's own for a single-part capture, the
    /// part's for a multipart one) is present and has a `charset` parameter.
    /// ## Why it matters
    /// PR-MESS §2.6: the character set SHOULD be stated; receivers assume UTF-8 when it is not,
    /// which garbles messages written in another encoding.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/http-request-no-charset.http`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/http-request-conformant.http`
    pub ContentTypeHasCharset { id: "XRD-SOAP-024" }
}

impl Check for ContentTypeHasCharset {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(http) = ctx.input.http else { return };
        let (headers, whose, missing_at) = match soap_part(http) {
            Some(part) => (part.headers.as_slice(), "the SOAP part", part_loc(part)),
            None => (
                http.headers.as_slice(),
                "the message",
                line_loc(http.first_line),
            ),
        };
        match content_type(headers) {
            None => emit.at(
                missing_at,
                format!("{whose} has no Content-Type header, so its charset is not stated (UTF-8 is assumed); send e.g. Content-Type: text/xml; charset=UTF-8"),
            ),
            Some((h, mime, params)) if param(&params, "charset").is_none() => emit.at(
                header_loc(h),
                format!("the Content-Type {mime} of {whose} has no charset parameter (UTF-8 is assumed); state it, e.g. {mime}; charset=UTF-8"),
            ),
            Some(_) => {}
        }
    }
}
