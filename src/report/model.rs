//! The one report model every output format renders, and the verdict logic.
//!
//! Owns: findings, per-document results, the run summary, deterministic ordering and the mapping
//! from results to the process exit status. Writers (`report::*`) only map fields of this model.

use crate::standard::{EngineKind, Level, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the JSON report format (`reports/konform-report.schema.json`).
pub const FORMAT_VERSION: &str = "1.1";

/// Where in a document a finding points.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// 1-based line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column (in characters), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// XPath (XML) or JSON Pointer (JSON) of the node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// One failed or noteworthy rule on one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id.
    pub rule: String,
    /// Normative level of the rule.
    pub level: Level,
    /// Severity after the standard's overrides.
    pub severity: Severity,
    /// What is wrong, in words.
    pub message: String,
    /// Where.
    pub location: Location,
    /// Clause of the standard the rule comes from.
    pub clause: String,
    /// Engine that reported it.
    pub engine: EngineKind,
    /// Artefact (file in the package) the rule comes from, for schema rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artefact: Option<String>,
    /// The rule's own severity, when the standard's overrides changed `severity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard_severity: Option<Severity>,
    /// Why the standard overrides the rule's severity (the override's `reason`), when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_reason: Option<String>,
    /// The waiver that accepts this finding; a waived finding fails nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<crate::standard::policy::Waiver>,
    /// For Schematron findings: the assert or report behind it (what SVRL reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schematron: Option<SchematronCheck>,
}

/// The Schematron assert or report a finding comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchematronCheck {
    /// `assert` (fired because its test was false) or `report` (fired because it was true).
    pub kind: CheckKind,
    /// The test, as written in the schema.
    pub test: String,
    /// The context of the rule that fired.
    pub context: String,
    /// Id of the pattern, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// `@flag` of the check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    /// `@role` of the check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// `@see` of the check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub see: Option<String>,
    /// Diagnostics: `(diagnostic id, text)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<(String, String)>,
}

/// Which kind of Schematron check fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckKind {
    /// An `assert` whose test was false.
    Assert,
    /// A `report` whose test was true.
    Report,
}

/// The standard's acceptance policy applied to a document, separate from its verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Acceptance {
    /// Accepted.
    Accept,
    /// Rejected.
    Reject,
}

impl Acceptance {
    /// The outcome as written in reports: `accept` or `reject`.
    pub fn as_str(self) -> &'static str {
        match self {
            Acceptance::Accept => "accept",
            Acceptance::Reject => "reject",
        }
    }

    /// The outcome as a participle: `accepted` or `rejected` (for the text writers).
    pub fn as_participle(self) -> &'static str {
        match self {
            Acceptance::Accept => "accepted",
            Acceptance::Reject => "rejected",
        }
    }
}

/// Outcome for one document or run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[derive(Default)]
pub enum Verdict {
    /// No finding at or above the failure threshold.
    #[default]
    Conformant,
    /// At least one finding at or above the threshold.
    NonConformant,
    /// Could not be evaluated.
    Error,
}

impl Verdict {
    /// kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Conformant => "conformant",
            Verdict::NonConformant => "non-conformant",
            Verdict::Error => "error",
        }
    }
}

/// Why a document could not be evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// The input could not be read or exceeds a safety limit.
    Input,
    /// No standard/profile could be chosen for it (a usage error).
    Detection,
    /// The standard could not be compiled (a configuration error).
    Configuration,
    /// An engine failed while evaluating.
    Engine,
}

/// A per-document evaluation error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalError {
    /// Category, which decides the exit code.
    pub kind: ErrorKind,
    /// What happened.
    pub message: String,
}

/// The document a result is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentInfo {
    /// Path as given (or `-` for stdin).
    pub name: String,
    /// sha256 of the bytes read (absent if they could not be read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Size in bytes.
    pub size: u64,
    /// Detected syntax: xml, json, http, unknown.
    pub format: String,
}

/// Result for one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentResult {
    /// The document.
    pub document: DocumentInfo,
    /// `id@version` of the standard applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standard: Option<String>,
    /// Profile applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Rule variant applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// The paired request, for response rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// Verdict.
    pub verdict: Verdict,
    /// Why it could not be evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<EvalError>,
    /// The standard's acceptance policy (overrides, `reject_at`, waivers) applied. A document
    /// that could not be evaluated, or that no standard matches, is rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<Acceptance>,
    /// The more general installed standards (`id@version`) that the applied standard refines
    /// and that the document also belongs to (format 1.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub general_standards: Vec<String>,
    /// Rule ids that were evaluated on this document (pass or fail), sorted.
    pub rules_checked: Vec<String>,
    /// Findings, sorted by location then rule.
    pub findings: Vec<Finding>,
    /// Milliseconds spent.
    pub duration_ms: f64,
}

/// A rule of a standard as listed in the report (what SARIF/JUnit/EARL need to describe it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    /// Rule id.
    pub id: String,
    /// Level.
    pub level: Level,
    /// Default severity.
    pub severity: Severity,
    /// Title.
    pub title: String,
    /// Clause.
    pub clause: String,
    /// Link to the clause, when the package gives a base URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause_url: Option<String>,
}

/// An artefact of a standard as recorded in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtefactInfo {
    /// Path in the package.
    pub file: String,
    /// sha256.
    pub sha256: String,
}

/// A standard used in the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardInfo {
    /// Id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Title.
    pub title: String,
    /// Digest over manifest and artefacts.
    pub digest: String,
    /// Artefacts with digests.
    pub artefacts: Vec<ArtefactInfo>,
    /// Rules that the run's results refer to.
    pub rules: Vec<RuleInfo>,
}

/// Tool identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    /// `konform`.
    pub name: String,
    /// Crate version.
    pub version: String,
}

/// The run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    /// Identifier of this run (UUID syntax), unique per run; derived from the inputs when
    /// `SOURCE_DATE_EPOCH` is set, so reproducible runs share it (see [`RunInfo::derive_id`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// RFC 3339 start time (from `SOURCE_DATE_EPOCH` when set).
    pub started: String,
    /// RFC 3339 end time.
    pub finished: String,
    /// Command line.
    pub argv: Vec<String>,
    /// Seed of generated cases, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Lowest severity that makes a document non-conformant.
    pub fail_on: Severity,
}

/// Counts over all results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Documents evaluated.
    pub documents: usize,
    /// Conformant documents.
    pub conformant: usize,
    /// Non-conformant documents.
    pub non_conformant: usize,
    /// Documents that could not be evaluated.
    pub errors: usize,
    /// Findings by severity.
    pub by_severity: BTreeMap<String, usize>,
    /// Findings by rule id.
    pub by_rule: BTreeMap<String, usize>,
    /// Verdict of the whole run.
    pub verdict: Verdict,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Report format version.
    pub format_version: String,
    /// Tool.
    pub tool: ToolInfo,
    /// Run.
    pub run: RunInfo,
    /// Standards used.
    pub standards: Vec<StandardInfo>,
    /// Per-document results, in input order.
    pub results: Vec<DocumentResult>,
    /// Totals.
    pub summary: Summary,
    /// What `konform endpoint` / `konform replay` did (absent for file validation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<EndpointRun>,
    /// Property-based run of a vendor's command (`konform probe`), when this report is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<super::probe::ProbeReport>,
}

/// An endpoint run: the service contacted, the generated cases and the (shrunk) failures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointRun {
    /// Base URL given (the only origin contacted).
    pub url: String,
    /// Service description used (OpenAPI, WSDL), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Seed of the generated cases.
    pub seed: u64,
    /// Cases sent (shrinking and replays excluded).
    pub cases: u64,
    /// Requests sent in all (cases, shrinking steps).
    pub requests: u64,
    /// Checks that ran.
    pub checks: Vec<String>,
    /// Wall-clock seconds of the run (0 when `SOURCE_DATE_EPOCH` is set).
    pub seconds: f64,
    /// Why the run stopped before sending every case (`--max-duration`, transport errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// One entry per distinct failure, shrunk.
    pub failures: Vec<EndpointFailure>,
}

/// One failure found on an endpoint, after shrinking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointFailure {
    /// Rule id that fired.
    pub rule: String,
    /// Operation (`operationId`, or `METHOD path`).
    pub operation: String,
    /// What went wrong on the minimal case.
    pub message: String,
    /// The minimal request as `METHOD target`.
    pub request: String,
    /// Response status of the minimal case (absent on a transport error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Shrinking steps tried.
    pub shrink_steps: u64,
    /// The replayable case file (`konform replay FILE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_file: Option<String>,
}

/// Process exit status derived from a report (stable across CLI, service and library).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: everything conformant.
    Conformant,
    /// 1: at least one document non-conformant.
    NonConformant,
    /// 2: usage or configuration error.
    UsageError,
    /// 3: could not evaluate.
    CouldNotEvaluate,
}

impl ExitStatus {
    /// The numeric code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Conformant => 0,
            ExitStatus::NonConformant => 1,
            ExitStatus::UsageError => 2,
            ExitStatus::CouldNotEvaluate => 3,
        }
    }
}

impl Finding {
    /// Whether this finding makes its document non-conformant under the threshold `fail_on`
    /// (the one rule every format uses to call a check failed).
    pub fn fails(&self, fail_on: Severity) -> bool {
        self.waiver.is_none() && self.severity >= fail_on
    }
}

/// What happened to one rule on one document: its findings and whether they fail it.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleOutcome<'a> {
    /// Rule id.
    pub rule: &'a str,
    /// Findings of this rule, in model order (empty: the rule passed).
    pub findings: Vec<&'a Finding>,
    /// Some finding is at or above the threshold: the check failed.
    pub fails: bool,
}

impl RuleOutcome<'_> {
    /// Passed without any finding.
    pub fn passed(&self) -> bool {
        self.findings.is_empty()
    }
}

impl DocumentResult {
    /// The result for a document that could not be evaluated at all (unreadable input, a
    /// standard that is not installed).
    pub fn not_evaluated(
        name: impl Into<String>,
        kind: ErrorKind,
        message: impl Into<String>,
    ) -> DocumentResult {
        DocumentResult {
            document: DocumentInfo {
                name: name.into(),
                sha256: None,
                size: 0,
                format: "unknown".into(),
            },
            standard: None,
            profile: None,
            variant: None,
            request: None,
            verdict: Verdict::Error,
            acceptance: Some(Acceptance::Reject),
            general_standards: Vec::new(),
            error: Some(EvalError {
                kind,
                message: message.into(),
            }),
            rules_checked: Vec::new(),
            findings: Vec::new(),
            duration_ms: 0.0,
        }
    }

    /// One outcome per rule checked (in `rules_checked` order), followed by rules that reported
    /// findings without being listed as checked (in finding order). Deterministic; the same
    /// for every writer.
    pub fn rule_outcomes<'a>(&'a self, fail_on: Severity) -> Vec<RuleOutcome<'a>> {
        let mut by_rule: BTreeMap<&'a str, Vec<&'a Finding>> = BTreeMap::new();
        for f in &self.findings {
            by_rule.entry(f.rule.as_str()).or_default().push(f);
        }
        let mut out = Vec::with_capacity(self.rules_checked.len() + by_rule.len());
        let outcome = |rule: &'a str, findings: Vec<&'a Finding>| RuleOutcome {
            rule,
            fails: findings.iter().any(|f| f.fails(fail_on)),
            findings,
        };
        for rule in &self.rules_checked {
            let findings = by_rule.remove(rule.as_str()).unwrap_or_default();
            out.push(outcome(rule, findings));
        }
        for f in &self.findings {
            if let Some(findings) = by_rule.remove(f.rule.as_str()) {
                out.push(outcome(&f.rule, findings));
            }
        }
        out
    }

    /// Sorts findings (location, then rule id, then message) and derives the verdict.
    pub fn finish(&mut self, fail_on: Severity) {
        self.findings.sort_by(|a, b| {
            (
                &a.location.line,
                &a.location.column,
                &a.rule,
                &a.message,
                &a.location.path,
            )
                .cmp(&(
                    &b.location.line,
                    &b.location.column,
                    &b.rule,
                    &b.message,
                    &b.location.path,
                ))
        });
        self.findings.dedup();
        self.rules_checked.sort();
        self.rules_checked.dedup();
        self.verdict = if self.error.is_some() {
            Verdict::Error
        } else if self.findings.iter().any(|f| f.fails(fail_on)) {
            Verdict::NonConformant
        } else {
            Verdict::Conformant
        };
    }
}

impl DocumentResult {
    /// Applies the acceptance policy: rejected when not evaluated or when a finding that is not
    /// waived has at least `reject_at`.
    pub fn accept(&mut self, reject_at: Severity) {
        let reject = self.error.is_some() || self.findings.iter().any(|f| f.fails(reject_at));
        self.acceptance = Some(if reject {
            Acceptance::Reject
        } else {
            Acceptance::Accept
        });
    }
}

impl Summary {
    /// The `n` rules with most findings, most first (ties by rule id).
    pub fn top_rules(&self, n: usize) -> Vec<(&str, usize)> {
        let mut v: Vec<(&str, usize)> =
            self.by_rule.iter().map(|(k, c)| (k.as_str(), *c)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        v.truncate(n);
        v
    }

    /// Totals over results.
    pub fn of(results: &[DocumentResult]) -> Summary {
        let mut s = Summary {
            documents: results.len(),
            verdict: Verdict::Conformant,
            ..Summary::default()
        };
        for r in results {
            match r.verdict {
                Verdict::Conformant => s.conformant += 1,
                Verdict::NonConformant => s.non_conformant += 1,
                Verdict::Error => s.errors += 1,
            }
            for f in &r.findings {
                *s.by_severity
                    .entry(f.severity.as_str().to_string())
                    .or_default() += 1;
                *s.by_rule.entry(f.rule.clone()).or_default() += 1;
            }
        }
        s.verdict = if s.errors > 0 {
            Verdict::Error
        } else if s.non_conformant > 0 {
            Verdict::NonConformant
        } else {
            Verdict::Conformant
        };
        s
    }
}

impl RunInfo {
    /// A run id in UUID syntax (version 8, RFC 9562) from the sha256 of `material`: callers
    /// pass the inputs (reproducible runs) or the clock and process id (unique runs).
    pub fn derive_id(material: &[u8]) -> String {
        use sha2::Digest;
        let d = sha2::Sha256::digest(material);
        let mut b = [0u8; 16];
        b.copy_from_slice(&d[..16]);
        b[6] = (b[6] & 0x0f) | 0x80;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = hex::encode(b);
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }
}

impl StandardInfo {
    /// `id@version`, as results name it.
    pub fn key(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }
}

impl Report {
    /// A report around `results` with a fixed run (for writer tests).
    #[cfg(test)]
    pub(crate) fn fixture(results: Vec<DocumentResult>) -> Report {
        Report {
            format_version: "1.0".into(),
            tool: ToolInfo {
                name: "konform".into(),
                version: "0.1.0".into(),
            },
            run: RunInfo {
                id: String::new(),
                started: "2024-01-01T00:00:00Z".into(),
                finished: "2024-01-01T00:00:00Z".into(),
                argv: vec![],
                seed: None,
                fail_on: Severity::Error,
            },
            standards: vec![],
            summary: Summary::of(&results),
            endpoint: None,
            probe: None,
            results,
        }
    }

    /// The standard a result was checked against, if it is listed.
    pub fn standard_of(&self, result: &DocumentResult) -> Option<&StandardInfo> {
        let key = result.standard.as_deref()?;
        let (id, version) = key.split_once('@')?;
        self.standards
            .iter()
            .find(|s| s.id == id && s.version == version)
    }

    /// The description of a rule as the standard of `result` lists it.
    pub fn rule_of(&self, result: &DocumentResult, rule: &str) -> Option<&RuleInfo> {
        self.standard_of(result)?
            .rules
            .iter()
            .find(|r| r.id == rule)
    }

    /// The exit status: a usage/configuration error wins over could-not-evaluate, which wins
    /// over non-conformant.
    pub fn exit_status(&self) -> ExitStatus {
        let kinds = || {
            self.results
                .iter()
                .filter_map(|r| r.error.as_ref().map(|e| e.kind))
        };
        if kinds().any(|k| matches!(k, ErrorKind::Detection | ErrorKind::Configuration)) {
            ExitStatus::UsageError
        } else if kinds().next().is_some() {
            ExitStatus::CouldNotEvaluate
        } else if self.summary.non_conformant > 0 {
            ExitStatus::NonConformant
        } else {
            ExitStatus::Conformant
        }
    }
}
