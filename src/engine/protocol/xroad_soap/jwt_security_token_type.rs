use super::common::{TOKEN, shown, trimmed};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// When a request carries `tok:securityToken` (namespace
    /// `http://x-road.eu/xsd/security-token.xsd`) whose trimmed text is a JWT in compact
    /// serialisation (3 or 5 base64url segments joined by `.`), its `tokenType` attribute is
    /// `urn:ietf:params:oauth:token-type:jwt`.
    /// ## Why it matters
    /// PR-SECTOKEN §2.3: the token type tells the provider how to validate the token; the
    /// Security Server does not enforce it, but a provider may reject an untyped token.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-securitytoken-jwt-without-tokentype.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-with-extensions.xml`
    pub JwtSecurityTokenType { id: "XRD-SOAPX-003" }
}

const JWT_TYPE: &str = "urn:ietf:params:oauth:token-type:jwt";

/// Whether a token is a JWS (3 segments) or JWE (5 segments) compact serialisation.
pub(super) fn is_jwt(token: &str) -> bool {
    let segments: Vec<&str> = token.split('.').collect();
    (segments.len() == 3 || segments.len() == 5)
        && segments.first().is_some_and(|h| !h.is_empty())
        && segments.iter().all(|s| {
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

impl Check for JwtSecurityTokenType {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(token) = soap.header_field(TOKEN, "securityToken") else {
            return;
        };
        if !is_jwt(&trimmed(token)) {
            return;
        }
        match token.attribute("tokenType") {
            None => emit.at(soap.loc(token), format!("the securityToken holds a JWT but has no tokenType attribute; set tokenType=\"{JWT_TYPE}\"")),
            Some(t) if t.trim() != JWT_TYPE => emit.at(
                soap.loc(token),
                format!("the securityToken holds a JWT but its tokenType is {}; expected \"{JWT_TYPE}\"", shown(t)),
            ),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn jwts() {
        assert!(super::is_jwt(
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJFRTEyMzQ1Njc4OTAxIn0.c2lnbmF0dXJlLW5vdC1jaGVja2Vk"
        ));
        assert!(super::is_jwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));
        assert!(!super::is_jwt("T-7731-XQ"));
        assert!(!super::is_jwt("a.b"));
        assert!(!super::is_jwt("a.b c.d"));
    }
}
