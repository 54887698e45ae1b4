//! The `probe` section of the report: a property-based run of a vendor's command
//! (`konform probe`): seed, cases, failures with their shrunk messages, and rule coverage.
//! Every writer renders it (fully or as counts) through [`ProbeReport::summary_lines`] or the
//! fields themselves.

use serde::{Deserialize, Serialize};

/// How the vendor's command was exercised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProbeMode {
    /// The command consumes generated messages.
    Consumer,
    /// The command produces messages from inputs.
    Producer,
}

/// One disagreement between the command and the standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeFailure {
    /// `KONFORM-PROBE-00N`.
    pub rule: String,
    /// Number of the first case that showed it (0-based).
    pub case: usize,
    /// Further cases with the same failure (same probe rule and target rule).
    pub repeats: usize,
    /// For mutants: the rule of the standard the message violates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_rule: Option<String>,
    /// What happened.
    pub message: String,
    /// The saved, shrunk vector (message file), replayable with `konform vectors run`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector: Option<String>,
    /// The input that made a producer fail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// Size (elements, or bytes for producer inputs) before and after shrinking.
    pub size_before: usize,
    /// After shrinking.
    pub size_after: usize,
    /// Candidates tried while shrinking.
    pub shrink_steps: usize,
}

/// A rule the run did not cover, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uncovered {
    /// Rule id.
    pub rule: String,
    /// Why no passing or no failing case exercised it.
    pub reason: String,
}

/// Which rules generated cases exercised.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Rules that apply to the probed profiles (the denominator).
    pub applicable: usize,
    /// Rules with at least one passing and one failing generated case.
    pub covered: Vec<String>,
    /// Applicable rules not covered, with the reason.
    pub uncovered: Vec<Uncovered>,
    /// Rules of the standard left out of the denominator, with the reason (HTTP captures,
    /// request/response pairs, other variants).
    pub not_applicable: Vec<Uncovered>,
}

impl Coverage {
    /// Covered share in percent.
    pub fn percent(&self) -> f64 {
        if self.applicable == 0 {
            0.0
        } else {
            self.covered.len() as f64 * 100.0 / self.applicable as f64
        }
    }
}

/// The probe section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeReport {
    /// Consumer or producer.
    pub mode: ProbeMode,
    /// The command as given.
    pub command: String,
    /// `id@version`.
    pub standard: String,
    /// Profiles probed.
    pub profiles: Vec<String>,
    /// Seed that reproduces the run (`--seed`).
    pub seed: u64,
    /// Cases run.
    pub cases: usize,
    /// Of which conformant (must be accepted / were conformant outputs).
    pub valid_cases: usize,
    /// Of which rule-targeted mutants (must be rejected).
    pub mutant_cases: usize,
    /// Valid vectors the generator was seeded from.
    pub seeds: Vec<String>,
    /// Cases per second over the case loop, shrinking excluded (0 when durations are
    /// suppressed).
    pub cases_per_second: f64,
    /// Failures, one per kind (probe rule and target rule), each shrunk.
    pub failures: Vec<ProbeFailure>,
    /// Rule coverage.
    pub coverage: Coverage,
}

impl ProbeReport {
    /// The facts every writer shows, as short lines.
    pub fn summary_lines(&self) -> Vec<String> {
        let mut out = vec![
            format!(
                "probe ({}) of `{}` against {}: seed {}, {} cases ({} valid, {} mutants), {} failure(s)",
                match self.mode {
                    ProbeMode::Consumer => "consumer",
                    ProbeMode::Producer => "producer",
                },
                self.command,
                self.standard,
                self.seed,
                self.cases,
                self.valid_cases,
                self.mutant_cases,
                self.failures.len()
            ),
            format!(
                "rule coverage: {}/{} rules ({:.0}%) had a passing and a failing generated case",
                self.coverage.covered.len(),
                self.coverage.applicable,
                self.coverage.percent()
            ),
        ];
        for f in &self.failures {
            out.push(format!(
                "{}: {}{} (case {}, {} more){}",
                f.rule,
                f.message,
                f.target_rule
                    .as_deref()
                    .map(|r| format!(" [targets {r}]"))
                    .unwrap_or_default(),
                f.case,
                f.repeats,
                f.vector
                    .as_deref()
                    .map(|v| format!(" -> {v}"))
                    .unwrap_or_default()
            ));
        }
        out
    }
}
