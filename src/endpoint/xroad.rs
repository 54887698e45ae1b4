//! X-Road REST on an endpoint: the synthetic operation every X-Road run tests (the service URL
//! with the X-Road request headers as generated parameters), and the protocol check of each
//! response with the package's own rules (`xroad-rest` through the validation pipeline, on the
//! response as an HTTP capture), so `konform validate` and `konform endpoint` agree.

use super::checks::{CaseKind, Violation};
use super::client::Response;
use super::openapi::{Operation, Param, ParamIn};
use crate::document::Document;
use crate::pipeline::Session;
use serde_json::json;

/// Name of the synthetic operation.
pub const OPERATION: &str = "x-road request";

/// The X-Road request headers as parameters of a `GET` on the service URL itself.
pub fn operation(client: &str) -> Operation {
    let ident = "^[A-Za-z0-9'()+,\\-.=?]{1,12}$";
    let param = |name: &str, required: bool, schema| Param {
        name: name.into(),
        location: ParamIn::Header,
        required,
        schema,
    };
    Operation {
        method: "GET".into(),
        path: String::new(),
        id: OPERATION.into(),
        params: vec![
            param(
                "X-Road-Client",
                true,
                json!({"type": "string", "enum": [client]}),
            ),
            param(
                "X-Road-Id",
                false,
                json!({"type": "string", "format": "uuid"}),
            ),
            param(
                "X-Road-UserId",
                false,
                json!({"type": "string", "pattern": "^[A-Z]{2}[0-9]{5,11}$"}),
            ),
            param(
                "X-Road-Issue",
                false,
                json!({"type": "string", "pattern": ident}),
            ),
        ],
        body: None,
        responses: Vec::new(),
    }
}

/// Runs the package's rules on a response. A negative case of the synthetic operation (a
/// missing or wrong `X-Road-Client`) must be refused by the Security Server itself: with
/// `X-Road-Error` (XRD-REST-030).
pub fn check(
    session: &mut Session<'_>,
    resp: &Response,
    synthetic_negative: bool,
) -> Vec<Violation> {
    let doc = Document::from_bytes("response.http", resp.capture());
    let result = session.validate(&doc, None);
    let mut out = violations(&result);
    if let Some(e) = result.error {
        out.push(Violation {
            rule: super::checks::TRANSPORT.into(),
            message: format!("the response could not be checked: {}", e.message),
        });
    }
    if synthetic_negative && resp.header("X-Road-Error").is_none() {
        out.push(Violation {
            rule: "XRD-REST-030".into(),
            message: format!(
                "a request with a missing or malformed X-Road-Client was answered {} without X-Road-Error (a Security Server refuses it itself)",
                resp.status
            ),
        });
    }
    out
}

/// The findings of a pipeline result (warnings and errors) as violations.
pub fn violations(result: &crate::report::model::DocumentResult) -> Vec<Violation> {
    result
        .findings
        .iter()
        .filter(|f| f.severity >= crate::standard::Severity::Warning)
        .map(|f| Violation {
            rule: f.rule.clone(),
            message: f.message.clone(),
        })
        .collect()
}

/// Sends one fixed request (a metaservice call) and turns what `check` finds, or the transport
/// error, into failures of the operation `name`.
pub fn fixed_call(
    cfg: &super::Config,
    name: &str,
    req: &super::client::Request,
    check: impl FnOnce(&Response) -> Vec<Violation>,
) -> Vec<super::Failure> {
    let found: Vec<(String, String, Option<u16>)> =
        match super::client::send(&cfg.origin, req, &cfg.limits) {
            Ok(resp) => check(&resp)
                .into_iter()
                .map(|v| (v.rule, v.message, Some(resp.status)))
                .collect(),
            Err(e) => vec![(super::checks::TRANSPORT.into(), e.to_string(), None)],
        };
    found
        .into_iter()
        .map(|(rule, message, status)| super::Failure {
            rule,
            operation: name.to_string(),
            message,
            request: req.clone(),
            status,
            kind: CaseKind::Fixed,
            invalid_because: None,
            shrink_steps: 0,
            occurrences: 1,
        })
        .collect()
}

/// Whether a case is a negative one of the synthetic operation.
pub fn synthetic_negative(op_id: &str, kind: CaseKind) -> bool {
    op_id == OPERATION && kind == CaseKind::Negative
}

/// The REST metaservices of the provider the service URL names (`listMethods`,
/// `allowedMethods`, `getOpenAPI?serviceCode=`), as (operation id, request).
pub fn metaservice_requests(cfg: &super::Config) -> Vec<(String, super::client::Request)> {
    let base = &cfg.origin.base_path;
    let Some((provider, service)) = base.rsplit_once('/') else {
        return Vec::new();
    };
    if !base.starts_with("/r1/") || base.split('/').count() < 7 || service.is_empty() {
        return Vec::new();
    }
    let mut headers = cfg.headers.clone();
    headers.push(("Accept".into(), "application/json".into()));
    [
        ("listMethods", String::new()),
        ("allowedMethods", String::new()),
        ("getOpenAPI", format!("?serviceCode={service}")),
    ]
    .into_iter()
    .map(|(name, query)| {
        let req = super::client::Request {
            method: "GET".into(),
            target: format!("{provider}/{name}{query}"),
            headers: headers.clone(),
            body: String::new(),
        };
        (name.to_string(), req)
    })
    .collect()
}

/// Calls the metaservices and checks each answer with the package (profiles `service-list`,
/// `openapi-description`, detected from the body). `session` must come from a validator
/// without a forced profile.
pub fn metaservices(cfg: &super::Config, session: &mut Session<'_>) -> Vec<super::Failure> {
    metaservice_requests(cfg)
        .into_iter()
        .flat_map(|(name, req)| fixed_call(cfg, &name, &req, |resp| check(session, resp, false)))
        .collect()
}
