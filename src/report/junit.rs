//! JUnit XML, the de-facto format that GitLab, Jenkins and GitHub test-reporter actions read.
//!
//! Mapping: one `<testsuite>` per document (name = document, properties = standard, profile,
//! variant, verdict, sha256); one `<testcase>` per rule checked on it (`classname` = the
//! document, unique within the file, `name` = rule id; `file` = repository path on the suite and
//! on testcases with findings; `time` only on suites, where it is measured). A rule whose
//! findings fail the document under `--fail-on` carries one `<failure>` (message, and in its
//! text every finding with location and clause); findings below the threshold go to the
//! testcase's `<system-out>`. A document that could not be evaluated is one testcase with an
//! `<error>`. GitLab keeps only the first of duplicate classname+name pairs and refuses files
//! over 30 MB: past the limit ([`MAX_BYTES`], or [`WriteCfg::max_bytes`]) whole suites are left
//! out, conformant documents first (from the end), and a final suite says how many, as a
//! skipped testcase.
//!
//! The subset written here is described by `tests/fixtures/junit.xsd`, which the tests check
//! every output against.

use super::model::{DocumentResult, Finding, Report, Verdict};
use super::{WriteCfg, xml_attr, xml_text};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

/// GitLab's limit for one JUnit file (30 MB).
pub const MAX_BYTES: u64 = 30_000_000;

/// Room kept for the closing tags and the truncation notice.
const RESERVE: u64 = 4096;

#[derive(Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    time: f64,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.tests += o.tests;
        self.failures += o.failures;
        self.errors += o.errors;
        self.skipped += o.skipped;
        self.time += o.time;
    }
}

/// ISO 8601 without a zone, as the JUnit schema wants (`2024-01-01T00:00:00`).
fn timestamp(rfc3339: &str) -> &str {
    let t = rfc3339.trim_end_matches('Z');
    t.get(..19).unwrap_or(t)
}

fn seconds(ms: f64) -> String {
    format!("{:.3}", (ms / 1000.0).max(0.0))
}

fn finding_line(f: &Finding) -> String {
    let mut s = format!("{} {} {}", f.severity.as_str(), f.level.as_str(), f.rule);
    match (f.location.line, f.location.column) {
        (Some(l), Some(c)) => {
            let _ = write!(s, " at line {l}, column {c}");
        }
        (Some(l), None) => {
            let _ = write!(s, " at line {l}");
        }
        _ => {}
    }
    if let Some(p) = &f.location.path {
        let _ = write!(s, " ({p})");
    }
    let _ = write!(s, ": {}\n  clause: {}", f.message, f.clause);
    s
}

/// Renders one document's suite.
fn suite(
    r: &DocumentResult,
    report: &Report,
    cfg: &WriteCfg,
    classname: &str,
    out: &mut String,
) -> Counts {
    let mut c = Counts {
        time: r.duration_ms / 1000.0,
        ..Counts::default()
    };
    let file = cfg.location_path(&r.document.name);
    let file_attr = file
        .as_deref()
        .map(|f| format!(" file=\"{}\"", xml_attr(f)))
        .unwrap_or_default();
    let mut cases = String::new();
    if let Some(e) = &r.error {
        c.tests += 1;
        c.errors += 1;
        let kind = serde_json::to_value(e.kind)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        let _ = write!(
            cases,
            "    <testcase name=\"evaluation\" classname=\"{}\"{file_attr} time=\"{}\">\n      \
             <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>\n",
            xml_attr(classname),
            seconds(r.duration_ms),
            xml_attr(&e.message),
            xml_attr(&kind),
            xml_text(&e.message),
        );
    }
    for o in r.rule_outcomes(report.run.fail_on) {
        c.tests += 1;
        let _ = write!(
            cases,
            "    <testcase name=\"{}\" classname=\"{}\"",
            xml_attr(o.rule),
            xml_attr(classname),
        );
        // Passing testcases stay minimal (10,000 documents x 25 rules must fit in 30 MB);
        // the file link matters where there is something to look at.
        if o.passed() {
            cases.push_str("/>\n");
            continue;
        }
        let _ = writeln!(cases, "{file_attr}>");
        let title = report
            .rule_of(r, o.rule)
            .map(|i| i.title.as_str())
            .unwrap_or("");
        let body: Vec<String> = o.findings.iter().map(|f| finding_line(f)).collect();
        let mut text = String::new();
        if !title.is_empty() {
            text.push_str(title);
            text.push('\n');
        }
        text.push_str(&body.join("\n"));
        if o.fails {
            c.failures += 1;
            let first = o.findings.first().map_or("", |f| f.message.as_str());
            let message = match o.findings.len() {
                0 | 1 => first.to_string(),
                n => format!("{first} (and {} more)", n - 1),
            };
            let kind = o
                .findings
                .first()
                .map(|f| format!("{} {}", f.level.as_str(), f.severity.as_str()))
                .unwrap_or_default();
            let _ = writeln!(
                cases,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                xml_attr(&message),
                xml_attr(&kind),
                xml_text(&text),
            );
        } else {
            let _ = writeln!(cases, "      <system-out>{}</system-out>", xml_text(&text));
        }
        cases.push_str("    </testcase>\n");
    }
    let _ = write!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" \
         time=\"{}\" timestamp=\"{}\"{file_attr}>\n    <properties>\n",
        xml_attr(&r.document.name),
        c.tests,
        c.failures,
        c.errors,
        seconds(r.duration_ms),
        timestamp(&report.run.started),
    );
    let props = [
        ("standard", r.standard.as_deref()),
        ("profile", r.profile.as_deref()),
        ("variant", r.variant.as_deref()),
        ("request", r.request.as_deref()),
        ("verdict", Some(r.verdict.as_str())),
        ("acceptance", r.acceptance.map(|a| a.as_str())),
        ("sha256", r.document.sha256.as_deref()),
    ];
    for (k, v) in props {
        if let Some(v) = v {
            let _ = writeln!(
                out,
                "      <property name=\"{k}\" value=\"{}\"/>",
                xml_attr(v)
            );
        }
    }
    out.push_str("    </properties>\n");
    out.push_str(&cases);
    out.push_str("  </testsuite>\n");
    c
}

/// Unique classnames: the document name, with ` (2)`, ` (3)`… for repeats.
fn classnames(report: &Report) -> Vec<String> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    report
        .results
        .iter()
        .map(|r| {
            let n = seen.entry(r.document.name.as_str()).or_insert(0);
            *n += 1;
            if *n == 1 {
                r.document.name.clone()
            } else {
                format!("{} ({n})", r.document.name)
            }
        })
        .collect()
}

/// Writes the JUnit XML.
pub fn write(report: &Report, cfg: &WriteCfg, w: &mut dyn Write) -> std::io::Result<()> {
    let limit = cfg.max_bytes.unwrap_or(MAX_BYTES);
    let names = classnames(report);
    let suites: Vec<(String, Counts)> = report
        .results
        .iter()
        .zip(&names)
        .map(|(r, name)| {
            let mut s = String::new();
            let c = suite(r, report, cfg, name, &mut s);
            (s, c)
        })
        .collect();
    // Over the limit: leave out conformant documents first, then the others, from the end,
    // so the failures GitLab shows survive; what stays keeps report order.
    let budget = limit.saturating_sub(RESERVE + 512);
    let mut size: u64 = suites.iter().map(|s| s.0.len() as u64).sum();
    let mut keep = vec![true; suites.len()];
    for conformant_pass in [true, false] {
        for (i, r) in report.results.iter().enumerate().rev() {
            if size <= budget {
                break;
            }
            if (r.verdict == Verdict::Conformant) == conformant_pass && keep[i] {
                keep[i] = false;
                size -= suites[i].0.len() as u64;
            }
        }
    }
    let mut total = Counts::default();
    let mut omitted = [0usize; 3];
    for (i, r) in report.results.iter().enumerate() {
        if keep[i] {
            total.add(suites[i].1);
        } else {
            omitted[match r.verdict {
                Verdict::Conformant => 0,
                Verdict::NonConformant => 1,
                Verdict::Error => 2,
            }] += 1;
        }
    }
    let left_out: usize = omitted.iter().sum();
    if left_out > 0 {
        total.tests += 1;
        total.skipped += 1;
    }
    if report.probe.is_some() {
        total.tests += 1;
    }
    write!(
        w,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"konform {}\" \
         tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\">\n",
        xml_attr(&report.tool.version),
        total.tests,
        total.failures,
        total.errors,
        total.skipped,
        seconds(total.time * 1000.0),
    )?;
    for ((s, _), k) in suites.iter().zip(&keep) {
        if *k {
            w.write_all(s.as_bytes())?;
        }
    }
    if left_out > 0 {
        let [ok, bad, err] = omitted;
        let msg = format!(
            "{left_out} of {} documents left out ({ok} conformant, {bad} non-conformant, {err} \
             not evaluated) to stay under {limit} bytes (GitLab's limit for a JUnit report), \
             conformant documents first; the JSON report has every result",
            report.results.len()
        );
        write!(
            w,
            "  <testsuite name=\"konform: report truncated\" tests=\"1\" failures=\"0\" \
             errors=\"0\" skipped=\"1\" time=\"0.000\" timestamp=\"{}\">\n    <testcase \
             name=\"truncated\" classname=\"konform\" time=\"0.000\">\n      <skipped \
             message=\"{}\"/>\n    </testcase>\n  </testsuite>\n",
            timestamp(&report.run.started),
            xml_attr(&msg),
        )?;
    }
    if let Some(e) = &report.endpoint {
        write!(
            w,
            "  <testsuite name=\"konform: endpoint run\" tests=\"0\" failures=\"0\" errors=\"0\" \
             skipped=\"0\" time=\"{:.3}\" timestamp=\"{}\">\n    <properties>\n      \
             <property name=\"url\" value=\"{}\"/>\n      <property name=\"seed\" value=\"{}\"/>\n      \
             <property name=\"cases\" value=\"{}\"/>\n    </properties>\n    <system-out>{}</system-out>\n  </testsuite>\n",
            e.seconds,
            timestamp(&report.run.started),
            xml_attr(&e.url),
            e.seed,
            e.cases,
            xml_text(&super::endpoint_lines(e).join("\n")),
        )?;
    }
    if let Some(p) = &report.probe {
        write!(
            w,
            "  <testsuite name=\"konform probe\" tests=\"1\" failures=\"0\" errors=\"0\" \
             skipped=\"0\" time=\"0.000\" timestamp=\"{}\">\n    <properties>\n",
            timestamp(&report.run.started)
        )?;
        let props = [
            ("seed", p.seed.to_string()),
            ("cases", p.cases.to_string()),
            ("valid_cases", p.valid_cases.to_string()),
            ("mutant_cases", p.mutant_cases.to_string()),
            ("failures", p.failures.len().to_string()),
            ("rules_covered", p.coverage.covered.len().to_string()),
            ("rules_applicable", p.coverage.applicable.to_string()),
        ];
        for (k, v) in props {
            writeln!(
                w,
                "      <property name=\"{k}\" value=\"{}\"/>",
                xml_attr(&v)
            )?;
        }
        write!(
            w,
            "    </properties>\n    <testcase name=\"rule coverage\" classname=\"konform.probe\" \
             time=\"0.000\"/>\n    <system-out>{}</system-out>\n  </testsuite>\n",
            xml_attr(&p.summary_lines().join("\n"))
        )?;
    }
    w.write_all(b"</testsuites>\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::{DocumentInfo, Location, Verdict};
    use crate::standard::{EngineKind, Level, Severity};

    fn doc(name: &str, findings: Vec<Finding>) -> DocumentResult {
        let mut r = DocumentResult {
            document: DocumentInfo {
                name: name.into(),
                sha256: None,
                size: 1,
                format: "xml".into(),
            },
            standard: Some("s@1.0.0".into()),
            profile: None,
            variant: None,
            request: None,
            verdict: Verdict::Conformant,
            error: None,
            acceptance: None,
            general_standards: Vec::new(),
            rules_checked: vec!["R-1".into(), "R-2".into()],
            findings,
            duration_ms: 0.0,
        };
        r.finish(Severity::Error);
        r
    }

    fn finding(rule: &str, severity: Severity) -> Finding {
        Finding {
            rule: rule.into(),
            level: Level::Must,
            severity,
            message: "bad <thing> & \"more\"".into(),
            location: Location {
                line: Some(3),
                column: Some(4),
                path: Some("/a[1]".into()),
            },
            clause: "§1".into(),
            engine: EngineKind::Protocol,
            artefact: None,
            standard_severity: None,
            override_reason: None,
            waiver: None,
            schematron: None,
        }
    }

    fn report(results: Vec<DocumentResult>) -> Report {
        Report::fixture(results)
    }

    fn render(r: &Report, cfg: &WriteCfg) -> String {
        let mut out = Vec::new();
        write(r, cfg, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn counts_failures_and_keeps_names_unique() {
        let r = report(vec![
            doc("a.xml", vec![finding("R-1", Severity::Error)]),
            doc("a.xml", vec![finding("R-2", Severity::Warning)]),
        ]);
        let text = render(&r, &WriteCfg::default());
        let x = roxmltree::Document::parse(&text).unwrap();
        let root = x.root_element();
        assert_eq!(root.attribute("tests"), Some("4"));
        assert_eq!(root.attribute("failures"), Some("1"));
        let mut keys: Vec<(String, String)> = x
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .map(|n| {
                (
                    n.attribute("classname").unwrap().to_string(),
                    n.attribute("name").unwrap().to_string(),
                )
            })
            .collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n, "classname+name pairs repeat");
        let failure = x.descendants().find(|n| n.has_tag_name("failure")).unwrap();
        assert_eq!(failure.attribute("message"), Some("bad <thing> & \"more\""));
        let body = failure.text().unwrap();
        assert!(body.contains("line 3, column 4") && body.contains("clause: §1"));
        // The warning does not fail its testcase; it is reported as output.
        assert!(text.contains("<system-out>warning MUST R-2"));
    }

    #[test]
    fn truncates_with_a_notice_under_the_limit() {
        // Every third document conformant: those are left out first.
        let results: Vec<_> = (0..60)
            .map(|i| {
                let f = if i % 3 == 0 {
                    vec![]
                } else {
                    vec![finding("R-1", Severity::Error)]
                };
                doc(&format!("d{i}.xml"), f)
            })
            .collect();
        let r = report(results);
        let cfg = WriteCfg {
            max_bytes: Some(12_000),
            ..WriteCfg::default()
        };
        let text = render(&r, &cfg);
        assert!(text.len() <= 12_000, "{}", text.len());
        let x = roxmltree::Document::parse(&text).unwrap();
        let skipped = x.descendants().find(|n| n.has_tag_name("skipped")).unwrap();
        let msg = skipped.attribute("message").unwrap();
        assert!(msg.contains("documents left out (20 conformant, "), "{msg}");
        let suites: Vec<&str> = x
            .descendants()
            .filter(|n| n.has_tag_name("testsuite"))
            .filter_map(|n| n.attribute("name"))
            .collect();
        assert!(suites.len() > 1 && suites.len() < 41, "{}", suites.len());
        // Report order is kept, and d0 (conformant) went before any failing document.
        assert!(!suites.contains(&"d0.xml") && suites.first() == Some(&"d1.xml"));
        let root = x.root_element();
        assert_eq!(root.attribute("skipped"), Some("1"));
    }
}
