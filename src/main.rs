//! The `konform` binary: parse the command line, run it, exit with the typed status.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(konform::cli_run().code())
}
