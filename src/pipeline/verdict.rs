//! Verdict: a document evaluated with a standard's fallback profile (it is none of the
//! standard's kinds of message) still gets a verdict, and the result is closed: duration,
//! findings in order, verdict at the run's `--fail-on`.

use super::parse::Parsed;
use super::severity::enrich;
use crate::engine::RawFinding;
use crate::report::model::{DocumentResult, Finding, Location};
use crate::standard::{EngineKind, Package, RuleSpec, Severity};
use std::collections::BTreeMap;
use std::time::Instant;

/// The named standard's fallback profile was taken: where and why the document is none of the
/// standard's kinds of message.
pub(super) struct Unmatched {
    location: Location,
    message: String,
}

impl Unmatched {
    /// The explanation, when the fallback profile was taken (`why` lists why each profile did
    /// not match).
    pub(super) fn new(
        package: &Package,
        why: Option<&Vec<String>>,
        parsed: &Parsed<'_>,
    ) -> Option<Unmatched> {
        why.map(|why| Unmatched {
            location: parsed.root_location(),
            message: format!(
                "the document is none of the kinds of message {} defines:\n  {}",
                package.spec.key(),
                why.join("\n  ")
            ),
        })
    }

    /// The fallback profile's own rule, if it names one, as a finding.
    pub(super) fn fallback_rule_finding(
        &self,
        package: &Package,
        profile: &str,
        raw: &mut Vec<RawFinding>,
        result: &mut DocumentResult,
    ) {
        if let Some(rule) = package
            .spec
            .profile(profile)
            .and_then(|p| p.fallback_rule.clone())
        {
            raw.push(RawFinding::new(
                rule.clone(),
                self.message.clone(),
                self.location.clone(),
            ));
            result.rules_checked.push(rule);
        }
    }

    /// A named standard always gives a verdict: when the envelope rules find nothing that
    /// fails, the document still is none of the standard's kinds (KONFORM-PROFILE-001).
    pub(super) fn ensure_failure(
        self,
        findings: &mut Vec<Finding>,
        rules: &BTreeMap<&str, &RuleSpec>,
        fail_on: Severity,
        result: &mut DocumentResult,
    ) {
        if findings.iter().any(|f| f.fails(fail_on)) {
            return;
        }
        let rule = crate::standard::builtin::RULE_NO_PROFILE;
        findings.push(enrich(
            RawFinding::new(rule, self.message, self.location),
            EngineKind::Input,
            rules,
        ));
        result.rules_checked.push(rule.into());
    }
}

/// Closes a document's result: its duration (zero for reproducible reports), its findings in
/// order and its verdict.
pub(super) fn conclude(
    result: &mut DocumentResult,
    start: Instant,
    zero_durations: bool,
    fail_on: Severity,
) {
    result.duration_ms = if zero_durations {
        0.0
    } else {
        start.elapsed().as_secs_f64() * 1000.0
    };
    result.finish(fail_on);
}
