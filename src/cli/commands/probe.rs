//! `konform probe`.

use super::validate::{repo_root, report_time, use_color};
use crate::cli::args::{GenArgs, ProbeArgs};
use crate::cli::load_registry;
use crate::pipeline::{Options, Validator, build_report};
use crate::probe::consumer;
use crate::probe::exec::Subject;
use crate::probe::producer::{self, Inputs};
use crate::probe::{ProbeOptions, Seed, seed_files};
use crate::report::model::{ExitStatus, RunInfo};
use crate::report::{Format, WriteCfg};
use miette::{IntoDiagnostic, miette};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// The validator, seed messages and options a generating command needs.
pub(crate) fn setup(
    g: &GenArgs,
    need_seeds: bool,
) -> miette::Result<(Validator, Vec<Seed>, ProbeOptions)> {
    let registry = load_registry(&g.common)?;
    let package = crate::cli::errors::resolve(&registry, &g.standard, None)?;
    if let Some(v) = &g.variant
        && !package.spec.variants.iter().any(|x| &x.name == v)
    {
        return Err(miette!("{} has no variant `{v}`", package.spec.key()));
    }
    if let Some(p) = &g.profile
        && !package.spec.profiles.iter().any(|x| &x.name == p)
    {
        return Err(miette!("{} has no profile `{p}`", package.spec.key()));
    }
    let seeds = if g.seeds.is_empty() {
        shipped_seeds(&package.spec.id, &package.spec.version.to_string(), g)?
    } else {
        seed_files(&g.seeds).map_err(|e| miette!("--seeds: {e}"))?
    };
    if seeds.is_empty() && need_seeds {
        return Err(miette!(
            "no seed messages: {} ships no conformant XML vectors{}; name valid messages with --seeds",
            package.spec.key(),
            g.profile
                .as_deref()
                .map(|p| format!(" for profile {p}"))
                .unwrap_or_default()
        ));
    }
    let zero = std::env::var_os("SOURCE_DATE_EPOCH").is_some();
    let opts = ProbeOptions {
        standard: package.clone(),
        cases: 0,
        seed: g.seed.unwrap_or_else(crate::generate::fresh_seed),
        out_dir: PathBuf::new(),
        max_shrink: 0,
        calibration_budget: g.calibration_budget,
        mutation_budget: g.mutation_budget,
        zero_durations: zero,
        rules: g.rules.clone(),
    };
    let validator = Validator::new(
        registry,
        Options {
            standard: Some(package),
            profile: g.profile.clone(),
            variant: g.variant.clone(),
            zero_durations: zero,
            ..Options::default()
        },
    );
    Ok((validator, seeds, opts))
}

/// The profile of service descriptions, whose vectors are never message seeds.
const DESCRIPTION_PROFILE: &str = "wsdl";

fn shipped_seeds(id: &str, version: &str, g: &GenArgs) -> miette::Result<Vec<Seed>> {
    let vectors = crate::vectors::load(None).map_err(|e| miette!("{e}"))?;
    Ok(vectors
        .into_iter()
        .filter(|v| v.standard == id && v.version == version && v.name.ends_with(".xml"))
        .filter(|v| v.expected.verdict == crate::report::model::Verdict::Conformant)
        // Responses paired with a request are used alone: calibration drops any seed that is
        // not conformant without its pair.
        .filter(|v| v.expected.variant == g.variant)
        .filter(|v| g.profile.is_none() || v.expected.profile == g.profile)
        // Service descriptions (xroad-soap's `wsdl` profile) are not messages to send.
        .filter(|v| v.expected.profile.as_deref() != Some(DESCRIPTION_PROFILE))
        .filter_map(|v| Seed::parse(&format!("{id}@{version}/{}", v.name), &v.bytes).ok())
        .collect())
}

/// Runs `konform probe`.
pub fn run(a: ProbeArgs) -> miette::Result<ExitStatus> {
    let started = report_time();
    let mut targets = Vec::new();
    for r in &a.reports {
        let (fmt, path) = r
            .split_once('=')
            .ok_or_else(|| miette!("--report takes FORMAT=PATH, got `{r}`"))?;
        let fmt = <Format as clap::ValueEnum>::from_str(fmt, true)
            .map_err(|_| miette!("unknown report format `{fmt}`"))?;
        targets.push((fmt, PathBuf::from(path)));
    }
    let accept = a
        .accept
        .as_deref()
        .map(regex::Regex::new)
        .transpose()
        .map_err(|e| miette!("--accept: {e}"))?;
    let timeout = Duration::from_millis(a.timeout.max(1));
    let producer_mode = a.producer.is_some();
    let inputs = if producer_mode {
        Some(match (&a.inputs, &a.generate_inputs) {
            (Some(dir), _) => {
                let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
                    .map_err(|e| miette!("--inputs {}: {e}", dir.display()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file())
                    .collect();
                files.sort();
                if files.is_empty() {
                    return Err(miette!("--inputs {} holds no files", dir.display()));
                }
                Inputs::Files(files)
            }
            (None, Some(schema)) => {
                let text = std::fs::read_to_string(schema)
                    .map_err(|e| miette!("--generate-inputs {}: {e}", schema.display()))?;
                Inputs::Generated(serde_json::from_str(&text).map_err(|e| {
                    miette!("--generate-inputs {}: not JSON: {e}", schema.display())
                })?)
            }
            (None, None) => {
                return Err(miette!(
                    "--producer needs --inputs DIR or --generate-inputs SCHEMA"
                ));
            }
        })
    } else {
        None
    };
    let (validator, seeds, mut opts) = setup(&a.gen_args, !producer_mode)?;
    opts.cases = a.cases;
    opts.out_dir = a.out.clone();
    opts.max_shrink = a.max_shrink;
    let outcome = match (&a.consumer, &a.producer, &inputs) {
        (Some(cmd), _, _) => {
            let subject = Subject::new(cmd, "{file}", timeout, accept, false);
            consumer::run(&validator, &subject, &seeds, &opts)
        }
        (None, Some(cmd), Some(inputs)) => {
            let subject = Subject::new(cmd, "{input}", timeout, None, true);
            producer::run(&validator, &subject, inputs, &opts)
        }
        _ => return Err(miette!("give --consumer CMD or --producer CMD")),
    };
    let (probe, results) = match outcome {
        Ok(x) => x,
        Err(crate::probe::ProbeError::Config(m)) => return Err(miette!("{m}")),
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitStatus::UsageError);
        }
    };
    let run = RunInfo {
        // Reproducible runs (SOURCE_DATE_EPOCH) share the id of their time and seed.
        id: RunInfo::derive_id(
            if opts.zero_durations {
                format!("{started}\0{}\0{}", opts.seed, a.cases)
            } else {
                format!("{started}\0{}\0{}", opts.seed, std::process::id())
            }
            .as_bytes(),
        ),
        started,
        finished: report_time(),
        argv: std::env::args().collect(),
        seed: Some(opts.seed),
        fail_on: validator.options().fail_on,
    };
    let mut report = build_report(&validator, results, run);
    report.probe = Some(probe);
    let cwd = std::env::current_dir().ok();
    let cfg = WriteCfg {
        color: use_color(crate::cli::args::ColorChoice::Auto),
        base_dir: cwd.as_deref().map(repo_root),
        cwd,
        ..WriteCfg::default()
    };
    for (fmt, path) in &targets {
        let file_cfg = WriteCfg {
            color: false,
            ..cfg.clone()
        };
        crate::report::write::atomic(path, |w| fmt.render(&report, &file_cfg, w))
            .map_err(|e| miette!("cannot write report {}: {e}", path.display()))?;
    }
    if a.format == Format::Human {
        let mut err = std::io::stderr().lock();
        a.format.render(&report, &cfg, &mut err).into_diagnostic()?;
    } else {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        if let Err(e) = a
            .format
            .render(&report, &cfg, &mut out)
            .and_then(|()| out.flush())
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            return Err(miette!("cannot write the report: {e}"));
        }
    }
    Ok(report.exit_status())
}
