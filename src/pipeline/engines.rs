//! Engines: the profile's engines (xsd, schematron, jsonschema, protocol) run in order on
//! the parsed message, each through this thread's worker; and the record of which rules were
//! checked.

use super::Session;
use crate::engine::{self, CheckInput, CompiledStandard, EngineError, RawFinding, Worker};
use crate::report::model::{DocumentResult, ErrorKind, EvalError};
use crate::standard::{EngineKind, RuleSpec};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A configuration problem that stops evaluation (the standard cannot be used as it is).
fn configuration_error(e: EngineError) -> EvalError {
    EvalError {
        kind: ErrorKind::Configuration,
        message: e.to_string(),
    }
}

impl<'v> Session<'v> {
    /// The standard compiled for this run, or why it cannot be (artefacts missing from the
    /// store: one line naming the count and the command that fetches them).
    pub(super) fn compiled_standard(
        &self,
        package: &Arc<crate::standard::Package>,
    ) -> Result<Arc<CompiledStandard>, EvalError> {
        if !package.missing.is_empty() {
            let published = package.spec.artefacts.iter().filter(|a| a.url.is_some());
            return Err(EvalError {
                kind: ErrorKind::Configuration,
                message: crate::standard::store::missing_artefacts_line(
                    &package.spec.key(),
                    package.missing.len(),
                    published.count(),
                ),
            });
        }
        self.validator
            .compiled(package)
            .cloned()
            .map_err(configuration_error)
    }

    /// Runs the profile's engines in order, appending their findings to `raw` and the kind of
    /// engine behind each to `kinds`; returns the kinds of the engines that ran. An engine that
    /// fails to evaluate makes the verdict `error` but the others still run; a configuration
    /// problem stops evaluation.
    pub(super) fn run_engines(
        &mut self,
        compiled: &Arc<CompiledStandard>,
        input: &CheckInput<'_>,
        raw: &mut Vec<RawFinding>,
        kinds: &mut Vec<EngineKind>,
        result: &mut DocumentResult,
    ) -> Result<Vec<EngineKind>, EvalError> {
        let mut engine_kinds = Vec::new();
        let engines = compiled
            .engines_for(input.profile)
            .map_err(configuration_error)?;
        for (i, engine) in engines {
            engine_kinds.push(engine.kind());
            let worker = self.worker(compiled, i).map_err(configuration_error)?;
            let before = raw.len();
            let outcome = worker.check(input, raw);
            kinds.resize(before, EngineKind::Input);
            kinds.resize(raw.len(), engine.kind());
            if let Err(e) = outcome {
                // Keep evaluating the other engines; the verdict becomes `error`.
                result.error.get_or_insert(EvalError {
                    kind: ErrorKind::Engine,
                    message: e.to_string(),
                });
            }
        }
        Ok(engine_kinds)
    }

    /// This thread's worker for engine `i` of a standard (created on first use). The engine
    /// must be compiled.
    fn worker(
        &mut self,
        compiled: &Arc<CompiledStandard>,
        i: usize,
    ) -> Result<&mut Box<dyn Worker + 'v>, EngineError> {
        let key = compiled.package.spec.key();
        // Borrow the engines from the validator's cache, which outlives the session.
        let stored = self.validator.compiled(&compiled.package)?;
        let workers = self
            .workers
            .entry(key)
            .or_insert_with(|| (0..stored.engine_count()).map(|_| None).collect());
        let slot = workers.get_mut(i).ok_or_else(|| EngineError::Evaluate {
            message: format!("no engine {i}"),
        })?;
        if slot.is_none() {
            let engine = stored.engine(i).ok_or_else(|| EngineError::Evaluate {
                message: format!("engine {i} is not compiled"),
            })?;
            *slot = Some(engine.worker()?);
        }
        slot.as_mut().ok_or_else(|| EngineError::Evaluate {
            message: "worker cache".into(),
        })
    }
}

/// Records as checked each rule of the profile that one of the engines that ran evaluates (and
/// that applies to this input).
pub(super) fn record_rules_checked(
    rules: &BTreeMap<&str, &RuleSpec>,
    engine_kinds: &[EngineKind],
    input: &CheckInput<'_>,
    result: &mut DocumentResult,
) {
    for r in rules.values() {
        if r.engine.iter().any(|k| engine_kinds.contains(k)) && engine::protocol::runs(r, input) {
            result.rules_checked.push(r.id.clone());
        }
    }
}
