//! `konform probe` and `konform generate` against the small consumer and producer programs in
//! `tests/probe-subjects/` (one correct, the others with one seeded defect each): every defect
//! is found with the expected rule, shrunk, and saved as a replayable vector.

use super::*;

fn subject(name: &str) -> String {
    format!(
        "sh {}",
        root().join("tests/probe-subjects").join(name).display()
    )
}

/// Runs `konform probe` with a JSON report; returns (exit code, report, stderr).
fn probe(dir: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let (code, out, err) = run(konform(dir)
        .env("KONFORM_BIN", assert_cmd::cargo::cargo_bin("konform"))
        .env("KONFORM_HOME", dir.join("store"))
        .args(["probe", "--format", "json", "--out"])
        .arg(dir.join("found"))
        .args(args));
    assert!(!out.is_empty(), "no report (exit {code}): {err}");
    (code, checked_report(&out), err)
}

fn xroad_consumer(dir: &Path, script: &str, extra: &[&str]) -> (i32, serde_json::Value) {
    let cmd = format!("{} {{file}}", subject(script));
    let mut args = vec![
        "--standard",
        "xroad-soap@4.0.0",
        "--consumer",
        &cmd,
        "--cases",
        "60",
        "--seed",
        "7",
    ];
    args.extend_from_slice(extra);
    let (code, r, err) = probe(dir, &args);
    assert!(code == 0 || code == 1, "{err}");
    (code, r)
}

/// The failure of a kind, asserting it was shrunk and saved as a vector konform replays.
fn failure<'a>(
    dir: &Path,
    r: &'a serde_json::Value,
    rule: &str,
    target: Option<&str>,
) -> &'a serde_json::Value {
    let failures = r["probe"]["failures"].as_array().expect("failures");
    let f = failures
        .iter()
        .find(|f| f["rule"] == rule && target.is_none_or(|t| f["target_rule"] == t))
        .unwrap_or_else(|| panic!("no {rule} {target:?} among {failures:#?}"));
    assert!(
        f["size_after"].as_u64() < f["size_before"].as_u64(),
        "not shrunk: {f}"
    );
    let vector = PathBuf::from(f["vector"].as_str().expect("saved vector"));
    assert!(vector.is_file(), "{}", vector.display());
    let (code, out, err) = run(konform(dir)
        .env("KONFORM_HOME", dir.join("store"))
        .args(["vectors", "run", "--vectors"])
        .arg(dir.join("found")));
    assert_eq!(code, 0, "the saved vectors do not replay: {out} {err}");
    f
}

#[test]
fn a_correct_consumer_passes_and_most_rules_are_covered() {
    let d = tmp();
    let (code, r) = xroad_consumer(d.path(), "xroad-consumer.sh", &[]);
    let p = &r["probe"];
    assert_eq!(code, 0, "{:#}", p["failures"]);
    assert_eq!(p["cases"], 60);
    assert!(p["valid_cases"].as_u64() >= Some(20) && p["mutant_cases"].as_u64() >= Some(20));
    let covered = p["coverage"]["covered"].as_array().expect("covered").len();
    assert!(covered >= 20, "{:#}", p["coverage"]);
    // 27 SOAP rules (XRD-SOAP-031 runs in strict since issue #23) plus
    // XRD-META-003/004/005/006/007/008 (metaservice message rules) that apply to bare messages.
    assert_eq!(p["coverage"]["applicable"], 33, "{:#}", p["coverage"]);
    assert_eq!(r["run"]["seed"], 7);
}

#[test]
fn accepting_a_message_without_a_mandatory_element_is_found_and_shrunk() {
    let d = tmp();
    let (code, r) = xroad_consumer(d.path(), "xroad-consumer-no-id-check.sh", &[]);
    assert_eq!(code, 1);
    let f = failure(d.path(), &r, "KONFORM-PROBE-002", Some("XRD-SOAP-004"));
    let text = std::fs::read_to_string(f["vector"].as_str().unwrap_or("")).expect("vector");
    assert!(!text.contains("<xrd:id"), "{text}");
    let findings = r["results"].as_array().expect("results");
    assert!(
        findings
            .iter()
            .any(|x| x["findings"][0]["rule"] == "KONFORM-PROBE-002")
    );
}

#[test]
fn rejecting_a_valid_optional_element_is_found_and_shrunk() {
    let d = tmp();
    let (code, r) = xroad_consumer(d.path(), "xroad-consumer-no-issue.sh", &[]);
    assert_eq!(code, 1);
    let f = failure(d.path(), &r, "KONFORM-PROBE-001", None);
    let text = std::fs::read_to_string(f["vector"].as_str().unwrap_or("")).expect("vector");
    assert!(text.contains("<xrd:issue"), "{text}");
    assert!(
        !text.contains("<xrd:userId"),
        "optional userId not shrunk away: {text}"
    );
}

#[test]
fn a_crash_on_an_empty_element_is_found_and_shrunk() {
    let d = tmp();
    let (code, r) = xroad_consumer(d.path(), "xroad-consumer-empty-crash.sh", &[]);
    assert_eq!(code, 1);
    let f = failure(d.path(), &r, "KONFORM-PROBE-003", None);
    assert!(
        f["message"].as_str().unwrap_or("").contains("signal 11"),
        "{f}"
    );
}

#[test]
fn a_hanging_consumer_times_out_and_its_process_group_is_ended() {
    let d = tmp();
    let start = std::time::Instant::now();
    let cmd = format!("{} {{file}}", subject("xroad-consumer-hang.sh"));
    let (code, r, _) = probe(
        d.path(),
        &[
            "--standard",
            "xroad-soap@4.0.0",
            "--consumer",
            &cmd,
            "--cases",
            "20",
            "--timeout",
            "150",
            "--max-shrink",
            "2",
        ],
    );
    assert_eq!(code, 1);
    let f = &r["probe"]["failures"][0];
    assert_eq!(f["rule"], "KONFORM-PROBE-004", "{f}");
    assert_eq!(f["repeats"], 19);
    assert!(start.elapsed() < std::time::Duration::from_secs(40));
}

#[test]
fn the_same_seed_reproduces_the_run() {
    let d = tmp();
    let once = |seed: &str| {
        let (_, r, _) = probe(
            d.path(),
            &[
                "--standard",
                "xroad-soap@4.0.0",
                "--consumer",
                "true",
                "--cases",
                "40",
                "--seed",
                seed,
            ],
        );
        let mut p = r["probe"].clone();
        p["cases_per_second"] = 0.into();
        p
    };
    let a = once("11");
    assert_eq!(a, once("11"));
    assert_eq!(a["failures"][0]["rule"], "KONFORM-PROBE-002");
    assert_ne!(a["failures"], once("12")["failures"]);
}

#[test]
fn every_report_format_shows_the_probe() {
    let d = tmp();
    let mut args = vec![
        "--standard".to_string(),
        "xroad-soap@4.0.0".into(),
        "--consumer".into(),
        "true".into(),
        "--cases".into(),
        "6".into(),
        "--seed".into(),
        "3".into(),
    ];
    let formats = [
        ("human", "rule coverage:"),
        ("markdown", "### Probe"),
        ("junit", "name=\"konform probe\""),
        ("sarif", "\"probe\""),
        ("gitlab", "konform/probe"),
        ("earl", "konform:ProbeRun"),
        ("earl-jsonld", "konform:ProbeRun"),
        ("html", "id=\"probe\""),
    ];
    for (f, _) in formats {
        args.push("--report".into());
        args.push(format!("{f}={}", d.path().join(f).display()));
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, r, _) = probe(d.path(), &refs);
    assert_eq!(code, 1);
    assert!(r["probe"]["coverage"]["applicable"].as_u64() > Some(0));
    for (f, needle) in formats {
        let text = std::fs::read_to_string(d.path().join(f)).expect(f);
        assert!(text.contains(needle), "{f} lacks {needle}");
    }
}

#[test]
fn producers_outputs_are_validated_and_failing_inputs_shrunk() {
    let d = tmp();
    let schema = root().join("tests/probe-subjects/xroad-request-input.schema.json");
    let schema = schema.to_str().unwrap_or("");
    let go = |script: &str| {
        let cmd = format!("{} {{input}}", subject(script));
        probe(
            d.path(),
            &[
                "--standard",
                "xroad-soap@4.0.0",
                "--producer",
                &cmd,
                "--generate-inputs",
                schema,
                "--cases",
                "30",
                "--seed",
                "5",
            ],
        )
    };
    let (code, r, err) = go("xroad-producer.sh");
    assert_eq!(code, 0, "{err} {:#}", r["probe"]);
    assert_eq!(r["probe"]["valid_cases"], 30);
    let (code, r, _) = go("xroad-producer-header-order.sh");
    assert_eq!(code, 1);
    let f = failure(d.path(), &r, "KONFORM-PROBE-005", None);
    assert!(
        f["target_rule"]
            .as_str()
            .unwrap_or("")
            .contains("XRD-SOAP-003"),
        "{f}"
    );
    let input = std::fs::read_to_string(f["input"].as_str().unwrap_or("")).expect("input");
    assert!(
        input.contains("userId") && !input.contains("issue"),
        "{input}"
    );
}

#[test]
fn generate_writes_valid_and_rule_violating_vectors() {
    let d = tmp();
    let out = d.path().join("gen/xroad-soap/4.0.0");
    for (kind, rule) in [("--valid", None), ("--invalid", Some("XRD-SOAP-004"))] {
        let mut c = konform(d.path());
        c.args(["generate", "--standard", "xroad-soap@4.0.0", "--count", "4"])
            .args(["--seed", "9", kind]);
        if let Some(r) = rule {
            c.arg(r);
        }
        let (code, _, err) = run(c.arg("--out").arg(&out));
        assert_eq!(code, 0, "{err}");
    }
    let exp = std::fs::read_to_string(out.join("invalid-XRD-SOAP-004-0001.expected.toml"))
        .expect("expectation");
    assert!(exp.contains("must_fire = [\"XRD-SOAP-004\"]"), "{exp}");
    assert!(out.join("valid-0004.xml").is_file());
    let (code, out, err) = run(konform(d.path())
        .args(["vectors", "run", "--vectors"])
        .arg(d.path().join("gen")));
    assert_eq!(code, 0, "{out} {err}");
    let (code, _, err) = run(konform(d.path()).args([
        "generate",
        "--standard",
        "xroad-soap@4.0.0",
        "--invalid",
        "NO-SUCH-RULE",
        "--out",
        "x",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("violates NO-SUCH-RULE alone"), "{err}");
}

#[test]
fn probe_rules_are_explained() {
    let d = tmp();
    let (code, out, _) = run(konform(d.path()).args(["rule", "KONFORM-PROBE-002"]));
    assert_eq!(code, 0);
    assert!(out.contains("rule-targeted mutant"), "{out}");
}

#[test]
fn xrechnung_consumers_and_producer() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    for s in ["en16931@1.3.16", "xrechnung@3.0.2"] {
        let (code, _, err) = run(konform(d.path())
            .env("KONFORM_HOME", d.path().join("store"))
            .args(["standards", "fetch", s, "--from"])
            .arg(shared.join("corpora")));
        assert_eq!(code, 0, "{err}");
    }
    let seed =
        shared.join("corpora/xrechnung-schematron/test/instances/ubl-inv/ubl-inv-br-de-1-test.xml");
    let seed = seed.to_str().unwrap_or("");
    let consumer = |script: &str| {
        let cmd = format!("{} {{file}}", subject(script));
        probe(
            d.path(),
            &[
                "--standard",
                "xrechnung@3.0.2",
                "--seeds",
                seed,
                "--rules",
                "BR-DE-15",
                "--calibration-budget",
                "30",
                "--mutation-budget",
                "200",
                "--max-shrink",
                "40",
                "--consumer",
                &cmd,
                "--cases",
                "8",
                "--seed",
                "7",
            ],
        )
    };
    let (code, r, err) = consumer("xrechnung-consumer.sh");
    assert_eq!(code, 0, "{err} {:#}", r["probe"]["failures"]);
    assert_eq!(r["probe"]["coverage"]["covered"][0], "BR-DE-15");
    let (code, r, _) = consumer("xrechnung-consumer-no-note.sh");
    assert_eq!(code, 1);
    let f = failure(d.path(), &r, "KONFORM-PROBE-001", None);
    let text = std::fs::read_to_string(f["vector"].as_str().unwrap_or("")).expect("vector");
    assert!(text.contains("<cbc:Note"), "shrunk past the defect");

    let cmd = format!("{} {{input}}", subject("xrechnung-producer.sh"));
    let schema = root().join("tests/probe-subjects/xrechnung-input.schema.json");
    let (code, out, err) = run(konform(d.path())
        .env("KONFORM_HOME", d.path().join("store"))
        .env("XRECHNUNG_SEED", seed)
        .args(["probe", "--format", "json", "--standard", "xrechnung@3.0.2"])
        .args(["--producer", &cmd, "--generate-inputs"])
        .arg(&schema)
        .args(["--cases", "6", "--seed", "5", "--max-shrink", "80", "--out"])
        .arg(d.path().join("found")));
    assert_eq!(code, 1, "{err}");
    let r = checked_report(&out);
    let f = failure(d.path(), &r, "KONFORM-PROBE-005", Some("BR-DE-15"));
    let input = std::fs::read_to_string(f["input"].as_str().unwrap_or("")).expect("input");
    assert!(
        input.contains("note") && !input.contains("orderId"),
        "{input}"
    );
}

#[test]
fn input_schemas_that_cannot_yield_valid_inputs_are_configuration_errors() {
    let d = tmp();
    let cmd = format!("{} {{input}}", subject("xroad-producer.sh"));
    for (name, schema, says) in [
        ("broken.json", r#"{"type": 12}"#, "does not compile"),
        (
            "empty.json",
            r#"{"type": "string", "minLength": 5, "maxLength": 2}"#,
            "satisfies it",
        ),
    ] {
        let path = d.path().join(name);
        std::fs::write(&path, schema).expect("schema");
        let (code, _, err) = run(konform(d.path())
            .env("KONFORM_HOME", d.path().join("store"))
            .args([
                "probe",
                "--standard",
                "xroad-soap@4.0.0",
                "--producer",
                &cmd,
            ])
            .arg("--generate-inputs")
            .arg(&path));
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains(says), "{name}: {err}");
    }
}
