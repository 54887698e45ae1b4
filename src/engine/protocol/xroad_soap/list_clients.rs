//! `listClients` (PR-META §2): the Security Server's list of the instance's members and
//! subsystems, as JSON (Annex B) when asked with `Accept: application/json`, else as the
//! `clientList` element of the xroad namespace in a `text/xml` response. The checks run on a
//! captured response; which of the two was asked for is the caller's side (`konform endpoint`
//! sends both and expects the matching profile).

use super::common::{content_type, header_loc, line_loc};
use crate::declare_rule;
use crate::document::http::HttpMessage;
use crate::engine::Body;
use crate::engine::protocol::{Check, Emit, RuleContext};
use serde_json::Value;

const XROAD: &str = "http://x-road.eu/xsd/xroad.xsd";
const IDENTIFIERS: &str = "http://x-road.eu/xsd/identifiers";
const OBJECT_TYPES: [&str; 6] = [
    "MEMBER",
    "SUBSYSTEM",
    "SERVER",
    "GLOBALGROUP",
    "LOCALGROUP",
    "SERVICE",
];

/// Reports a Content-Type other than `want` (media type only, parameters ignored).
fn media_type(http: &HttpMessage, want: &str, emit: &mut Emit<'_>) {
    match content_type(&http.headers) {
        None => emit.at(
            line_loc(http.first_line),
            format!("the listClients response has no Content-Type; it must be {want}"),
        ),
        Some((h, mime, _)) if mime != want => emit.at(
            header_loc(h),
            format!("the listClients response has Content-Type {mime}; it must be {want}"),
        ),
        Some(_) => {}
    }
}

declare_rule! {
    /// ## What it checks
    /// A JSON `listClients` response (an object with a `member` array) has Content-Type
    /// `application/json` and the shape of PR-META Annex B: `member` is an array of objects
    /// whose optional `name` and `subsystem_name` are strings and whose `id` is an object with
    /// string `xroad_instance`, `member_class`, `member_code`, `subsystem_code` and an
    /// `object_type` among MEMBER, SUBSYSTEM, SERVER, GLOBALGROUP, LOCALGROUP, SERVICE.
    /// ## Why it matters
    /// PR-META §2: asked with `Accept: application/json`, the Security Server must produce an
    /// `application/json` response as defined in Annex B; clients parse it by those names.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/http-list-clients-json-camel-case.http`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/http-list-clients-json.http`
    pub ListClientsJson { id: "XRD-META-001" }
}

impl Check for ListClientsJson {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let (Some(http), Body::Json(j)) = (ctx.input.http, ctx.input.body) else {
            return;
        };
        media_type(http, "application/json", emit);
        let Some(members) = j.value.get("member").and_then(Value::as_array) else {
            emit.at(j.location(""), "`member` is not an array of clients");
            return;
        };
        for (i, m) in members.iter().enumerate() {
            let at = format!("/member/{i}");
            let Some(m) = m.as_object() else {
                emit.at(j.location(&at), format!("{at} is not an object"));
                continue;
            };
            for k in ["name", "subsystem_name"] {
                if m.get(k).is_some_and(|v| !v.is_string()) {
                    emit.at(
                        j.location(&format!("{at}/{k}")),
                        format!("{at}/{k} is not a string"),
                    );
                }
            }
            let Some(id) = m.get("id").and_then(Value::as_object) else {
                emit.at(j.location(&at), format!("{at} has no `id` object"));
                continue;
            };
            for k in [
                "xroad_instance",
                "member_class",
                "member_code",
                "subsystem_code",
            ] {
                if id.get(k).is_some_and(|v| !v.is_string()) {
                    emit.at(
                        j.location(&format!("{at}/id/{k}")),
                        format!("{at}/id/{k} is not a string"),
                    );
                }
            }
            match id.get("object_type") {
                Some(Value::String(t)) if OBJECT_TYPES.contains(&t.as_str()) => {}
                Some(v) => emit.at(
                    j.location(&format!("{at}/id/object_type")),
                    format!(
                        "{at}/id/object_type {v} is not one of {}",
                        OBJECT_TYPES.join(", ")
                    ),
                ),
                None => {}
            }
            if let Some(k) = id
                .keys()
                .find(|k| k.chars().any(|c| c.is_ascii_uppercase()))
            {
                emit.at(
                    j.location(&format!("{at}/id")),
                    format!("{at}/id has `{k}`: Annex B names the identifier fields in snake_case (xroad_instance, member_class, member_code, subsystem_code, object_type)"),
                );
            }
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// An XML `listClients` response (root `clientList` of the xroad namespace, which is how
    /// the profile recognises it) has Content-Type `text/xml`, and every child is an xroad
    /// `member` with an `id` that carries an `iden:objectType`.
    /// ## Why it matters
    /// PR-META §2: unless JSON is asked for, the Security Server MUST respond with content-type
    /// `text/xml` and the `clientList` element of Annex A.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/http-list-clients-xml-as-json.http`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/http-list-clients-xml.http`
    pub ListClientsXml { id: "XRD-META-002" }
}

impl Check for ListClientsXml {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let (Some(http), Body::Xml(doc)) = (ctx.input.http, ctx.input.body) else {
            return;
        };
        media_type(http, "text/xml", emit);
        // The profile matched the root by its expanded name: clientList of the xroad namespace.
        let root = doc.tree.root_element();
        for m in root.children().filter(|n| n.is_element()) {
            let is_member =
                m.tag_name().namespace() == Some(XROAD) && m.tag_name().name() == "member";
            let id = m.children().find(|n| {
                n.is_element()
                    && n.tag_name().namespace() == Some(XROAD)
                    && n.tag_name().name() == "id"
            });
            if !is_member {
                emit.at(
                    doc.location(m),
                    format!(
                        "clientList holds `{}`, not xroad member elements",
                        m.tag_name().name()
                    ),
                );
            } else if id.is_none_or(|id| id.attribute((IDENTIFIERS, "objectType")).is_none()) {
                emit.at(
                    doc.location(m),
                    "a member without an id carrying iden:objectType",
                );
            }
        }
    }
}
