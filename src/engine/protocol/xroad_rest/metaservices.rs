//! REST metaservices (PR-MREST): the service lists of `listMethods` / `allowedMethods`, the
//! description `getOpenAPI` returns, and the `getOpenAPI` request.

use super::common::{http, start_loc, target};
use crate::declare_rule;
use crate::engine::Body;
use crate::engine::protocol::{Check, Emit, RuleContext};
use serde_json::Value;

const METASERVICES: [&str; 3] = ["listMethods", "allowedMethods", "getOpenAPI"];

fn json<'a>(ctx: &'a RuleContext<'_>) -> Option<&'a crate::document::json::JsonDoc> {
    match ctx.input.body {
        Body::Json(j) => Some(j),
        Body::Xml(_) => None,
    }
}

declare_rule! {
    /// ## What it checks
    /// A `getOpenAPI` request (`/r1/{provider}/getOpenAPI`) names the service in the query:
    /// `?serviceCode=...`.
    /// ## Why it matters
    /// Without it the Security Server answers `invalid_request`: it cannot tell which
    /// service's description is wanted.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/request-getopenapi-no-service-code.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/request-getopenapi.http`
    pub GetOpenApiNamesService { id: "XRD-META-013" }
}

impl Check for GetOpenApiNamesService {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        let Some(t) = target(h) else { return };
        let (path, query) = t.split_once('?').unwrap_or((t, ""));
        if !path.ends_with("/getOpenAPI") {
            return;
        }
        let named = query.split('&').any(|q| {
            q.strip_prefix("serviceCode=")
                .is_some_and(|v| !v.is_empty())
        });
        if !named {
            emit.at(
                start_loc(h),
                "the getOpenAPI request has no serviceCode query parameter",
            );
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// A service list (a JSON response with a top-level `service` array, as `listMethods` and
    /// `allowedMethods` return) does not list the metaservices themselves (`listMethods`,
    /// `allowedMethods`, `getOpenAPI`).
    /// ## Why it matters
    /// PR-MREST: the list contains the provider's services and SHALL NOT contain metaservices.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/response-list-methods-with-metaservices.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/response-list-methods.http`
    pub ListWithoutMetaservices { id: "XRD-META-012" }
}

impl Check for ListWithoutMetaservices {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(j) = json(ctx) else { return };
        let Some(list) = j.value.get("service").and_then(Value::as_array) else {
            return;
        };
        for (i, s) in list.iter().enumerate() {
            let code = s
                .get("service_code")
                .or_else(|| s.get("serviceCode"))
                .and_then(Value::as_str)
                .unwrap_or("");
            if METASERVICES.contains(&code) {
                emit.at(
                    j.location(&format!("/service/{i}")),
                    format!("the service list contains the metaservice {code}"),
                );
            }
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// Each entry of a service list has the members the Security Server returns, in
    /// snake_case: `xroad_instance`, `member_class`, `member_code`, `service_code` (strings),
    /// `object_type` = `SERVICE`, `service_type` = `REST` or `OPENAPI`, and `endpoint_list`
    /// (an array of `{method, path}`) when present. The camelCase form of PR-MREST Annex A
    /// (`xRoadInstance`, …) is what the implementation does not produce.
    /// ## Why it matters
    /// Clients parse this list (Annex B examples, `RestMetadataServiceHandlerImpl`).
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/response-list-methods-camel-case.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/response-list-methods.http`
    pub ServiceListShape { id: "XRD-META-016" }
}

impl Check for ServiceListShape {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(j) = json(ctx) else { return };
        let Some(list) = j.value.get("service").and_then(Value::as_array) else {
            return;
        };
        for (i, s) in list.iter().enumerate() {
            let at = || j.location(&format!("/service/{i}"));
            let missing: Vec<&str> = [
                "xroad_instance",
                "member_class",
                "member_code",
                "service_code",
            ]
            .into_iter()
            .filter(|k| !s.get(*k).is_some_and(Value::is_string))
            .collect();
            if !missing.is_empty() {
                emit.at(
                    at(),
                    format!("service entry {i} lacks {}", missing.join(", ")),
                );
                continue;
            }
            if s.get("object_type").and_then(Value::as_str) != Some("SERVICE") {
                emit.at(
                    at(),
                    format!("service entry {i}: object_type is not SERVICE"),
                );
            }
            if !matches!(
                s.get("service_type").and_then(Value::as_str),
                Some("REST" | "OPENAPI")
            ) {
                emit.at(
                    at(),
                    format!("service entry {i}: service_type is not REST or OPENAPI"),
                );
            }
            if let Some(e) = s.get("endpoint_list") {
                let ok = e.as_array().is_some_and(|a| {
                    a.iter().all(|x| {
                        x.get("method").is_some_and(Value::is_string)
                            && x.get("path").is_some_and(Value::is_string)
                    })
                });
                if !ok {
                    emit.at(
                        at(),
                        format!(
                            "service entry {i}: endpoint_list is not a list of {{method, path}}"
                        ),
                    );
                }
            }
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// A service description returned by `getOpenAPI` (a JSON response with a top-level
    /// `openapi` member) is an OpenAPI document: it has `info` and `paths` objects.
    /// ## Why it matters
    /// PR-MREST: the body is the OpenAPI description of the service; clients generate code and
    /// requests from it.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/response-openapi-no-paths.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/response-openapi.http`
    pub OpenApiDescription { id: "XRD-META-014" }
}

impl Check for OpenApiDescription {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(j) = json(ctx) else { return };
        if j.value.get("openapi").is_none() {
            return;
        }
        for k in ["info", "paths"] {
            if !j.value.get(k).is_some_and(Value::is_object) {
                emit.at(
                    j.location(""),
                    format!("the OpenAPI description has no `{k}` object"),
                );
            }
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// The `openapi` version of a returned description is 3.0.x or 3.1.0, the versions the
    /// Security Server accepts when a service is registered (`OpenApiParser`).
    /// ## Why it matters
    /// Other versions (Swagger 2.0, future 3.x) are refused at registration, so a provider
    /// returning one serves a description X-Road does not support.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/response-openapi-version-2.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/response-openapi.http`
    pub OpenApiVersion { id: "XRD-META-015" }
}

impl Check for OpenApiVersion {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(j) = json(ctx) else { return };
        let Some(v) = j.value.get("openapi") else {
            return;
        };
        let text = v.as_str().unwrap_or("");
        let ok = text.starts_with("3.0.") || text == "3.1.0";
        if !ok {
            emit.at(
                j.location("/openapi"),
                format!("OpenAPI version {v} is neither 3.0.x nor 3.1.0"),
            );
        }
    }
}
