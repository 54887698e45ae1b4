//! `konform vectors run`.

use crate::cli::args::StandardsArgs;
use crate::cli::load_registry;
use crate::report::model::ExitStatus;
use miette::miette;
use std::path::PathBuf;

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
