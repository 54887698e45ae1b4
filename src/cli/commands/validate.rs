//! `konform validate`.

use crate::cli::args::{ColorChoice, FailOn, ValidateArgs};
use crate::cli::errors::OneLine;
use crate::cli::load_registry;
use crate::document::{Document, Limits};
use crate::pipeline::{Options, Session, Validator, build_report};
use crate::report::model::{DocumentResult, ErrorKind, ExitStatus, Report, RunInfo};
use crate::report::{Format, WriteCfg};
use crate::standard::lock::LockFile;
use crate::standard::manifest::State;
use crate::standard::registry::{in_force, parse_date};
use crate::standard::store::missing_artefacts_line;
use crate::standard::{Package, Registry, Severity};
use miette::{IntoDiagnostic, miette};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One input to validate.
#[derive(Debug, Clone)]
enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::Stdin => "-".into(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

const EXTENSIONS: &[&str] = &["xml", "json", "http", "soap", "mime"];

/// Expands files, directories (recursively: *.xml, *.json, *.http) and globs, in a stable order.
fn expand(inputs: &[String]) -> miette::Result<Vec<Input>> {
    let mut out = Vec::new();
    for raw in inputs {
        if raw == "-" {
            out.push(Input::Stdin);
            continue;
        }
        let path = Path::new(raw);
        if path.is_dir() {
            let mut files = Vec::new();
            collect_dir(path, &mut files).into_diagnostic()?;
            files.sort();
            if files.is_empty() {
                return Err(miette!(
                    "directory {raw} holds no .xml, .json or .http files"
                ));
            }
            out.extend(files.into_iter().map(Input::File));
        } else if raw.contains(['*', '?', '[']) && !path.exists() {
            let mut files: Vec<PathBuf> = glob::glob(raw)
                .map_err(|e| miette!("invalid glob pattern `{raw}`: {e}"))?
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(miette!("the pattern `{raw}` matches no file"));
            }
            out.extend(files.into_iter().map(Input::File));
        } else {
            out.push(Input::File(path.to_path_buf()));
        }
    }
    Ok(out)
}

fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        if p.is_dir() {
            collect_dir(&p, out)?;
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(p);
        }
    }
    Ok(())
}

/// The request paired with a response by naming convention: `X.response.EXT` <- `X.request.EXT`.
fn conventional_request(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let (stem, ext) = name.split_once(".response.")?;
    let req = path.with_file_name(format!("{stem}.request.{ext}"));
    req.is_file().then_some(req)
}

/// Waivers from `--config FILE`, else `konform.toml` in the current folder when present.
fn project_waivers(config: Option<&Path>) -> miette::Result<Vec<crate::standard::policy::Waiver>> {
    let path = match config {
        Some(p) => p.to_path_buf(),
        None => PathBuf::from("konform.toml"),
    };
    if config.is_none() && !path.is_file() {
        return Ok(Vec::new());
    }
    let name = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|e| miette!("cannot read {name}: {e}"))?;
    Ok(crate::standard::policy::ProjectConfig::parse(&text, &name)?.waivers)
}

/// Today's date for waiver expiry (from `SOURCE_DATE_EPOCH` when set).
fn report_date() -> crate::standard::registry::Date {
    parse_date(&report_time()).unwrap_or((1970, 1, 1))
}

/// Time for reports: `SOURCE_DATE_EPOCH` when set (reproducible), else now.
pub(crate) fn report_time() -> String {
    let t = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or_else(time::OffsetDateTime::now_utc);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub(crate) fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    }
}

/// The run id: from the time, tool version and inputs (names and digests) when
/// `SOURCE_DATE_EPOCH` is set (reproducible runs share it),
/// else from the clock and the process id (unique per run).
fn run_id(started: &str, results: &[DocumentResult]) -> String {
    let mut material = Vec::new();
    if std::env::var_os("SOURCE_DATE_EPOCH").is_some() {
        // Not argv: report paths differ between otherwise identical runs.
        material.extend_from_slice(started.as_bytes());
        material.push(0);
        material.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
        material.push(0);
        for r in results {
            material.extend_from_slice(r.document.name.as_bytes());
            material.push(0);
            material.extend_from_slice(r.document.sha256.as_deref().unwrap_or("").as_bytes());
            material.push(0);
        }
    } else {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        material.extend_from_slice(&now.to_be_bytes());
        material.extend_from_slice(&std::process::id().to_be_bytes());
    }
    RunInfo::derive_id(&material)
}

/// The repository root around `dir` (the nearest folder with `.git`), else `dir`: file
/// locations in reports are relative to it.
pub(crate) fn repo_root(dir: &Path) -> PathBuf {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(dir)
        .to_path_buf()
}

/// The one-line problem (and with `verbose` the file list) of the first locked standard whose
/// published artefacts are not all in the store.
fn locked_but_missing(lock: &LockFile, registry: &Registry, verbose: bool) -> Option<String> {
    lock.standards.iter().find_map(|l| {
        let key = format!("{}@{}", l.id, l.version);
        let p = registry
            .packages()
            .iter()
            .find(|p| p.spec.key() == key && !p.missing.is_empty())?;
        let published = p.spec.artefacts.iter().filter(|a| a.url.is_some()).count();
        let mut line = missing_artefacts_line(&key, p.missing.len(), published);
        if verbose {
            line.push_str(&format!("\n  {}", p.missing.join("\n  ")));
        }
        Some(line)
    })
}

/// `--verbose`: the files behind each "not in the artefact store" error of the run.
fn list_missing_artefacts(validator: &Validator, report: &Report, a: &ValidateArgs) {
    let root = crate::cli::store(&a.common).root().to_path_buf();
    for p in validator.registry().packages() {
        let key = p.spec.key();
        let failed = report
            .results
            .iter()
            .any(|r| r.error.is_some() && r.standard.as_deref() == Some(key.as_str()));
        if failed && !p.missing.is_empty() {
            eprintln!(
                "{key}: {} artefact(s) not in the artefact store {}:",
                p.missing.len(),
                root.display()
            );
            for f in &p.missing {
                eprintln!("  {f}");
            }
        }
    }
}

/// Runs `konform validate`: options -> standards -> inputs -> validation -> report -> output.
pub fn run(a: ValidateArgs) -> miette::Result<ExitStatus> {
    let started = report_time();
    // Parse report targets before any work, so a typo fails fast.
    let targets = super::report_targets(&a.reports)?;
    let (registry, at) = run_registry(&a)?;
    let standard = named_standard(&a, &registry, at)?;
    let inputs = expand(&a.inputs)?;
    if inputs.iter().filter(|i| matches!(i, Input::Stdin)).count() > 1 {
        return Err(miette!("standard input (`-`) can be named only once"));
    }
    let limits = Limits {
        max_bytes: a.max_size,
        max_depth: a.max_depth,
    };
    let validator = Validator::new(registry, run_options(&a, standard, limits)?);
    let explicit_request = match &a.request {
        Some(p) => Some(Document::read_path(p, &limits).map_err(|e| miette!("--request: {e}"))?),
        None => None,
    };
    let want_sources = a.format.wants_sources() || targets.iter().any(|t| t.0.wants_sources());
    let batch = Batch {
        validator: &validator,
        limits,
        explicit_request,
        want_sources,
    };
    let (results, sources) = batch.validate_all(&inputs, a.jobs)?;
    let run = RunInfo {
        id: run_id(&started, &results),
        started,
        finished: report_time(),
        argv: std::env::args().collect(),
        seed: None,
        fail_on: validator.options().fail_on,
    };
    let report = build_report(&validator, results, run);
    warn_deprecated(&validator, &report);
    if a.verbose {
        list_missing_artefacts(&validator, &report, &a);
    }
    write_reports(&a, &targets, &report, sources)?;
    Ok(report.exit_status())
}

/// The installed standards as this run sees them: pinned by the lock file (`--lock`, else
/// `konform.lock` when present, unless `--no-lock`) and, with `--at`, only the versions in
/// force on that day (returned too).
fn run_registry(
    a: &ValidateArgs,
) -> miette::Result<(Registry, Option<crate::standard::registry::Date>)> {
    let registry = load_registry(&a.common)?;
    let at = match a.at.as_deref() {
        Some(d) => {
            Some(parse_date(d).ok_or_else(|| miette!("--at takes a date YYYY-MM-DD, got `{d}`"))?)
        }
        None => None,
    };
    let lock_path = match (&a.lock, a.no_lock) {
        (_, true) => None,
        (Some(p), _) => Some(p.clone()),
        (None, false) => Some(PathBuf::from("konform.lock")).filter(|p| p.is_file()),
    };
    let registry = match &lock_path {
        Some(p) => {
            let name = p.display().to_string();
            let text =
                std::fs::read_to_string(p).map_err(|e| miette!("cannot read {name}: {e}"))?;
            let lock = LockFile::parse(&text, &name)?;
            if let Some(line) = locked_but_missing(&lock, &registry, a.verbose) {
                return Err(OneLine::report(format!("{name}: {line}")));
            }
            lock.apply(&registry, &name)?
        }
        None => registry,
    };
    // With --at, detection considers only the versions in force on that day.
    let registry = match at {
        Some(d) => Registry::from_packages(
            registry
                .packages()
                .iter()
                .filter(|p| p.spec.status.state != State::Draft && in_force(&p.spec, d))
                .cloned()
                .collect(),
        ),
        None => registry,
    };
    Ok((registry, at))
}

/// The standard named with `--standard` (resolved, its `--variant` checked), if any.
fn named_standard(
    a: &ValidateArgs,
    registry: &Registry,
    at: Option<crate::standard::registry::Date>,
) -> miette::Result<Option<Arc<Package>>> {
    let standard = a
        .standard
        .as_deref()
        .map(|s| crate::cli::errors::resolve(registry, s, at))
        .transpose()?;
    if let (Some(p), Some(v)) = (&standard, &a.variant)
        && !p.spec.variants.iter().any(|x| &x.name == v)
    {
        let names: Vec<&str> = p.spec.variants.iter().map(|x| x.name.as_str()).collect();
        return Err(miette!(
            "{} has no variant `{v}` (variants: {})",
            p.spec.key(),
            names.join(", ")
        ));
    }
    if a.profile.is_some() && standard.is_none() {
        return Err(miette!("--profile needs --standard"));
    }
    Ok(standard)
}

/// The pipeline's options from the arguments, the project's waivers and the report date.
fn run_options(
    a: &ValidateArgs,
    standard: Option<Arc<Package>>,
    limits: Limits,
) -> miette::Result<Options> {
    Ok(Options {
        standard,
        profile: a.profile.clone(),
        variant: a.variant.clone(),
        fail_on: match a.fail_on {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        },
        limits,
        zero_durations: std::env::var_os("SOURCE_DATE_EPOCH").is_some(),
        waivers: project_waivers(a.config.as_deref())?,
        today: report_date(),
        compile: crate::engine::CompileOptions {
            phase: a.phase.clone(),
        },
    })
}

/// The documents' sources, by name, for formats that quote them.
type Sources = BTreeMap<String, Arc<str>>;

/// What every document of a run is validated with.
struct Batch<'v> {
    validator: &'v Validator,
    limits: Limits,
    /// `--request`: the request paired with every response.
    explicit_request: Option<Document>,
    /// Keep the text of documents with findings (for formats that quote them).
    want_sources: bool,
}

impl Batch<'_> {
    /// Validates the inputs in parallel (`--jobs` threads; a progress bar on a terminal), in
    /// input order.
    fn validate_all(
        &self,
        inputs: &[Input],
        jobs: Option<usize>,
    ) -> miette::Result<(Vec<DocumentResult>, Sources)> {
        let progress = (inputs.len() > 1 && std::io::stderr().is_terminal()).then(|| {
            let pb = indicatif::ProgressBar::new(inputs.len() as u64);
            pb.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} documents ({per_sec}, eta {eta})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            pb
        });
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.unwrap_or(0))
            .build()
            .into_diagnostic()?;
        let outcomes: Vec<(DocumentResult, Option<Arc<str>>)> = pool.install(|| {
            inputs
                .par_iter()
                .map_init(
                    || self.validator.session(),
                    |session, input| {
                        let out = self.validate_one(session, input);
                        if let Some(pb) = &progress {
                            pb.inc(1);
                        }
                        out
                    },
                )
                .collect()
        });
        if let Some(pb) = progress {
            pb.finish_and_clear();
        }
        let mut sources = BTreeMap::new();
        let mut results = Vec::with_capacity(outcomes.len());
        for (r, s) in outcomes {
            if let Some(s) = s {
                sources.insert(r.document.name.clone(), s);
            }
            results.push(r);
        }
        Ok((results, sources))
    }

    /// Reads and validates one input (with its paired request), and keeps its source if wanted.
    fn validate_one(
        &self,
        session: &mut Session<'_>,
        input: &Input,
    ) -> (DocumentResult, Option<Arc<str>>) {
        let limits = &self.limits;
        let doc = match input {
            Input::Stdin => Document::read_limited("-".into(), std::io::stdin().lock(), limits),
            Input::File(p) => Document::read_path(p, limits),
        };
        match doc {
            Err(e) => (
                DocumentResult::not_evaluated(input.name(), ErrorKind::Input, e.to_string()),
                None,
            ),
            Ok(doc) => {
                let paired = match (&self.explicit_request, input) {
                    (Some(r), _) => Some(r.clone()),
                    (None, Input::File(p)) => {
                        conventional_request(p).and_then(|r| Document::read_path(&r, limits).ok())
                    }
                    _ => None,
                };
                let result = session.validate(&doc, paired.as_ref());
                let source = (self.want_sources
                    && !result.findings.is_empty()
                    && doc.bytes.len() <= 4 << 20)
                    .then(|| Arc::<str>::from(String::from_utf8_lossy(&doc.bytes).as_ref()));
                (result, source)
            }
        }
    }
}

/// Warns on stderr about each deprecated standard the report used.
fn warn_deprecated(validator: &Validator, report: &Report) {
    for p in validator.registry().packages() {
        let used = report
            .standards
            .iter()
            .any(|s| s.id == p.spec.id && s.version == p.spec.version.to_string());
        if used && p.spec.status.state == State::Deprecated {
            let by = p
                .spec
                .status
                .replaced_by
                .as_deref()
                .map(|r| format!("; it is replaced by {r}"))
                .unwrap_or_default();
            eprintln!("warning: {} is deprecated{by}", p.spec.key());
        }
    }
}

/// Writes the `--report FORMAT=FILE` files, then the `--format` rendering (human on stderr,
/// the others on stdout).
fn write_reports(
    a: &ValidateArgs,
    targets: &[(Format, PathBuf)],
    report: &Report,
    sources: Sources,
) -> miette::Result<()> {
    let cwd = std::env::current_dir().ok();
    let cfg = WriteCfg {
        color: use_color(a.color),
        sources,
        base_dir: cwd.as_deref().map(repo_root),
        cwd,
        ..WriteCfg::default()
    };
    for (fmt, path) in targets {
        let file_cfg = WriteCfg {
            color: false,
            ..cfg.clone()
        };
        crate::report::write::atomic(path, |w| fmt.render(report, &file_cfg, w))
            .map_err(|e| miette!("cannot write report {}: {e}", path.display()))?;
    }
    match a.format {
        Format::Human => {
            let mut err = std::io::stderr().lock();
            a.format.render(report, &cfg, &mut err).into_diagnostic()?;
        }
        other => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            if let Err(e) = other
                .render(report, &cfg, &mut out)
                .and_then(|()| out.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(miette!("cannot write the report: {e}"));
            }
        }
    }
    Ok(())
}
