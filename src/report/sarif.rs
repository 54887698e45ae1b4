//! SARIF 2.1.0, as GitHub code scanning reads it.
//!
//! Mapping: one run; `tool.driver.rules[]` lists every rule of the report's standards (first
//! standard wins when two define the same id) with `shortDescription` (title),
//! `fullDescription` (title, level, clause), `help.text` and `helpUri` (the clause link). One
//! result per finding: `ruleId`/`ruleIndex`, `level` from the severity (error, warning, note),
//! `message.text`, `physicalLocation` (`artifactLocation.uri` relative to the repository root
//! under `%SRCROOT%`, `region.startLine/startColumn` in Unicode code points) and the node path
//! as a logical location; `partialFingerprints["konform/v1"]` is the line-independent identity
//! shared with the GitLab format ([`super::fingerprints`]). Findings on documents that are not
//! files point at [`WriteCfg::api_description`]. `automationDetails.id` is
//! `konform/<run id>`. Documents that could not be evaluated become
//! `invocations[0].toolExecutionNotifications`.
//!
//! GitHub's limits: 25,000 results per run ([`MAX_RESULTS`]) and 10 MB per gzipped file
//! ([`MAX_GZIP_BYTES`]); results past either (in model order) are left out and a notification
//! says how many.

use super::model::{Report, RuleInfo};
use super::{WriteCfg, fingerprints, path_uri};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io::Write;

/// GitHub's limit of results per run.
pub const MAX_RESULTS: usize = 25_000;

/// GitHub's limit for an uploaded SARIF file, gzipped (10 MB).
pub const MAX_GZIP_BYTES: u64 = 10_000_000;

/// The SARIF 2.1.0 schema URI.
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

fn level(s: crate::standard::Severity) -> &'static str {
    match s {
        crate::standard::Severity::Error => "error",
        crate::standard::Severity::Warning => "warning",
        crate::standard::Severity::Info => "note",
    }
}

fn rule_descriptor(r: &RuleInfo, standard: &str) -> Value {
    let full = format!("{} ({}; {})", r.title, r.level.as_str(), r.clause);
    let mut help = format!(
        "{}\n\nLevel: {}. Default severity: {}.\nClause: {}",
        r.title,
        r.level.as_str(),
        r.severity.as_str(),
        r.clause
    );
    if let Some(u) = &r.clause_url {
        help.push_str(&format!("\nSee {u}"));
    }
    let mut d = json!({
        "id": r.id,
        "shortDescription": { "text": r.title },
        "fullDescription": { "text": full },
        "help": { "text": help },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "tags": [standard, r.level.as_str()],
            "precision": "very-high",
            "clause": r.clause,
        },
    });
    if let (Some(u), Some(o)) = (&r.clause_url, d.as_object_mut()) {
        o.insert("helpUri".into(), json!(u));
    }
    d
}

/// A physical location for a path, relative ones under `%SRCROOT%`.
fn artifact(path: &str) -> Value {
    let uri = path_uri(path);
    if uri.contains("://") {
        json!({ "uri": uri })
    } else {
        json!({ "uri": uri, "uriBaseId": "%SRCROOT%" })
    }
}

/// Builds the SARIF log with at most `keep` results.
fn log(report: &Report, cfg: &WriteCfg, keep: usize) -> (Value, usize) {
    // Rules, in standard order, first definition wins.
    let mut rules: Vec<Value> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &report.standards {
        let key = s.key();
        for r in &s.rules {
            if !index.contains_key(r.id.as_str()) {
                index.insert(&r.id, rules.len());
                rules.push(rule_descriptor(r, &key));
            }
        }
    }
    for r in &report.results {
        for f in &r.findings {
            if !index.contains_key(f.rule.as_str()) {
                index.insert(&f.rule, rules.len());
                rules.push(json!({
                    "id": f.rule,
                    "shortDescription": { "text": f.rule },
                    "fullDescription": { "text": format!("{} ({}; {})", f.rule, f.level.as_str(), f.clause) },
                    "help": { "text": format!("Clause: {}", f.clause) },
                    "defaultConfiguration": { "level": level(f.severity) },
                }));
            }
        }
    }
    let prints = fingerprints(report, cfg);
    let mut results = Vec::new();
    let mut total = 0usize;
    let mut notifications = Vec::new();
    for (r, fps) in report.results.iter().zip(&prints) {
        let path = cfg.location_path(&r.document.name);
        if let Some(e) = &r.error {
            let mut n = json!({
                "level": "error",
                "message": { "text": format!(
                    "{}: could not evaluate: {}{}",
                    r.document.name,
                    e.message,
                    r.acceptance.map(|a| format!(" ({})", a.as_participle())).unwrap_or_default()
                ) },
                "descriptor": { "id": "evaluation" },
            });
            if let (Some(p), Some(o)) = (&path, n.as_object_mut()) {
                o.insert(
                    "locations".into(),
                    json!([{ "physicalLocation": { "artifactLocation": artifact(p) } }]),
                );
            }
            notifications.push(n);
        }
        for (f, fp) in r.findings.iter().zip(fps) {
            total += 1;
            if results.len() >= keep {
                continue;
            }
            let mut loc = Map::new();
            if let Some(p) = &path {
                let mut phys = Map::new();
                phys.insert("artifactLocation".into(), artifact(p));
                if let Some(line) = f.location.line {
                    let mut region = json!({ "startLine": line });
                    if let (Some(c), Some(o)) = (f.location.column, region.as_object_mut()) {
                        o.insert("startColumn".into(), json!(c));
                    }
                    phys.insert("region".into(), region);
                }
                loc.insert("physicalLocation".into(), Value::Object(phys));
            }
            if let Some(x) = &f.location.path {
                loc.insert(
                    "logicalLocations".into(),
                    json!([{ "fullyQualifiedName": x }]),
                );
            }
            let mut res = json!({
                "ruleId": f.rule,
                "ruleIndex": index.get(f.rule.as_str()).copied().unwrap_or(0),
                "level": level(f.severity),
                "message": { "text": f.message },
                "partialFingerprints": { "konform/v1": fp },
                "properties": {
                    "document": r.document.name,
                    "standard": r.standard,
                    "profile": r.profile,
                    "clause": f.clause,
                    "ruleLevel": f.level.as_str(),
                    "engine": f.engine,
                },
            });
            if !loc.is_empty()
                && let Some(o) = res.as_object_mut()
            {
                o.insert("locations".into(), json!([Value::Object(loc)]));
            }
            results.push(res);
        }
    }
    let omitted = total - results.len();
    if omitted > 0 {
        notifications.push(json!({
            "level": "warning",
            "message": { "text": format!(
                "{omitted} of {total} results left out to stay within GitHub code scanning's \
                 limits (25,000 results per run, 10 MB gzipped); the JSON report has every finding"
            ) },
            "descriptor": { "id": "truncated" },
        }));
    }
    let run_id = if report.run.id.is_empty() {
        super::model::RunInfo::derive_id(report.run.started.as_bytes())
    } else {
        report.run.id.clone()
    };
    let standards: Vec<String> = report.standards.iter().map(|s| s.key()).collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": rules,
            } },
            "automationDetails": { "id": format!("konform/{run_id}") },
            "invocations": [{
                "executionSuccessful": report.summary.errors == 0,
                "startTimeUtc": report.run.started,
                "endTimeUtc": report.run.finished,
                "exitCode": report.exit_status().code(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {
                "verdict": report.summary.verdict.as_str(),
                "standards": standards,
                "documents": report.summary.documents,
                "endpoint": report.endpoint,
            },
        }],
    });
    let mut log = log;
    if let (Some(p), Some(Value::Object(o))) =
        (&report.probe, log.pointer_mut("/runs/0/properties"))
    {
        o.insert(
            "probe".into(),
            serde_json::to_value(p).unwrap_or(Value::Null),
        );
    }
    (log, omitted)
}

/// Upper bound of the gzipped size (raw deflate at a fast level plus the gzip frame).
fn gzipped_size(bytes: &[u8]) -> u64 {
    miniz_oxide::deflate::compress_to_vec(bytes, 1).len() as u64 + 18
}

/// Writes the SARIF log.
pub fn write(report: &Report, cfg: &WriteCfg, w: &mut dyn Write) -> std::io::Result<()> {
    let max_gzip = cfg.max_bytes.unwrap_or(MAX_GZIP_BYTES);
    let mut keep = cfg.max_results.unwrap_or(MAX_RESULTS);
    let mut bytes;
    let mut tries = 0;
    loop {
        let (log, _) = log(report, cfg, keep);
        bytes = serde_json::to_vec(&log)?;
        bytes.push(b'\n');
        // Uncompressed within the limit: the gzipped file is too (deflate adds < 1%).
        if (bytes.len() as u64) * 101 / 100 + 64 <= max_gzip {
            break;
        }
        let gz = gzipped_size(&bytes);
        tries += 1;
        if gz <= max_gzip || keep == 0 || tries > 12 {
            break;
        }
        let results = report
            .results
            .iter()
            .map(|r| r.findings.len())
            .sum::<usize>()
            .min(keep);
        keep = ((results as f64) * (max_gzip as f64 / gz as f64) * 0.95) as usize;
    }
    w.write_all(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::{DocumentInfo, DocumentResult, Finding, Location, Verdict};
    use crate::standard::{EngineKind, Level, Severity};

    fn report(n: usize) -> Report {
        let results: Vec<DocumentResult> = (0..n)
            .map(|i| {
                let mut r = DocumentResult {
                    document: DocumentInfo {
                        name: format!("d{i}.xml"),
                        sha256: None,
                        size: 1,
                        format: "xml".into(),
                    },
                    standard: None,
                    profile: None,
                    variant: None,
                    request: None,
                    verdict: Verdict::Conformant,
                    error: None,
                    acceptance: None,
                    general_standards: Vec::new(),
                    rules_checked: vec!["R-1".into()],
                    findings: vec![Finding {
                        rule: "R-1".into(),
                        level: Level::Must,
                        severity: Severity::Error,
                        message: format!("message {i} {}", "x".repeat(i % 97)),
                        location: Location {
                            line: Some(1),
                            column: None,
                            path: None,
                        },
                        clause: "§1".into(),
                        engine: EngineKind::Protocol,
                        artefact: None,
                        standard_severity: None,
                        override_reason: None,
                        waiver: None,
                        schematron: None,
                    }],
                    duration_ms: 0.0,
                };
                r.finish(Severity::Error);
                r
            })
            .collect();
        Report::fixture(results)
    }

    fn render(r: &Report, cfg: &WriteCfg) -> Value {
        let mut out = Vec::new();
        write(r, cfg, &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn results_over_the_limit_are_left_out_with_a_notice() {
        let cfg = WriteCfg {
            max_results: Some(10),
            ..WriteCfg::default()
        };
        let v = render(&report(30), &cfg);
        assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 10);
        let notes = &v["runs"][0]["invocations"][0]["toolExecutionNotifications"];
        assert!(
            notes[0]["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("20 of 30")
        );
    }

    #[test]
    fn gzipped_size_limit_is_respected() {
        let cfg = WriteCfg {
            max_bytes: Some(4_000),
            ..WriteCfg::default()
        };
        let r = report(2_000);
        let mut out = Vec::new();
        write(&r, &cfg, &mut out).unwrap();
        assert!(gzipped_size(&out) <= 4_000, "{}", gzipped_size(&out));
        let v: Value = serde_json::from_slice(&out).unwrap();
        let kept = v["runs"][0]["results"].as_array().unwrap().len();
        assert!(kept > 0 && kept < 2_000, "{kept}");
    }

    #[test]
    fn fingerprints_ignore_lines_and_are_unique() {
        let mut r = report(3);
        for d in &mut r.results {
            d.document.name = "same.xml".into();
            d.findings[0].message = "same".into();
        }
        let v = render(&r, &WriteCfg::default());
        let fps: Vec<&str> = v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["partialFingerprints"]["konform/v1"].as_str().unwrap())
            .collect();
        let mut u = fps.clone();
        u.sort();
        u.dedup();
        assert_eq!(u.len(), 3);
        r.results[0].findings[0].location.line = Some(99);
        let v2 = render(&r, &WriteCfg::default());
        assert_eq!(
            v2["runs"][0]["results"][0]["partialFingerprints"],
            v["runs"][0]["results"][0]["partialFingerprints"]
        );
    }
}
