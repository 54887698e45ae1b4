//! XRD-SOAP-010 as the Security Server decides it: `SoapUtils.checkConsistency` compares, by
//! value, the header fields of `SoapHeader` marked `@CheckConsistency` (client, service,
//! userId, representedParty, issue, id) in request and response. Order, prefixes, other fields
//! and anything the parser does not read do not matter; text is compared as written.

use super::common::{expanded, shown, text};
use super::server_reading::{CLIENT_COMPONENTS, SERVICE_COMPONENTS};
use crate::engine::protocol::Emit;
use crate::engine::protocol::soap::{IDENT, REPR, SoapView, XROAD};
use roxmltree::Node;

/// The compared fields: (namespace, local name, components read from the field; empty for a
/// field whose value is its own text).
const COMPARED: [(&str, &str, &[&str]); 6] = [
    (XROAD, "client", &CLIENT_COMPONENTS),
    (XROAD, "service", &SERVICE_COMPONENTS),
    (XROAD, "userId", &[]),
    (REPR, "representedParty", &["partyClass", "partyCode"]),
    (XROAD, "issue", &[]),
    (XROAD, "id", &[]),
];

/// The value the server builds from a field: its text, or its components (first occurrence of
/// each, in the component namespace) as written.
fn value(field: Node<'_, '_>, ns: &str, components: &[&str]) -> Vec<Option<String>> {
    if components.is_empty() {
        return vec![Some(text(field))];
    }
    let part_ns = if ns == REPR { REPR } else { IDENT };
    components
        .iter()
        .map(|c| {
            field
                .children()
                .find(|n| n.tag_name().namespace() == Some(part_ns) && n.tag_name().name() == *c)
                .map(text)
        })
        .collect()
}

fn show(v: &[Option<String>]) -> String {
    v.iter()
        .map(|p| p.as_deref().map_or("-".to_string(), shown))
        .collect::<Vec<_>>()
        .join("/")
}

/// Reports every compared field whose value differs between request and response (a field
/// present in one and absent in the other differs).
pub(super) fn check_values(resp: &SoapView<'_, '_>, req: &SoapView<'_, '_>, emit: &mut Emit<'_>) {
    for (ns, local, components) in COMPARED {
        let a = req
            .header_field(ns, local)
            .map(|f| value(f, ns, components));
        let b_node = resp.header_field(ns, local);
        let b = b_node.map(|f| value(f, ns, components));
        if a == b {
            continue;
        }
        let field = expanded(Some(ns), local);
        let what = match (&a, &b) {
            (Some(_), None) => format!("the request has {field} and the response does not"),
            (None, Some(_)) => format!("the response has {field} and the request does not"),
            (Some(x), Some(y)) => format!(
                "{field} is {} in the request and {} in the response",
                show(x),
                show(y)
            ),
            (None, None) => continue,
        };
        emit.at(
            b_node.map_or_else(|| resp.header_loc(), |n| resp.loc(n)),
            format!(
                "{what}; the client's Security Server compares the values of client, service, userId, representedParty, issue and id (inconsistent_headers)"
            ),
        );
    }
}
