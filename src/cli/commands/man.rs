//! `konform man`: man pages (roff) generated from the clap definitions.

use crate::cli::args::Cli;
use crate::report::model::ExitStatus;
use clap::CommandFactory;
use miette::miette;
use std::io::Write;
use std::path::Path;

/// The top-level page to standard output, or every page (`konform.1`, `konform-validate.1`,
/// `konform-standards-fetch.1`, …) into `out_dir`.
pub fn run(out_dir: Option<&Path>) -> miette::Result<ExitStatus> {
    let command = Cli::command();
    match out_dir {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .map_err(|e| miette!("cannot render the man page: {e}"))?;
            write_stdout(&page)
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| miette!("cannot create {}: {e}", dir.display()))?;
            clap_mangen::generate_to(command, dir)
                .map_err(|e| miette!("cannot write man pages into {}: {e}", dir.display()))?;
            let pages = std::fs::read_dir(dir)
                .map(|d| d.filter_map(Result::ok).count())
                .unwrap_or(0);
            eprintln!("{pages} man page(s) in {}", dir.display());
            Ok(ExitStatus::Conformant)
        }
    }
}

/// Writes generated text to standard output; a closed pipe is not an error.
pub(super) fn write_stdout(bytes: &[u8]) -> miette::Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(miette!("cannot write to standard output: {e}"))
        }
        _ => Ok(ExitStatus::Conformant),
    }
}
