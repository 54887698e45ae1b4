//! The command-line interface: the only place that prints, reads the environment or exits.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

pub mod args;
mod commands;
mod errors;

use crate::report::model::ExitStatus;
use crate::standard::Registry;
use crate::standard::store::Store;
use args::{Cli, Command, StandardsAction, StandardsArgs, VectorsAction};
use clap::Parser;
use std::path::PathBuf;

/// Parses arguments, runs the command, returns the exit status.
pub fn run() -> ExitStatus {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitStatus::UsageError
            } else {
                ExitStatus::Conformant
            };
        }
    };
    let outcome = match cli.command {
        Command::Validate(a) => commands::validate::run(*a),
        Command::Standards {
            action: StandardsAction::List { common },
        } => commands::standards::list(&common),
        Command::Standards {
            action: StandardsAction::Show { standard, common },
        } => commands::standards::show(&standard, &common),
        Command::Vectors {
            action:
                VectorsAction::Run {
                    standard,
                    vectors,
                    suite,
                    common,
                },
        } => match suite.suite.clone() {
            Some(path) => commands::vectors::run_suite(&path, &suite),
            None => commands::vectors::run(standard.as_deref(), vectors, &common),
        },
        Command::Standards {
            action:
                StandardsAction::Fetch {
                    standard,
                    source,
                    common,
                },
        } => commands::fetch::run(&standard, &source, &common),
        Command::Standards {
            action:
                StandardsAction::Import {
                    kind: _,
                    config,
                    out,
                    id,
                    package_version,
                    recipe,
                },
        } => commands::artefacts::import_kosit(
            &config,
            &out,
            id.as_deref(),
            &package_version,
            recipe.as_deref(),
        ),
        Command::Standards {
            action: StandardsAction::Verify { common },
        } => commands::artefacts::verify(&common),
        Command::Lock {
            selected,
            output,
            common,
        } => commands::artefacts::lock(&selected, &output, &common),
        Command::Endpoint(a) => commands::endpoint::run(*a),
        Command::Replay(a) => commands::replay::run(a),
        Command::Probe(a) => commands::probe::run(a),
        Command::Generate(a) => commands::generate::run(a),
        Command::Completions { shell } => commands::completions::run(shell),
        Command::Man { out_dir } => commands::man::run(out_dir.as_deref()),
        Command::Rule {
            id,
            standard,
            common,
        } => commands::standards::rule(&id, standard.as_deref(), &common),
    };
    match outcome {
        Ok(status) => status,
        Err(e) => {
            match e.downcast_ref::<errors::OneLine>() {
                Some(line) => eprintln!("error: {line}"),
                None => eprintln!("{e:?}"),
            }
            ExitStatus::UsageError
        }
    }
}

/// Loads the registry: built-in packages, `--standards` folders, then `KONFORM_STANDARDS`.
/// The artefact store: `--home`/`KONFORM_HOME`, else `<cache dir>/konform`.
pub(crate) fn store(args: &StandardsArgs) -> Store {
    let root = args.home.clone().unwrap_or_else(|| {
        dirs::cache_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join("konform")
    });
    Store::new(root)
}

pub(crate) fn load_registry(args: &StandardsArgs) -> miette::Result<Registry> {
    let mut dirs: Vec<PathBuf> = args.standards.clone();
    if let Some(env) = std::env::var_os("KONFORM_STANDARDS") {
        dirs.extend(std::env::split_paths(&env).filter(|p| !p.as_os_str().is_empty()));
    }
    let refs: Vec<&std::path::Path> = dirs.iter().map(PathBuf::as_path).collect();
    Ok(Registry::load_with_store(&refs, true, Some(&store(args)))?)
}
