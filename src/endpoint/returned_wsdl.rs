//! The WSDL a provider returns from the `getWsdl` metaservice, checked like a `--wsdl` file:
//! every non-root MIME part of the response that is a WSDL document is validated (the
//! standard's `wsdl` profile, XRD-WSDL-*) and its findings become violations of the call.
//! Parts sent with `Content-Transfer-Encoding: base64` are left out.

use super::checks::Violation;
use super::client::Response;
use crate::document::Document;
use crate::document::http::{self, find_header};
use crate::pipeline::Session;

/// The WSDL attachments of a response (raw bytes of each non-root part, not base64).
pub fn attachments(resp: &Response) -> Vec<Vec<u8>> {
    let capture = resp.capture();
    let Ok(msg) = http::parse(&capture) else {
        return Vec::new();
    };
    msg.parts
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != msg.root)
        .filter(|(_, p)| {
            find_header(&p.headers, "Content-Transfer-Encoding")
                .is_none_or(|h| !h.value.trim().eq_ignore_ascii_case("base64"))
        })
        .filter_map(|(_, p)| capture.get(p.body.clone()).map(<[u8]>::to_vec))
        .collect()
}

/// Validates each WSDL attachment; findings of documents that are not WSDL are ignored here
/// (the response itself is checked by the message rules).
pub fn check(session: &mut Session<'_>, resp: &Response) -> Vec<Violation> {
    let mut out = Vec::new();
    for (i, bytes) in attachments(resp).into_iter().enumerate() {
        let doc = Document::from_bytes(format!("getWsdl attachment {}", i + 1), bytes);
        let result = session.validate(&doc, None);
        if result.profile.as_deref() != Some("wsdl") {
            continue;
        }
        out.extend(
            super::xroad::violations(&result)
                .into_iter()
                .map(|v| Violation {
                    rule: v.rule,
                    message: format!("the WSDL returned by getWsdl: {}", v.message),
                }),
        );
    }
    out
}
