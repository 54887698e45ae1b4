//! What the REST rules share: the capture's headers, identifier parsing and locations.

use crate::document::http::{Header, HttpMessage, StartLine};
use crate::engine::protocol::RuleContext;
use crate::report::model::Location;

/// The HTTP capture of the input (the REST rules check nothing else).
pub(super) fn http<'a>(ctx: &'a RuleContext<'_>) -> Option<&'a HttpMessage> {
    ctx.input.http
}

/// Every header of a name (case-insensitive), in order.
pub(super) fn all<'a>(h: &'a HttpMessage, name: &str) -> Vec<&'a Header> {
    h.headers
        .iter()
        .filter(|x| x.name.eq_ignore_ascii_case(name))
        .collect()
}

/// The location of a header line.
pub(super) fn loc(h: &Header) -> Location {
    Location {
        line: Some(h.line),
        column: Some(1),
        path: Some(format!("header {}", h.name)),
    }
}

/// The location of the start line.
pub(super) fn start_loc(h: &HttpMessage) -> Location {
    Location {
        line: Some(h.first_line),
        column: Some(1),
        path: None,
    }
}

/// The request target, for request captures with a request line.
pub(super) fn target(h: &HttpMessage) -> Option<&str> {
    match &h.start {
        StartLine::Request { target, .. } => Some(target),
        _ => None,
    }
}

/// The response status, for response captures.
pub(super) fn status(h: &HttpMessage) -> Option<u16> {
    match h.start {
        StartLine::Response { status } => Some(status),
        _ => None,
    }
}

/// Percent-decodes one identifier part (`None` for a broken escape or invalid UTF-8).
pub(super) fn decode(part: &str) -> Option<String> {
    let b = part.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `/`-separated parts of an identifier value, decoded (undecodable parts kept as written).
pub(super) fn parts(value: &str) -> Vec<String> {
    value
        .split('/')
        .map(|p| decode(p).unwrap_or_else(|| p.to_string()))
        .collect()
}

/// The first character not allowed in X-Road identifiers (PR-REST §4.8: `A-Z a-z 0-9 ' ( ) + ,
/// - . = ?`).
pub(super) fn bad_char(part: &str) -> Option<char> {
    part.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "'()+,-.=?".contains(*c)))
}

/// The body bytes of the capture.
pub(super) fn body<'a>(ctx: &'a RuleContext<'_>, h: &HttpMessage) -> &'a [u8] {
    ctx.input.raw.get(h.body.clone()).unwrap_or(&[])
}
