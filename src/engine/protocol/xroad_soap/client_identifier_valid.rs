use super::common::check_identifier;
use super::server_reading;
use crate::declare_rule;
use crate::engine::protocol::soap::{IDENT, XRoadId};
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// `xrd:client` is an `XRoadClientIdentifierType`: the schema checks its structure
    /// (`xRoadInstance`, `memberClass`, `memberCode`, optional `subsystemCode`, in that order);
    /// this rule adds that `iden:objectType` is `MEMBER` or `SUBSYSTEM`, that it is `SUBSYSTEM`
    /// exactly when a `subsystemCode` is present, and that no component is empty.
    ///
    /// Runtime variant, as the Security Server 7.8 reads it: the proxy's SAX parser
    /// (every message) requires `iden:objectType` MEMBER or SUBSYSTEM and non-blank
    /// `xRoadInstance`, `memberClass`, `memberCode`, each at most once, in any order, and builds
    /// a subsystem id from a `subsystemCode` whatever `objectType` says; the JAXB parser, which
    /// also reads requests to `listMethods`, `allowedMethods`, `getWsdl` and the operational
    /// monitoring queries, rejects MEMBER with a `subsystemCode` ("Redundant subsystem code")
    /// and SUBSYSTEM without one. Schema findings are information there (no schema is
    /// validated).
    /// ## Why it matters
    /// PR-MESS §2.1 and Annex A: the client is a member or one of its subsystems. An
    /// inconsistent object type makes the security server resolve a different client than the
    /// one named, so access rights and signatures do not match.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-client-member-with-subsystemcode.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub ClientIdentifierValid { id: "XRD-SOAP-003" }
}

impl Check for ClientIdentifierValid {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(node) = soap.xroad("client") else {
            return;
        };
        let id = XRoadId::read(node);
        if ctx.strict() {
            check_identifier(soap, &id, &["MEMBER", "SUBSYSTEM"], emit);
        } else {
            server_reading::check_identifier(
                soap,
                node,
                &["MEMBER", "SUBSYSTEM"],
                &server_reading::CLIENT_COMPONENTS,
                &["xRoadInstance", "memberClass", "memberCode"],
                emit,
            );
            if !server_reading::on_jaxb_path(ctx, soap) {
                return;
            }
        }
        let subsystem = node.children().find(|c| {
            c.tag_name().namespace() == Some(IDENT) && c.tag_name().name() == "subsystemCode"
        });
        match (id.object_type.as_deref(), subsystem) {
            (Some("MEMBER"), Some(s)) => emit.at(
                soap.loc(s),
                format!(
                    "xrd:client has iden:objectType MEMBER but a subsystemCode ({}): a member client has no subsystemCode; use objectType SUBSYSTEM or remove it{}",
                    id.display(),
                    jaxb_note(ctx)
                ),
            ),
            (Some("SUBSYSTEM"), None) => emit.at(
                soap.loc(node),
                format!(
                    "xrd:client has iden:objectType SUBSYSTEM but no iden:subsystemCode ({}): add the subsystemCode or use objectType MEMBER{}",
                    id.display(),
                    jaxb_note(ctx)
                ),
            ),
            _ => {}
        }
    }
}

/// Why the runtime variant raises the object type mismatch (only on the JAXB path).
fn jaxb_note(ctx: &RuleContext<'_>) -> &'static str {
    if ctx.strict() {
        ""
    } else {
        " (the Security Server's JAXB parser, which reads metaservice and monitoring requests, rejects it: IdentifierTypeConverter.parseClientId)"
    }
}
