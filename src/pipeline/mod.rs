//! The pipeline: one document x one standard -> findings -> verdict -> acceptance.
//!
//! [`Validator`] (in `validator`) holds a run's options and compiles each standard at most once
//! per run (lazily, on first use, then shared by every thread). [`Session`] is one thread's
//! evaluation state (engine workers); its `validate` calls the steps, one file each, in the
//! order a document goes through them: `parse` (input -> message -> XML/JSON, input rules),
//! `choose` (standard, profile, variant; detection itself lives in `standard::detect`),
//! `engines` (the profile's engines in order), `severity` (catalogue, runtime notes, overrides,
//! waivers), `verdict` (fallback profile, closing the result) and `acceptance` (`reject_at` or
//! the KoSIT `acceptMatch` on `kosit_report`). `run_report` builds the report of a whole run.
//! Nothing here prints; the CLI renders the results.

use crate::document::Document;
use crate::document::http;
use crate::engine::{CheckInput, Worker};
use crate::report::model::{DocumentInfo, DocumentResult, Finding, Verdict};
use crate::standard::accept_match::AcceptMatch;
use crate::standard::manifest::RuleSpec;
use crate::standard::{EngineKind, Package};
use choose::Chosen;
use parse::{HttpProbe, RequestText, Stop};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Instant;
use verdict::Unmatched;

mod acceptance;
mod choose;
mod engines;
mod kosit_report;
mod parse;
mod run_report;
mod severity;
mod validator;
mod verdict;

pub use run_report::build_report;
pub use validator::{Options, Validator};

/// One thread's engine workers, created on first use per standard.
pub struct Session<'v> {
    validator: &'v Validator,
    workers: HashMap<String, Vec<Option<Box<dyn Worker + 'v>>>>,
    /// Compiled `acceptMatch` per standard (`id@version`), compiled on first use.
    accept_matches: HashMap<String, Result<Option<AcceptMatch>, String>>,
    standard: Option<Arc<Package>>,
    variant: Option<String>,
}

impl<'v> Session<'v> {
    /// Overrides the run's standard and variant for the following documents (vector runs).
    pub fn force(&mut self, standard: Option<Arc<Package>>, variant: Option<String>) {
        self.standard = standard;
        self.variant = variant;
    }

    fn standard(&self) -> Option<&Arc<Package>> {
        self.standard
            .as_ref()
            .or(self.validator.options.standard.as_ref())
    }

    /// Validates one document (and its paired request, if any). Never panics on bad input:
    /// every problem becomes findings or an error verdict.
    pub fn validate(&mut self, doc: &Document, request: Option<&Document>) -> DocumentResult {
        let start = Instant::now();
        let opts = &self.validator.options;
        let mut result = DocumentResult {
            document: DocumentInfo {
                name: doc.name.clone(),
                sha256: Some(doc.sha256.clone()),
                size: doc.bytes.len() as u64,
                format: parse::format_name(doc).to_string(),
            },
            standard: self.standard().map(|p| p.spec.key()),
            profile: None,
            variant: None,
            request: request.map(|r| r.name.clone()),
            verdict: Verdict::Error,
            error: None,
            acceptance: None,
            general_standards: Vec::new(),
            rules_checked: Vec::new(),
            findings: Vec::new(),
            duration_ms: 0.0,
        };
        self.evaluate(doc, request, &mut result);
        verdict::conclude(&mut result, start, opts.zero_durations, opts.fail_on);
        self.accept(&mut result, opts.fail_on);
        result
    }

    /// Parse -> choose -> engines -> severity and waivers, into `result`.
    fn evaluate(
        &mut self,
        doc: &Document,
        request: Option<&Document>,
        result: &mut DocumentResult,
    ) {
        let opts = &self.validator.options;
        let msg = match parse::prepare(doc, self.standard()) {
            Ok(m) => m,
            Err(stop) => return record_stop(result, stop),
        };
        let text = match parse::message_text(doc, &msg, result) {
            Ok(t) => t,
            Err(stop) => return record_stop(result, stop),
        };
        let parsed = match parse::parse(&doc.name, &text, &msg, &opts.limits) {
            Ok(p) => p,
            Err(stop) => return record_stop(result, stop),
        };
        if msg.http.is_some() {
            result.rules_checked.push(http::RULE_WELL_FORMED.into());
        }
        let probe = HttpProbe {
            inner: parsed.probe(),
            side: msg.http_side(),
        };
        let Chosen {
            package,
            profile,
            fallback,
        } = match self.choose(&probe) {
            Ok(c) => c,
            Err(e) => {
                result.error = Some(e);
                return;
            }
        };
        result.general_standards = self.general_standards(&package, &probe);
        let variant = self.variant_for(&package);
        result.standard = Some(package.spec.key());
        result.profile = Some(profile.clone());
        result.variant = Some(variant.clone());

        let mut raw = parse::duplicate_member_findings(&parsed);
        // The paired request, parsed the same way.
        let request = request.map(|r| RequestText::read(r, self.standard()));
        let request_tree = request.as_ref().and_then(|r| r.tree(&opts.limits));
        let paired = match request
            .as_ref()
            .map(|r| r.paired(request_tree.as_ref()))
            .transpose()
        {
            Ok(p) => p,
            Err(e) => {
                result.error = Some(e);
                return;
            }
        };
        let compiled = match self.compiled_standard(&package) {
            Ok(c) => c,
            Err(e) => {
                result.error = Some(e);
                return;
            }
        };
        let input = CheckInput {
            name: &doc.name,
            body: parsed.body(),
            http: msg.http.as_ref(),
            raw: &doc.bytes,
            profile: &profile,
            variant: &variant,
            request: paired.as_ref(),
        };
        let mut kinds = vec![EngineKind::Input; raw.len()];
        let engine_kinds = match self.run_engines(&compiled, &input, &mut raw, &mut kinds, result) {
            Ok(k) => k,
            Err(e) => {
                result.error = Some(e);
                return;
            }
        };
        let rules = compiled.rules_of(&profile);
        engines::record_rules_checked(&rules, &engine_kinds, &input, result);
        let unmatched = Unmatched::new(&package, fallback.as_ref(), &parsed);
        if let Some(u) = &unmatched {
            u.fallback_rule_finding(&package, &profile, &mut raw, result);
        }
        kinds.resize(raw.len(), EngineKind::Input);
        let mut findings: Vec<Finding> = raw
            .into_iter()
            .zip(kinds)
            .map(|(f, k)| severity::enrich(f, k, &rules))
            .collect();
        severity::mark_not_enforced(&mut findings, &package.spec, &variant);
        severity::apply_policy(&mut findings, &package.spec, &profile, &doc.name, opts);
        if let Some(u) = unmatched {
            u.ensure_failure(&mut findings, &rules, opts.fail_on, result);
        }
        result.findings.extend(findings);
    }
}

/// Records why evaluation ended early: the input-rule findings (catalogued as konform's own
/// rules) or the error.
fn record_stop(result: &mut DocumentResult, stop: Stop) {
    match stop {
        Stop::Failed(e) => result.error = Some(e),
        Stop::Rejected(raw) => {
            let specs = crate::standard::builtin::rules();
            let builtin: BTreeMap<&str, &RuleSpec> =
                specs.iter().map(|r| (r.id.as_str(), r)).collect();
            for f in &raw {
                result.rules_checked.push(f.rule.clone());
            }
            result.findings.extend(
                raw.into_iter()
                    .map(|f| severity::enrich(f, EngineKind::Input, &builtin)),
            );
        }
    }
}
