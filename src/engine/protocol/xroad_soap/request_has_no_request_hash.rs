use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// A request does not carry `xrd:requestHash`.
    /// ## Why it matters
    /// PR-MESS §2.2: `requestHash` is set by the provider's security server in the response; a
    /// client SHOULD NOT send it, as it has no meaning in a request.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-with-requesthash.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub RequestHasNoRequestHash { id: "XRD-SOAP-011" }
}

impl Check for RequestHasNoRequestHash {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        if let Some(node) = soap.xroad("requestHash") {
            emit.at(
                soap.loc(node),
                "the request carries xrd:requestHash; only the provider's security server sets it, in the response, so a client should not send it",
            );
        }
    }
}
