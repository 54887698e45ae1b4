//! GitLab Code Quality JSON (a subset of the Code Climate issue format), shown in merge
//! request widgets and diffs.
//!
//! Mapping: one issue per finding: `description` (rule, message, clause), `check_name` (rule
//! id), `fingerprint` (line-independent and unique, shared with SARIF:
//! [`super::fingerprints`]), `severity` (info -> `info`, warning -> `minor`, error -> `major`),
//! `location.path` (relative to the repository root; the API description for documents that
//! are not files) and `location.lines.begin` (1 when the finding has no line). A document that
//! could not be evaluated is one `critical` issue with check name `konform/evaluation`.

use super::model::Report;
use super::{WriteCfg, fingerprints};
use crate::standard::Severity;
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: &'a str,
    description: String,
    categories: [&'static str; 1],
    severity: &'static str,
    fingerprint: String,
    location: Location,
    engine_name: &'static str,
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "minor",
        Severity::Error => "major",
    }
}

/// Writes the issues as a JSON array.
pub fn write(report: &Report, cfg: &WriteCfg, w: &mut dyn Write) -> std::io::Result<()> {
    use sha2::Digest;
    let prints = fingerprints(report, cfg);
    let mut issues = Vec::new();
    let mut errors_at: std::collections::BTreeMap<String, u32> = Default::default();
    for (r, fps) in report.results.iter().zip(&prints) {
        let path = cfg
            .location_path(&r.document.name)
            .unwrap_or_else(|| r.document.name.clone());
        if let Some(e) = &r.error {
            let mut h = sha2::Sha256::new();
            h.update(b"konform/evaluation\0");
            h.update(path.as_bytes());
            h.update(b"\0");
            let n = errors_at.entry(path.clone()).or_insert(0);
            *n += 1;
            h.update(n.to_be_bytes());
            issues.push(Issue {
                kind: "issue",
                check_name: "konform/evaluation",
                description: format!(
                    "could not evaluate {}: {}{}",
                    r.document.name,
                    e.message,
                    r.acceptance
                        .map(|a| format!(" ({})", a.as_participle()))
                        .unwrap_or_default()
                ),
                categories: ["Bug Risk"],
                severity: "critical",
                fingerprint: hex::encode(h.finalize()),
                location: Location {
                    path: path.clone(),
                    lines: Lines { begin: 1 },
                },
                engine_name: "konform",
            });
        }
        for (f, fp) in r.findings.iter().zip(fps) {
            issues.push(Issue {
                kind: "issue",
                check_name: &f.rule,
                description: format!(
                    "{} ({} {}): {} [{}]",
                    f.rule,
                    f.level.as_str(),
                    f.severity.as_str(),
                    f.message,
                    f.clause
                ),
                categories: ["Compatibility"],
                severity: severity(f.severity),
                fingerprint: fp.clone(),
                location: Location {
                    path: path.clone(),
                    lines: Lines {
                        begin: f.location.line.unwrap_or(1).max(1),
                    },
                },
                engine_name: "konform",
            });
        }
    }
    let probe_text;
    if let Some(p) = &report.probe {
        probe_text = p.summary_lines().join("; ");
        let mut h = sha2::Sha256::new();
        h.update(b"konform/probe\0");
        h.update(p.standard.as_bytes());
        h.update(p.seed.to_be_bytes());
        issues.push(Issue {
            kind: "issue",
            check_name: "konform/probe",
            description: probe_text.clone(),
            categories: ["Compatibility"],
            severity: "info",
            fingerprint: hex::encode(h.finalize()),
            location: Location {
                path: p
                    .failures
                    .iter()
                    .find_map(|f| f.vector.clone())
                    .map(|v| cfg.location_path(&v).unwrap_or(v))
                    .unwrap_or_else(|| ".".into()),
                lines: Lines { begin: 1 },
            },
            engine_name: "konform",
        });
    }
    serde_json::to_writer_pretty(&mut *w, &issues)?;
    w.write_all(b"\n")
}
