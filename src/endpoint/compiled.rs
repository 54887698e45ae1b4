//! Operations with every schema compiled once per run (parameters, body, responses), shared
//! read-only by the worker threads.

use super::openapi::{Operation, ParamIn};
use crate::generate::json::Checker;
use serde_json::Value;

/// A parameter or the body: one slot of a generated case.
pub struct Slot {
    /// Parameter name (`body` for the request body).
    pub name: String,
    /// Where it goes (`None`: the JSON body).
    pub location: Option<ParamIn>,
    /// Whether it must be sent.
    pub required: bool,
    /// Its schema.
    pub schema: Value,
    /// Its compiled schema.
    pub checker: Checker,
}

/// A response header with its compiled schema.
pub struct HeaderCheck {
    /// Name.
    pub name: String,
    /// Required.
    pub required: bool,
    /// Schema.
    pub schema: Value,
    /// Compiled.
    pub checker: Checker,
}

impl HeaderCheck {
    /// The schema (for coercing the header text).
    pub fn checker_schema(&self) -> &Value {
        &self.schema
    }
}

/// A documented media type with its compiled schema.
pub struct ContentCheck {
    /// Media type (lower case; may be a range like `application/*`).
    pub media: String,
    /// Compiled schema.
    pub checker: Checker,
}

/// A documented response.
pub struct ResponseCheck {
    /// `200`, `2XX`, `default`.
    pub key: String,
    /// Documented content.
    pub content: Vec<ContentCheck>,
    /// Documented headers.
    pub headers: Vec<HeaderCheck>,
}

impl ResponseCheck {
    /// The documented content for a media type (exact, then `type/*`, then `*/*`).
    pub fn content_for(&self, media: &str) -> Option<&ContentCheck> {
        let major = media.split('/').next().unwrap_or("");
        self.content
            .iter()
            .find(|c| c.media == media)
            .or_else(|| {
                self.content
                    .iter()
                    .find(|c| c.media == format!("{major}/*"))
            })
            .or_else(|| self.content.iter().find(|c| c.media == "*/*"))
    }
}

/// An operation ready to test.
pub struct CompiledOp {
    /// The operation as loaded.
    pub op: Operation,
    /// Parameters, then the body.
    pub slots: Vec<Slot>,
    /// Documented responses.
    pub responses: Vec<ResponseCheck>,
    /// SOAP details, for WSDL operations.
    pub soap: Option<super::soap::SoapOp>,
}

impl CompiledOp {
    /// Compiles every schema of an operation.
    pub fn new(op: Operation) -> CompiledOp {
        let mut slots: Vec<Slot> = op
            .params
            .iter()
            .map(|p| Slot {
                name: p.name.clone(),
                location: Some(p.location),
                required: p.required,
                checker: Checker::new(&p.schema),
                schema: p.schema.clone(),
            })
            .collect();
        if let Some((schema, required)) = &op.body {
            slots.push(Slot {
                name: "body".into(),
                location: None,
                required: *required,
                checker: Checker::new(schema),
                schema: schema.clone(),
            });
        }
        let responses = op
            .responses
            .iter()
            .map(|(key, r)| ResponseCheck {
                key: key.clone(),
                content: r
                    .content
                    .iter()
                    .map(|(m, s)| ContentCheck {
                        media: m.split(';').next().unwrap_or("").trim().to_string(),
                        checker: Checker::new(s),
                    })
                    .collect(),
                headers: r
                    .headers
                    .iter()
                    .filter(|(n, _, _)| !n.eq_ignore_ascii_case("content-type"))
                    .map(|(n, req, s)| HeaderCheck {
                        name: n.clone(),
                        required: *req,
                        checker: Checker::new(s),
                        schema: s.clone(),
                    })
                    .collect(),
            })
            .collect();
        CompiledOp {
            op,
            slots,
            responses,
            soap: None,
        }
    }

    /// The documented response for a status: exact code, then `NXX`, then `default`.
    pub fn response_for(&self, status: u16) -> Option<&ResponseCheck> {
        let code = status.to_string();
        let range = format!("{}XX", status / 100);
        self.responses
            .iter()
            .find(|r| r.key == code)
            .or_else(|| {
                self.responses
                    .iter()
                    .find(|r| r.key.eq_ignore_ascii_case(&range))
            })
            .or_else(|| self.responses.iter().find(|r| r.key == "default"))
    }
}
