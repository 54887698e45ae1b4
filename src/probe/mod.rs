//! `konform probe`: property-based conformance of a vendor's command. Consumer mode feeds it
//! generated messages (conformant ones must be accepted, rule-targeted mutants rejected,
//! nothing may crash or hang); producer mode validates what it produces from inputs. Every
//! disagreement is shrunk and saved as a replayable konform vector.
//!
//! The oracle is konform's own validator ([`crate::pipeline`]); generation and shrinking come
//! from [`crate::generate`]. Nothing here prints.

mod cases;
pub mod consumer;
pub mod exec;
pub mod producer;
mod seeds;
mod vectors;

pub use cases::{Want, generate, templates};
pub use seeds::{Seed, seed_files};

use crate::generate::tree::Element;
use crate::generate::xml::Judged;
use crate::pipeline::{Session, Validator};
use crate::report::model::{DocumentResult, Finding, Location, Verdict};
use crate::report::probe::{Coverage, ProbeFailure, Uncovered};
use crate::standard::manifest::RuleInput;
use crate::standard::{EngineKind, Level, Package, Severity};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

/// Why a probe could not run.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum ProbeError {
    /// The vendor's command cannot be started.
    #[error(transparent)]
    #[diagnostic(code(konform::probe::exec))]
    Exec(#[from] exec::ExecError),
    /// Bad configuration (no seeds, bad schema, unwritable output).
    #[error("{0}")]
    #[diagnostic(code(konform::probe::config))]
    Config(String),
}

/// Settings shared by both modes.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// The standard.
    pub standard: Arc<Package>,
    /// Cases to run.
    pub cases: usize,
    /// Seed of the run.
    pub seed: u64,
    /// Where shrunk failures are saved (as `<id>/<version>/<name>.xml` + expectation).
    pub out_dir: PathBuf,
    /// Most candidates tried while shrinking one failure.
    pub max_shrink: usize,
    /// Validations spent calibrating each seed message.
    pub calibration_budget: usize,
    /// Edits tried per seed message when looking for rule-targeted mutants.
    pub mutation_budget: usize,
    /// Report zero durations and rates (reproducible reports).
    pub zero_durations: bool,
    /// Only target these rules with mutants (empty: every rule).
    pub rules: Vec<String>,
}

/// The validator as the probe uses it: one session, judging messages of the standard.
pub struct Oracle<'v> {
    validator: &'v Validator,
    session: Session<'v>,
    fail_on: Severity,
    /// Validations done.
    pub validations: usize,
}

impl<'v> Oracle<'v> {
    /// An oracle over a validator whose options name the standard (and profile, if forced).
    pub fn new(validator: &'v Validator) -> Oracle<'v> {
        Oracle {
            validator,
            session: validator.session(),
            fail_on: validator.options().fail_on,
            validations: 0,
        }
    }

    /// Validates message bytes.
    pub fn validate(&mut self, name: &str, bytes: Vec<u8>) -> DocumentResult {
        self.validations += 1;
        let doc = crate::document::Document::from_bytes(name, bytes);
        self.session.validate(&doc, None)
    }

    /// Validates a tree.
    pub fn result(&mut self, e: &Element) -> DocumentResult {
        self.validate("generated.xml", e.to_xml().into_bytes())
    }

    /// The judgement generators need.
    pub fn judge(&mut self, e: &Element) -> Option<Judged> {
        judged(&self.result(e))
    }

    /// The validator behind the oracle.
    pub fn validator(&self) -> &'v Validator {
        self.validator
    }

    /// The run's failure threshold.
    pub fn fail_on(&self) -> Severity {
        self.fail_on
    }
}

/// A result as generators see it.
pub fn judged(r: &DocumentResult) -> Option<Judged> {
    (r.verdict != Verdict::Error).then(|| Judged {
        conformant: r.verdict == Verdict::Conformant,
        rules: r.findings.iter().map(|f| f.rule.clone()).collect(),
    })
}

/// Which rules passed and failed on generated cases.
#[derive(Debug, Default)]
pub struct Tally {
    /// Rules with at least one mutant in the catalogue (set by consumer mode).
    pub mutated: BTreeSet<String>,
    passed: BTreeSet<String>,
    failed: BTreeSet<String>,
    profiles: BTreeSet<(String, String)>,
}

impl Tally {
    /// Records one judged case.
    pub fn record(&mut self, r: &DocumentResult) {
        if r.verdict == Verdict::Error {
            return;
        }
        let fired: BTreeSet<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
        for rule in &r.rules_checked {
            if !fired.contains(rule.as_str()) {
                self.passed.insert(rule.clone());
            }
        }
        self.failed.extend(fired.into_iter().map(String::from));
        if let Some(p) = &r.profile {
            let variant = r.variant.clone().unwrap_or_default();
            self.profiles.insert((p.clone(), variant));
        }
    }

    /// Profiles seen.
    pub fn profiles(&self) -> Vec<String> {
        let mut v: Vec<String> = self.profiles.iter().map(|(p, _)| p.clone()).collect();
        v.dedup();
        v
    }

    /// Coverage over the rules of the standard that apply to the probed profiles.
    pub fn coverage(
        &self,
        validator: &Validator,
        package: &Arc<Package>,
        edits: usize,
        only: &[String],
    ) -> Coverage {
        let mut c = Coverage::default();
        let Ok(compiled) = validator.compiled(package) else {
            return c;
        };
        // Rules of the profiles' engines (Schematron asserts) and the manifest's rules.
        let mut of_engines: BTreeSet<String> = BTreeSet::new();
        for (p, _) in &self.profiles {
            for (_, e) in compiled.engines_for(p).unwrap_or_default() {
                of_engines.extend(e.discovered_rules().into_iter().map(|r| r.id));
            }
        }
        // Manifest rules count unless they are Schematron asserts of another profile's engine.
        let manifest: BTreeSet<&str> = package
            .spec
            .rules
            .iter()
            .filter(|r| !r.profiles.is_empty() || !r.engine.contains(&EngineKind::Schematron))
            .map(|r| r.id.as_str())
            .collect();
        for r in compiled.rules().into_values() {
            if r.engine.contains(&EngineKind::Input)
                || !(manifest.contains(r.id.as_str()) || of_engines.contains(&r.id))
            {
                continue;
            }
            let applies = |(p, v): &(String, String)| {
                (r.profiles.is_empty() || r.profiles.contains(p))
                    && (r.variants.is_empty() || r.variants.contains(v))
            };
            let in_profile = self
                .profiles
                .iter()
                .any(|(p, _)| r.profiles.is_empty() || r.profiles.contains(p));
            if !in_profile {
                continue;
            }
            let reason = match r.input {
                RuleInput::Http => {
                    Some("needs an HTTP/MIME capture; probe cases are bare messages")
                }
                RuleInput::Pair => {
                    Some("needs a request/response pair; probe cases are single messages")
                }
                RuleInput::Message if !self.profiles.iter().any(applies) => {
                    Some("applies to another variant than the one probed")
                }
                RuleInput::Message => None,
            };
            if let Some(reason) = reason {
                c.not_applicable.push(Uncovered {
                    rule: r.id.clone(),
                    reason: reason.into(),
                });
                continue;
            }
            c.applicable += 1;
            let (p, f) = (self.passed.contains(&r.id), self.failed.contains(&r.id));
            if p && f {
                c.covered.push(r.id.clone());
                continue;
            }
            let reason = match (p, f) {
                (true, _) if !only.is_empty() && !only.contains(&r.id) => {
                    "not targeted (--rules names other rules)".to_string()
                }
                (true, _) if self.mutated.contains(&r.id) => {
                    "mutants exist but no mutant case reached it; raise --cases".to_string()
                }
                (true, _) => format!(
                    "no single-rule mutant: none of the {edits} edits tried on the seed messages violated this rule alone"
                ),
                (false, true) => "no generated case passed it".to_string(),
                _ => "never evaluated: its context does not occur in the seed messages".to_string(),
            };
            c.uncovered.push(Uncovered {
                rule: r.id.clone(),
                reason,
            });
        }
        c
    }
}

/// Failures grouped by kind (probe rule + target rule), the first of each kind kept.
#[derive(Debug, Default)]
pub struct Failures {
    list: Vec<ProbeFailure>,
    index: BTreeMap<(String, Option<String>), usize>,
}

impl Failures {
    /// Whether this kind was seen before; if so, counts the repeat.
    pub fn repeat(&mut self, rule: &str, target: Option<&str>) -> bool {
        let key = (rule.to_string(), target.map(String::from));
        match self.index.get(&key) {
            Some(&i) => {
                self.list[i].repeats += 1;
                true
            }
            None => false,
        }
    }

    /// Adds the first failure of its kind.
    pub fn add(&mut self, f: ProbeFailure) {
        self.index
            .insert((f.rule.clone(), f.target_rule.clone()), self.list.len());
        self.list.push(f);
    }

    /// The failures, in order of first occurrence.
    pub fn into_vec(self) -> Vec<ProbeFailure> {
        self.list
    }
}

/// The result the report lists for a failure (so every writer shows it like a finding).
pub fn failure_result(f: &ProbeFailure, standard: &str, fail_on: Severity) -> DocumentResult {
    let rule = crate::standard::builtin::rules()
        .into_iter()
        .find(|r| r.id == f.rule);
    let name = f
        .vector
        .clone()
        .or_else(|| f.input.clone())
        .unwrap_or_else(|| format!("case-{}", f.case));
    let mut r = DocumentResult::not_evaluated(name, crate::report::model::ErrorKind::Input, "");
    r.error = None;
    r.document.format = "xml".into();
    r.standard = Some(standard.to_string());
    r.rules_checked = vec![f.rule.clone()];
    r.findings = vec![Finding {
        rule: f.rule.clone(),
        level: Level::Must,
        severity: Severity::Error,
        message: f.message.clone(),
        location: Location::default(),
        clause: rule.map_or_else(|| "konform probe".into(), |r| r.clause),
        engine: EngineKind::Input,
        artefact: None,
        standard_severity: None,
        override_reason: None,
        waiver: None,
        schematron: None,
    }];
    r.finish(fail_on);
    r
}

pub(crate) use vectors::save_vector;
