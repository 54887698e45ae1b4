//! How the X-Road Security Server 7.8 reads a SOAP header, for the `runtime` variant: which
//! parser handles a message (the proxy's SAX parser for every message, and additionally the
//! JAXB parser for metaservice and operational monitoring requests), which header fields it
//! reads, and how it reads an identifier. The rules of the `runtime` variant use these; the
//! `strict` variant checks the text, which covers all of them (see docs/xroad-runtime.md).

use super::common::{name, shown, text};
use crate::engine::protocol::soap::{IDENT, REPR, SoapView, XROAD};
use crate::engine::protocol::{Emit, RuleContext};
use roxmltree::Node;

/// Service codes whose requests the Security Server parses a second time with the JAXB parser
/// (`SoapParserImpl`): the metaservices (`MetadataServiceHandlerImpl.canHandle`) and the
/// operational monitoring queries (`QueryRequestProcessor`).
const JAXB_SERVICE_CODES: [&str; 5] = [
    "listMethods",
    "allowedMethods",
    "getWsdl",
    "getSecurityServerOperationalData",
    "getSecurityServerHealthData",
];

/// The header fields the proxy's SAX parser reads, by expanded name
/// (`SaxSoapParserImpl.SoapHeaderHandler.getChildElementHandler`); every other field is skipped.
pub(super) const SAX_FIELDS: [(&str, &str); 9] = [
    (XROAD, "id"),
    (XROAD, "userId"),
    (XROAD, "issue"),
    (XROAD, "protocolVersion"),
    (XROAD, "client"),
    (XROAD, "service"),
    (REPR, "representedParty"),
    (XROAD, "securityServer"),
    (XROAD, "requestHash"),
];

/// The components of a client identifier, in the order the server reads them.
pub(super) const CLIENT_COMPONENTS: [&str; 4] = [
    "xRoadInstance",
    "memberClass",
    "memberCode",
    "subsystemCode",
];

/// The components of a service identifier, in the order the server reads them.
pub(super) const SERVICE_COMPONENTS: [&str; 6] = [
    "xRoadInstance",
    "memberClass",
    "memberCode",
    "subsystemCode",
    "serviceCode",
    "serviceVersion",
];

/// The `serviceCode` of the message's `xrd:service`, as written (the parser does not trim).
pub(super) fn service_code_as_written(soap: &SoapView<'_, '_>) -> Option<String> {
    let service = soap.xroad("service")?;
    let code = service.children().find(|c| {
        c.tag_name().namespace() == Some(IDENT) && c.tag_name().name() == "serviceCode"
    })?;
    Some(super::common::text(code))
}

/// Whether the Security Server also parses this message with its JAXB parser: a request to a
/// metaservice or an operational monitoring query.
pub(super) fn on_jaxb_path(ctx: &RuleContext<'_>, soap: &SoapView<'_, '_>) -> bool {
    ctx.input.profile == "request"
        && service_code_as_written(soap).is_some_and(|c| JAXB_SERVICE_CODES.contains(&c.as_str()))
}

/// Java's `StringUtils.isBlank`: empty or only whitespace.
pub(super) fn blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// Reads an identifier header field the way the Security Server does
/// (`SaxSoapParserImpl.XRoadIdentifierHeaderHandler` and the `*.Conf.create` factories):
/// `iden:objectType` present and one of `allowed`; children in the identifiers namespace with
/// a local name in `components` are read in any order, each at most once; those in `mandatory`
/// must be present and a present one must not be blank; anything else is skipped.
pub(super) fn check_identifier(
    soap: &SoapView<'_, '_>,
    node: Node<'_, '_>,
    allowed: &[&str],
    components: &[&str],
    mandatory: &[&str],
    emit: &mut Emit<'_>,
) {
    let field = name(node);
    match node.attribute((IDENT, "objectType")) {
        None => emit.at(
            soap.loc(node),
            format!(
                "{field} has no iden:objectType attribute; the Security Server rejects it ('Missing objectType attribute')"
            ),
        ),
        Some(t) if !allowed.contains(&t) => emit.at(
            soap.loc(node),
            format!(
                "{field} has iden:objectType {}; the Security Server accepts only {} here",
                shown(t),
                allowed.join(" or ")
            ),
        ),
        Some(_) => {}
    }
    let mut seen: Vec<&str> = Vec::new();
    for c in node.children().filter(|c| {
        c.is_element()
            && c.tag_name().namespace() == Some(IDENT)
            && components.contains(&c.tag_name().name())
    }) {
        let local = c.tag_name().name();
        if seen.contains(&local) {
            emit.at(
                soap.loc(c),
                format!("{field}/iden:{local} occurs more than once; the Security Server rejects a repeated identifier component"),
            );
            continue;
        }
        seen.push(local);
        if blank(&text(c)) {
            emit.at(
                soap.loc(c),
                format!("{field}/iden:{local} is blank; the Security Server rejects it ('must not be blank')"),
            );
        }
    }
    let missing: Vec<&str> = mandatory
        .iter()
        .copied()
        .filter(|m| !seen.contains(m))
        .collect();
    if !missing.is_empty() {
        emit.at(
            soap.loc(node),
            format!(
                "{field} has no iden:{}; the Security Server rejects an identifier without it",
                missing.join(", iden:")
            ),
        );
    }
}
