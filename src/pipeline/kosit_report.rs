//! The KoSIT-shaped report (VARL, `http://www.xoev.de/de/validator/varl/1`) of one document, built
//! from konform's own result so that a package's imported `acceptMatch` can be evaluated on it.
//!
//! Shape: `rep:report` with the document's identification, a `rep:scenarioMatched` naming the
//! standard and profile, one `rep:validationStepResult` per artefact of the profile (in profile
//! order) carrying its findings as `rep:message` (level = severity after overrides; waived
//! findings are left out, as they fail nothing) and, for Schematron steps, the step's SVRL; a
//! last step `val-konform` carries findings of konform's own rules. `rep:assessment` holds
//! `rep:accept` or `rep:reject`: konform's `reject_at` decision, which is what KoSIT's report
//! stylesheet writes there. Internal: it is not an output format.

use crate::report::model::{DocumentResult, Finding};
use crate::report::{svrl, xml_attr, xml_text};
use crate::standard::accept_match::REP_NS;
use crate::standard::manifest::ArtefactKind;
use crate::standard::{EngineKind, Package, Severity};
use std::fmt::Write as _;

/// One validation step: an artefact of the profile and the findings it produced.
struct Step<'a> {
    id: String,
    name: &'a str,
    file: &'a str,
    schematron: bool,
    findings: Vec<&'a Finding>,
}

/// Renders the report. `accepted` is the `reject_at` decision.
pub(super) fn render(pkg: &Package, profile: &str, d: &DocumentResult, accepted: bool) -> String {
    let spec = &pkg.spec;
    let mut steps: Vec<Step<'_>> = Vec::new();
    let (mut xsd, mut sch) = (0, 0);
    for name in spec
        .profile(profile)
        .map(|p| p.artefacts.as_slice())
        .unwrap_or_default()
    {
        let Some(a) = spec.artefacts.iter().find(|a| &a.name == name) else {
            continue;
        };
        let schematron = a.kind == ArtefactKind::Schematron;
        let id = if schematron {
            sch += 1;
            format!("val-sch.{sch}")
        } else {
            xsd += 1;
            if xsd == 1 {
                "val-xsd".to_string()
            } else {
                format!("val-xsd.{xsd}")
            }
        };
        steps.push(Step {
            id,
            name: &a.name,
            file: &a.file,
            schematron,
            findings: Vec::new(),
        });
    }
    let mut own = Vec::new();
    for f in d.findings.iter().filter(|f| f.waiver.is_none()) {
        let by_artefact = f
            .artefact
            .as_deref()
            .and_then(|a| steps.iter().position(|s| s.name == a || s.file == a));
        let slot = by_artefact.or_else(|| match f.engine {
            EngineKind::Xsd => steps.iter().position(|s| !s.schematron),
            EngineKind::Schematron => steps.iter().position(|s| s.schematron),
            _ => None,
        });
        match slot {
            Some(i) => steps[i].findings.push(f),
            None => own.push(f),
        }
    }
    let mut out = String::new();
    let valid = !d.findings.iter().any(|f| f.fails(Severity::Error));
    let _ = writeln!(
        out,
        "<rep:report xmlns:rep=\"{REP_NS}\" varlVersion=\"1.0.0\" valid=\"{valid}\">"
    );
    let _ = writeln!(
        out,
        "  <rep:engine><rep:name>konform {}</rep:name></rep:engine>",
        env!("CARGO_PKG_VERSION")
    );
    out.push_str("  <rep:documentIdentification>\n");
    if let Some(h) = &d.document.sha256 {
        let _ = writeln!(
            out,
            "    <rep:documentHash><rep:hashAlgorithm>SHA-256</rep:hashAlgorithm><rep:hashValue>{}</rep:hashValue></rep:documentHash>",
            xml_text(h)
        );
    }
    let _ = writeln!(
        out,
        "    <rep:documentReference>{}</rep:documentReference>\n  </rep:documentIdentification>",
        xml_text(&d.document.name)
    );
    let _ = writeln!(
        out,
        "  <rep:scenarioMatched>\n    <rep:scenario standard=\"{}\" profile=\"{}\">{}</rep:scenario>",
        xml_attr(&spec.key()),
        xml_attr(profile),
        xml_text(spec.profile(profile).map_or(profile, |p| p.title.as_str()))
    );
    for s in &steps {
        step(
            &mut out,
            d,
            &s.id,
            Some((s.name, s.file)),
            &s.findings,
            s.schematron,
        );
    }
    if !own.is_empty() {
        step(&mut out, d, "val-konform", None, &own, false);
    }
    out.push_str("  </rep:scenarioMatched>\n");
    let verdict = if accepted { "accept" } else { "reject" };
    let _ = writeln!(
        out,
        "  <rep:assessment><rep:{verdict}/></rep:assessment>\n</rep:report>"
    );
    out
}

fn step(
    out: &mut String,
    d: &DocumentResult,
    id: &str,
    resource: Option<(&str, &str)>,
    findings: &[&Finding],
    schematron: bool,
) {
    let valid = !findings.iter().any(|f| f.fails(Severity::Error));
    let _ = writeln!(
        out,
        "    <rep:validationStepResult id=\"{id}\" valid=\"{valid}\">"
    );
    if let Some((name, file)) = resource {
        let _ = writeln!(
            out,
            "      <rep:resource><rep:name>{}</rep:name><rep:location>{}</rep:location></rep:resource>",
            xml_text(name),
            xml_text(file)
        );
    }
    for (i, f) in findings.iter().enumerate() {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "information",
        };
        let _ = write!(
            out,
            "      <rep:message id=\"{id}.{}\" level=\"{level}\" code=\"{}\"",
            i + 1,
            xml_attr(&f.rule)
        );
        if let Some(l) = f.location.line {
            let _ = write!(out, " lineNumber=\"{l}\"");
        }
        if let Some(c) = f.location.column {
            let _ = write!(out, " columnNumber=\"{c}\"");
        }
        if let Some(p) = &f.location.path {
            let _ = write!(out, " xpathLocation=\"{}\"", xml_attr(p));
        }
        let _ = writeln!(out, ">{}</rep:message>", xml_text(&f.message));
    }
    if schematron {
        let mut only = d.clone();
        only.findings = findings.iter().map(|f| (*f).clone()).collect();
        svrl::document(out, &only, false);
    }
    out.push_str("    </rep:validationStepResult>\n");
}
