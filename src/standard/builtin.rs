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

/// The built-in input rules.
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
