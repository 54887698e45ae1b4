//! CLI integration tests: one binary, a module per area. Each test runs `konform` in its own
//! temporary folder with `KONFORM_*` cleared, asserts the exit code first, then the facts.

mod artefacts;
mod bad_input;
mod completions;
mod einvoice;
mod endpoint;
mod formats;
mod jsonschema;
mod kosit_scenarios;
mod named_standard;
mod probe;
mod reports;
mod runtime_deps;
mod suites;
mod xroad;

#[path = "../support/refserver/mod.rs"]
pub mod refserver;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the repository, if present.
pub fn shared() -> Option<PathBuf> {
    let p = root().join("../shared");
    if p.join("corpora").is_dir() {
        Some(p)
    } else {
        eprintln!("skipped: ../shared (corpora) is not present beside the repository");
        None
    }
}

/// A `konform` command with a clean environment.
pub fn konform(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("konform").expect("binary");
    c.current_dir(dir)
        .env_remove("KONFORM_STANDARDS")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1");
    c
}

/// Runs and returns (exit code, stdout, stderr). Diagnostics that miette wrapped and framed
/// for a terminal are unwrapped in stderr (frame characters and line breaks become one space),
/// so tests can match whole sentences.
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("run konform");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let flat: String = err
        .lines()
        .map(|l| l.trim_start_matches([' ', '│', '×', '|']).trim_end())
        .collect::<Vec<_>>()
        .join(" ");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        flat,
    )
}

/// Validates a JSON report against the published schema and returns it parsed.
pub fn checked_report(stdout: &str) -> serde_json::Value {
    let report: serde_json::Value = serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("report is not JSON: {e}\n{stdout}"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("reports/konform-report.schema.json"))
            .expect("schema"),
    )
    .expect("schema JSON");
    let validator = ::jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report violates reports/konform-report.schema.json:\n{}",
        errors.join("\n")
    );
    report
}

/// Rule ids of the findings of the first result.
pub fn fired(report: &serde_json::Value) -> Vec<String> {
    report["results"][0]["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["rule"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// A fresh temp dir.
pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// A listener on 127.0.0.1 that tells afterwards whether anyone connected.
pub struct Tripwire {
    listener: std::net::TcpListener,
    /// Port number.
    pub port: u16,
}

impl Tripwire {
    /// Starts listening.
    pub fn start() -> Tripwire {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        Tripwire { listener, port }
    }
    /// Whether a connection was attempted.
    pub fn tripped(&self) -> bool {
        self.listener.accept().is_ok()
    }
}
