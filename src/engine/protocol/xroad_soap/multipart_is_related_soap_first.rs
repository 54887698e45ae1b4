use super::common::{content_type, header_loc, param, part_loc, same_content_id, shown};
use crate::declare_rule;
use crate::document::http::find_header;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// For an HTTP capture whose top-level Content-Type is `multipart/*`: it is
    /// `multipart/related`, and the first MIME part is the SOAP part: its media type is
    /// `text/xml` or `application/xop+xml`, the `start` parameter (if given) names its
    /// Content-ID, and the `type` parameter (if given) equals its media type. The runtime
    /// variant skips `start` and `type`: the Security Server takes the first part as the SOAP
    /// message whatever they say (`SoapMessageDecoder.MultipartHandler.body`).
    /// ## Why it matters
    /// PR-MESS §2.4: messages with attachments are packaged as SOAP with Attachments
    /// (`multipart/related`) with the SOAP message as the first part; security servers look for
    /// the SOAP message there and treat the other parts as attachments.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/http-request-swa-attachment-first.http`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/http-request-swa-conformant.http`
    pub MultipartIsRelatedSoapFirst { id: "XRD-SOAP-019" }
}

const SOAP_PART_TYPES: [&str; 2] = ["text/xml", "application/xop+xml"];

impl Check for MultipartIsRelatedSoapFirst {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(http) = ctx.input.http else { return };
        let Some((ct, mime, params)) = content_type(&http.headers) else {
            return;
        };
        if !mime.starts_with("multipart/") {
            return;
        }
        if mime != "multipart/related" {
            emit.at(
                header_loc(ct),
                format!(
                    "the message is packaged as {mime}; a message with attachments must be multipart/related (SOAP with Attachments) with the SOAP part first"
                ),
            );
        }
        let Some(first) = http.parts.first() else {
            return;
        };
        let first_ct = content_type(&first.headers);
        let first_mime = first_ct.as_ref().map(|(_, m, _)| m.clone());
        let first_is_soap = first_mime
            .as_deref()
            .is_some_and(|m| SOAP_PART_TYPES.contains(&m));
        if !first_is_soap {
            let (loc, found) = match &first_ct {
                Some((h, m, _)) => (header_loc(h), format!("has the media type {m}")),
                None => (part_loc(first), "has no Content-Type".to_string()),
            };
            emit.at(
                loc,
                format!("the first MIME part {found}; the first part must be the SOAP part, with media type text/xml or application/xop+xml"),
            );
        }
        if !ctx.strict() {
            // The Security Server takes the first part as the SOAP message and reads neither
            // `start` nor `type` (SoapMessageDecoder.MultipartHandler.body).
            return;
        }
        if let Some(start) = param(&params, "start") {
            let cid = find_header(&first.headers, "Content-ID").map(|h| h.value.as_str());
            if !cid.is_some_and(|c| same_content_id(c, start)) {
                let position = http
                    .parts
                    .iter()
                    .position(|p| {
                        find_header(&p.headers, "Content-ID")
                            .is_some_and(|h| same_content_id(&h.value, start))
                    })
                    .map(|i| format!(", which is MIME part {}", i + 1))
                    .unwrap_or_default();
                let first_cid = cid.map_or("no Content-ID".to_string(), |c| {
                    format!("the Content-ID {c}")
                });
                emit.at(
                    header_loc(ct),
                    format!(
                        "the start parameter names the SOAP part {}{position}, but the first part has {first_cid}; the SOAP part must be the first MIME part",
                        shown(start)
                    ),
                );
            }
        }
        if first_is_soap
            && let (Some(t), Some(m)) = (param(&params, "type"), first_mime.as_deref())
            && !t.trim().eq_ignore_ascii_case(m)
        {
            emit.at(
                header_loc(ct),
                format!("the type parameter is {}, but the first (SOAP) part's media type is {m}; they must be equal", shown(t)),
            );
        }
    }
}
