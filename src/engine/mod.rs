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
use std::sync::Arc;

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

/// A package compiled for validation: engines per profile and the full rule catalogue.
pub struct CompiledStandard {
    /// The package.
    pub package: Arc<Package>,
    /// Engines, in evaluation order (schema engines first, then protocol).
    engines: Vec<Arc<dyn Engine>>,
    /// For each profile, the indexes of its engines.
    by_profile: BTreeMap<String, Vec<usize>>,
    /// Every rule: manifest rules plus those discovered in artefacts.
    pub rules: BTreeMap<String, RuleSpec>,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<CompiledStandard>();
};

impl CompiledStandard {
    /// Engines that run for a profile.
    pub fn engines_for(&self, profile: &str) -> impl Iterator<Item = (usize, &Arc<dyn Engine>)> {
        self.by_profile
            .get(profile)
            .into_iter()
            .flatten()
            .map(|&i| (i, &self.engines[i]))
    }

    /// Number of engines (for per-worker state vectors).
    pub fn engine_count(&self) -> usize {
        self.engines.len()
    }

    /// All engines.
    pub fn engines(&self) -> &[Arc<dyn Engine>] {
        &self.engines
    }
}

/// Compiles every artefact of a package once.
pub fn compile(package: &Arc<Package>) -> Result<CompiledStandard, EngineError> {
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
    let mut engines: Vec<Arc<dyn Engine>> = Vec::new();
    let mut by_artefact: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_profile: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for profile in &spec.profiles {
        let mut idx = Vec::new();
        for name in &profile.artefacts {
            if let Some(&i) = by_artefact.get(name) {
                idx.push(i);
                continue;
            }
            let Some((artefact, _)) = package.artefact(name) else {
                return Err(EngineError::Catalogue {
                    standard: spec.key(),
                    message: format!("unknown artefact {name}"),
                });
            };
            let engine: Arc<dyn Engine> = match artefact.kind {
                ArtefactKind::Xsd => Arc::new(xsd::XsdEngine::compile(package, name)?),
                ArtefactKind::Jsonschema => {
                    Arc::new(jsonschema::JsonSchemaEngine::compile(package, name)?)
                }
                ArtefactKind::Schematron => {
                    Arc::new(schematron::SchematronEngine::compile(package, name)?)
                }
                other => {
                    return Err(EngineError::Compile {
                        standard: spec.key(),
                        artefact: artefact.file.clone(),
                        message: format!("no engine runs {other:?} artefacts yet"),
                    });
                }
            };
            engines.push(engine);
            by_artefact.insert(name.clone(), engines.len() - 1);
            idx.push(engines.len() - 1);
        }
        by_profile.insert(profile.name.clone(), idx);
    }
    if spec
        .rules
        .iter()
        .any(|r| r.engine.contains(&EngineKind::Protocol))
    {
        engines.push(Arc::new(protocol::ProtocolEngine::compile(package)?));
        let i = engines.len() - 1;
        for idx in by_profile.values_mut() {
            idx.push(i);
        }
    }
    let mut rules: BTreeMap<String, RuleSpec> = spec
        .rules
        .iter()
        .map(|r| (r.id.clone(), r.clone()))
        .collect();
    for e in &engines {
        for r in e.discovered_rules() {
            rules.entry(r.id.clone()).or_insert(r);
        }
    }
    for r in crate::standard::builtin::rules() {
        rules.entry(r.id.clone()).or_insert(r);
    }
    Ok(CompiledStandard {
        package: package.clone(),
        engines,
        by_profile,
        rules,
    })
}
