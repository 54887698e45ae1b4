use super::common::check_identifier;
use super::server_reading;
use crate::declare_rule;
use crate::engine::protocol::soap::XRoadId;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// `xrd:service` is an `XRoadServiceIdentifierType`: the schema checks its structure
    /// (`xRoadInstance`, `memberClass`, `memberCode`, optional `subsystemCode`, `serviceCode`,
    /// optional `serviceVersion`); this rule adds that `iden:objectType` is `SERVICE` and that
    /// no component is empty. Runtime variant, as the Security Server reads it: objectType
    /// SERVICE; `xRoadInstance`, `memberClass`, `memberCode`, `serviceCode` present and not
    /// blank; each component at most once, in any order (schema findings are information).
    /// ## Why it matters
    /// PR-MESS §2.1 and Annex A: the service identifier names the provider and the service
    /// code; the security server routes and authorises the call by it.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-service-objecttype-subsystem.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub ServiceIdentifierValid { id: "XRD-SOAP-009" }
}

impl Check for ServiceIdentifierValid {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(node) = soap.xroad("service") else {
            return;
        };
        if ctx.strict() {
            check_identifier(soap, &XRoadId::read(node), &["SERVICE"], emit);
        } else {
            server_reading::check_identifier(
                soap,
                node,
                &["SERVICE"],
                &server_reading::SERVICE_COMPONENTS,
                &["xRoadInstance", "memberClass", "memberCode", "serviceCode"],
                emit,
            );
        }
    }
}
