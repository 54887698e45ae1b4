//! The `schematron` engine: ISO Schematron (ISO/IEC 19757-3) with XPath 2.0/3.1 query
//! binding, evaluated natively with xee.
//!
//! Pipeline: [`model`] reads the `.sch` (includes, abstract patterns, abstract rules,
//! `xsl:function`s via [`xslt`]); [`compile`] selects the phase's patterns and prepares every
//! expression ([`xpath`], which also rewrites around xee's known defects) and every rule
//! context ([`matcher`]); [`eval`] walks a document once per pattern. Each finding carries the
//! assert or report behind it, from which `report::svrl` renders SVRL.
//!
//! Compile once, validate many: [`SchematronEngine`] holds only plain data and is
//! `Send + Sync`. xee's compiled programs are not `Send`, so each thread compiles the prepared
//! ASTs once and keeps them in a thread-local cache keyed by engine (the compiling thread
//! reuses the programs built while checking the schema). Per document, the text is parsed once
//! into xee's tree.
//!
//! Rule ids are the `assert`/`report` `@id`, else `<pattern id>-<n>` (n counts the pattern's
//! asserts and reports from 1). Severity comes from `@severity`, `@flag` or `@role` of the
//! assert, then of its rule (`fatal`/`error` → error, `warning` → warning, `info` → info).

mod cache;
mod compile;
mod eval;
mod flatten;
mod matcher;
mod model;
mod scope;
mod xpath;
mod xslt;

use super::{Body, CheckInput, Engine, EngineError, RawFinding, Worker};
use crate::document::xml::XmlDoc;
use crate::report::model::{CheckKind, Location, SchematronCheck};
use crate::standard::manifest::{Level, RuleInput, RuleSpec};
use crate::standard::{EngineKind, Package, Severity};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use model::Resolver;

/// Compile options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Phase to run (`#ALL`, `#DEFAULT` or a phase id); `None`: the schema's default phase,
    /// else all patterns.
    pub phase: Option<String>,
    /// A schema that does not define `phase` runs its default phase instead of failing (for a
    /// phase named once for several Schematron files of a standard).
    pub phase_optional: bool,
}

/// A compiled Schematron schema.
pub struct SchematronEngine {
    compiled: Arc<compile::Compiled>,
    id: u64,
    standard: String,
    artefact: String,
}

/// A rule that fired on a node (for SVRL).
#[derive(Debug, Clone)]
pub struct FiredRule {
    /// Pattern id.
    pub pattern: Option<String>,
    /// Rule id.
    pub rule_id: Option<String>,
    /// Rule context as written.
    pub context: String,
    /// The node.
    pub location: Location,
}

/// One failed assert, successful report or evaluation error (for SVRL).
#[derive(Debug, Clone)]
pub struct CheckRecord {
    /// `failed-assert`, `successful-report`, or `error` when evaluation failed.
    pub kind: &'static str,
    /// Rule id (assert id).
    pub id: String,
    /// Test as written.
    pub test: String,
    /// `@flag`.
    pub flag: Option<String>,
    /// `@role`.
    pub role: Option<String>,
    /// `@see`.
    pub see: Option<String>,
    /// The node.
    pub location: Location,
    /// Message (or error) text.
    pub text: String,
    /// `(diagnostic id, text)`.
    pub diagnostics: Vec<(String, String)>,
    /// Index in [`SchematronRun::fired`] of the rule firing it came from.
    pub fired: Option<usize>,
}

/// Everything one document produced.
#[derive(Debug, Clone, Default)]
pub struct SchematronRun {
    /// Findings, in pattern order then document order.
    pub findings: Vec<RawFinding>,
    /// Asserts/reports that fired (and evaluation errors), parallel to `findings`.
    pub records: Vec<CheckRecord>,
    /// Rules that fired.
    pub fired: Vec<FiredRule>,
    /// Ids of the active patterns, in order.
    pub patterns: Vec<Option<String>>,
}

/// Reads includes from package files (relative to the including file).
struct PackageFiles<'p>(&'p Package);

/// Joins a relative reference to a base path with `/` separators, resolving `.` and `..`.
fn join_relative(base: &str, href: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

impl Resolver for PackageFiles<'_> {
    fn load(&self, base: &str, href: &str) -> Result<(String, String), String> {
        let path = join_relative(base, href);
        let bytes = self.0.files.get(&path).ok_or_else(|| {
            format!("{base} includes {href}, which is not a file of the package ({path})")
        })?;
        let text = String::from_utf8(bytes.to_vec()).map_err(|_| format!("{path} is not UTF-8"))?;
        Ok((path, text))
    }
}

/// Reads includes from the file system, relative to the including file.
struct FileSystem;

impl Resolver for FileSystem {
    fn load(&self, base: &str, href: &str) -> Result<(String, String), String> {
        if href.contains("://") {
            return Err(format!(
                "{base} includes {href}: only relative file references are followed"
            ));
        }
        let path: PathBuf = Path::new(base)
            .parent()
            .unwrap_or(Path::new("."))
            .join(href);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok((path.display().to_string(), text))
    }
}

impl SchematronEngine {
    /// Compiles a Schematron artefact of a package (default phase).
    pub fn compile(package: &Arc<Package>, name: &str) -> Result<SchematronEngine, EngineError> {
        Self::compile_with(package, name, &Options::default())
    }

    /// Compiles a Schematron artefact of a package with options.
    pub fn compile_with(
        package: &Arc<Package>,
        name: &str,
        options: &Options,
    ) -> Result<SchematronEngine, EngineError> {
        let standard = package.spec.key();
        let err = |artefact: &str, message: String| EngineError::Compile {
            standard: standard.clone(),
            artefact: artefact.to_string(),
            message,
        };
        let (spec, bytes) = package
            .artefact(name)
            .ok_or_else(|| err(name, "unknown artefact".into()))?;
        let text = std::str::from_utf8(bytes).map_err(|_| err(&spec.file, "not UTF-8".into()))?;
        Self::from_text(
            text,
            &spec.file,
            &PackageFiles(package),
            options,
            standard.clone(),
            spec.file.clone(),
        )
    }

    /// Compiles a `.sch` file from disk; includes are read relative to it.
    pub fn compile_file(path: &Path) -> Result<SchematronEngine, EngineError> {
        Self::compile_file_with(path, &Options::default())
    }

    /// Compiles a `.sch` file from disk with options.
    pub fn compile_file_with(
        path: &Path,
        options: &Options,
    ) -> Result<SchematronEngine, EngineError> {
        let artefact = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| EngineError::Compile {
            standard: "-".into(),
            artefact: artefact.clone(),
            message: e.to_string(),
        })?;
        Self::from_text(
            &text,
            &artefact,
            &FileSystem,
            options,
            "-".into(),
            artefact.clone(),
        )
    }

    /// Compiles schema text; `base` names it for its includes, which `resolver` reads.
    pub fn from_text(
        text: &str,
        base: &str,
        resolver: &dyn Resolver,
        options: &Options,
        standard: String,
        artefact: String,
    ) -> Result<SchematronEngine, EngineError> {
        let err = |message: String| EngineError::Compile {
            standard: standard.clone(),
            artefact: artefact.clone(),
            message,
        };
        let schema = model::parse(text, base, resolver).map_err(err)?;
        if let Some(qb) = &schema.query_binding {
            let qb = qb.to_ascii_lowercase();
            if !matches!(
                qb.as_str(),
                "xslt2" | "xslt3" | "xpath2" | "xpath3" | "xpath31" | "xslt" | "xpath"
            ) {
                return Err(err(format!(
                    "queryBinding `{qb}` is not supported (xslt2, xslt3, xpath2, xpath3 are)"
                )));
            }
        }
        let compiled = compile::compile(&schema, options.phase.as_deref(), options.phase_optional)
            .map_err(err)?;
        let compiled = Arc::new(compiled);
        let id = cache::next_id();
        // Checks that every expression compiles, and keeps the programs for this thread.
        cache::programs(id, &compiled).map_err(err)?;
        Ok(SchematronEngine {
            compiled,
            id,
            standard,
            artefact,
        })
    }

    /// The schema title.
    pub fn title(&self) -> Option<&str> {
        self.compiled.title.as_deref()
    }

    /// The phase that runs (`None`: all patterns).
    pub fn phase(&self) -> Option<&str> {
        self.compiled.phase.as_deref()
    }

    /// Number of asserts and reports in the active patterns.
    pub fn check_count(&self) -> usize {
        self.compiled
            .patterns
            .iter()
            .flat_map(|p| &p.rules)
            .map(|r| r.checks.len())
            .sum()
    }

    /// Number of rules (contexts) in the active patterns.
    pub fn rule_count(&self) -> usize {
        self.compiled.patterns.iter().map(|p| p.rules.len()).sum()
    }

    /// Validates one parsed XML document.
    pub fn run(&self, doc: &XmlDoc<'_>) -> Result<SchematronRun, EngineError> {
        let progs = cache::programs(self.id, &self.compiled)
            .map_err(|message| EngineError::Evaluate { message })?;
        let results = eval::evaluate(&self.compiled, &progs, doc)
            .map_err(|message| EngineError::Evaluate { message })?;
        let c = &self.compiled;
        let location = |at: &eval::NodeAt| node_location(doc, at);
        let mut run = SchematronRun {
            patterns: c.patterns.iter().map(|p| p.id.clone()).collect(),
            ..Default::default()
        };
        for f in &results.fired {
            let rule = &c.patterns[f.pattern].rules[f.rule];
            run.fired.push(FiredRule {
                pattern: c.patterns[f.pattern].id.clone(),
                rule_id: rule.id.clone(),
                context: rule.context.clone(),
                location: location(&f.at),
            });
        }
        for r in &results.checks {
            let check = &c.patterns[r.pattern].rules[r.rule].checks[r.check];
            let loc = location(&r.at);
            let (kind, text, diagnostics, severity) = match &r.outcome {
                eval::Outcome::Fired { text, diagnostics } => {
                    let kind = match check.kind {
                        model::CheckKind::Assert => "failed-assert",
                        model::CheckKind::Report => "successful-report",
                    };
                    (kind, text.clone(), diagnostics.clone(), check.severity)
                }
                eval::Outcome::Error(e) => (
                    "error",
                    format!("could not evaluate: {e}"),
                    Vec::new(),
                    Some(Severity::Error),
                ),
            };
            let mut message = text.clone();
            for (_, d) in &diagnostics {
                if !d.is_empty() {
                    message.push_str(" — ");
                    message.push_str(d);
                }
            }
            let detail = match &r.outcome {
                eval::Outcome::Fired { .. } => Some(SchematronCheck {
                    kind: match check.kind {
                        model::CheckKind::Assert => CheckKind::Assert,
                        model::CheckKind::Report => CheckKind::Report,
                    },
                    test: c.exprs[check.test].source.clone(),
                    context: c.patterns[r.pattern].rules[r.rule].context.clone(),
                    pattern: c.patterns[r.pattern].id.clone(),
                    flag: check.flag.clone(),
                    role: check.role.clone(),
                    see: check.see.clone(),
                    diagnostics: diagnostics.clone(),
                }),
                eval::Outcome::Error(_) => None,
            };
            run.findings.push(RawFinding {
                rule: check.id.clone(),
                message,
                location: loc.clone(),
                severity,
                artefact: Some(self.artefact.clone()),
                schematron: detail,
            });
            run.records.push(CheckRecord {
                kind,
                id: check.id.clone(),
                test: c.exprs[check.test].source.clone(),
                flag: check.flag.clone(),
                role: check.role.clone(),
                see: check.see.clone(),
                location: loc,
                text,
                diagnostics,
                fired: r.fired,
            });
        }
        Ok(run)
    }
}

fn node_location(doc: &XmlDoc<'_>, at: &eval::NodeAt) -> Location {
    let Some(indexes) = &at.elements else {
        return Location {
            line: Some(1 + doc.line_offset),
            column: Some(1),
            path: Some("/".into()),
        };
    };
    match doc.element_at(indexes) {
        Some(node) => {
            let mut loc = doc.location(node);
            if let (Some(a), Some(p)) = (&at.attribute, &mut loc.path) {
                p.push_str("/@");
                p.push_str(a);
            }
            loc
        }
        None => Location::default(),
    }
}

impl Engine for SchematronEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Schematron
    }

    fn worker(&self) -> Result<Box<dyn Worker + '_>, EngineError> {
        // Compiles this thread's programs now rather than on the first document.
        cache::programs(self.id, &self.compiled)
            .map_err(|message| EngineError::Evaluate { message })?;
        Ok(Box::new(SchematronWorker { engine: self }))
    }

    fn rule_contexts(&self) -> Vec<(String, String)> {
        let c = &self.compiled;
        c.patterns
            .iter()
            .flat_map(|p| &p.rules)
            .flat_map(|r| {
                r.checks.iter().map(|k| {
                    let test = c.exprs.get(k.test).map_or("", |e| e.source.as_str());
                    (k.id.clone(), format!("{} {} {}", r.context, test, k.title))
                })
            })
            .collect()
    }

    fn discovered_rules(&self) -> Vec<RuleSpec> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for p in &self.compiled.patterns {
            for r in &p.rules {
                for c in &r.checks {
                    if !seen.insert(c.id.clone()) {
                        continue;
                    }
                    let title = if c.title.is_empty() {
                        c.id.clone()
                    } else {
                        c.title.clone()
                    };
                    let clause = match &p.id {
                        Some(pid) => format!("{} (pattern {pid})", c.id),
                        None => c.id.clone(),
                    };
                    out.push(RuleSpec {
                        id: c.id.clone(),
                        level: Level::Must,
                        severity: c.severity.unwrap_or(Severity::Error),
                        title,
                        clause,
                        engine: vec![EngineKind::Schematron],
                        profiles: Vec::new(),
                        variants: Vec::new(),
                        input: RuleInput::Message,
                        xsd_scope: None,
                        description: None,
                    });
                }
            }
        }
        out
    }
}

struct SchematronWorker<'e> {
    engine: &'e SchematronEngine,
}

impl Worker for SchematronWorker<'_> {
    fn check(
        &mut self,
        input: &CheckInput<'_>,
        out: &mut Vec<RawFinding>,
    ) -> Result<(), EngineError> {
        let Body::Xml(doc) = input.body else {
            return Err(EngineError::Evaluate {
                message: format!("{}: Schematron needs an XML document", self.engine.artefact),
            });
        };
        let run = self.engine.run(doc)?;
        out.extend(run.findings);
        Ok(())
    }
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SchematronEngine>();
};

impl std::fmt::Debug for SchematronEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchematronEngine")
            .field("standard", &self.standard)
            .field("artefact", &self.artefact)
            .field("rules", &self.rule_count())
            .field("checks", &self.check_count())
            .finish()
    }
}
