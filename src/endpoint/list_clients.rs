//! `listClients` (PR-META §2) on the Security Server of a SOAP run: `GET /listClients` on the
//! origin of `--url`, once with `Accept: application/json` (the answer must be the JSON of
//! Annex B, XRD-META-001) and once without (the `text/xml` clientList, XRD-META-002). Each
//! answer is checked with the standard's `client-list*` profiles.

use super::checks::Violation;
use super::client::{Request, Response};
use crate::document::Document;
use crate::pipeline::Session;

/// Operation name of the JSON call.
pub const JSON: &str = "listClients-json";
/// Operation name of the XML call.
pub const XML: &str = "listClients";

/// The two requests, with the run's extra headers.
pub fn requests(extra: &[(String, String)]) -> Vec<(String, Request)> {
    [(JSON, true), (XML, false)]
        .into_iter()
        .map(|(name, json)| {
            let mut headers = extra.to_vec();
            if json {
                headers.push(("Accept".into(), "application/json".into()));
            }
            let req = Request {
                method: "GET".into(),
                target: "/listClients".into(),
                headers,
                body: String::new(),
            };
            (name.to_string(), req)
        })
        .collect()
}

/// Checks the answer to the call `name`: the profile it is recognised as must be the one asked
/// for, and that profile's rules must hold.
pub fn check(session: &mut Session<'_>, name: &str, resp: &Response) -> Vec<Violation> {
    let (rule, want, asked) = if name == JSON {
        (
            "XRD-META-001",
            "client-list-json",
            "JSON (Accept: application/json)",
        )
    } else {
        (
            "XRD-META-002",
            "client-list",
            "the XML clientList (no JSON Accept)",
        )
    };
    let doc = Document::from_bytes("listClients.http", resp.capture());
    let result = session.validate(&doc, None);
    if resp.status != 200 || result.profile.as_deref() != Some(want) {
        return vec![Violation {
            rule: rule.into(),
            message: format!(
                "listClients asked for {asked} answered status {} with {}",
                resp.status,
                resp.header("Content-Type")
                    .map_or("no Content-Type".to_string(), |c| format!(
                        "Content-Type {c}"
                    ))
            ),
        }];
    }
    super::xroad::violations(&result)
}
