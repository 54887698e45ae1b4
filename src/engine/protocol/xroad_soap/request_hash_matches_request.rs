use super::common::{decode_base64, digest, digest_algorithm, encode_base64, hash_text};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// Given the request (`konform validate --request REQ RESP`), when the response carries an
    /// `xrd:requestHash` whose `@algorithmId` konform can compute (SHA-224, SHA-256, SHA-384,
    /// SHA-512) and whose text is valid base64, the decoded value equals the digest of the
    /// request bytes: the whole request file for a bare `.xml` request, the HTTP body of a
    /// single-part capture, the SOAP part's content for a multipart capture. Other algorithms
    /// (SHA-1, RIPEMD-160, SHA3) are not checked; a response without the field is not checked
    /// (see XRD-SOAP-012).
    /// ## Why it matters
    /// PR-MESS §2.2: the provider's security server puts the digest of the request it received
    /// into the response, so the client can prove which request the response answers. A wrong
    /// value breaks that link (and the client security server's check).
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/response-requesthash-mismatch.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/response-with-requesthash.xml`
    pub RequestHashMatchesRequest { id: "XRD-SOAP-013" }
}

impl Check for RequestHashMatchesRequest {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let (Some(soap), Some(request)) = (&ctx.soap, ctx.input.request) else {
            return;
        };
        let Some(node) = soap.xroad("requestHash") else {
            return;
        };
        let Some(alg) = node.attribute("algorithmId").and_then(digest_algorithm) else {
            return;
        };
        let Ok(value) = decode_base64(&hash_text(node)) else {
            return;
        };
        let Some(expected) = digest(alg, request.message_bytes) else {
            return;
        };
        if value != expected {
            emit.at(
                soap.loc(node),
                format!(
                    "xrd:requestHash is not the {} digest of the paired request {} ({} bytes): expected {}, found {}",
                    alg.name,
                    request.name,
                    request.message_bytes.len(),
                    encode_base64(&expected),
                    encode_base64(&value)
                ),
            );
        }
    }
}
