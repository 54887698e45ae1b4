use super::common::check_identifier;
use super::server_reading;
use crate::declare_rule;
use crate::engine::protocol::soap::XRoadId;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// When present, `xrd:securityServer` is an `XRoadSecurityServerIdentifierType`: the schema
    /// checks its structure (`xRoadInstance`, `memberClass`, `memberCode`, `serverCode`); this
    /// rule adds that `iden:objectType` is `SERVER` and that no component is empty. Runtime
    /// variant, as the Security Server reads it: objectType SERVER; the four components
    /// present, not blank, each at most once, in any order (schema findings are information).
    /// ## Why it matters
    /// PR-TARGETSS §2.2: the field targets one security server of a clustered provider; a
    /// malformed identifier cannot be resolved and the message is rejected.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-securityserver-objecttype-member.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-member-client-target-server.xml`
    pub SecurityServerIdentifierValid { id: "XRD-SOAPX-002" }
}

impl Check for SecurityServerIdentifierValid {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(node) = soap.xroad("securityServer") else {
            return;
        };
        if ctx.strict() {
            check_identifier(soap, &XRoadId::read(node), &["SERVER"], emit);
        } else {
            let parts = ["xRoadInstance", "memberClass", "memberCode", "serverCode"];
            server_reading::check_identifier(soap, node, &["SERVER"], &parts, &parts, emit);
        }
    }
}
