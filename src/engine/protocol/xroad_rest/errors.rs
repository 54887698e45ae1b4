use super::common::{all, body, http, loc, start_loc, status};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};
use serde_json::Value;

/// Error type prefixes: up to 7.7 CamelCase (`Server.ServerProxy.X`), from 7.8 lower case
/// (`server.serverproxy.x`).
fn known_type(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    l == "client"
        || l.starts_with("client.")
        || l.starts_with("server.clientproxy")
        || l.starts_with("server.serverproxy")
}

/// The error body as (type, message, detail) when it is a JSON object.
fn error_body(b: &[u8]) -> Option<serde_json::Map<String, Value>> {
    match serde_json::from_slice::<Value>(b).ok()? {
        Value::Object(o) => Some(o),
        _ => None,
    }
}

declare_rule! {
    /// ## What it checks
    /// An error that a Security Server originated (it carries `X-Road-Error`) has a
    /// `Content-Type` with a media type and a `charset` parameter.
    /// ## Why it matters
    /// Security-Server-originated messages MUST declare type and charset (PR-REST §4.4).
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/response-error-no-charset.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/response-error-conformant.http`
    pub ErrorContentType { id: "XRD-REST-015" }
}

impl Check for ErrorContentType {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        if status(h).is_none() || all(h, "X-Road-Error").is_empty() {
            return;
        }
        match all(h, "Content-Type").first() {
            None => emit.at(start_loc(h), "the error response has no Content-Type"),
            Some(c) if !c.value.to_ascii_lowercase().contains("charset=") => emit.at(
                loc(c),
                format!(
                    "Content-Type `{}` of the error response has no charset",
                    c.value
                ),
            ),
            Some(_) => {}
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// The status of a Security Server error matches its category: a `Server.*` /
    /// `server.*` type is 500, a `Client*` / `client.*` type is 400.
    /// ## Why it matters
    /// Clients decide whether to retry or to fix their request from the status code.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/response-error-wrong-status.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/response-error-conformant.http`
    pub ErrorStatus { id: "XRD-REST-029" }
}

impl Check for ErrorStatus {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        let (Some(st), Some(e)) = (status(h), all(h, "X-Road-Error").first().copied()) else {
            return;
        };
        let t = e.value.to_ascii_lowercase();
        let want = if t.starts_with("server") {
            500
        } else if t.starts_with("client") {
            400
        } else {
            return;
        };
        if st != want {
            emit.at(
                start_loc(h),
                format!(
                    "error type `{}` is answered with status {st}; expected {want}",
                    e.value
                ),
            );
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// A response whose body is an X-Road error (`{"type", "message", "detail"}` with an X-Road
    /// error type) carries the `X-Road-Error` header, and the header's value is a known error
    /// type (pre-7.8 `Server.ServerProxy.…` or 7.8 `server.serverproxy.…`).
    /// ## Why it matters
    /// The header is how a client tells an error of X-Road from an error of the provider.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/response-error-header-missing.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/response-error-conformant.http`
    pub ErrorHeader { id: "XRD-REST-030" }
}

impl Check for ErrorHeader {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        if status(h).is_none() {
            return;
        }
        match all(h, "X-Road-Error").first() {
            Some(e) if !known_type(e.value.trim()) => {
                emit.at(
                    loc(e),
                    format!("X-Road-Error `{}` is not an X-Road error type", e.value),
                );
            }
            Some(_) => {}
            None => {
                let looks = error_body(body(ctx, h)).is_some_and(|o| {
                    o.contains_key("message")
                        && o.get("type")
                            .and_then(Value::as_str)
                            .is_some_and(known_type)
                });
                if looks {
                    emit.at(
                        start_loc(h),
                        "the body is an X-Road error but the X-Road-Error header is missing",
                    );
                }
            }
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// A response with `X-Road-Error` has a JSON body (or an XML `<error>` one) with the
    /// string members `type`, `message` and `detail`, and `type` equals the header's value.
    /// ## Why it matters
    /// Clients parse this body to show and log the error; PR-REST §4.6 fixes its format.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/response-error-body-wrong.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/response-error-conformant.http`
    pub ErrorBody { id: "XRD-REST-031" }
}

impl Check for ErrorBody {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        let Some(e) = all(h, "X-Road-Error").first().copied() else {
            return;
        };
        let b = body(ctx, h);
        let text = String::from_utf8_lossy(b);
        if text.trim_start().starts_with('<') {
            let ok = ["<type>", "<message>", "<detail>"]
                .iter()
                .all(|t| text.contains(t));
            if !ok {
                emit.at(
                    start_loc(h),
                    "the XML error body lacks <type>, <message> or <detail>",
                );
            }
            return;
        }
        let Some(o) = error_body(b) else {
            emit.at(
                start_loc(h),
                "the error body is not a JSON object with type, message and detail",
            );
            return;
        };
        let missing: Vec<&str> = ["type", "message", "detail"]
            .into_iter()
            .filter(|k| !o.get(*k).is_some_and(Value::is_string))
            .collect();
        if !missing.is_empty() {
            emit.at(
                start_loc(h),
                format!(
                    "the error body lacks the string member(s) {}",
                    missing.join(", ")
                ),
            );
        } else if o.get("type").and_then(Value::as_str) != Some(e.value.trim()) {
            emit.at(
                loc(e),
                "the error body's type differs from the X-Road-Error header",
            );
        }
    }
}
