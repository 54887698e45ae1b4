//! SVRL (Schematron Validation Report Language, ISO/IEC 19757-3 Annex D), for tools that read
//! Schematron output.
//!
//! Mapping: one `<svrl:schematron-output>` per document (`title` = the standard); for each
//! Schematron finding, in report order, an `<svrl:active-pattern>` when the pattern (or the
//! Schematron file) changes, an `<svrl:fired-rule>` when the rule context or node changes, then
//! the `<svrl:failed-assert>` or `<svrl:successful-report>` with its test, location, flag, role,
//! see, diagnostics and text. Only rules that produced a finding appear: the report model keeps
//! findings, not every rule that fired without one. Evaluation errors and documents that could
//! not be evaluated become `<svrl:text>` lines at the top. Findings of other engines (XSD, JSON
//! Schema, protocol rules) are not Schematron results and are left out; the JSON report has
//! them. Several documents are wrapped in one `<konform:svrl-set>` element.

use super::model::{CheckKind, DocumentResult, Report};
use super::{WriteCfg, xml_attr, xml_text};
use crate::standard::EngineKind;
use std::fmt::Write as _;
use std::io::Write;

/// SVRL's namespace.
pub const SVRL_NS: &str = "http://purl.oclc.org/dsdl/svrl";

/// Namespace of the wrapper around several documents' SVRL.
pub const SET_NS: &str = "urn:konform:svrl-set";

/// Writes the report as SVRL.
pub fn write(r: &Report, _cfg: &WriteCfg, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let several = r.results.len() != 1;
    if several {
        let _ = writeln!(
            out,
            "<konform:svrl-set xmlns:konform=\"{SET_NS}\" documents=\"{}\">",
            r.results.len()
        );
    }
    for d in &r.results {
        document(&mut out, d, several);
    }
    if several {
        out.push_str("</konform:svrl-set>\n");
    }
    w.write_all(out.as_bytes())
}

/// Appends one document's `svrl:schematron-output` (no XML declaration).
pub(crate) fn document(out: &mut String, d: &DocumentResult, several: bool) {
    let _ = write!(out, "<svrl:schematron-output xmlns:svrl=\"{SVRL_NS}\"");
    if let Some(s) = &d.standard {
        let _ = write!(out, " title=\"{}\"", xml_attr(s));
    }
    if several {
        let _ = write!(out, " konform:document=\"{}\"", xml_attr(&d.document.name));
    }
    out.push_str(">\n");
    if let Some(e) = &d.error {
        let _ = writeln!(
            out,
            "  <svrl:text>could not evaluate {}: {}{}</svrl:text>",
            xml_text(&d.document.name),
            xml_text(&e.message),
            d.acceptance
                .map(|a| format!(" ({})", a.as_participle()))
                .unwrap_or_default()
        );
    }
    let schematron = || {
        d.findings
            .iter()
            .filter(|f| f.engine == EngineKind::Schematron)
    };
    for f in schematron().filter(|f| f.schematron.is_none()) {
        let _ = writeln!(
            out,
            "  <svrl:text>{} at {}: {}</svrl:text>",
            xml_text(&f.rule),
            xml_text(f.location.path.as_deref().unwrap_or("/")),
            xml_text(&f.message)
        );
    }
    let mut pattern: Option<(Option<&str>, Option<&str>)> = None;
    let mut rule: Option<(&str, Option<&str>)> = None;
    for f in schematron() {
        let Some(c) = &f.schematron else { continue };
        let location = f.location.path.as_deref();
        let this_pattern = (f.artefact.as_deref(), c.pattern.as_deref());
        if pattern != Some(this_pattern) {
            out.push_str("  <svrl:active-pattern");
            attr(out, "id", c.pattern.as_deref());
            attr(out, "document", Some(&d.document.name));
            attr(out, "name", f.artefact.as_deref());
            out.push_str("/>\n");
            pattern = Some(this_pattern);
            rule = None;
        }
        if rule != Some((c.context.as_str(), location)) {
            out.push_str("  <svrl:fired-rule");
            attr(out, "context", Some(&c.context));
            out.push_str("/>\n");
            rule = Some((c.context.as_str(), location));
        }
        let element = match c.kind {
            CheckKind::Assert => "failed-assert",
            CheckKind::Report => "successful-report",
        };
        let _ = write!(out, "  <svrl:{element}");
        attr(out, "id", Some(&f.rule));
        attr(out, "test", Some(&c.test));
        attr(out, "location", Some(location.unwrap_or("/")));
        attr(out, "flag", c.flag.as_deref());
        attr(out, "role", c.role.as_deref());
        attr(out, "see", c.see.as_deref());
        out.push_str(">\n");
        for (id, text) in &c.diagnostics {
            let _ = writeln!(
                out,
                "    <svrl:diagnostic-reference diagnostic=\"{}\">{}</svrl:diagnostic-reference>",
                xml_attr(id),
                xml_text(text)
            );
        }
        let text = match c.diagnostics.iter().find(|(_, t)| !t.is_empty()) {
            // The finding's message is the assert text followed by its diagnostics.
            Some(_) => f.message.split(" — ").next().unwrap_or(&f.message),
            None => &f.message,
        };
        let _ = writeln!(out, "    <svrl:text>{}</svrl:text>", xml_text(text));
        let _ = writeln!(out, "  </svrl:{element}>");
    }
    out.push_str("</svrl:schematron-output>\n");
}

fn attr(out: &mut String, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        let _ = write!(out, " {name}=\"{}\"", xml_attr(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::*;
    use crate::standard::{EngineKind, Level, Severity};

    fn finding(rule: &str, kind: CheckKind, context: &str, path: &str) -> Finding {
        Finding {
            rule: rule.into(),
            level: Level::Must,
            severity: Severity::Error,
            message: "amount < 0 — seen -1".into(),
            location: Location {
                line: Some(2),
                column: Some(3),
                path: Some(path.into()),
            },
            clause: "BR-1".into(),
            engine: EngineKind::Schematron,
            artefact: Some("rules.sch".into()),
            standard_severity: None,
            override_reason: None,
            waiver: None,
            schematron: Some(SchematronCheck {
                kind,
                test: "@amount >= 0 and 1 < 2".into(),
                context: context.into(),
                pattern: Some("p1".into()),
                flag: Some("fatal".into()),
                role: None,
                see: None,
                diagnostics: vec![("d1".into(), "seen -1".into())],
            }),
        }
    }

    fn report(findings: Vec<Vec<Finding>>) -> Report {
        let results: Vec<DocumentResult> = findings
            .into_iter()
            .enumerate()
            .map(|(i, findings)| DocumentResult {
                document: DocumentInfo {
                    name: format!("doc{i}.xml"),
                    sha256: None,
                    size: 1,
                    format: "xml".into(),
                },
                standard: Some("std@1.0.0".into()),
                profile: None,
                variant: None,
                request: None,
                verdict: Verdict::NonConformant,
                error: None,
                acceptance: None,
                general_standards: Vec::new(),
                rules_checked: vec![],
                findings,
                duration_ms: 0.0,
            })
            .collect();
        Report::fixture(results)
    }

    fn render(r: &Report) -> String {
        let mut out = Vec::new();
        write(r, &WriteCfg::default(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn asserts_and_reports_with_their_pattern_rule_and_diagnostics() {
        let r = report(vec![vec![
            finding("A-1", CheckKind::Assert, "x:item", "/x:r[1]/x:item[1]"),
            finding("A-2", CheckKind::Report, "x:item", "/x:r[1]/x:item[1]"),
            finding("A-1", CheckKind::Assert, "x:item", "/x:r[1]/x:item[2]"),
        ]]);
        let out = render(&r);
        let doc = roxmltree::Document::parse(&out).expect("well-formed");
        let root = doc.root_element();
        assert_eq!(root.tag_name().namespace(), Some(SVRL_NS));
        assert_eq!(root.tag_name().name(), "schematron-output");
        let names: Vec<&str> = root
            .children()
            .filter(|n| n.is_element())
            .map(|n| n.tag_name().name())
            .collect();
        assert_eq!(
            names,
            [
                "active-pattern",
                "fired-rule",
                "failed-assert",
                "successful-report",
                "fired-rule",
                "failed-assert"
            ]
        );
        assert!(
            out.contains(r#"test="@amount &gt;= 0 and 1 &lt; 2""#),
            "{out}"
        );
        assert!(
            out.contains(r#"location="/x:r[1]/x:item[2]" flag="fatal""#),
            "{out}"
        );
        assert!(
            out.contains("<svrl:text>amount &lt; 0</svrl:text>"),
            "{out}"
        );
        assert!(out.contains(r#"diagnostic="d1">seen -1<"#), "{out}");
    }

    #[test]
    fn other_engines_are_left_out_and_errors_become_text() {
        let mut xsd = finding("XSD-1", CheckKind::Assert, "", "/r");
        xsd.engine = EngineKind::Xsd;
        xsd.schematron = None;
        let mut error = finding("BR-9", CheckKind::Assert, "", "/r[1]");
        error.schematron = None;
        error.message = "could not evaluate: bad decimal".into();
        let out = render(&report(vec![vec![xsd, error], vec![]]));
        assert!(roxmltree::Document::parse(&out).is_ok(), "{out}");
        assert!(!out.contains("XSD-1"), "{out}");
        assert!(
            out.contains("<svrl:text>BR-9 at /r[1]: could not evaluate: bad decimal</svrl:text>"),
            "{out}"
        );
        assert_eq!(out.matches("<svrl:schematron-output").count(), 2);
        assert!(
            out.contains(
                r#"<konform:svrl-set xmlns:konform="urn:konform:svrl-set" documents="2">"#
            )
        );
    }
}
