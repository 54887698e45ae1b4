//! One document x one standard -> findings -> verdict.
//!
//! [`Validator`] holds the registry and compiles each standard at most once per run (lazily, on
//! first use, then shared by every thread). [`Session`] is one thread's evaluation state (engine
//! workers). Nothing here prints; the CLI renders the results.

use crate::document::http::{self, HttpMessage};
use crate::document::json::{self, JsonDoc};
use crate::document::xml::{self, XmlDoc};
use crate::document::{Document, InputError, Limits, Sniffed};
use crate::engine::{
    self, Body, CheckInput, CompiledStandard, EngineError, Paired, RawFinding, Worker,
};
use crate::report::model::{
    Acceptance, DocumentInfo, DocumentResult, ErrorKind, EvalError, Finding, Location, Verdict,
};
use crate::standard::accept_match::AcceptMatch;
use crate::standard::detect::{self, Detection, Probe};
use crate::standard::manifest::{HttpSide, RuleSpec, Syntax};
use crate::standard::{EngineKind, Package, Registry, Severity};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

mod kosit_report;

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
    registry: Registry,
    options: Options,
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

/// One thread's engine workers, created on first use per standard.
pub struct Session<'v> {
    validator: &'v Validator,
    workers: HashMap<String, Vec<Option<Box<dyn Worker + 'v>>>>,
    /// Compiled `acceptMatch` per standard (`id@version`), compiled on first use.
    accept_matches: HashMap<String, Result<Option<AcceptMatch>, String>>,
    standard: Option<Arc<Package>>,
    variant: Option<String>,
}

/// The message inside an input, decoded and parsed (or why not).
enum Parsed<'t> {
    Xml(XmlDoc<'t>),
    Json(JsonDoc),
}

/// A finding on a built-in input rule.
fn input_finding(rule: &str, message: String, line: u32, column: u32) -> RawFinding {
    RawFinding::new(
        rule,
        message,
        Location {
            line: Some(line),
            column: Some(column),
            path: None,
        },
    )
}

/// A finding for an XML decoding or well-formedness problem, in file coordinates.
fn xml_problem_finding(p: xml::XmlProblem, line_offset: u32) -> RawFinding {
    input_finding(p.rule, p.message, p.line + line_offset, p.column)
}

/// The text of the message inside a document, and where it starts.
struct Message {
    http: Option<HttpMessage>,
    bytes: std::ops::Range<usize>,
    line_offset: u32,
    syntax: Syntax,
    /// The capture's body is empty or neither JSON nor XML: only HTTP-level rules apply, and
    /// the body is checked as JSON `null`.
    opaque: bool,
}

/// The standard and profile a document is evaluated with.
struct Chosen {
    package: Arc<Package>,
    profile: String,
    /// Set when the named standard's fallback profile was taken: why each profile did not match.
    fallback: Option<Vec<String>>,
}

/// Outcome of preparing a document: the message, or findings/error that end evaluation.
enum Prepared {
    Ready(Message),
    Rejected(Vec<RawFinding>),
    Failed(EvalError),
}

fn expected_syntax(standard: Option<&Arc<Package>>) -> Option<Syntax> {
    let p = standard?;
    let mut syntaxes = p.spec.profiles.iter().map(|pr| pr.format);
    let first = syntaxes.next()?;
    syntaxes.all(|s| s == first).then_some(first)
}

fn prepare(doc: &Document, standard: Option<&Arc<Package>>) -> Prepared {
    let fail = |m: String| {
        Prepared::Failed(EvalError {
            kind: ErrorKind::Input,
            message: m,
        })
    };
    let sniffed = doc.sniff();
    let (http, range, line_offset, inner) = match sniffed {
        Sniffed::Gzip => {
            return fail(
                InputError::Compressed {
                    name: doc.name.clone(),
                    what: "gzip",
                }
                .to_string(),
            );
        }
        Sniffed::OtherCompressed(what) => {
            return fail(
                InputError::Compressed {
                    name: doc.name.clone(),
                    what,
                }
                .to_string(),
            );
        }
        Sniffed::Http => match http::parse(&doc.bytes) {
            Ok(m) => {
                let (range, line) = m.message_range();
                let inner = crate::document::sniff(&doc.bytes[range.clone()]);
                (Some(m), range, line - 1, inner)
            }
            Err(p) => {
                return Prepared::Rejected(vec![input_finding(
                    http::RULE_WELL_FORMED,
                    p.message,
                    p.line,
                    1,
                )]);
            }
        },
        other => (None, 0..doc.bytes.len(), 0, other),
    };
    let http_profiles = standard.is_none_or(|p| p.spec.profiles.iter().any(|pr| pr.http.is_some()));
    let opaque = http.is_some() && http_profiles && !matches!(inner, Sniffed::Json | Sniffed::Xml);
    let syntax = match inner {
        Sniffed::Json => Syntax::Json,
        Sniffed::Xml => Syntax::Xml,
        _ if opaque => Syntax::Json,
        _ => expected_syntax(standard).unwrap_or(Syntax::Xml),
    };
    Prepared::Ready(Message {
        http,
        bytes: range,
        line_offset,
        syntax,
        opaque,
    })
}

/// A parsed message plus the side of the HTTP capture it came in, for detection.
struct HttpProbe<'a> {
    inner: &'a dyn Probe,
    side: Option<HttpSide>,
}

impl Probe for HttpProbe<'_> {
    fn syntax(&self) -> Syntax {
        self.inner.syntax()
    }
    fn root(&self) -> Option<(String, String)> {
        self.inner.root()
    }
    fn select(&self, path: &str) -> Option<(String, String)> {
        self.inner.select(path)
    }
    fn http_side(&self) -> Option<HttpSide> {
        self.side
    }
}

fn format_name(doc: &Document) -> &'static str {
    doc.sniff().as_str()
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
                format: format_name(doc).to_string(),
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
        result.duration_ms = if opts.zero_durations {
            0.0
        } else {
            start.elapsed().as_secs_f64() * 1000.0
        };
        result.finish(opts.fail_on);
        if let Some(p) = result
            .standard
            .as_deref()
            .and_then(|k| self.validator.package(k))
        {
            result.accept(p.spec.acceptance.reject_at);
            self.accept_match(p, &mut result, opts.fail_on);
        } else {
            // No standard to ask (the document matches none, or could not be read): rejected,
            // as the KoSIT validator reports a document that no scenario matches.
            result.accept(Severity::Error);
        }
        result
    }

    /// Evaluates the package's `acceptMatch` (if any) on the document's KoSIT-shaped report,
    /// whose assessment is the `reject_at` decision already taken. A failed evaluation makes
    /// the document "could not evaluate".
    fn accept_match(&mut self, pkg: &Package, result: &mut DocumentResult, fail_on: Severity) {
        if result.error.is_some() || pkg.spec.acceptance.kosit_accept_match.is_none() {
            return;
        }
        let Some(profile) = result.profile.clone() else {
            return;
        };
        let compiled = self
            .accept_matches
            .entry(pkg.spec.key())
            .or_insert_with(|| AcceptMatch::compile(&pkg.spec.acceptance));
        let outcome = match compiled {
            Ok(Some(m)) => {
                let accepted = result.acceptance == Some(Acceptance::Accept);
                let report = kosit_report::render(pkg, &profile, result, accepted);
                m.accepts(&report).map_err(|e| (ErrorKind::Engine, e))
            }
            Ok(None) => return,
            Err(e) => Err((ErrorKind::Configuration, e.clone())),
        };
        match outcome {
            Ok(accept) => {
                result.acceptance = Some(if accept {
                    Acceptance::Accept
                } else {
                    Acceptance::Reject
                });
            }
            Err((kind, message)) => {
                result.error = Some(EvalError { kind, message });
                result.finish(fail_on);
                result.acceptance = Some(Acceptance::Reject);
            }
        }
    }

    fn evaluate(
        &mut self,
        doc: &Document,
        request: Option<&Document>,
        result: &mut DocumentResult,
    ) {
        let opts = &self.validator.options;
        let msg = match prepare(doc, self.standard()) {
            Prepared::Ready(m) => m,
            Prepared::Rejected(raw) => return self.reject(result, raw),
            Prepared::Failed(e) => {
                result.error = Some(e);
                return;
            }
        };
        let bytes: &[u8] = if msg.opaque {
            b"null"
        } else {
            &doc.bytes[msg.bytes.clone()]
        };
        let text_owned;
        let parsed = match msg.syntax {
            Syntax::Xml => {
                result.rules_checked.extend(
                    [xml::RULE_WELL_FORMED, xml::RULE_NO_DTD, xml::RULE_ENCODING].map(String::from),
                );
                text_owned = match xml::decode(bytes) {
                    Ok(t) => t,
                    Err(p) => {
                        return self.reject(result, vec![xml_problem_finding(p, msg.line_offset)]);
                    }
                };
                match xml::parse(&doc.name, &text_owned, &opts.limits) {
                    Err(e) => return self.input_error(result, e),
                    Ok(Err(p)) => {
                        return self.reject(result, vec![xml_problem_finding(p, msg.line_offset)]);
                    }
                    Ok(Ok(tree)) => Parsed::Xml(XmlDoc::new(&text_owned, tree, msg.line_offset)),
                }
            }
            Syntax::Json => {
                result
                    .rules_checked
                    .extend([json::RULE_WELL_FORMED, json::RULE_UNIQUE_NAMES].map(String::from));
                text_owned = match String::from_utf8(bytes.to_vec()) {
                    Ok(t) => t,
                    Err(e) => {
                        let (line, col) = crate::document::source::byte_position(
                            bytes,
                            e.utf8_error().valid_up_to(),
                        );
                        return self.reject(
                            result,
                            vec![input_finding(
                                json::RULE_WELL_FORMED,
                                "invalid UTF-8 byte sequence (JSON text must be UTF-8)".into(),
                                line + msg.line_offset,
                                col,
                            )],
                        );
                    }
                };
                match json::parse(&doc.name, &text_owned, &opts.limits, msg.line_offset) {
                    Err(e) => return self.input_error(result, e),
                    Ok(Err(p)) => {
                        return self.reject(
                            result,
                            vec![input_finding(
                                json::RULE_WELL_FORMED,
                                p.message,
                                p.line,
                                p.column,
                            )],
                        );
                    }
                    Ok(Ok(j)) => Parsed::Json(j),
                }
            }
        };
        if msg.http.is_some() {
            result.rules_checked.push(http::RULE_WELL_FORMED.into());
        }
        let inner: &dyn Probe = match &parsed {
            Parsed::Xml(x) => x,
            Parsed::Json(j) => j,
        };
        let probe = HttpProbe {
            inner,
            side: msg.http.as_ref().and_then(|h| match h.start {
                http::StartLine::Request { .. } => Some(HttpSide::Request),
                http::StartLine::Response { .. } => Some(HttpSide::Response),
                http::StartLine::None => None,
            }),
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
        let variant = self
            .variant
            .clone()
            .or_else(|| opts.variant.clone())
            .unwrap_or_else(|| package.spec.default_variant().to_string());
        result.standard = Some(package.spec.key());
        result.profile = Some(profile.clone());
        result.variant = Some(variant.clone());

        let mut raw = Vec::new();
        if let Parsed::Json(j) = &parsed {
            for (pointer, offset) in &j.duplicates {
                raw.push(RawFinding::new(
                    json::RULE_UNIQUE_NAMES,
                    format!(
                        "member name `{}` appears more than once in its object",
                        pointer.rsplit('/').next().unwrap_or("")
                    ),
                    j.offset_location(*offset, pointer),
                ));
            }
        }

        // The paired request, parsed the same way.
        let req_msg = request.map(|r| (r, prepare(r, self.standard())));
        let req_text = match &req_msg {
            Some((r, Prepared::Ready(m))) => xml::decode(&r.bytes[m.bytes.clone()]).ok(),
            _ => None,
        };
        let req_tree = match (&req_text, &req_msg) {
            (Some(t), Some((_, Prepared::Ready(m)))) => {
                match xml::parse("request", t, &opts.limits) {
                    Ok(Ok(tree)) => Some(XmlDoc::new(t, tree, m.line_offset)),
                    _ => None,
                }
            }
            _ => None,
        };
        let paired = match (&req_msg, &req_tree) {
            (Some((r, Prepared::Ready(m))), Some(t)) => Some(Paired {
                name: &r.name,
                body: Body::Xml(t),
                message_bytes: &r.bytes[m.bytes.clone()],
            }),
            (Some((r, _)), _) => {
                result.error = Some(EvalError {
                    kind: ErrorKind::Input,
                    message: format!(
                        "the paired request {} is not a well-formed XML message",
                        r.name
                    ),
                });
                return;
            }
            (None, _) => None,
        };

        if !package.missing.is_empty() {
            let published = package.spec.artefacts.iter().filter(|a| a.url.is_some());
            result.error = Some(EvalError {
                kind: ErrorKind::Configuration,
                message: crate::standard::store::missing_artefacts_line(
                    &package.spec.key(),
                    package.missing.len(),
                    published.count(),
                ),
            });
            return;
        }
        let compiled = match self.validator.compiled(&package) {
            Ok(c) => c.clone(),
            Err(e) => {
                result.error = Some(EvalError {
                    kind: ErrorKind::Configuration,
                    message: e.to_string(),
                });
                return;
            }
        };
        let body = match &parsed {
            Parsed::Xml(x) => Body::Xml(x),
            Parsed::Json(j) => Body::Json(j),
        };
        let input = CheckInput {
            name: &doc.name,
            body,
            http: msg.http.as_ref(),
            raw: &doc.bytes,
            profile: &profile,
            variant: &variant,
            request: paired.as_ref(),
        };
        let mut engine_kinds = Vec::new();
        let mut kinds = vec![EngineKind::Input; raw.len()];
        let configuration_error = |e: EngineError| EvalError {
            kind: ErrorKind::Configuration,
            message: e.to_string(),
        };
        let engines = match compiled.engines_for(&profile) {
            Ok(e) => e,
            Err(e) => {
                result.error = Some(configuration_error(e));
                return;
            }
        };
        for (i, engine) in engines {
            engine_kinds.push(engine.kind());
            let worker = match self.worker(&compiled, i) {
                Ok(w) => w,
                Err(e) => {
                    result.error = Some(configuration_error(e));
                    return;
                }
            };
            let before = raw.len();
            let outcome = worker.check(&input, &mut raw);
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
        let rules = compiled.rules_of(&profile);
        for r in rules.values() {
            if r.engine.iter().any(|k| engine_kinds.contains(k))
                && engine::protocol::runs(r, &input)
            {
                result.rules_checked.push(r.id.clone());
            }
        }
        // The fallback profile: the document is none of the standard's kinds of message.
        let unmatched = fallback.as_ref().map(|why| {
            let location = match &parsed {
                Parsed::Xml(x) => x.location(x.tree.root_element()),
                Parsed::Json(j) => j.location(""),
            };
            let message = format!(
                "the document is none of the kinds of message {} defines:\n  {}",
                package.spec.key(),
                why.join("\n  ")
            );
            (location, message)
        });
        let fallback_rule = package
            .spec
            .profile(&profile)
            .and_then(|p| p.fallback_rule.clone());
        if let (Some((location, message)), Some(rule)) = (&unmatched, &fallback_rule) {
            raw.push(RawFinding::new(
                rule.clone(),
                message.clone(),
                location.clone(),
            ));
            result.rules_checked.push(rule.clone());
        }
        kinds.resize(raw.len(), EngineKind::Input);
        let mut findings: Vec<Finding> = raw
            .into_iter()
            .zip(kinds)
            .map(|(f, k)| enrich(f, k, &rules))
            .collect();
        mark_not_enforced(&mut findings, &package.spec, &variant);
        apply_policy(&mut findings, &package.spec, &profile, &doc.name, opts);
        // A named standard always gives a verdict: when the envelope rules find nothing, the
        // document still is none of the standard's kinds.
        if let Some((location, message)) = unmatched
            && !findings.iter().any(|f| f.fails(opts.fail_on))
        {
            let rule = crate::standard::builtin::RULE_NO_PROFILE;
            findings.push(enrich(
                RawFinding::new(rule, message, location),
                EngineKind::Input,
                &rules,
            ));
            result.rules_checked.push(rule.into());
        }
        result.findings.extend(findings);
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

    fn choose(&self, probe: &dyn Probe) -> Result<Chosen, EvalError> {
        let opts = &self.validator.options;
        let detection_error = |message: String| EvalError {
            kind: ErrorKind::Detection,
            message,
        };
        let standard = self.standard();
        let chosen =
            |package: &Arc<Package>, profile: &str, fallback: Option<Vec<String>>| Chosen {
                package: package.clone(),
                profile: profile.to_string(),
                fallback,
            };
        if let (Some(p), Some(profile)) = (standard, &opts.profile) {
            let spec = p.spec.profile(profile).ok_or_else(|| {
                let names: Vec<&str> = p.spec.profiles.iter().map(|x| x.name.as_str()).collect();
                detection_error(format!(
                    "{} has no profile `{profile}` (profiles: {})",
                    p.spec.key(),
                    names.join(", ")
                ))
            })?;
            // The user named the profile: specification identifiers do not overrule it.
            detect::check_named_profile(spec, probe).map_err(|why| {
                detection_error(format!(
                    "the document does not match profile {profile} of {}: {why}",
                    p.spec.key()
                ))
            })?;
            return Ok(chosen(p, profile, None));
        }
        let only;
        let packages: &[Arc<Package>] = match standard {
            Some(p) => {
                only = [p.clone()];
                &only
            }
            None => self.validator.registry.packages(),
        };
        match detect::detect(packages.iter(), probe) {
            Detection::One(c) => Ok(chosen(&c.package, &c.profile, None)),
            Detection::None(why) => {
                if let Some(p) = standard {
                    // A named standard: a document of its family, then its envelope level.
                    if let Some(profile) = detect::claimed_profile(&p.spec, probe)
                        .map_err(|several| {
                            detection_error(format!(
                                "the document claims {} and matches several of its profiles; choose one with --profile: {}",
                                p.spec.key(),
                                several.join(", ")
                            ))
                        })?
                    {
                        return Ok(chosen(p, &profile, None));
                    }
                    if let Some(f) = p
                        .spec
                        .profiles
                        .iter()
                        .find(|f| f.fallback && detect::check_profile(f, probe).is_ok())
                    {
                        return Ok(chosen(p, &f.name, Some(why)));
                    }
                }
                Err(detection_error(format!(
                    "no installed standard profile matches the document{}:\n  {}",
                    if standard.is_some() {
                        ""
                    } else {
                        " (name one with --standard)"
                    },
                    if why.is_empty() {
                        "no standards are installed".to_string()
                    } else {
                        why.join("\n  ")
                    }
                )))
            }
            Detection::Several(c) => Err(detection_error(format!(
                "several standard profiles match the document; choose one with --standard/--profile:\n  {}",
                c.iter()
                    .map(|c| format!("{} profile {}", c.package.spec.key(), c.profile))
                    .collect::<Vec<_>>()
                    .join("\n  ")
            ))),
        }
    }

    /// The installed standards that `package` refines (directly or through others) and whose
    /// profiles match or claim the document: the more general standards that also apply.
    fn general_standards(&self, package: &Package, probe: &dyn Probe) -> Vec<String> {
        let mut out = Vec::new();
        let mut next = package.spec.refines.clone();
        let mut hops = 0;
        while let Some(sel) = next.take() {
            hops += 1;
            if hops > 8 {
                break;
            }
            let Ok(general) = self.validator.registry.resolve(&sel) else {
                break;
            };
            let applies = general.spec.profiles.iter().any(|p| {
                !p.fallback && (detect::check_profile(p, probe).is_ok() || detect::claims(p, probe))
            });
            if applies && !out.contains(&general.spec.key()) {
                out.push(general.spec.key());
            }
            next = general.spec.refines.clone();
        }
        out
    }

    fn reject(&self, result: &mut DocumentResult, raw: Vec<RawFinding>) {
        let specs = crate::standard::builtin::rules();
        let builtin: BTreeMap<&str, &RuleSpec> = specs.iter().map(|r| (r.id.as_str(), r)).collect();
        for f in &raw {
            result.rules_checked.push(f.rule.clone());
        }
        result.findings.extend(
            raw.into_iter()
                .map(|f| enrich(f, EngineKind::Input, &builtin)),
        );
    }

    fn input_error(&self, result: &mut DocumentResult, e: InputError) {
        result.error = Some(EvalError {
            kind: ErrorKind::Input,
            message: e.to_string(),
        });
    }
}

/// Adds level, severity and clause from the catalogue.
fn enrich(f: RawFinding, engine: EngineKind, rules: &BTreeMap<&str, &RuleSpec>) -> Finding {
    match rules.get(f.rule.as_str()) {
        Some(r) => Finding {
            level: r.level,
            severity: f.severity.unwrap_or(r.severity),
            clause: r.clause.clone(),
            engine,
            rule: f.rule,
            message: f.message,
            location: f.location,
            artefact: f.artefact,
            standard_severity: None,
            override_reason: None,
            waiver: None,
            schematron: f.schematron,
        },
        None => Finding {
            level: crate::standard::Level::Must,
            severity: f.severity.unwrap_or(Severity::Error),
            clause: "(rule missing from the catalogue)".into(),
            engine,
            rule: f.rule,
            message: f.message,
            location: f.location,
            artefact: f.artefact,
            standard_severity: None,
            override_reason: None,
            waiver: None,
            schematron: f.schematron,
        },
    }
}

/// Assembles the report of a run from its results.
pub fn build_report(
    validator: &Validator,
    results: Vec<DocumentResult>,
    run: crate::report::model::RunInfo,
) -> crate::report::model::Report {
    use crate::report::model::{
        ArtefactInfo, FORMAT_VERSION, Report, RuleInfo, StandardInfo, Summary, ToolInfo,
    };
    let mut standards = Vec::new();
    for c in validator.used_standards() {
        let spec = &c.package.spec;
        let key = spec.key();
        if !results
            .iter()
            .any(|r| r.standard.as_deref() == Some(key.as_str()))
        {
            continue;
        }
        let mut used: Vec<&str> = results
            .iter()
            .filter(|r| r.standard.as_deref() == Some(key.as_str()))
            .flat_map(|r| {
                r.rules_checked
                    .iter()
                    .map(String::as_str)
                    .chain(r.findings.iter().map(|f| f.rule.as_str()))
            })
            .collect();
        used.sort_unstable();
        used.dedup();
        let rules = used
            .iter()
            .filter_map(|id| c.rule(id))
            .map(|r| RuleInfo {
                id: r.id.clone(),
                level: r.level,
                severity: r.severity,
                title: r.title.clone(),
                clause: r.clause.clone(),
                clause_url: spec.clause_url.clone(),
            })
            .collect();
        standards.push(StandardInfo {
            id: spec.id.clone(),
            version: spec.version.to_string(),
            title: spec.title.clone(),
            digest: c.package.digest.clone(),
            artefacts: spec
                .artefacts
                .iter()
                .map(|a| ArtefactInfo {
                    file: a.file.clone(),
                    sha256: a.sha256.to_lowercase(),
                })
                .collect(),
            rules,
        });
    }
    let summary = Summary::of(&results);
    Report {
        format_version: FORMAT_VERSION.into(),
        tool: ToolInfo {
            name: "konform".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        run,
        standards,
        results,
        summary,
        endpoint: None,
        probe: None,
    }
}

/// In a standard's `runtime` variant, findings of what the reference implementation does not
/// enforce become information, their message saying so (see `standard::server_behaviour`).
fn mark_not_enforced(
    findings: &mut [Finding],
    spec: &crate::standard::StandardSpec,
    variant: &str,
) {
    for f in findings.iter_mut() {
        if let Some(note) =
            crate::standard::server_behaviour::not_enforced_note(spec, &f.rule, f.engine, variant)
        {
            f.severity = Severity::Info;
            f.message = format!("{note}: {}", f.message);
        }
    }
}

/// Applies the standard's severity overrides and the project's waivers. An expired waiver no
/// longer applies and is reported as a finding of its own (KONFORM-WAIVER-001).
fn apply_policy(
    findings: &mut Vec<Finding>,
    spec: &crate::standard::StandardSpec,
    profile: &str,
    name: &str,
    opts: &Options,
) {
    let mut expired = Vec::new();
    for f in findings.iter_mut() {
        if let Some(o) = spec.override_for(&f.rule, profile)
            && o.severity != f.severity
        {
            f.standard_severity = Some(f.severity);
            f.severity = o.severity;
            f.override_reason.clone_from(&o.reason);
        }
        if let Some(w) = opts.waivers.iter().find(|w| w.covers(&f.rule, name)) {
            if w.expired(opts.today) {
                expired.push(Finding {
                    rule: "KONFORM-WAIVER-001".into(),
                    level: crate::standard::Level::Info,
                    severity: Severity::Warning,
                    message: format!(
                        "the waiver for {} (owner {}: {}) expired on {}; the finding applies again",
                        w.rule, w.owner, w.reason, w.expires
                    ),
                    location: f.location.clone(),
                    clause: "konform.toml [[waivers]] expires".into(),
                    engine: EngineKind::Input,
                    artefact: None,
                    standard_severity: None,
                    override_reason: None,
                    waiver: None,
                    schematron: None,
                });
            } else {
                f.waiver = Some(w.clone());
            }
        }
    }
    findings.extend(expired);
}
