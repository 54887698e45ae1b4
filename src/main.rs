//! The `konform` binary: parse the command line, run it, exit with the typed status.

fn main() -> std::process::ExitCode {
    restore_sigpipe();
    std::process::ExitCode::from(konform::cli_run().code())
}

/// Rust ignores SIGPIPE, so writing to a closed pipe (`konform ... | head`) makes `println!`
/// panic. A command-line tool should end quietly instead, as other Unix tools do.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; resets one signal's
    // disposition to the default.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
