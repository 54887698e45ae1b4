//! `konform vectors run --suite`: upstream suite formats (VEFA, XML-MutaTe) against named
//! Schematron files, on konform's own fixtures and on the official corpora.

use crate::{konform, root, run, shared};
use serde_json::Value;
use std::path::Path;

fn fixtures() -> std::path::PathBuf {
    root().join("tests/fixtures/suites")
}

/// `konform vectors run --suite SUITE ARGS...` in `dir`.
fn suite(dir: &Path, suite: &str, args: &[&str]) -> (i32, String, String) {
    run(konform(dir)
        .args(["vectors", "run", "--suite", suite])
        .args(args))
}

#[test]
fn vefa_fixture_reports_expected_actual_and_verdict_per_test() {
    let f = fixtures();
    let (code, out, err) = suite(&f, "vefa", &["--schematron", "rules.sch"]);
    // One test is wrong on purpose: konform disagrees with it, so the run fails.
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("agree         order.xml#1  (Missing ID fires ORD-01)\n    expected: ORD-01 fires as error\n    actual:   ORD-01 fired as error"), "{out}");
    assert!(out.contains("agree         order.xml#2  (Missing note is a warning)\n    expected: ORD-02 fires as warning\n    actual:   ORD-02 fired as warning"), "{out}");
    assert!(out.contains("disagree      order.xml#3"), "{out}");
    assert!(out.contains("    actual:   ORD-03 did not fire"), "{out}");
    assert!(
        out.ends_with("4 tests (VEFA test sets): 3 agree, 1 disagree, 0 not checkable\n"),
        "{out}"
    );
    let (code, out, _) = suite(
        &f,
        "vefa",
        &["--schematron", "rules.sch", "--only-disagreements"],
    );
    assert_eq!(code, 1);
    assert!(
        !out.contains("order.xml#0") && out.contains("order.xml#3"),
        "{out}"
    );
}

#[test]
fn vefa_configuration_picks_the_aliased_schema() {
    let f = fixtures();
    // The test set's configuration is `orders`: the alias `ord` is a prefix of it.
    let (code, out, err) = suite(
        &f,
        "vefa/order.xml",
        &["--schematron", "ord=rules.sch", "--format", "json"],
    );
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["format"], "vefa");
    assert_eq!(v["summary"]["agree"], 3);
    // An alias that matches no configuration, and no default schema: not checkable, not agreement.
    let (code, out, err) = suite(
        &f,
        "vefa",
        &["--schematron", "cii=rules.sch", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["not_checkable"], 4);
    assert_eq!(v["summary"]["agree"], 0);
}

#[test]
fn xmute_fixture_runs_each_mutant_with_its_alias() {
    let f = fixtures();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("suite.json");
    let (code, out, err) = run(konform(&f)
        .args([
            "vectors",
            "run",
            "--suite",
            "xmute",
            "--schematron",
            "ord=rules.sch",
            "--output",
        ])
        .arg(&report));
    assert_eq!(code, 1, "{err}");
    assert!(
        out.ends_with("5 tests (XML-MutaTe instances): 3 agree, 1 disagree, 1 not checkable\n"),
        "{out}"
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let tests = v["tests"].as_array().unwrap();
    let by_id = |suffix: &str| {
        tests
            .iter()
            .find(|t| t["id"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("no test ending {suffix}: {v}"))
    };
    // `code` makes one mutant per value: 0 breaks ORD-03 (agree), 5 does not (disagree).
    assert_eq!(by_id("\"0\"")["verdict"], "agree");
    let five = by_id("\"5\"");
    assert_eq!(five["verdict"], "disagree");
    assert_eq!(five["expected"][0], "ord:ORD-03 fires");
    assert_eq!(
        five["actual"][0],
        "ord:ORD-03: ORD-03 did not fire, expected to"
    );
    assert_eq!(v["schemas"][0]["alias"], "ord");
    assert_eq!(v["schemas"][0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(
        tests
            .iter()
            .filter(|t| t["verdict"] == "not-checkable")
            .count(),
        1
    );
}

/// A VEFA test set and an XML-MutaTe instance whose ORD-03 cannot be evaluated (the quantity
/// `x` is no decimal), next to the suite fixtures' schema.
fn unevaluable_suites(dir: &Path) {
    std::fs::copy(fixtures().join("rules.sch"), dir.join("rules.sch")).unwrap();
    std::fs::create_dir_all(dir.join("vefa")).unwrap();
    std::fs::write(
        dir.join("vefa/bad.xml"),
        r#"<testSet xmlns="http://difi.no/xsd/vefa/validator/1.0" configuration="orders">
  <test><assert><description>A quantity that is no number</description><error>ORD-03</error></assert>
    <Order xmlns="urn:example:order"><ID>1</ID><Note>n</Note><Line><Quantity>x</Quantity></Line></Order>
  </test>
</testSet>"#,
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("xmute")).unwrap();
    std::fs::write(
        dir.join("xmute/bad.xml"),
        r#"<Order xmlns="urn:example:order"><ID>1</ID><Note>n</Note><Line><?xmute mutator="code" values="y" schematron-invalid="ord:ORD-03"?><Quantity>1</Quantity></Line></Order>"#,
    )
    .unwrap();
}

#[test]
fn a_rule_that_cannot_be_evaluated_says_why_in_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    unevaluable_suites(dir.path());
    let reason = "FORG0001";
    for (suite_name, schema) in [("vefa", "rules.sch"), ("xmute", "ord=rules.sch")] {
        let (code, out, err) = suite(dir.path(), suite_name, &["--schematron", schema]);
        assert_eq!(code, 1, "{err}");
        let line = out
            .lines()
            .find(|l| l.contains("could not be evaluated"))
            .unwrap_or_else(|| panic!("{suite_name}: no evaluation error shown: {out}"));
        assert!(
            line.contains("ORD-03 could not be evaluated: test `xs:decimal(o:Quantity) gt 0`: ")
                && line.contains(reason),
            "{suite_name}: {line}"
        );
        let (_, out, _) = suite(
            dir.path(),
            suite_name,
            &["--schematron", schema, "--format", "json"],
        );
        let v: Value = serde_json::from_str(&out).unwrap();
        let test = &v["tests"][0];
        let shown = format!("{} {}", test["actual"], test["detail"]);
        assert!(
            shown.contains("could not be evaluated: test `xs:decimal(o:Quantity) gt 0`: ")
                && shown.contains(reason),
            "{suite_name}: {v}"
        );
    }
}

#[test]
fn suite_usage_errors_exit_2() {
    let f = fixtures();
    let (code, _, err) = suite(&f, "xmute", &["--schematron", "rules.sch"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("XML-MutaTe instances name schemas by alias"),
        "{err}"
    );
    let (code, _, err) = run(konform(&f).args(["vectors", "run", "--suite", "vefa"]));
    assert_eq!(code, 2);
    assert!(err.contains("--schematron"), "{err}");
    let (code, _, err) = suite(&f, ".", &["--schematron", "rules.sch"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("mixes 1 VEFA test set(s) and 1 XML-MutaTe instance(s)"),
        "{err}"
    );
    let (code, _, err) = suite(&f, "vefa", &["--schematron", "missing.sch"]);
    assert_eq!(code, 2);
    assert!(err.contains("missing.sch"), "{err}");
}

#[test]
fn cen_cii_vefa_suite_agrees_through_the_cli() {
    let Some(s) = shared() else { return };
    let c = s.join("corpora/en16931-cen");
    let (code, out, err) = suite(
        &c,
        "test/cii",
        &[
            "--schematron",
            "cii/schematron/EN16931-CII-validation.sch",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}\n{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["tests"], 9);
    assert_eq!(v["summary"]["agree"], 9);
}

#[test]
fn xrechnung_xmute_suite_agrees_through_the_cli() {
    let Some(s) = shared() else { return };
    let x = s.join("corpora/xrechnung-schematron");
    let (code, out, err) = suite(
        &x,
        "test/instances",
        &[
            "--schematron",
            "xrubl=src/validation/schematron/ubl/XRechnung-UBL-validation.sch",
            "--schematron",
            "xrcii=src/validation/schematron/cii/XRechnung-CII-validation.sch",
            "--only-disagreements",
        ],
    );
    assert_eq!(code, 0, "{err}\n{out}");
    // Not checkable: mutants whose every expectation names a Peppol rule merged in at
    // XRechnung's build (not in the corpus).
    assert!(
        out.ends_with(
            "1179 tests (XML-MutaTe instances): 702 agree, 0 disagree, 477 not checkable\n"
        ),
        "{out}"
    );
}
