use super::common::{DIGESTS, decode_base64, digest_algorithm, hash_text, shown};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// When `xrd:requestHash` is present: its `algorithmId` attribute is present and is one of
    /// the XML-DSig digest URIs (`http://www.w3.org/2000/09/xmldsig#sha1`,
    /// `http://www.w3.org/2001/04/xmldsig-more#sha224`, `http://www.w3.org/2001/04/xmlenc#sha256`,
    /// `http://www.w3.org/2001/04/xmldsig-more#sha384`, `http://www.w3.org/2001/04/xmlenc#sha512`,
    /// `http://www.w3.org/2001/04/xmlenc#ripemd160`,
    /// `http://www.w3.org/2007/05/xmldsig-more#sha3-224` … `#sha3-512`), and its text, with all
    /// whitespace removed, is valid base64 that decodes to as many bytes as that digest has.
    /// ## Why it matters
    /// PR-MESS Table 1: `algorithmId` is mandatory with `requestHash` and names the digest
    /// algorithm; without a known algorithm or with a malformed value the client cannot verify
    /// which request the response answers.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/response-requesthash-unknown-algorithm.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/response-with-requesthash.xml`
    pub RequestHashWellFormed { id: "XRD-SOAP-014" }
}

impl Check for RequestHashWellFormed {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(node) = soap.xroad("requestHash") else {
            return;
        };
        let alg = match node.attribute("algorithmId") {
            None => {
                emit.at(
                    soap.loc(node),
                    "xrd:requestHash has no algorithmId attribute; it must name the digest algorithm, e.g. http://www.w3.org/2001/04/xmlenc#sha512",
                );
                None
            }
            Some(uri) => {
                let alg = digest_algorithm(uri);
                if alg.is_none() {
                    let known: Vec<&str> = DIGESTS.iter().map(|d| d.uri).collect();
                    emit.at(
                        soap.loc(node),
                        format!(
                            "xrd:requestHash/@algorithmId {} is not an XML-DSig digest algorithm URI; expected one of {}",
                            shown(uri),
                            known.join(", ")
                        ),
                    );
                }
                alg
            }
        };
        let text = hash_text(node);
        if text.is_empty() {
            emit.at(
                soap.loc(node),
                "xrd:requestHash is empty; it must hold the base64-encoded digest of the request",
            );
            return;
        }
        match decode_base64(&text) {
            Err(why) => emit.at(
                soap.loc(node),
                format!(
                    "xrd:requestHash value {} is not valid base64: {why}",
                    shown(&text)
                ),
            ),
            Ok(bytes) => {
                if let Some(alg) = alg
                    && bytes.len() != alg.len
                {
                    emit.at(
                        soap.loc(node),
                        format!(
                            "xrd:requestHash decodes to {} bytes, but a {} digest has {} bytes",
                            bytes.len(),
                            alg.name,
                            alg.len
                        ),
                    );
                }
            }
        }
    }
}
