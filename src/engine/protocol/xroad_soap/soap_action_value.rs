use super::common::{header_loc, shown};
use crate::declare_rule;
use crate::document::http::find_header;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The `SOAPAction` header of an HTTP request capture is absent, empty (after trimming), or
    /// a URI reference (possibly empty) enclosed in double quotes, as SOAP 1.1 §6.1.1 defines.
    /// ## Why it matters
    /// The client security server validates the header and rejects other values
    /// (`invalid_soap_action`, `MessageProcessorBase`).
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/http-request-soapaction-unquoted.http`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/http-request-soapaction-quoted-uri.http`
    pub SoapActionValue { id: "XRD-SOAP-029" }
}

/// Why a string is not an RFC 3986 URI reference, if it is not.
pub(super) fn uri_reference_problem(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let ok = bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                return Some("`%` is not followed by two hexadecimal digits".into());
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b)) {
            let c = s.get(i..).and_then(|r| r.chars().next()).unwrap_or('?');
            return Some(format!(
                "the character {c:?} is not allowed in a URI (it must be percent-encoded)"
            ));
        }
        i += 1;
    }
    if s.matches('#').count() > 1 {
        return Some("it has more than one `#`".into());
    }
    // A colon before the first `/`, `?` or `#` ends a scheme, which must be well-formed.
    let head_end = s.find(['/', '?', '#']).unwrap_or(s.len());
    if let Some(colon) = s.get(..head_end).and_then(|h| h.find(':')) {
        let scheme = s.get(..colon).unwrap_or("");
        let mut chars = scheme.chars();
        let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !ok {
            return Some(format!("{} before `:` is not a URI scheme", shown(scheme)));
        }
    }
    None
}

impl Check for SoapActionValue {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(http) = ctx.input.http else { return };
        let Some(h) = find_header(&http.headers, "SOAPAction") else {
            return;
        };
        let value = h.value.trim();
        if value.is_empty() {
            return;
        }
        match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            None => emit.at(
                header_loc(h),
                format!(
                    "SOAPAction {} is not enclosed in double quotes; it must be empty, \"\" or a quoted URI reference such as \"http://producer.x-road.eu/exampleService\"",
                    shown(value)
                ),
            ),
            Some(uri) => {
                if let Some(why) = uri_reference_problem(uri) {
                    emit.at(header_loc(h), format!("SOAPAction {} does not hold a URI reference: {why}", shown(value)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::uri_reference_problem;

    #[test]
    fn uri_references() {
        for ok in [
            "",
            "http://producer.x-road.eu/exampleService",
            "urn:x:y",
            "#op",
            "a/b?c=d",
            "%41",
        ] {
            assert_eq!(uri_reference_problem(ok), None, "{ok}");
        }
        for bad in ["a b", "%4", "1a:b", "x#y#z", "é"] {
            assert!(uri_reference_problem(bad).is_some(), "{bad}");
        }
    }
}
