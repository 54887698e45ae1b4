//! Engines: evaluate the rules of one kind against a parsed document.
//!
//! Each engine is compiled once per run from a package ([`compile`]) and is immutable and
//! `Send + Sync`; per-thread scratch state lives in a [`Worker`]. Engines report raw findings
//! (rule id, message, location); the pipeline adds level, severity and clause from the rule
//! catalogue. Engines never print and never touch the network.

pub mod jsonschema;
pub mod protocol;
pub mod schematron;
pub mod xsd;

use crate::document::http::HttpMessage;
use crate::document::json::JsonDoc;
use crate::document::xml::XmlDoc;
use crate::report::model::Location;
use crate::standard::manifest::{ArtefactKind, RuleSpec};
use crate::standard::{EngineKind, Package, Severity};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// The parsed message an engine checks.
#[derive(Clone, Copy)]
pub enum Body<'a> {
    /// XML.
    Xml(&'a XmlDoc<'a>),
    /// JSON.
    Json(&'a JsonDoc),
}

/// A request paired with the response under test (for rules such as XRD-SOAP-010).
pub struct Paired<'a> {
    /// Name of the request document.
    pub name: &'a str,
    /// Its parsed message.
    pub body: Body<'a>,
    /// The bytes of the request message (the SOAP part, for captures).
    pub message_bytes: &'a [u8],
}

/// Everything an engine may look at for one document.
pub struct CheckInput<'a> {
    /// Document name.
    pub name: &'a str,
    /// The message.
    pub body: Body<'a>,
    /// The HTTP/MIME capture around it, when the input was one.
    pub http: Option<&'a HttpMessage>,
    /// The whole input file.
    pub raw: &'a [u8],
    /// Profile being checked.
    pub profile: &'a str,
    /// Variant being checked.
    pub variant: &'a str,
    /// The paired request, if any.
    pub request: Option<&'a Paired<'a>>,
}

/// A finding as an engine reports it, before the catalogue fills in level and clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFinding {
    /// Rule id.
    pub rule: String,
    /// What is wrong.
    pub message: String,
    /// Where.
    pub location: Location,
    /// Severity chosen by the engine (Schematron flags), overriding the rule's default.
    pub severity: Option<Severity>,
    /// Artefact the finding comes from.
    pub artefact: Option<String>,
    /// The Schematron check behind the finding (Schematron engine only).
    pub schematron: Option<crate::report::model::SchematronCheck>,
}

impl RawFinding {
    /// A finding with the rule's default severity.
    pub fn new(
        rule: impl Into<String>,
        message: impl Into<String>,
        location: Location,
    ) -> RawFinding {
        RawFinding {
            rule: rule.into(),
            message: message.into(),
            location,
            severity: None,
            artefact: None,
            schematron: None,
        }
    }
}

/// Why an engine could not compile or evaluate.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum EngineError {
    /// An artefact could not be compiled: a configuration error.
    #[error("cannot compile {artefact} of {standard}: {message}")]
    #[diagnostic(code(konform::engine::compile))]
    Compile {
        /// `id@version`.
        standard: String,
        /// Artefact file.
        artefact: String,
        /// Why.
        message: String,
    },
    /// The package's rule catalogue and the engines disagree: a configuration error.
    #[error("inconsistent rule catalogue in {standard}: {message}")]
    #[diagnostic(code(konform::engine::catalogue))]
    Catalogue {
        /// `id@version`.
        standard: String,
        /// Why.
        message: String,
    },
    /// Evaluation failed on a document.
    #[error("{message}")]
    #[diagnostic(code(konform::engine::evaluate))]
    Evaluate {
        /// Why.
        message: String,
    },
}

/// A compiled, immutable engine, shared by all workers.
pub trait Engine: Send + Sync {
    /// Which kind.
    fn kind(&self) -> EngineKind;
    /// Per-thread evaluation state.
    fn worker(&self) -> Result<Box<dyn Worker + '_>, EngineError>;
    /// Rules the engine found in its artefact beyond the manifest's catalogue (Schematron asserts).
    fn discovered_rules(&self) -> Vec<RuleSpec> {
        Vec::new()
    }
    /// For each rule the engine evaluates by context (Schematron), the rule id and the text of
    /// its context, test and message: where in a document the rule looks (used to aim
    /// generated mutations near those nodes).
    fn rule_contexts(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// Per-thread evaluation state of an engine.
pub trait Worker {
    /// Checks one document, appending findings.
    fn check(
        &mut self,
        input: &CheckInput<'_>,
        out: &mut Vec<RawFinding>,
    ) -> Result<(), EngineError>;
}

/// A package prepared for validation: engines per profile and the rule catalogue.
///
/// Engines compile lazily, per profile, on first use, and the engines of one profile in
/// parallel: a run over UBL invoices never compiles the CII rules. The catalogue grows with
/// them (rules a Schematron file declares are known once it is compiled); [`compile`] compiles
/// everything up front for callers that need the whole catalogue.
pub struct CompiledStandard {
    /// The package.
    pub package: Arc<Package>,
    /// Engines, in evaluation order (schema engines first, then protocol).
    slots: Vec<Slot>,
    /// For each profile, the indexes of its engines.
    by_profile: BTreeMap<String, Vec<usize>>,
    /// konform's built-in rules (input problems, waivers).
    builtin: BTreeMap<String, RuleSpec>,
    options: CompileOptions,
}

/// Choices that change what engines compile to.
#[derive(Debug, Clone, Default)]
pub struct CompileOptions {
    /// Schematron phase (`#ALL`, `#DEFAULT` or a phase id) for every Schematron file of the
    /// standard that defines it; the others run their default phase. A phase id that no
    /// Schematron file of a profile defines is a configuration error.
    pub phase: Option<String>,
}

/// One engine, compiled on first use.
struct Slot {
    /// The artefact it runs; `None` for the protocol engine.
    artefact: Option<String>,
    compiled: OnceLock<Result<Compiled, EngineError>>,
}

struct Compiled {
    engine: Arc<dyn Engine>,
    /// The Schematron phase it runs, if any.
    phase: Option<String>,
    /// Rules the engine found in its artefact, by id.
    discovered: BTreeMap<String, RuleSpec>,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<CompiledStandard>();
};

/// An engine with its index in the compiled standard.
pub type IndexedEngine<'a> = (usize, &'a Arc<dyn Engine>);

impl CompiledStandard {
    /// Checks the package and plans its engines; compiles nothing yet.
    pub fn prepare(
        package: &Arc<Package>,
        options: &CompileOptions,
    ) -> Result<CompiledStandard, EngineError> {
        let spec = &package.spec;
        if !package.missing.is_empty() {
            return Err(EngineError::Catalogue {
                standard: spec.key(),
                message: format!(
                    "artefacts not in the artefact store: {}; run `konform standards fetch {} --from DIR` (an offline mirror) or add --allow-net",
                    package.missing.join(", "),
                    spec.key()
                ),
            });
        }
        let mut slots: Vec<Slot> = Vec::new();
        let mut by_profile: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for profile in &spec.profiles {
            let mut idx = Vec::new();
            for name in &profile.artefacts {
                if let Some(i) = slots
                    .iter()
                    .position(|s| s.artefact.as_deref() == Some(name))
                {
                    idx.push(i);
                    continue;
                }
                let Some((artefact, _)) = package.artefact(name) else {
                    return Err(EngineError::Catalogue {
                        standard: spec.key(),
                        message: format!("unknown artefact {name}"),
                    });
                };
                if !matches!(
                    artefact.kind,
                    ArtefactKind::Xsd | ArtefactKind::Jsonschema | ArtefactKind::Schematron
                ) {
                    return Err(EngineError::Compile {
                        standard: spec.key(),
                        artefact: artefact.file.clone(),
                        message: format!("no engine runs {:?} artefacts yet", artefact.kind),
                    });
                }
                slots.push(Slot {
                    artefact: Some(name.clone()),
                    compiled: OnceLock::new(),
                });
                idx.push(slots.len() - 1);
            }
            by_profile.insert(profile.name.clone(), idx);
        }
        if spec
            .rules
            .iter()
            .any(|r| r.engine.contains(&EngineKind::Protocol))
        {
            slots.push(Slot {
                artefact: None,
                compiled: OnceLock::new(),
            });
            let i = slots.len() - 1;
            for idx in by_profile.values_mut() {
                idx.push(i);
            }
        }
        let builtin = crate::standard::builtin::rules()
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        Ok(CompiledStandard {
            package: package.clone(),
            slots,
            by_profile,
            builtin,
            options: options.clone(),
        })
    }

    /// Engines that run for a profile, compiled now if they were not yet (in parallel).
    pub fn engines_for(&self, profile: &str) -> Result<Vec<IndexedEngine<'_>>, EngineError> {
        let idx = self
            .by_profile
            .get(profile)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        self.compile_slots(idx)?;
        self.check_phase(profile, idx)?;
        Ok(idx
            .iter()
            .filter_map(|&i| self.engine(i).map(|e| (i, e)))
            .collect())
    }

    /// Compiles every engine of every profile.
    pub fn compile_all(&self) -> Result<(), EngineError> {
        let all: Vec<usize> = (0..self.slots.len()).collect();
        self.compile_slots(&all)
    }

    /// The engine in a slot, if it is compiled.
    pub fn engine(&self, i: usize) -> Option<&Arc<dyn Engine>> {
        match self.slots.get(i)?.compiled.get()? {
            Ok(c) => Some(&c.engine),
            Err(_) => None,
        }
    }

    /// Number of engine slots (for per-worker state vectors).
    pub fn engine_count(&self) -> usize {
        self.slots.len()
    }

    /// A rule by id: the manifest's, then those found in compiled artefacts, then built-ins.
    pub fn rule(&self, id: &str) -> Option<&RuleSpec> {
        if let Some(r) = self.package.spec.rules.iter().find(|r| r.id == id) {
            return Some(r);
        }
        self.compiled()
            .find_map(|c| c.discovered.get(id))
            .or_else(|| self.builtin.get(id))
    }

    /// The rules a profile's engines know, by id (compile them first with `engines_for`).
    pub fn rules_of(&self, profile: &str) -> BTreeMap<&str, &RuleSpec> {
        let idx = self
            .by_profile
            .get(profile)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        self.catalogue(
            idx.iter()
                .filter_map(|&i| self.slots[i].compiled.get()?.as_ref().ok()),
        )
    }

    /// Every rule known so far (all of them after [`CompiledStandard::compile_all`]).
    pub fn rules(&self) -> BTreeMap<&str, &RuleSpec> {
        self.catalogue(self.compiled())
    }

    /// The manifest's rules, then those of `engines`, then built-ins; the first of an id wins.
    fn catalogue<'a>(
        &'a self,
        engines: impl Iterator<Item = &'a Compiled>,
    ) -> BTreeMap<&'a str, &'a RuleSpec> {
        let mut rules: BTreeMap<&str, &RuleSpec> = BTreeMap::new();
        let discovered = engines.flat_map(|c| c.discovered.values());
        for r in self
            .package
            .spec
            .rules
            .iter()
            .chain(discovered)
            .chain(self.builtin.values())
        {
            rules.entry(r.id.as_str()).or_insert(r);
        }
        rules
    }

    fn compiled(&self) -> impl Iterator<Item = &Compiled> {
        self.slots
            .iter()
            .filter_map(|s| s.compiled.get().and_then(|r| r.as_ref().ok()))
    }

    /// Compiles the given slots, those not yet compiled in parallel threads.
    fn compile_slots(&self, idx: &[usize]) -> Result<(), EngineError> {
        let pending: Vec<&Slot> = idx
            .iter()
            .map(|&i| &self.slots[i])
            .filter(|s| s.compiled.get().is_none())
            .collect();
        let init = |s: &Slot| {
            s.compiled.get_or_init(|| self.compile_slot(s));
        };
        if let [rest @ .., last] = pending.as_slice() {
            std::thread::scope(|scope| {
                for s in rest {
                    scope.spawn(|| init(s));
                }
                init(last);
            });
        }
        for &i in idx {
            if let Some(Err(e)) = self.slots[i].compiled.get() {
                return Err(e.clone());
            }
        }
        Ok(())
    }

    fn compile_slot(&self, slot: &Slot) -> Result<Compiled, EngineError> {
        let package = &self.package;
        let mut phase = None;
        let engine: Arc<dyn Engine> = match &slot.artefact {
            None => Arc::new(protocol::ProtocolEngine::compile(package)?),
            Some(name) => {
                let Some((artefact, _)) = package.artefact(name) else {
                    return Err(EngineError::Catalogue {
                        standard: package.spec.key(),
                        message: format!("unknown artefact {name}"),
                    });
                };
                match artefact.kind {
                    ArtefactKind::Xsd => Arc::new(xsd::XsdEngine::compile(package, name)?),
                    ArtefactKind::Jsonschema => {
                        Arc::new(jsonschema::JsonSchemaEngine::compile(package, name)?)
                    }
                    _ => {
                        let options = schematron::Options {
                            phase: self.options.phase.clone(),
                            phase_optional: true,
                        };
                        let e =
                            schematron::SchematronEngine::compile_with(package, name, &options)?;
                        phase = e.phase().map(str::to_string);
                        Arc::new(e)
                    }
                }
            }
        };
        let discovered = engine
            .discovered_rules()
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        Ok(Compiled {
            engine,
            phase,
            discovered,
        })
    }

    /// A named phase must be one that some Schematron file of the profile defines.
    fn check_phase(&self, profile: &str, idx: &[usize]) -> Result<(), EngineError> {
        let Some(wanted) = self
            .options
            .phase
            .as_deref()
            .filter(|p| !p.starts_with('#'))
        else {
            return Ok(());
        };
        let schematron = || {
            idx.iter()
                .filter_map(|&i| {
                    Some((
                        self.slots[i].artefact.as_deref()?,
                        self.slots[i].compiled.get()?.as_ref().ok()?,
                    ))
                })
                .filter(|(_, c)| c.engine.kind() == EngineKind::Schematron)
        };
        if schematron().any(|(_, c)| c.phase.as_deref() == Some(wanted)) {
            return Ok(());
        }
        let files: Vec<&str> = schematron().map(|(a, _)| a).collect();
        Err(EngineError::Catalogue {
            standard: self.package.spec.key(),
            message: format!(
                "phase `{wanted}` is defined by none of the Schematron files of profile {profile} ({})",
                if files.is_empty() {
                    "it has none".to_string()
                } else {
                    files.join(", ")
                }
            ),
        })
    }
}

/// Prepares a package and compiles every engine of it (the whole rule catalogue).
pub fn compile(
    package: &Arc<Package>,
    options: &CompileOptions,
) -> Result<CompiledStandard, EngineError> {
    let compiled = CompiledStandard::prepare(package, options)?;
    compiled.compile_all()?;
    Ok(compiled)
}
