//! `konform completions SHELL`: a completion script generated from the clap definitions.

use crate::cli::args::Cli;
use crate::report::model::ExitStatus;
use clap::CommandFactory;

/// Writes the completion script for `shell` to standard output.
pub fn run(shell: clap_complete::Shell) -> miette::Result<ExitStatus> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "konform", &mut out);
    super::man::write_stdout(&out)
}
