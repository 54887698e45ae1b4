use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// Warns when a response carries `xrd:requestHash`. A response alone does not say whether
    /// it is the service's answer to its security server (which SHOULD NOT carry the field) or
    /// the security server's answer to the client (which carries it, XRD-SOAP-013), so this is
    /// a warning on every response with the field.
    /// ## Why it matters
    /// PR-MESS §2.2: the provider's security server computes and adds `requestHash`; a service
    /// should not set it itself.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/response-with-requesthash.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/response-conformant.xml`
    pub ResponseHasNoRequestHash { id: "XRD-SOAP-012" }
}

impl Check for ResponseHasNoRequestHash {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        if let Some(node) = soap.xroad("requestHash") {
            emit.at(
                soap.loc(node),
                "the response carries xrd:requestHash: correct in the response the security server delivers to the client, but a service should not set it in its response to its security server",
            );
        }
    }
}
