//! What `endpoint` and `replay` share at the CLI edge: case files on disk, the report model of
//! an endpoint run, and rendering it (stdout and `--report FORMAT=PATH` files).

use crate::endpoint::case::{CaseFile, FORMAT};
use crate::endpoint::checks::{self, CheckKind};
use crate::endpoint::{Config, Outcome, Protocol};
use crate::pipeline::Validator;
use crate::report::model::{
    DocumentInfo, DocumentResult, EndpointFailure, EndpointRun, ErrorKind, EvalError, ExitStatus,
    Finding, Location, Report, RunInfo, Verdict,
};
use crate::report::{Format, WriteCfg};
use crate::standard::{EngineKind, Level, Package, Severity};
use miette::{IntoDiagnostic, miette};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes the report files and the stdout rendering; returns the exit status.
pub fn emit(
    report: &Report,
    format: Format,
    targets: &[(Format, PathBuf)],
) -> miette::Result<ExitStatus> {
    let cfg = WriteCfg {
        api_description: report.endpoint.as_ref().and_then(|e| e.description.clone()),
        ..WriteCfg::default()
    };
    for (fmt, path) in targets {
        crate::report::write::atomic(path, |w| fmt.render(report, &cfg, w))
            .map_err(|e| miette!("cannot write report {}: {e}", path.display()))?;
    }
    if format == Format::Human {
        let mut err = std::io::stderr().lock();
        format.render(report, &cfg, &mut err).into_diagnostic()?;
    } else {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        if let Err(e) = format
            .render(report, &cfg, &mut out)
            .and_then(|()| out.flush())
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            return Err(miette!("cannot write the report: {e}"));
        }
    }
    Ok(report.exit_status())
}

/// What every case file of a run shares.
pub struct CaseContext {
    /// Standard key.
    pub standard: Option<String>,
    /// Variant.
    pub variant: Option<String>,
    /// Base URL.
    pub url: String,
    /// Description path.
    pub description: Option<String>,
    /// Seed.
    pub seed: u64,
}

/// Saves one case file per failure; returns their paths (in failure order).
pub fn save_cases(dir: &Path, outcome: &Outcome, ctx: &CaseContext) -> miette::Result<Vec<String>> {
    if outcome.failures.is_empty() {
        return Ok(Vec::new());
    }
    std::fs::create_dir_all(dir).map_err(|e| miette!("cannot create {}: {e}", dir.display()))?;
    let description = ctx
        .description
        .as_ref()
        .map(|d| std::fs::canonicalize(d).map_or_else(|_| d.clone(), |p| p.display().to_string()));
    let mut out = Vec::new();
    for f in &outcome.failures {
        let case = CaseFile {
            format: FORMAT.into(),
            standard: ctx.standard.clone(),
            variant: ctx.variant.clone(),
            url: ctx.url.clone(),
            description: description.clone(),
            operation: f.operation.clone(),
            kind: f.kind,
            invalid_because: f.invalid_because.clone(),
            rule: f.rule.clone(),
            message: f.message.clone(),
            seed: ctx.seed,
            request: f.request.clone(),
            status: f.status,
        };
        let path = dir.join(case.file_name());
        let text = serde_json::to_string_pretty(&case).into_diagnostic()?;
        crate::report::write::atomic(&path, |w| w.write_all(text.as_bytes()))
            .map_err(|e| miette!("cannot write {}: {e}", path.display()))?;
        out.push(path.display().to_string());
    }
    Ok(out)
}

/// A finding for a rule of the package or of konform's built-in catalogue.
pub fn finding(rule: &str, message: String, path: String, package: Option<&Package>) -> Finding {
    let builtin = crate::standard::builtin::rules();
    let spec = package
        .and_then(|p| p.spec.rule(rule).cloned())
        .or_else(|| builtin.into_iter().find(|r| r.id == rule));
    let (level, severity, clause, engine) = match spec {
        Some(s) => (
            s.level,
            s.severity,
            s.clause,
            s.engine.first().copied().unwrap_or(EngineKind::Endpoint),
        ),
        None => (
            Level::Must,
            Severity::Error,
            "(rule missing from the catalogue)".into(),
            EngineKind::Endpoint,
        ),
    };
    Finding {
        rule: rule.to_string(),
        level,
        severity,
        message,
        location: Location {
            line: None,
            column: None,
            path: Some(path),
        },
        clause,
        engine,
        artefact: None,
        standard_severity: None,
        override_reason: None,
        waiver: None,
        schematron: None,
    }
}

/// The rules a run checks on each operation.
fn rules_checked(cfg: &Config, package: Option<&Package>) -> Vec<String> {
    let mut out: Vec<String> = vec![checks::TRANSPORT.into()];
    for (k, id) in [
        (CheckKind::NotAServerError, checks::NOT_A_SERVER_ERROR),
        (CheckKind::StatusCodeConformance, checks::STATUS_DOCUMENTED),
        (
            CheckKind::ContentTypeConformance,
            checks::CONTENT_TYPE_DOCUMENTED,
        ),
        (
            CheckKind::ResponseHeadersConformance,
            checks::HEADERS_CONFORM,
        ),
        (CheckKind::ResponseSchemaConformance, checks::BODY_CONFORMS),
        (CheckKind::NegativeDataRejection, checks::NEGATIVE_REJECTED),
        (CheckKind::PositiveDataAcceptance, checks::POSITIVE_ACCEPTED),
    ] {
        if cfg.checks.contains(&k) && cfg.protocol != Protocol::XroadSoap {
            out.push(id.into());
        }
    }
    if let (Some(p), true) = (package, cfg.checks.contains(&CheckKind::Protocol)) {
        out.extend(
            p.spec
                .rules
                .iter()
                .filter(|r| {
                    r.profiles.is_empty()
                        || r.profiles.iter().any(|x| x != "request" && x != "wsdl")
                })
                .map(|r| r.id.clone()),
        );
        if cfg.protocol == Protocol::XroadSoap {
            out.push("KONFORM-ENDPOINT-002".into());
        }
    }
    out
}

/// The service description of a run: its name (path or URL) and, when the standard has rules
/// for descriptions (XRD-WSDL-*), the result of checking it, shown before the operations.
pub struct Description {
    /// Path or URL as given.
    pub name: Option<String>,
    /// The description checked as a document (empty when not checked).
    pub checked: Vec<DocumentResult>,
}

/// The report of an endpoint run: one result per operation.
pub fn build(
    validator: &Validator,
    cfg: &Config,
    outcome: &Outcome,
    case_files: &[String],
    description: Description,
    package: Option<&Package>,
    started: String,
) -> Report {
    let Description {
        name: description,
        checked,
    } = description;
    let unreachable = outcome.responses == 0
        && outcome
            .failures
            .iter()
            .any(|f| f.message.starts_with("could not connect"));
    let checked_ops = rules_checked(cfg, package);
    let mut results = checked;
    let mut failures = Vec::new();
    for op in &cfg.operations {
        let name = if op.op.path.starts_with("http") {
            format!("{} {}", op.op.method, op.op.path)
        } else {
            format!(
                "{} {}{}",
                op.op.method,
                cfg.url.trim_end_matches('/'),
                op.op.path
            )
        };
        let mut r = DocumentResult::not_evaluated(name, ErrorKind::Input, "");
        r.document = DocumentInfo {
            name: r.document.name.clone(),
            sha256: None,
            size: 0,
            format: "http".into(),
        };
        r.error = None;
        r.verdict = Verdict::Conformant;
        r.standard = package.map(|p| p.spec.key());
        r.profile = Some(op.op.id.clone());
        r.rules_checked = checked_ops.clone();
        for (f, file) in outcome
            .failures
            .iter()
            .zip(case_files.iter().map(Some).chain(std::iter::repeat(None)))
            .filter(|(f, _)| f.operation == op.op.id)
        {
            let line = format!("{} {}", f.request.method, f.request.target);
            let mut message = f.message.clone();
            if let Some(file) = file {
                message.push_str(&format!(
                    " (minimal case: {line}; replay: konform replay {file})"
                ));
            }
            r.findings
                .push(finding(&f.rule, message, line.clone(), package));
            failures.push(EndpointFailure {
                rule: f.rule.clone(),
                operation: f.operation.clone(),
                message: f.message.clone(),
                request: line,
                status: f.status,
                shrink_steps: f.shrink_steps,
                case_file: file.cloned(),
            });
        }
        if unreachable {
            r.findings.clear();
            r.error = Some(EvalError {
                kind: ErrorKind::Input,
                message: format!("the endpoint {} could not be reached", cfg.url),
            });
        }
        r.finish(Severity::Error);
        results.push(r);
    }
    let reproducible = std::env::var_os("SOURCE_DATE_EPOCH").is_some();
    let run = RunInfo {
        id: RunInfo::derive_id(format!("{started}{}{}", cfg.url, cfg.seed).as_bytes()),
        started,
        finished: super::validate::report_time(),
        argv: std::env::args().collect(),
        seed: Some(cfg.seed),
        fail_on: Severity::Error,
    };
    let mut report = crate::pipeline::build_report(validator, results, run);
    report.endpoint = Some(EndpointRun {
        url: cfg.url.clone(),
        description,
        seed: cfg.seed,
        cases: outcome.cases,
        requests: outcome.requests,
        checks: cfg.checks.iter().map(|c| c.name().to_string()).collect(),
        seconds: if reproducible {
            0.0
        } else {
            outcome.elapsed.as_secs_f64()
        },
        stopped: outcome.stopped.clone(),
        failures,
    });
    report
}
