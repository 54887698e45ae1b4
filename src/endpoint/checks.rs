//! OpenAPI-driven checks of one exchange (KONFORM-OAS-001..007) and the transport rule
//! (KONFORM-ENDPOINT-001). Each check is a function of the operation, the kind of case and the
//! response; the rule metadata lives in `standard::builtin`.

use super::client::Response;
use super::compiled::CompiledOp;
use serde_json::Value;

/// A check that can be switched on or off with `--checks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CheckKind {
    /// KONFORM-OAS-001.
    NotAServerError,
    /// KONFORM-OAS-002.
    StatusCodeConformance,
    /// KONFORM-OAS-003.
    ContentTypeConformance,
    /// KONFORM-OAS-004.
    ResponseHeadersConformance,
    /// KONFORM-OAS-005.
    ResponseSchemaConformance,
    /// KONFORM-OAS-006.
    NegativeDataRejection,
    /// KONFORM-OAS-007.
    PositiveDataAcceptance,
    /// The standard's protocol rules (XRD-REST-*, XRD-SOAP-*).
    Protocol,
}

impl CheckKind {
    /// Every check, in documentation order.
    pub const ALL: [CheckKind; 8] = [
        CheckKind::NotAServerError,
        CheckKind::StatusCodeConformance,
        CheckKind::ContentTypeConformance,
        CheckKind::ResponseHeadersConformance,
        CheckKind::ResponseSchemaConformance,
        CheckKind::NegativeDataRejection,
        CheckKind::PositiveDataAcceptance,
        CheckKind::Protocol,
    ];

    /// Name on the command line (Schemathesis' names where they exist).
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::NotAServerError => "not_a_server_error",
            CheckKind::StatusCodeConformance => "status_code_conformance",
            CheckKind::ContentTypeConformance => "content_type_conformance",
            CheckKind::ResponseHeadersConformance => "response_headers_conformance",
            CheckKind::ResponseSchemaConformance => "response_schema_conformance",
            CheckKind::NegativeDataRejection => "negative_data_rejection",
            CheckKind::PositiveDataAcceptance => "positive_data_acceptance",
            CheckKind::Protocol => "protocol",
        }
    }

    /// Parses a `--checks` list (`all` or comma-separated names).
    pub fn parse_list(list: &str) -> Result<Vec<CheckKind>, String> {
        let mut out = Vec::new();
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if name == "all" {
                out.extend(CheckKind::ALL);
                continue;
            }
            let k = CheckKind::ALL
                .into_iter()
                .find(|k| k.name() == name)
                .ok_or_else(|| {
                    let names: Vec<&str> = CheckKind::ALL.iter().map(|k| k.name()).collect();
                    format!("unknown check `{name}` (checks: all, {})", names.join(", "))
                })?;
            out.push(k);
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// Rule ids of the checks.
pub const NOT_A_SERVER_ERROR: &str = "KONFORM-OAS-001";
/// Status documented.
pub const STATUS_DOCUMENTED: &str = "KONFORM-OAS-002";
/// Content type documented.
pub const CONTENT_TYPE_DOCUMENTED: &str = "KONFORM-OAS-003";
/// Response headers conform.
pub const HEADERS_CONFORM: &str = "KONFORM-OAS-004";
/// Body conforms.
pub const BODY_CONFORMS: &str = "KONFORM-OAS-005";
/// Invalid input rejected.
pub const NEGATIVE_REJECTED: &str = "KONFORM-OAS-006";
/// Valid input accepted.
pub const POSITIVE_ACCEPTED: &str = "KONFORM-OAS-007";
/// Transport failure.
pub const TRANSPORT: &str = "KONFORM-ENDPOINT-001";

/// What kind of request a case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseKind {
    /// Valid under the description: must be accepted.
    Positive,
    /// Deliberately invalid (confirmed): must be rejected with a 4xx.
    Negative,
    /// A fixed request (protocol checks only).
    Fixed,
}

/// One failed check on one exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Rule id.
    pub rule: String,
    /// What is wrong.
    pub message: String,
}

fn v(rule: &str, message: String) -> Violation {
    Violation {
        rule: rule.to_string(),
        message,
    }
}

/// Runs the enabled OpenAPI checks on one response.
pub fn check(
    enabled: &[CheckKind],
    op: &CompiledOp,
    kind: CaseKind,
    why_invalid: Option<&str>,
    resp: &Response,
) -> Vec<Violation> {
    let on = |k: CheckKind| enabled.contains(&k);
    let mut out = Vec::new();
    let s = resp.status;
    if on(CheckKind::NotAServerError) && s >= 500 {
        out.push(v(NOT_A_SERVER_ERROR, format!("the server answered {s}")));
    }
    match kind {
        CaseKind::Negative if on(CheckKind::NegativeDataRejection) && !(400..500).contains(&s) => {
            out.push(v(
                NEGATIVE_REJECTED,
                format!(
                    "an invalid request ({}) was answered {s}, not 4xx",
                    why_invalid.unwrap_or("violates the schema")
                ),
            ));
        }
        // 401/403 (credentials), 404 (a valid id of no existing resource), 409 (state) and
        // 429 (rate) can answer valid data legitimately; any other 4xx rejects it.
        CaseKind::Positive
            if on(CheckKind::PositiveDataAcceptance)
                && (400..500).contains(&s)
                && !matches!(s, 401 | 403 | 404 | 409 | 429) =>
        {
            out.push(v(
                POSITIVE_ACCEPTED,
                format!("a request valid under the description was rejected with {s}"),
            ));
        }
        _ => {}
    }
    let Some(spec) = op.response_for(s) else {
        if on(CheckKind::StatusCodeConformance) && !op.responses.is_empty() {
            let documented: Vec<&str> = op.responses.iter().map(|r| r.key.as_str()).collect();
            out.push(v(
                STATUS_DOCUMENTED,
                format!(
                    "status {s} is not documented (documented: {})",
                    documented.join(", ")
                ),
            ));
        }
        return out;
    };
    if on(CheckKind::ResponseHeadersConformance) {
        for h in &spec.headers {
            match resp.header(&h.name) {
                None if h.required => {
                    out.push(v(
                        HEADERS_CONFORM,
                        format!("required header {} is missing", h.name),
                    ));
                }
                Some(value) => {
                    let coerced = super::wire::coerce(value, h.checker_schema());
                    if let Some(e) = h.checker.first_error(&coerced) {
                        out.push(v(HEADERS_CONFORM, format!("header {}: {e}", h.name)));
                    }
                }
                None => {}
            }
        }
    }
    let media = resp.header("content-type").map(|c| {
        c.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    if spec.content.is_empty() || (resp.body.is_empty() && media.is_none()) {
        return out;
    }
    let Some(media) = media else {
        if on(CheckKind::ContentTypeConformance) {
            out.push(v(
                CONTENT_TYPE_DOCUMENTED,
                "the response has a body but no Content-Type".into(),
            ));
        }
        return out;
    };
    let Some(content) = spec.content_for(&media) else {
        if on(CheckKind::ContentTypeConformance) {
            let documented: Vec<&str> = spec.content.iter().map(|c| c.media.as_str()).collect();
            out.push(v(
                CONTENT_TYPE_DOCUMENTED,
                format!(
                    "Content-Type {media} is not documented for {s} (documented: {})",
                    documented.join(", ")
                ),
            ));
        }
        return out;
    };
    if on(CheckKind::ResponseSchemaConformance) && super::openapi::is_json(&media) {
        match serde_json::from_slice::<Value>(&resp.body) {
            Err(e) => out.push(v(
                BODY_CONFORMS,
                format!("the {media} body is not JSON: {e}"),
            )),
            Ok(body) => {
                if let Some(e) = content.checker.first_error(&body) {
                    out.push(v(
                        BODY_CONFORMS,
                        format!("the body violates the schema: {e}"),
                    ));
                }
            }
        }
    }
    out
}
