//! `konform vectors run`: konform's own vectors, or a suite in an upstream format.

use crate::cli::args::{StandardsArgs, SuiteArgs, SuiteOutput};
use crate::cli::load_registry;
use crate::engine::schematron::Options;
use crate::report::model::ExitStatus;
use crate::vectors::suite::{self, CaseVerdict, SchemaArg, SuiteFormat, SuiteRun};
use miette::miette;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Runs vectors and prints each disagreement; exit 1 if any.
pub fn run(
    standard: Option<&str>,
    dir: Option<PathBuf>,
    common: &StandardsArgs,
) -> miette::Result<ExitStatus> {
    let registry = load_registry(common)?;
    let vectors =
        crate::vectors::load(dir.as_deref()).map_err(|e| miette!("cannot load vectors: {e}"))?;
    let outcomes = crate::vectors::run(registry, &vectors, standard)?;
    if outcomes.is_empty() {
        return Err(miette!(
            "no vectors to run{}",
            standard.map(|s| format!(" for {s}")).unwrap_or_default()
        ));
    }
    let mut failed = 0;
    for o in &outcomes {
        if o.problems.is_empty() {
            continue;
        }
        failed += 1;
        println!("DISAGREE {}", o.vector);
        for p in &o.problems {
            println!("  - {p}");
        }
    }
    let passed = outcomes.len() - failed;
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 {
        ExitStatus::Conformant
    } else {
        ExitStatus::NonConformant
    })
}

/// Runs a suite in an upstream format against the named Schematron files: one line per test
/// (expected, actual, agree/disagree) or JSON; exit 1 if any test disagrees.
pub fn run_suite(path: &Path, args: &SuiteArgs) -> miette::Result<ExitStatus> {
    let schemas: Vec<SchemaArg> = args
        .schematron
        .iter()
        .map(|s| SchemaArg::parse(s))
        .collect();
    let options = Options {
        phase: args.phase.clone(),
        phase_optional: false,
    };
    let run = suite::run(path, &schemas, &options).map_err(|e| miette!("{e}"))?;
    if let Some(out) = &args.output {
        crate::report::write::atomic(out, |w| write_json(&run, w))
            .map_err(|e| miette!("cannot write {}: {e}", out.display()))?;
    }
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    match args.format {
        SuiteOutput::Json => write_json(&run, &mut w),
        SuiteOutput::Text => write_text(&run, args.only_disagreements, &mut w),
    }
    .and_then(|()| w.flush())
    .map_err(|e| miette!("cannot write the result: {e}"))?;
    Ok(if run.count(CaseVerdict::Disagree) == 0 {
        ExitStatus::Conformant
    } else {
        ExitStatus::NonConformant
    })
}

fn write_json(run: &SuiteRun, w: &mut dyn Write) -> std::io::Result<()> {
    let summary = serde_json::json!({
        "tests": run.tests.len(),
        "agree": run.count(CaseVerdict::Agree),
        "disagree": run.count(CaseVerdict::Disagree),
        "not_checkable": run.count(CaseVerdict::NotCheckable),
    });
    let mut value = serde_json::to_value(run).map_err(std::io::Error::other)?;
    value["summary"] = summary;
    serde_json::to_writer_pretty(&mut *w, &value).map_err(std::io::Error::other)?;
    writeln!(w)
}

fn write_text(run: &SuiteRun, only_disagreements: bool, w: &mut dyn Write) -> std::io::Result<()> {
    for t in &run.tests {
        if only_disagreements && t.verdict != CaseVerdict::Disagree {
            continue;
        }
        if t.description.is_empty() {
            writeln!(w, "{:<13} {}", t.verdict.as_str(), t.id)?;
        } else {
            writeln!(
                w,
                "{:<13} {}  ({})",
                t.verdict.as_str(),
                t.id,
                t.description
            )?;
        }
        writeln!(w, "    expected: {}", t.expected.join("; "))?;
        writeln!(w, "    actual:   {}", t.actual.join("; "))?;
        for d in &t.detail {
            writeln!(w, "    - {d}")?;
        }
    }
    let format = match run.format {
        SuiteFormat::Vefa => "VEFA test sets",
        SuiteFormat::Xmute => "XML-MutaTe instances",
    };
    writeln!(
        w,
        "{} tests ({format}): {} agree, {} disagree, {} not checkable",
        run.tests.len(),
        run.count(CaseVerdict::Agree),
        run.count(CaseVerdict::Disagree),
        run.count(CaseVerdict::NotCheckable)
    )
}
