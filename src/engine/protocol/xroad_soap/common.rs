//! Helpers shared by the `xroad-soap` rules: text, names, identifiers, HTTP parts, base64 and
//! digests. Nothing here panics on document data.

use crate::document::http::{Header, HttpMessage, Part, find_header, parameters};
use crate::engine::CheckInput;
use crate::engine::protocol::soap::{IDENT, REPR, SOAP11, SOAP12, SoapView, XROAD, XRoadId};
use crate::report::model::Location;
use roxmltree::Node;

/// Security token extension namespace (PR-SECTOKEN).
pub(super) const TOKEN: &str = "http://x-road.eu/xsd/security-token.xsd";

/// Removes XML whitespace (space, tab, CR, LF) at both ends.
pub(super) fn xml_trim(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
}

/// The text of an element as written: its text children concatenated (child elements,
/// comments and processing instructions are skipped).
pub(super) fn text(node: Node<'_, '_>) -> String {
    node.children()
        .filter(Node::is_text)
        .filter_map(|t| t.text())
        .collect()
}

/// The trimmed text of an element.
pub(super) fn trimmed(node: Node<'_, '_>) -> String {
    xml_trim(&text(node)).to_string()
}

/// The namespace of an element, `None` for no namespace (also when undeclared with `xmlns=""`).
pub(super) fn namespace<'d>(node: Node<'d, '_>) -> Option<&'d str> {
    node.tag_name().namespace().filter(|ns| !ns.is_empty())
}

/// A conventional prefix for the namespaces of the X-Road protocol (as the specification
/// writes them), used to name nodes in messages independently of the document's prefixes.
fn conventional_prefix(ns: &str) -> Option<&'static str> {
    match ns {
        XROAD => Some("xrd"),
        IDENT => Some("iden"),
        REPR => Some("repr"),
        TOKEN => Some("tok"),
        SOAP11 => Some("SOAP-ENV"),
        SOAP12 => Some("soap12"),
        _ => None,
    }
}

/// The name of an element for messages: `xrd:client`, `iden:memberCode` (the specification's
/// prefixes for the protocol namespaces), `faultcode` (no namespace), `prod:exampleService`
/// (the document's prefix for another namespace) or `{urn:other}name`.
pub(super) fn name(node: Node<'_, '_>) -> String {
    let local = node.tag_name().name();
    match namespace(node) {
        Some(ns) if conventional_prefix(ns).is_none() => match node.lookup_prefix(ns) {
            Some(p) if !p.is_empty() => format!("{p}:{local}"),
            _ => format!("{{{ns}}}{local}"),
        },
        ns => expanded(ns, local),
    }
}

/// The name of an (element or attribute) expanded name for messages.
pub(super) fn expanded(ns: Option<&str>, local: &str) -> String {
    match ns {
        None | Some("") => local.to_string(),
        Some(ns) => match conventional_prefix(ns) {
            Some(p) => format!("{p}:{local}"),
            None => format!("{{{ns}}}{local}"),
        },
    }
}

/// Shortens a value quoted in a message.
pub(super) fn shown(s: &str) -> String {
    const MAX: usize = 80;
    let mut out: String = s.chars().take(MAX).collect();
    if s.chars().count() > MAX {
        out.push('…');
    }
    format!("{out:?}")
}

/// The identifier components of the identifiers namespace, in document order.
pub(super) const ID_COMPONENTS: [&str; 8] = [
    "xRoadInstance",
    "memberClass",
    "memberCode",
    "subsystemCode",
    "groupCode",
    "serviceCode",
    "serviceVersion",
    "serverCode",
];

/// The element children of an identifier whose trimmed text is empty.
pub(super) fn empty_components<'d, 'a>(id: &XRoadId<'d, 'a>) -> Vec<Node<'d, 'a>> {
    id.parts
        .iter()
        .filter(|p| p.1.is_empty())
        .map(|p| p.2)
        .collect()
}

/// Reports the object type and empty components of an identifier header field. `allowed` are
/// the permitted object types.
pub(super) fn check_identifier(
    soap: &SoapView<'_, '_>,
    id: &XRoadId<'_, '_>,
    allowed: &[&str],
    emit: &mut crate::engine::protocol::Emit<'_>,
) {
    let field = name(id.node);
    let wanted = allowed.join(" or ");
    match id.object_type.as_deref() {
        None => {
            let hint = match id.node.attribute("objectType") {
                Some(v) => format!(
                    "; it has an unqualified objectType={} attribute, which must be in the namespace {IDENT} (iden:objectType)",
                    shown(v)
                ),
                None => String::new(),
            };
            emit.at(
                soap.loc(id.node),
                format!("{field} has no iden:objectType attribute (expected {wanted}){hint}"),
            );
        }
        Some(t) if !allowed.contains(&t) => {
            emit.at(
                soap.loc(id.node),
                format!(
                    "{field} has iden:objectType {}, expected {wanted}",
                    shown(t)
                ),
            );
        }
        Some(_) => {}
    }
    for c in empty_components(id) {
        emit.at(
            soap.loc(c),
            format!(
                "{field}/{} is empty: an identifier component must have a value",
                name(c)
            ),
        );
    }
}

/// Why a mandatory X-Road header field is missing, for a message: no Header at all, or no field
/// with that expanded name (with a hint when a field of that local name is in another
/// namespace). `purpose` says what the field is for.
pub(super) fn missing_field(soap: &SoapView<'_, '_>, local: &str, purpose: &str) -> String {
    let Some(_) = soap.header else {
        return format!(
            "the message has no SOAP 1.1 Header, so the mandatory header field xrd:{local} ({purpose}) is missing"
        );
    };
    let others: Vec<String> = soap
        .header_fields()
        .into_iter()
        .filter(|f| f.tag_name().name() == local && f.tag_name().namespace() != Some(XROAD))
        .map(|f| match namespace(f) {
            Some(ns) => format!("{local} in the namespace {ns}"),
            None => format!("{local} in no namespace"),
        })
        .collect();
    let hint = if others.is_empty() {
        String::new()
    } else {
        format!(
            " (found {}, but the field must be in the namespace {XROAD})",
            others.join(", ")
        )
    };
    format!("the SOAP Header has no xrd:{local} field ({purpose}){hint}")
}

// --- HTTP ------------------------------------------------------------------------------------

/// Location of a line of the capture.
pub(super) fn line_loc(line: u32) -> Location {
    Location {
        line: Some(line),
        column: Some(1),
        path: None,
    }
}

/// Location of a header's line.
pub(super) fn header_loc(h: &Header) -> Location {
    line_loc(h.line)
}

/// A Content-Type header, its lower-case media type and its parameters.
pub(super) type ContentType<'h> = (&'h Header, String, Vec<(String, String)>);

/// The Content-Type among `headers`: (header, lower-case media type, parameters).
pub(super) fn content_type(headers: &[Header]) -> Option<ContentType<'_>> {
    let h = find_header(headers, "Content-Type")?;
    let (mime, params) = parameters(&h.value);
    Some((h, mime, params))
}

/// A parameter's value by (lower-case) name.
pub(super) fn param<'p>(params: &'p [(String, String)], key: &str) -> Option<&'p str> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Whether the capture's body is a multipart one.
pub(super) fn is_multipart(http: &HttpMessage) -> bool {
    content_type(&http.headers).is_some_and(|(_, mime, _)| mime.starts_with("multipart/"))
}

/// The SOAP part of a multipart capture (the root part).
pub(super) fn soap_part(http: &HttpMessage) -> Option<&Part> {
    if !is_multipart(http) {
        return None;
    }
    http.root.and_then(|i| http.parts.get(i))
}

/// Where to report something about a part that lacks a header: its first header, else the
/// line of its body.
pub(super) fn part_loc(part: &Part) -> Location {
    line_loc(part.headers.first().map_or(part.body_line, |h| h.line))
}

/// Compares two Content-ID values, ignoring surrounding whitespace and angle brackets.
pub(super) fn same_content_id(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim()
            .to_string()
    };
    norm(a) == norm(b)
}

/// The bytes of the SOAP part: the whole input for bare XML, else the body or the root part.
pub(super) fn soap_bytes<'a>(input: &CheckInput<'a>) -> &'a [u8] {
    match input.http {
        Some(http) => input.raw.get(http.message_range().0).unwrap_or(&[]),
        None => input.raw,
    }
}

// --- base64 and digests ----------------------------------------------------------------------

/// Decodes standard base64 (RFC 4648 §4, padding required, no whitespace). `Err` says why not.
pub(in crate::engine::protocol) fn decode_base64(s: &str) -> Result<Vec<u8>, String> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let bytes = s.as_bytes();
    if let Some((i, c)) = s
        .chars()
        .enumerate()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '='))
    {
        return Err(format!(
            "character {c:?} at position {} is not in the base64 alphabet",
            i + 1
        ));
    }
    if !bytes.len().is_multiple_of(4) {
        return Err(format!("its length {} is not a multiple of 4", bytes.len()));
    }
    let pad = bytes.iter().rev().take_while(|&&b| b == b'=').count();
    if pad > 2 || bytes.iter().take(bytes.len() - pad).any(|&b| b == b'=') {
        return Err("`=` padding may only appear as the last one or two characters".into());
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        let mut n: usize = 0;
        for &c in chunk {
            if c == b'=' {
                break;
            }
            acc = (acc << 6) | value(c).unwrap_or(0);
            n += 1;
        }
        acc <<= 6 * (4 - n);
        let got = [(acc >> 16) as u8, (acc >> 8) as u8, acc as u8];
        out.extend(got.iter().take(n.saturating_sub(1)));
    }
    Ok(out)
}

/// Encodes bytes as standard padded base64.
pub(in crate::engine::protocol) fn encode_base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sym = |v: u32| char::from(ALPHABET.get((v & 63) as usize).copied().unwrap_or(b'='));
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let v = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sym(v >> 18));
        out.push(sym(v >> 12));
        out.push(if chunk.len() > 1 { sym(v >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(v) } else { '=' });
    }
    out
}

/// An XML-DSig digest algorithm URI that `requestHash/@algorithmId` may name.
pub(super) struct DigestAlgorithm {
    /// The URI.
    pub uri: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Digest length in bytes.
    pub len: usize,
}

/// The digest algorithms of XML-DSig / XML-Enc that X-Road accepts.
pub(super) const DIGESTS: [DigestAlgorithm; 10] = [
    DigestAlgorithm {
        uri: "http://www.w3.org/2000/09/xmldsig#sha1",
        name: "SHA-1",
        len: 20,
    },
    DigestAlgorithm {
        uri: "http://www.w3.org/2001/04/xmldsig-more#sha224",
        name: "SHA-224",
        len: 28,
    },
    DigestAlgorithm {
        uri: "http://www.w3.org/2001/04/xmlenc#sha256",
        name: "SHA-256",
        len: 32,
    },
    DigestAlgorithm {
        uri: "http://www.w3.org/2001/04/xmldsig-more#sha384",
        name: "SHA-384",
        len: 48,
    },
    DigestAlgorithm {
        uri: "http://www.w3.org/2001/04/xmlenc#sha512",
        name: "SHA-512",
        len: 64,
    },
    DigestAlgorithm {
        uri: "http://www.w3.org/2001/04/xmlenc#ripemd160",
        name: "RIPEMD-160",
        len: 20,
    },
    DigestAlgorithm {
        uri: "http://www.w3.org/2007/05/xmldsig-more#sha3-224",
        name: "SHA3-224",
        len: 28,
    },
    DigestAlgorithm {
        uri: "http://www.w3.org/2007/05/xmldsig-more#sha3-256",
        name: "SHA3-256",
        len: 32,
    },
    DigestAlgorithm {
        uri: "http://www.w3.org/2007/05/xmldsig-more#sha3-384",
        name: "SHA3-384",
        len: 48,
    },
    DigestAlgorithm {
        uri: "http://www.w3.org/2007/05/xmldsig-more#sha3-512",
        name: "SHA3-512",
        len: 64,
    },
];

/// The algorithm a URI names (exact match, after trimming).
pub(super) fn digest_algorithm(uri: &str) -> Option<&'static DigestAlgorithm> {
    DIGESTS.iter().find(|d| d.uri == xml_trim(uri))
}

/// Computes a digest, for the algorithms konform implements (SHA-2); `None` for the others.
pub(super) fn digest(alg: &DigestAlgorithm, data: &[u8]) -> Option<Vec<u8>> {
    use sha2::Digest;
    match alg.name {
        "SHA-224" => Some(sha2::Sha224::digest(data).to_vec()),
        "SHA-256" => Some(sha2::Sha256::digest(data).to_vec()),
        "SHA-384" => Some(sha2::Sha384::digest(data).to_vec()),
        "SHA-512" => Some(sha2::Sha512::digest(data).to_vec()),
        _ => None,
    }
}

/// The base64 text of a `requestHash`: its text with all whitespace removed.
pub(super) fn hash_text(node: Node<'_, '_>) -> String {
    text(node).chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_and_rejects() {
        assert_eq!(decode_base64("SGVsbG8=").ok(), Some(b"Hello".to_vec()));
        assert_eq!(decode_base64("SGVsbG8h").ok(), Some(b"Hello!".to_vec()));
        assert_eq!(decode_base64("SGk=").ok(), Some(b"Hi".to_vec()));
        assert_eq!(decode_base64("").ok(), Some(Vec::new()));
        assert!(decode_base64("not*base64!").is_err());
        assert!(decode_base64("SGVsbG8").is_err());
        assert!(decode_base64("S=VsbG8=").is_err());
        assert!(decode_base64("SG===").is_err());
        assert!(decode_base64("é").is_err());
        for v in [&b""[..], b"H", b"Hi", b"Hel", b"Hell", b"Hello"] {
            assert_eq!(decode_base64(&encode_base64(v)).ok().as_deref(), Some(v));
        }
        assert_eq!(encode_base64(b"Hello"), "SGVsbG8=");
    }

    #[test]
    fn sha512_is_computed() {
        let alg = digest_algorithm("http://www.w3.org/2001/04/xmlenc#sha512");
        assert_eq!(alg.map(|a| a.len), Some(64));
        let d = alg.and_then(|a| digest(a, b"abc")).unwrap_or_default();
        assert_eq!(hex::encode(&d[..4]), "ddaf35a1");
        assert!(digest_algorithm("SHA-512").is_none());
    }
}
