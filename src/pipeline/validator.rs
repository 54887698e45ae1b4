//! A run: its options, and the standards it compiles (each at most once, on first use, then
//! shared by every thread).

use super::Session;
use crate::document::Limits;
use crate::engine::{self, CompiledStandard, EngineError};
use crate::standard::{Package, Registry, Severity};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

/// Run-wide options.
#[derive(Debug, Clone)]
pub struct Options {
    /// Standard chosen by the user; `None` detects from content.
    pub standard: Option<Arc<Package>>,
    /// Profile forced by the user.
    pub profile: Option<String>,
    /// Variant (default: the standard's first).
    pub variant: Option<String>,
    /// Lowest severity that makes a document non-conformant.
    pub fail_on: Severity,
    /// Input limits.
    pub limits: Limits,
    /// Report zero durations (reproducible reports).
    pub zero_durations: bool,
    /// Waivers from the project's `konform.toml`.
    pub waivers: Vec<crate::standard::policy::Waiver>,
    /// The day waiver expiry is judged against.
    pub today: crate::standard::registry::Date,
    /// What engines compile to (the Schematron phase).
    pub compile: engine::CompileOptions,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            standard: None,
            profile: None,
            variant: None,
            fail_on: Severity::Error,
            limits: Limits::default(),
            zero_durations: false,
            waivers: Vec::new(),
            today: (1970, 1, 1),
            compile: engine::CompileOptions::default(),
        }
    }
}

/// The compiled view of the registry for one run.
pub struct Validator {
    pub(super) registry: Registry,
    pub(super) options: Options,
    compiled: BTreeMap<String, OnceLock<Result<Arc<CompiledStandard>, EngineError>>>,
}

impl Validator {
    /// Prepares a run; nothing is compiled yet.
    pub fn new(registry: Registry, options: Options) -> Validator {
        let mut compiled: BTreeMap<String, OnceLock<_>> = registry
            .packages()
            .iter()
            .map(|p| (p.spec.key(), OnceLock::new()))
            .collect();
        if let Some(p) = &options.standard {
            compiled.entry(p.spec.key()).or_default();
        }
        Validator {
            registry,
            options,
            compiled,
        }
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The registry.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// An installed package by `id@version`.
    pub fn package(&self, key: &str) -> Option<&Arc<Package>> {
        self.registry
            .packages()
            .iter()
            .find(|p| p.spec.key() == key)
            .or(self
                .options
                .standard
                .as_ref()
                .filter(|p| p.spec.key() == key))
    }

    /// The prepared standard (prepared on first use; its engines compile when a profile first
    /// needs them).
    pub fn compiled(&self, package: &Arc<Package>) -> Result<&Arc<CompiledStandard>, EngineError> {
        let key = package.spec.key();
        let cell = self
            .compiled
            .get(&key)
            .ok_or_else(|| EngineError::Catalogue {
                standard: key.clone(),
                message: "standard not part of this run".into(),
            })?;
        cell.get_or_init(|| CompiledStandard::prepare(package, &self.options.compile).map(Arc::new))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Standards compiled so far (for the report header), sorted by key.
    pub fn used_standards(&self) -> Vec<Arc<CompiledStandard>> {
        self.compiled
            .values()
            .filter_map(|c| c.get().and_then(|r| r.as_ref().ok()).cloned())
            .collect()
    }

    /// A thread's evaluation state.
    pub fn session(&self) -> Session<'_> {
        Session {
            validator: self,
            workers: HashMap::new(),
            accept_matches: HashMap::new(),
            standard: None,
            variant: None,
        }
    }
}
