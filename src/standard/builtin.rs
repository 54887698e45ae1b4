//! Rules konform applies to every document, whatever the standard: the input must be
//! well-formed and safe to process. They are part of every compiled catalogue.

use super::manifest::{EngineKind, Level, RuleInput, RuleSpec, Severity};

fn rule(id: &str, title: &str, clause: &str) -> RuleSpec {
    RuleSpec {
        id: id.into(),
        level: Level::Must,
        severity: Severity::Error,
        title: title.into(),
        clause: clause.into(),
        engine: vec![EngineKind::Input],
        profiles: Vec::new(),
        variants: Vec::new(),
        input: RuleInput::Message,
        xsd_scope: None,
        description: None,
    }
}

fn endpoint(id: &str, title: &str, clause: &str) -> RuleSpec {
    RuleSpec {
        engine: vec![EngineKind::Endpoint],
        ..rule(id, title, clause)
    }
}

fn probe(id: &str, title: &str, description: &str) -> RuleSpec {
    RuleSpec {
        description: Some(description.into()),
        ..rule(
            id,
            title,
            "konform probe (property-based conformance of a vendor's command)",
        )
    }
}

/// The rule reported when a standard named with `--standard` has a fallback profile for a
/// document that none of its profiles matches, and nothing else makes the document fail.
pub const RULE_NO_PROFILE: &str = "KONFORM-PROFILE-001";

/// The built-in rules: input rules for every document, endpoint rules for every endpoint run,
/// probe rules for every probe run.
pub fn rules() -> Vec<RuleSpec> {
    vec![
        rule(
            "KONFORM-XML-001",
            "The document is well-formed XML",
            "XML 1.0 (Fifth Edition) §2.1",
        ),
        rule(
            "KONFORM-XML-002",
            "The document has no document type declaration (DTD, entity declarations)",
            "XML 1.0 §2.8; SOAP 1.1 §3 (a SOAP message MUST NOT contain a DTD)",
        ),
        rule(
            "KONFORM-XML-003",
            "The bytes are valid in the declared character encoding",
            "XML 1.0 §4.3.3",
        ),
        rule(
            RULE_NO_PROFILE,
            "The document is one of the kinds of message of the standard named with --standard",
            "konform: a named standard gives a verdict on every document (docs/standard-format.md, fallback profiles)",
        ),
        rule(
            "KONFORM-JSON-001",
            "The document is well-formed JSON",
            "RFC 8259 §2",
        ),
        rule(
            "KONFORM-JSON-002",
            "Member names within an object are unique",
            "RFC 7493 (I-JSON) §2.3",
        ),
        rule(
            "KONFORM-HTTP-001",
            "The HTTP/MIME capture is well-formed",
            "RFC 9112 §2-3; RFC 2046 §5.1.1",
        ),
        endpoint(
            "KONFORM-ENDPOINT-001",
            "The endpoint answers within the limits with valid HTTP (no timeout, reset, oversized or undecodable response)",
            "RFC 9112 §2-6; RFC 9110 §8.4 (content codings)",
        ),
        endpoint(
            "KONFORM-ENDPOINT-002",
            "A SOAP request that violates the service's schema is answered with a SOAP fault",
            "SOAP 1.1 §4.4, §6.2 (HTTP 500 with a Fault); PR-MESS §2.6",
        ),
        endpoint(
            "KONFORM-OAS-001",
            "A request is not answered with a server error (5xx)",
            "RFC 9110 §15.6; OpenAPI 3.1 §4.8.16 (Responses Object)",
        ),
        endpoint(
            "KONFORM-OAS-002",
            "The response status code is documented for the operation",
            "OpenAPI 3.0/3.1 Responses Object (status codes, ranges, default)",
        ),
        endpoint(
            "KONFORM-OAS-003",
            "The response Content-Type is documented for its status",
            "OpenAPI 3.0/3.1 Response Object `content`",
        ),
        endpoint(
            "KONFORM-OAS-004",
            "Documented response headers are present when required and match their schema",
            "OpenAPI 3.0/3.1 Response Object `headers`, Header Object",
        ),
        endpoint(
            "KONFORM-OAS-005",
            "The response body matches the documented schema",
            "OpenAPI 3.0/3.1 Media Type Object `schema`",
        ),
        endpoint(
            "KONFORM-OAS-006",
            "A request that violates the description (confirmed invalid) is rejected with a 4xx status",
            "RFC 9110 §15.5; OpenAPI 3.0/3.1 Parameter and Request Body Objects",
        ),
        endpoint(
            "KONFORM-OAS-007",
            "A request that conforms to the description is not rejected with a 4xx (other than 401, 403, 404, 409, 429)",
            "RFC 9110 §15.5.1; OpenAPI 3.0/3.1 Parameter and Request Body Objects",
        ),
        probe(
            "KONFORM-PROBE-001",
            "A consumer accepts every conformant message",
            "A generated message that konform judges conformant was rejected by the command \
             (non-zero exit status, or output not matching --accept). Conformant messages, \
             including those with optional elements present or absent and other values \
             within the schema's facets, must be accepted.",
        ),
        probe(
            "KONFORM-PROBE-002",
            "A consumer rejects a message that violates a rule of the standard",
            "A rule-targeted mutant (a conformant message with one edit: an element removed or \
             emptied, a wrong code value, whitespace padding) that konform judges as violating \
             exactly one rule was accepted by the command. The failure names the target rule.",
        ),
        probe(
            "KONFORM-PROBE-003",
            "The command does not crash on any message or input",
            "The command was ended by a signal (segmentation fault, abort, kill), whatever the \
             message. Rejecting a message is fine; crashing is not.",
        ),
        probe(
            "KONFORM-PROBE-004",
            "The command finishes within the time limit",
            "The command ran longer than --timeout; konform ended its whole process group.",
        ),
        probe(
            "KONFORM-PROBE-005",
            "A producer's output conforms to the standard",
            "The command's output for an input was judged non-conformant by konform; the \
             failure names the rules it violates and the input (shrunk when generated).",
        ),
        probe(
            "KONFORM-PROBE-006",
            "A producer succeeds on valid input",
            "The producer exited with a non-zero status (or produced no output) for an input \
             that satisfies its input schema.",
        ),
        RuleSpec {
            level: Level::Info,
            severity: Severity::Warning,
            ..rule(
                "KONFORM-WAIVER-001",
                "A waiver in konform.toml has expired and no longer applies",
                "konform.toml [[waivers]] expires",
            )
        },
    ]
}
