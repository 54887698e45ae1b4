use super::common::{header_loc, part_loc, shown, soap_part};
use crate::declare_rule;
use crate::document::http::find_header;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// In a multipart HTTP capture, the SOAP part (the part named by `start`, else the first)
    /// has the header `Content-Transfer-Encoding: 8bit` (value compared case-insensitively).
    /// A missing header fires: the MIME default is 7bit.
    /// ## Why it matters
    /// PR-MESS §2.4: the SOAP part of a multipart message MUST be sent with 8bit transfer
    /// encoding, so that the bytes the security servers sign and hash are the XML itself.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/http-request-swa-cte-binary.http`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/http-request-swa-conformant.http`
    pub SoapPartIs8bit { id: "XRD-SOAP-020" }
}

impl Check for SoapPartIs8bit {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(http) = ctx.input.http else { return };
        let Some(part) = soap_part(http) else { return };
        match find_header(&part.headers, "Content-Transfer-Encoding") {
            None => emit.at(
                part_loc(part),
                "the SOAP part has no Content-Transfer-Encoding header, so MIME assumes 7bit; it must be sent with Content-Transfer-Encoding: 8bit",
            ),
            Some(h) if !h.value.trim().eq_ignore_ascii_case("8bit") => emit.at(
                header_loc(h),
                format!("the SOAP part has Content-Transfer-Encoding {}, expected 8bit", shown(h.value.trim())),
            ),
            Some(_) => {}
        }
    }
}
