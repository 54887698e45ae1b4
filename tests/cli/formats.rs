//! Every report format from one run, each checked against the format's own rules: JUnit
//! against an XSD of the Jenkins/GitLab subset (libxml2), SARIF against the official 2.1.0 JSON
//! Schema, GitLab Code Quality against GitLab's required fields, EARL parsed back as RDF
//! (Turtle and JSON-LD), Markdown's tables, HTML rendered in headless Chromium; and
//! byte-identical output across runs under SOURCE_DATE_EPOCH.

use super::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command as StdCommand;

const CONFORMANT: &str = "request-conformant.xml";
const BROKEN: &str = "request-client-missing-membercode.xml";
/// Conformant, with a warning (XRD-SOAP-005: id is not a UUID).
const WARNED: &str = "request-id-not-uuid.xml";

const FORMATS: [&str; 9] = [
    "human",
    "json",
    "junit",
    "sarif",
    "gitlab",
    "earl",
    "earl-jsonld",
    "markdown",
    "html",
];

fn copy_vectors(dir: &Path, names: &[&str]) {
    let src = root().join("test-vectors/xroad-soap/4.0.0");
    for n in names {
        std::fs::copy(src.join(n), dir.join(n)).expect("copy vector");
    }
}

/// One run writing every format to `out/<format>`; returns the exit code and the files.
fn run_all(dir: &Path, inputs: &[&str], extra: &[&str]) -> (i32, BTreeMap<&'static str, Vec<u8>>) {
    std::fs::create_dir_all(dir.join("out")).expect("out dir");
    let mut cmd = konform(dir);
    cmd.env("SOURCE_DATE_EPOCH", "1700000000").arg("validate");
    for f in FORMATS {
        cmd.args(["--report", &format!("{f}=out/{f}")]);
    }
    cmd.args(["--format", "json"]).args(extra).args(inputs);
    let (code, stdout, stderr) = run(&mut cmd);
    assert!(matches!(code, 0..=3), "konform crashed ({code}):\n{stderr}");
    let json = checked_report(&stdout);
    assert_eq!(json["results"].as_array().map(Vec::len), Some(inputs.len()));
    let files = FORMATS
        .iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join("out").join(f))
                .unwrap_or_else(|e| panic!("{f} report not written: {e}\n{stderr}"));
            (*f, bytes)
        })
        .collect();
    (code, files)
}

fn text(files: &BTreeMap<&str, Vec<u8>>, f: &str) -> String {
    String::from_utf8(files[f].clone()).unwrap_or_else(|e| panic!("{f} is not UTF-8: {e}"))
}

fn standard_run() -> (tempfile::TempDir, i32, BTreeMap<&'static str, Vec<u8>>) {
    let d = tmp();
    copy_vectors(d.path(), &[CONFORMANT, BROKEN, WARNED]);
    let (code, files) = run_all(d.path(), &[CONFORMANT, BROKEN, WARNED], &[]);
    (d, code, files)
}

#[test]
fn every_format_comes_from_one_run_and_agrees_on_the_facts() {
    let (_d, code, files) = standard_run();
    assert_eq!(code, 1);
    let json: Value = serde_json::from_slice(&files["json"]).expect("json");
    checked_report(&text(&files, "json"));
    let run_id = json["run"]["id"].as_str().expect("run id");
    // One failing check (XRD-SOAP-003) in every format.
    let junit = text(&files, "junit");
    assert_eq!(junit.matches("<failure ").count(), 1);
    let sarif: Value = serde_json::from_slice(&files["sarif"]).expect("sarif");
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        format!("konform/{run_id}")
    );
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 2, "one error and one warning");
    let gitlab: Value = serde_json::from_slice(&files["gitlab"]).expect("gitlab");
    assert_eq!(gitlab.as_array().map(Vec::len), Some(2));
    assert_eq!(text(&files, "earl").matches("earl:failed").count(), 1);
    assert!(text(&files, "markdown").contains("non-conformant"));
    assert!(text(&files, "html").contains("data-verdict=\"non-conformant\""));
    assert!(text(&files, "human").contains("XRD-SOAP-003"));
}

#[test]
fn reports_are_byte_identical_across_runs() {
    let d = tmp();
    copy_vectors(d.path(), &[CONFORMANT, BROKEN, WARNED]);
    let (_, first) = run_all(d.path(), &[CONFORMANT, BROKEN, WARNED], &[]);
    std::fs::remove_dir_all(d.path().join("out")).expect("clean");
    let (_, second) = run_all(d.path(), &[CONFORMANT, BROKEN, WARNED], &[]);
    for f in FORMATS {
        assert!(
            first[f] == second[f],
            "{f} differs between two runs on the same inputs"
        );
    }
}

#[test]
fn junit_is_valid_against_the_jenkins_gitlab_schema() {
    let (d, _, files) = standard_run();
    let path = d.path().join("out/junit");
    let xsd = root().join("tests/fixtures/junit.xsd");
    let mut parser = libxml::schemas::SchemaParserContext::from_file(&xsd.to_string_lossy());
    let mut validator = libxml::schemas::SchemaValidationContext::from_parser(&mut parser)
        .unwrap_or_else(|e| panic!("junit.xsd does not compile: {e:?}"));
    if let Err(errors) = validator.validate_file(&path.to_string_lossy()) {
        let msgs: Vec<String> = errors
            .iter()
            .map(|e| format!("line {:?}: {:?}", e.line, e.message))
            .collect();
        panic!("JUnit report violates junit.xsd:\n{}", msgs.join("\n"));
    }
    let junit = text(&files, "junit");
    // Control: the schema check does reject a testcase without classname.
    let broken = d.path().join("out/broken.xml");
    std::fs::write(&broken, junit.replacen(" classname=\"", " class=\"", 1)).expect("write");
    assert!(
        validator.validate_file(&broken.to_string_lossy()).is_err(),
        "the XSD check accepts anything"
    );
    let x = roxmltree::Document::parse(&junit).expect("well-formed");
    let suites: Vec<_> = x
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 3, "one testsuite per document");
    // Totals add up.
    let sum = |attr: &str| -> usize {
        suites
            .iter()
            .map(|s| {
                s.attribute(attr)
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0)
            })
            .sum()
    };
    let root_el = x.root_element();
    for attr in ["tests", "failures", "errors"] {
        assert_eq!(
            root_el.attribute(attr).and_then(|v| v.parse().ok()),
            Some(sum(attr)),
            "testsuites/@{attr}"
        );
    }
    // classname+name unique (GitLab keeps only the first of duplicates).
    let cases: Vec<_> = x
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let keys: BTreeSet<(String, String)> = cases
        .iter()
        .map(|c| {
            (
                c.attribute("classname").unwrap_or("").to_string(),
                c.attribute("name").unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(keys.len(), cases.len(), "duplicate classname+name");
    assert_eq!(cases.len(), sum("tests"));
    // The failure carries message, location and clause.
    let failure = x
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("a failure");
    let case = failure.parent().expect("testcase");
    assert_eq!(case.attribute("name"), Some("XRD-SOAP-003"));
    assert_eq!(case.attribute("classname"), Some(BROKEN));
    assert_eq!(case.attribute("file"), Some(BROKEN));
    assert!(
        failure
            .attribute("message")
            .is_some_and(|m| m.contains("subsystemCode"))
    );
    let body = failure.text().unwrap_or("");
    assert!(body.contains("line 10, column 7"), "{body}");
    assert!(body.contains("clause: PR-MESS §2.1, Annex A"), "{body}");
    // The warning does not fail the conformant document.
    let warned = suites
        .iter()
        .find(|s| s.attribute("name") == Some(WARNED))
        .expect("warned suite");
    assert_eq!(warned.attribute("failures"), Some("0"));
    assert!(junit.contains("<system-out>"));
}

#[test]
fn sarif_is_valid_against_the_official_schema_and_github_rules() {
    let (_d, _, files) = standard_run();
    let sarif: Value = serde_json::from_slice(&files["sarif"]).expect("sarif JSON");
    let schema_path = root().join("../shared/schemas/sarif-schema-2.1.0.json");
    match std::fs::read_to_string(&schema_path) {
        Err(_) => eprintln!(
            "skipped: SARIF schema check ({} is absent)",
            schema_path.display()
        ),
        Ok(s) => {
            let schema: Value = serde_json::from_str(&s).expect("schema JSON");
            let v = ::jsonschema::options()
                .should_validate_formats(true)
                .build(&schema)
                .expect("SARIF schema compiles");
            let errors: Vec<String> = v
                .iter_errors(&sarif)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "SARIF schema:\n{}", errors.join("\n"));
            // Control: the schema check does reject a broken log.
            let mut broken = sarif.clone();
            broken["runs"][0]["results"][0]["level"] = "fatal".into();
            assert!(
                !v.is_valid(&broken),
                "the SARIF schema check accepts anything"
            );
        }
    }
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for r in rules {
        for k in ["id", "shortDescription", "fullDescription", "help"] {
            assert!(!r[k].is_null(), "rule without {k}: {r}");
        }
        assert!(
            r["helpUri"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://"))
        );
    }
    let results = run["results"].as_array().expect("results");
    let mut prints = BTreeSet::new();
    for res in results {
        let idx = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        assert!(matches!(
            res["level"].as_str(),
            Some("error" | "warning" | "note")
        ));
        assert!(
            res["message"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        let phys = &res["locations"][0]["physicalLocation"];
        let uri = phys["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(
            !uri.starts_with('/') && !uri.contains("://"),
            "not relative: {uri}"
        );
        assert!(phys["region"]["startLine"].as_u64().is_some_and(|l| l >= 1));
        prints.insert(
            res["partialFingerprints"]["konform/v1"]
                .as_str()
                .expect("fp")
                .to_string(),
        );
    }
    assert_eq!(prints.len(), results.len(), "fingerprints repeat");
    let broken = results
        .iter()
        .find(|r| r["ruleId"] == "XRD-SOAP-003")
        .expect("XRD-SOAP-003");
    let phys = &broken["locations"][0]["physicalLocation"];
    assert_eq!(phys["artifactLocation"]["uri"], BROKEN);
    assert_eq!(phys["region"]["startLine"], 10);
    assert_eq!(phys["region"]["startColumn"], 7);
    assert_eq!(
        results
            .iter()
            .find(|r| r["ruleId"] == "XRD-SOAP-005")
            .map(|r| &r["level"]),
        Some(&Value::from("warning"))
    );
}

#[test]
fn locations_are_relative_to_the_repository_root() {
    let d = tmp();
    std::fs::create_dir_all(d.path().join(".git")).expect(".git");
    let sub = d.path().join("msgs/in");
    std::fs::create_dir_all(&sub).expect("sub");
    copy_vectors(&sub, &[BROKEN]);
    let (code, out, err) = run(konform(&sub)
        .args(["validate", "--format", "sarif", BROKEN])
        .args(["--report", "gitlab=cq.json", "--report", "junit=j.xml"]));
    assert_eq!(code, 1, "{err}");
    let sarif: Value = serde_json::from_str(&out).expect("sarif");
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "msgs/in/request-client-missing-membercode.xml"
    );
    let cq: Value =
        serde_json::from_slice(&std::fs::read(sub.join("cq.json")).expect("cq")).expect("cq json");
    assert_eq!(
        cq[0]["location"]["path"],
        "msgs/in/request-client-missing-membercode.xml"
    );
    let junit = std::fs::read_to_string(sub.join("j.xml")).expect("junit");
    assert!(junit.contains("file=\"msgs/in/request-client-missing-membercode.xml\""));
}

#[test]
fn gitlab_code_quality_has_the_required_fields() {
    let (_d, _, files) = standard_run();
    let issues: Value = serde_json::from_slice(&files["gitlab"]).expect("JSON");
    let issues = issues.as_array().expect("an array");
    let mut prints = BTreeSet::new();
    for i in issues {
        for k in ["description", "check_name", "fingerprint", "severity"] {
            assert!(
                i[k].as_str().is_some_and(|s| !s.is_empty()),
                "{k} missing: {i}"
            );
        }
        assert!(matches!(
            i["severity"].as_str(),
            Some("info" | "minor" | "major" | "critical" | "blocker")
        ));
        assert!(
            i["location"]["path"]
                .as_str()
                .is_some_and(|p| !p.starts_with('/'))
        );
        assert!(
            i["location"]["lines"]["begin"]
                .as_u64()
                .is_some_and(|l| l >= 1)
        );
        prints.insert(i["fingerprint"].as_str().unwrap_or("").to_string());
    }
    assert_eq!(prints.len(), issues.len(), "fingerprints must be unique");
    let broken = issues
        .iter()
        .find(|i| i["check_name"] == "XRD-SOAP-003")
        .expect("XRD-SOAP-003");
    assert_eq!(broken["severity"], "major");
    assert_eq!(broken["location"]["path"], BROKEN);
    assert_eq!(broken["location"]["lines"]["begin"], 10);
    // The SARIF and GitLab identities agree.
    let sarif: Value = serde_json::from_slice(&files["sarif"]).expect("sarif");
    let sarif_fp = sarif["runs"][0]["results"]
        .as_array()
        .and_then(|r| r.iter().find(|x| x["ruleId"] == "XRD-SOAP-003"))
        .map(|r| r["partialFingerprints"]["konform/v1"].clone());
    assert_eq!(sarif_fp.as_ref(), Some(&broken["fingerprint"]));
}

const EARL: &str = "http://www.w3.org/ns/earl#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// (assertion subject, test, outcome) of every assertion, with blank nodes resolved.
fn assertions(triples: &[oxrdf::Triple]) -> Vec<(String, String, String)> {
    use oxrdf::{NamedOrBlankNode, Term};
    let key = |s: &NamedOrBlankNode| s.to_string();
    let mut by_subject: BTreeMap<String, Vec<&oxrdf::Triple>> = BTreeMap::new();
    for t in triples {
        by_subject.entry(key(&t.subject)).or_default().push(t);
    }
    let obj = |s: &str, p: &str| -> Option<Term> {
        by_subject
            .get(s)?
            .iter()
            .find(|t| t.predicate.as_str() == p)
            .map(|t| t.object.clone())
    };
    let mut out = Vec::new();
    for (s, ts) in &by_subject {
        let is_assertion = ts.iter().any(|t| {
            t.predicate.as_str() == RDF_TYPE
                && matches!(&t.object, Term::NamedNode(n) if n.as_str() == format!("{EARL}Assertion"))
        });
        if !is_assertion {
            continue;
        }
        for p in ["assertedBy", "subject", "test", "result", "mode"] {
            assert!(
                obj(s, &format!("{EARL}{p}")).is_some(),
                "assertion without earl:{p}"
            );
        }
        let result = obj(s, &format!("{EARL}result"))
            .expect("result")
            .to_string();
        let outcome = obj(&result, &format!("{EARL}outcome")).expect("outcome");
        let date = obj(&result, "http://purl.org/dc/terms/date").expect("dct:date");
        match date {
            Term::Literal(l) => assert_eq!(
                l.datatype().as_str(),
                "http://www.w3.org/2001/XMLSchema#dateTime"
            ),
            other => panic!("dct:date is not a literal: {other}"),
        }
        let subject = obj(s, &format!("{EARL}subject"))
            .expect("subject")
            .to_string();
        let test = obj(s, &format!("{EARL}test")).expect("test").to_string();
        out.push((subject, test, outcome.to_string()));
    }
    out.sort();
    out
}

#[test]
fn earl_parses_back_as_rdf_in_turtle_and_json_ld() {
    let (_d, _, files) = standard_run();
    let turtle: Vec<oxrdf::Triple> = oxttl::TurtleParser::new()
        .for_slice(&files["earl"])
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("EARL Turtle does not parse: {e}"));
    let jsonld: Vec<oxrdf::Triple> = oxjsonld::JsonLdParser::new()
        .for_slice(&files["earl-jsonld"])
        .map(|q| q.map(oxrdf::Triple::from))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("EARL JSON-LD does not parse: {e}"));
    assert_eq!(turtle.len(), jsonld.len(), "the two serialisations differ");
    let a = assertions(&turtle);
    assert_eq!(a, assertions(&jsonld));
    // 30 rules checked on each of 3 request documents (XRD-META-003/004/007/008 apply to
    // requests too, and XRD-SOAP-031 runs in strict since issue #23).
    assert_eq!(a.len(), 90);
    let outcome = |o: &str| format!("<{EARL}{o}>");
    let failed: Vec<_> = a.iter().filter(|x| x.2 == outcome("failed")).collect();
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0]
            .1
            .ends_with("/standards/xroad-soap/4.0.0/rules/XRD-SOAP-003>")
    );
    assert!(failed[0].0.starts_with("<ni:///sha-256;"));
    assert!(
        a.iter()
            .all(|x| x.2 == outcome("failed") || x.2 == outcome("passed"))
    );
    // The tool is named with its version.
    let tool = turtle
        .iter()
        .find(|t| t.predicate.as_str() == format!("{EARL}assertedBy"))
        .map(|t| t.object.to_string())
        .expect("assertedBy");
    assert!(
        tool.ends_with(&format!("/tool/konform/{}>", env!("CARGO_PKG_VERSION"))),
        "{tool}"
    );
}

#[test]
fn documents_that_cannot_be_evaluated_appear_in_every_format() {
    let d = tmp();
    copy_vectors(d.path(), &[CONFORMANT, "soap12-envelope.xml"]);
    let (code, files) = run_all(d.path(), &[CONFORMANT, "soap12-envelope.xml"], &[]);
    assert_eq!(code, 2, "an undetectable document is a usage error");
    let junit = text(&files, "junit");
    assert_eq!(junit.matches("<error ").count(), 1);
    let sarif: Value = serde_json::from_slice(&files["sarif"]).expect("sarif");
    let notes = &sarif["runs"][0]["invocations"][0];
    assert_eq!(notes["executionSuccessful"], false);
    assert!(
        notes["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("soap12-envelope.xml"))
    );
    let gitlab: Value = serde_json::from_slice(&files["gitlab"]).expect("gitlab");
    assert_eq!(gitlab[0]["severity"], "critical");
    let turtle: Vec<oxrdf::Triple> = oxttl::TurtleParser::new()
        .for_slice(&files["earl"])
        .collect::<Result<_, _>>()
        .expect("turtle");
    assert!(
        assertions(&turtle)
            .iter()
            .any(|a| a.2 == format!("<{EARL}cantTell>"))
    );
    assert!(text(&files, "markdown").contains("not evaluated"));
}

#[test]
fn markdown_summary_has_totals_verdicts_and_top_rules() {
    let (_d, _, files) = standard_run();
    let md = text(&files, "markdown");
    assert!(md.starts_with("## ❌ konform: non-conformant"), "{md}");
    assert!(md.contains("**3** document(s): **2** conformant, **1** non-conformant"));
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| ✅") || l.starts_with("| ❌") || l.starts_with("| ⚠️"))
        .collect();
    assert_eq!(rows.len(), 3, "one row per document:\n{md}");
    assert!(
        rows.iter()
            .any(|r| r.contains(BROKEN) && r.contains("non-conformant"))
    );
    let top = md.split("### Top rules").nth(1).expect("top rules");
    assert!(top.contains("| XRD-SOAP-003 | 1 | MUST |"), "{top}");
    // Every table row has as many cells as its header.
    for table in md.split("\n\n").filter(|b| b.starts_with('|')) {
        let widths: BTreeSet<usize> = table
            .lines()
            .map(|l| l.replace("\\|", "").matches('|').count())
            .collect();
        assert_eq!(widths.len(), 1, "ragged table:\n{table}");
    }
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|b| {
            let ok = StdCommand::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success());
            ok.then(|| PathBuf::from(b))
        })
}

/// Renders a page headless: (DOM after scripts ran, console lines).
fn render_in_chromium(browser: &Path, page: &Path) -> (String, Vec<String>) {
    render_url_in_chromium(browser, &format!("file://{}", page.display()))
}

fn render_url_in_chromium(browser: &Path, url: &str) -> (String, Vec<String>) {
    let profile = tmp();
    let out = StdCommand::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("run chromium");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(String::from)
        .collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), console)
}

/// Document sections rendered open.
fn open_sections(dom: &str) -> usize {
    dom.split("<details ")
        .skip(1)
        .filter(|d| {
            d.split('>')
                .next()
                .is_some_and(|tag| tag.contains(" open="))
        })
        .count()
}

#[test]
fn html_is_self_contained() {
    let (_d, _, files) = standard_run();
    let html = text(&files, "html");
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    for fetch in [
        "<link",
        "src=\"http",
        "src='http",
        "@import",
        "url(",
        "<iframe",
        "<img",
    ] {
        assert!(
            !html.contains(fetch),
            "the page would fetch something: {fetch}"
        );
    }
    assert!(html.contains("id=\"chart-verdicts\"") && html.contains("id=\"chart-rules\""));
}

#[test]
fn html_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no chromium found (apt-get install chromium)");
        return;
    };
    let (d, _, _) = standard_run();
    let page = d.path().join("out/report.html");
    std::fs::rename(d.path().join("out/html"), &page).expect("rename");
    let (dom, console) = render_in_chromium(&browser, &page);
    assert!(
        console.is_empty(),
        "console output (errors?):\n{}",
        console.join("\n")
    );
    assert!(
        dom.contains("data-rendered=\"ok\""),
        "the script did not finish:\n{dom}"
    );
    assert!(dom.contains("id=\"verdict\" class=\"v-non-conformant\""));
    assert_eq!(
        dom.matches("<details class=\"doc ").count(),
        3,
        "one section per document"
    );
    // Few documents: the non-conformant one is open, with its finding, snippet and clause.
    assert_eq!(open_sections(&dom), 1);
    assert!(dom.contains("<span class=\"rule\">XRD-SOAP-003</span>"));
    assert!(dom.contains("<pre class=\"snippet\">"));
    assert!(
        dom.contains("iden:subsystemCode&gt;SUBSYSTEM1"),
        "snippet shows the source line"
    );
    assert!(dom.contains("Clause: <a"));
    assert!(dom.contains("Documents 1–3 of 3"));
}

#[test]
fn html_stays_usable_for_a_large_run() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no chromium found (apt-get install chromium)");
        return;
    };
    let d = tmp();
    let docs = d.path().join("docs");
    std::fs::create_dir_all(&docs).expect("docs");
    let src = root().join("test-vectors/xroad-soap/4.0.0");
    let good = std::fs::read_to_string(src.join(CONFORMANT)).expect("vector");
    let bad = std::fs::read_to_string(src.join(BROKEN)).expect("vector");
    for i in 0..400 {
        let body = if i % 4 == 0 { &bad } else { &good };
        std::fs::write(docs.join(format!("m{i:04}.xml")), body).expect("write");
    }
    let (code, _, err) = run(konform(d.path())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(["validate", "--report", "html=report.html", "docs"]));
    assert_eq!(code, 1, "{err}");
    let (dom, console) = render_in_chromium(&browser, &d.path().join("report.html"));
    assert!(
        console.is_empty(),
        "console output:\n{}",
        console.join("\n")
    );
    assert!(dom.contains("data-rendered=\"ok\""));
    // Only one page of collapsed documents is in the DOM.
    assert_eq!(dom.matches("<details class=\"doc ").count(), 50);
    assert_eq!(open_sections(&dom), 0, "large runs start collapsed");
    assert!(dom.contains("Documents 1–50 of 400 · page 1 of 8"));
    // Filters (preset through the address): the 100 non-conformant documents, then one rule.
    let url = format!("file://{}", d.path().join("report.html").display());
    let (dom, console) = render_url_in_chromium(&browser, &format!("{url}#verdict=non-conformant"));
    assert!(
        console.is_empty(),
        "console output:\n{}",
        console.join("\n")
    );
    assert!(
        dom.contains("Documents 1–50 of 100 (filtered from 400)"),
        "{dom}"
    );
    assert_eq!(dom.matches("<details class=\"doc v-conformant").count(), 0);
    let (dom, _) = render_url_in_chromium(&browser, &format!("{url}#rule=XRD-SOAP-001"));
    assert!(dom.contains("No document matches the filters."));
    let (dom, _) = render_url_in_chromium(&browser, &format!("{url}#q=m0004"));
    assert!(dom.contains("Documents 1–1 of 1 (filtered from 400)"));
    assert_eq!(open_sections(&dom), 1, "a single match opens");
}
