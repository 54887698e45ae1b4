//! Severity and waivers: each finding gets its level, severity and clause from the rule
//! catalogue, then what the reference implementation does not enforce (in the `runtime`
//! variant), the standard's severity overrides and the project's waivers.

use super::Options;
use crate::engine::RawFinding;
use crate::report::model::Finding;
use crate::standard::{EngineKind, RuleSpec, Severity};
use std::collections::BTreeMap;

/// Adds level, severity and clause from the catalogue.
pub(super) fn enrich(
    f: RawFinding,
    engine: EngineKind,
    rules: &BTreeMap<&str, &RuleSpec>,
) -> Finding {
    let (level, severity, clause) = match rules.get(f.rule.as_str()) {
        Some(r) => (r.level, r.severity, r.clause.clone()),
        None => (
            crate::standard::Level::Must,
            Severity::Error,
            "(rule missing from the catalogue)".into(),
        ),
    };
    Finding {
        level,
        severity: f.severity.unwrap_or(severity),
        clause,
        engine,
        rule: f.rule,
        message: f.message,
        location: f.location,
        artefact: f.artefact,
        standard_severity: None,
        override_reason: None,
        waiver: None,
        schematron: f.schematron,
    }
}

/// In a standard's `runtime` variant, findings of what the reference implementation does not
/// enforce become information, their message saying so (see `standard::server_behaviour`).
pub(super) fn mark_not_enforced(
    findings: &mut [Finding],
    spec: &crate::standard::StandardSpec,
    variant: &str,
) {
    for f in findings.iter_mut() {
        if let Some(note) =
            crate::standard::server_behaviour::not_enforced_note(spec, &f.rule, f.engine, variant)
        {
            f.severity = Severity::Info;
            f.message = format!("{note}: {}", f.message);
        }
    }
}

/// Applies the standard's severity overrides and the project's waivers. An expired waiver no
/// longer applies and is reported as a finding of its own (KONFORM-WAIVER-001).
pub(super) fn apply_policy(
    findings: &mut Vec<Finding>,
    spec: &crate::standard::StandardSpec,
    profile: &str,
    name: &str,
    opts: &Options,
) {
    let mut expired = Vec::new();
    for f in findings.iter_mut() {
        if let Some(o) = spec.override_for(&f.rule, profile)
            && o.severity != f.severity
        {
            f.standard_severity = Some(f.severity);
            f.severity = o.severity;
            f.override_reason.clone_from(&o.reason);
        }
        if let Some(w) = opts.waivers.iter().find(|w| w.covers(&f.rule, name)) {
            if w.expired(opts.today) {
                expired.push(Finding {
                    rule: "KONFORM-WAIVER-001".into(),
                    level: crate::standard::Level::Info,
                    severity: Severity::Warning,
                    message: format!(
                        "the waiver for {} (owner {}: {}) expired on {}; the finding applies again",
                        w.rule, w.owner, w.reason, w.expires
                    ),
                    location: f.location.clone(),
                    clause: "konform.toml [[waivers]] expires".into(),
                    engine: EngineKind::Input,
                    artefact: None,
                    standard_severity: None,
                    override_reason: None,
                    waiver: None,
                    schematron: None,
                });
            } else {
                f.waiver = Some(w.clone());
            }
        }
    }
    findings.extend(expired);
}
