//! en16931@1.3.16 and xrechnung@3.0.2, whose artefacts come from the offline mirror
//! (../shared/corpora) through `konform standards fetch --from`.

use super::*;
use sha2::Digest as _;
use std::collections::{BTreeMap, BTreeSet};

pub fn fetched(shared: &Path, home: &Path) {
    for s in ["en16931@1.3.16", "xrechnung@3.0.2"] {
        let (code, _, err) = run(konform(home)
            .env("KONFORM_HOME", home.join("store"))
            .args(["standards", "fetch", s, "--from"])
            .arg(shared.join("corpora")));
        assert_eq!(code, 0, "{err}");
    }
}

#[test]
fn official_examples_are_detected_and_validated_end_to_end() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    fetched(&shared, d.path());
    let corpora = shared.join("corpora");
    let mut bad = corpora.join("en16931-cen/ubl/examples/ubl-tc434-example1.xml");
    let text = std::fs::read_to_string(&bad).expect("example");
    let broken = d.path().join("no-issue-date.xml");
    let start = text.find("<cbc:IssueDate>").expect("has IssueDate");
    let end =
        text[start..].find("</cbc:IssueDate>").expect("closed") + start + "</cbc:IssueDate>".len();
    std::fs::write(&broken, format!("{}{}", &text[..start], &text[end..])).expect("write");
    bad = broken;
    let (code, out, err) = run(konform(d.path())
        .env("KONFORM_HOME", d.path().join("store"))
        .args(["validate", "--format", "json"])
        .arg(corpora.join("en16931-cen/ubl/examples"))
        .arg(corpora.join("en16931-cen/cii/examples"))
        .arg(corpora.join("xrechnung-schematron/test/instances/ubl-inv/ubl-inv-br-de-1-test.xml"))
        .arg(&bad));
    assert_eq!(code, 1, "{err}");
    let r = checked_report(&out);
    let results = r["results"].as_array().expect("results");
    assert!(results.len() >= 35, "{}", results.len());
    for x in results {
        let name = x["document"]["name"].as_str().unwrap_or("");
        let profile = x["profile"].as_str().unwrap_or("none");
        let want = if name.contains("/cii/") {
            "invoice-cii"
        } else if name.contains("creditnote") {
            "creditnote-ubl"
        } else {
            "invoice-ubl"
        };
        assert_eq!(profile, want, "{name}");
        let standard = x["standard"].as_str().unwrap_or("none");
        let want = if name.contains("xrechnung-schematron") {
            "xrechnung@3.0.2"
        } else {
            "en16931@1.3.16"
        };
        assert_eq!(standard, want, "{name}");
        if name.ends_with("no-issue-date.xml") {
            let rules: Vec<&str> = x["findings"]
                .as_array()
                .expect("f")
                .iter()
                .filter_map(|f| f["rule"].as_str())
                .collect();
            assert!(
                rules.contains(&"BR-03") && rules.contains(&"EN16931-XSD"),
                "{rules:?}"
            );
        } else {
            assert_eq!(x["verdict"], "conformant", "{name}: {}", x["findings"]);
        }
    }
}

#[test]
fn a_document_of_an_uninstalled_version_names_the_nearest_candidates() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    let src = shared.join("corpora/en16931-cen/ubl/examples/ubl-tc434-example1.xml");
    let text = std::fs::read_to_string(src).expect("example");
    let xr23 = text.replacen(
        "<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>",
        "<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_2.3</cbc:CustomizationID>",
        1,
    );
    assert_ne!(xr23, text, "the example's CustomizationID changed");
    std::fs::write(d.path().join("xr23.xml"), xr23).expect("write");
    let (code, out, _) = run(konform(d.path()).args(["validate", "--format", "json", "xr23.xml"]));
    assert_eq!(code, 2);
    let msg = checked_report(&out)["results"][0]["error"]["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        msg.contains("xrechnung@3.0.2 profile invoice-ubl") && msg.contains("xrechnung_2.3"),
        "{msg}"
    );
    assert!(msg.contains("en16931@1.3.16 profile invoice-ubl"), "{msg}");
}

/// A Schematron rule set written for the side-by-side test: one assert `id` on UBL invoices
/// that fails on every invoice with an ID.
fn version_marker_schematron(id: &str, flag: &str) -> String {
    format!(
        r#"<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
  <ns prefix="inv" uri="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>
  <ns prefix="cbc" uri="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"/>
  <pattern id="version-marker">
    <rule context="/inv:Invoice">
      <assert id="{id}" flag="{flag}" test="not(cbc:ID)">[{id}] Rule of this package version only.</assert>
    </rule>
  </pattern>
</schema>
"#
    )
}

#[test]
fn two_xrechnung_versions_side_by_side_are_independent_of_load_order() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    fetched(&shared, d.path());
    // Two more versions of the package in two folders. Each adds its own Schematron, at the
    // same path inside the package (local/version.sch) but with different content, to the
    // UBL invoice profile: 3.0.1 fires T301-1 (fatal), 3.0.3 fires T303-1 (warning).
    let manifest = std::fs::read_to_string(root().join("standards/xrechnung/3.0.2/standard.toml"))
        .expect("manifest");
    let profile_artefacts = "artefacts = [\"ubl-invoice\", \"en16931-ubl\", \"xrechnung-ubl\"]";
    assert!(
        manifest.contains(profile_artefacts),
        "the invoice-ubl profile changed"
    );
    for (dir, version, rule, flag) in [
        ("a/xrechnung/3.0.1", "3.0.1", "T301-1", "fatal"),
        ("b/xrechnung/3.0.3", "3.0.3", "T303-1", "warning"),
    ] {
        let p = d.path().join(dir);
        std::fs::create_dir_all(p.join("local")).expect("mkdir");
        let sch = version_marker_schematron(rule, flag);
        std::fs::write(p.join("local/version.sch"), &sch).expect("write");
        let digest = hex::encode(sha2::Sha256::digest(sch.as_bytes()));
        let text = manifest
            .replacen("version = \"3.0.2\"", &format!("version = \"{version}\""), 1)
            .replace("state = \"active\"", "state = \"deprecated\"")
            .replacen(
                profile_artefacts,
                "artefacts = [\"ubl-invoice\", \"en16931-ubl\", \"xrechnung-ubl\", \"version-marker\"]",
                1,
            );
        let text = format!(
            "{text}\n[[artefacts]]\nname = \"version-marker\"\nfile = \"local/version.sch\"\nsha256 = \"{digest}\"\nkind = \"schematron\"\n"
        );
        std::fs::write(p.join("standard.toml"), text).expect("write");
    }
    let doc = shared
        .join("corpora/xrechnung-schematron/test/instances/ubl-inv/ubl-inv-br-de-15-test.xml");
    let mut runs = Vec::new();
    for order in [["a", "b"], ["b", "a"]] {
        for version in ["3.0.1", "3.0.2", "3.0.3"] {
            let (code, out, err) = run(konform(d.path())
                .env("KONFORM_HOME", d.path().join("store"))
                .env("SOURCE_DATE_EPOCH", "1700000000")
                .args([
                    "validate",
                    "--format",
                    "json",
                    "--standards",
                    order[0],
                    "--standards",
                    order[1],
                ])
                .args(["-s", &format!("xrechnung@={version}")])
                .arg(&doc));
            assert!(code == 0 || code == 1, "{err}");
            let r = checked_report(&out);
            assert_eq!(r["results"][0]["standard"], format!("xrechnung@{version}"));
            runs.push((order[0], version, code, r["results"][0].clone()));
        }
    }
    for (order, version, code, result) in &runs {
        let first = runs.iter().find(|r| r.1 == *version).expect("run");
        assert_eq!(
            (code, &result["findings"], &result["verdict"]),
            (&first.2, &first.3["findings"], &first.3["verdict"]),
            "xrechnung@{version} differs when loaded in order starting with {order}"
        );
    }
    let of = |version: &str| {
        let r = &runs.iter().find(|r| r.1 == version).expect("run").3;
        let f: Vec<serde_json::Value> = r["findings"].as_array().expect("findings").clone();
        (r.clone(), f)
    };
    let (_, base) = of("3.0.2");
    let (r301, f301) = of("3.0.1");
    let (r303, f303) = of("3.0.3");
    let ids = |f: &[serde_json::Value]| -> BTreeSet<String> {
        f.iter()
            .filter_map(|x| x["rule"].as_str().map(String::from))
            .collect()
    };
    // Each version fires its own rule only, at its own severity; the shared rules agree.
    assert!(
        ids(&f301).contains("T301-1") && !ids(&f301).contains("T303-1"),
        "{f301:?}"
    );
    assert!(
        ids(&f303).contains("T303-1") && !ids(&f303).contains("T301-1"),
        "{f303:?}"
    );
    assert!(!ids(&base).contains("T301-1") && !ids(&base).contains("T303-1"));
    for (f, rule, severity) in [(&f301, "T301-1", "error"), (&f303, "T303-1", "warning")] {
        let marker: Vec<&serde_json::Value> = f.iter().filter(|x| x["rule"] == rule).collect();
        assert_eq!(marker.len(), 1, "{marker:?}");
        assert_eq!(marker[0]["severity"], severity);
        let rest: Vec<&serde_json::Value> = f.iter().filter(|x| x["rule"] != rule).collect();
        assert_eq!(rest, base.iter().collect::<Vec<_>>(), "{rule}");
    }
    // The document is conformant under 3.0.2 and 3.0.3 (a warning), not under 3.0.1.
    assert_eq!(of("3.0.2").0["verdict"], "conformant", "{base:?}");
    assert_eq!(r303["verdict"], "conformant");
    assert_eq!(r301["verdict"], "non-conformant");
}

/// ubl-tc434-example1 without its issue date (BR-03, a model rule) and with an unknown
/// currency code (BR-CL-04, a code-list rule).
fn two_defects(shared: &Path, dir: &Path) -> PathBuf {
    let example = shared.join("corpora/en16931-cen/ubl/examples/ubl-tc434-example1.xml");
    let text = std::fs::read_to_string(example).expect("example");
    let start = text.find("<cbc:IssueDate>").expect("has IssueDate");
    let end =
        text[start..].find("</cbc:IssueDate>").expect("closed") + start + "</cbc:IssueDate>".len();
    let text = format!("{}{}", &text[..start], &text[end..]).replace(
        "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>",
        "<cbc:DocumentCurrencyCode>QQQ</cbc:DocumentCurrencyCode>",
    );
    let path = dir.join("two-defects.xml");
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn phase_selects_which_patterns_run() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    fetched(&shared, d.path());
    let doc = two_defects(&shared, d.path());
    let go = |phase: Option<&str>| {
        let mut c = konform(d.path());
        c.env("KONFORM_HOME", d.path().join("store")).args([
            "validate",
            "--format",
            "json",
            "--standard",
            "en16931@1.3.16",
        ]);
        if let Some(p) = phase {
            c.args(["--phase", p]);
        }
        let (code, out, err) = run(c.arg(&doc));
        (code, out, err)
    };
    let rules = |out: &str| fired(&checked_report(out));
    let (code, out, err) = go(None);
    assert_eq!(code, 1, "{err}");
    let all = rules(&out);
    assert!(
        all.iter().any(|r| r == "BR-03") && all.iter().any(|r| r == "BR-CL-04"),
        "{all:?}"
    );
    let (code, out, err) = go(Some("codelist_phase"));
    assert_eq!(code, 1, "{err}");
    let codes = rules(&out);
    assert!(
        codes.iter().any(|r| r == "BR-CL-04") && !codes.iter().any(|r| r == "BR-03"),
        "{codes:?}"
    );
    let (code, out, err) = go(Some("EN16931model_phase"));
    assert_eq!(code, 1, "{err}");
    let model = rules(&out);
    assert!(
        model.iter().any(|r| r == "BR-03") && !model.iter().any(|r| r == "BR-CL-04"),
        "{model:?}"
    );
    let (code, out, err) = go(Some("no_such_phase"));
    assert_eq!(code, 2, "{err}");
    let r = checked_report(&out);
    let why = r["results"][0]["error"]["message"].as_str().unwrap_or("");
    assert!(why.contains("phase `no_such_phase`"), "{out}");
}

#[test]
fn svrl_lists_the_failed_asserts_with_test_and_location() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    fetched(&shared, d.path());
    let doc = two_defects(&shared, d.path());
    let (code, out, err) = run(konform(d.path())
        .env("KONFORM_HOME", d.path().join("store"))
        .args([
            "validate",
            "--format",
            "svrl",
            "--standard",
            "en16931@1.3.16",
        ])
        .arg(&doc));
    assert_eq!(code, 1, "{err}");
    let svrl = roxmltree::Document::parse(&out).unwrap_or_else(|e| panic!("not XML: {e}\n{out}"));
    const SVRL: &str = "http://purl.oclc.org/dsdl/svrl";
    assert_eq!(svrl.root_element().tag_name().namespace(), Some(SVRL));
    let asserts: Vec<_> = svrl
        .descendants()
        .filter(|n| {
            n.tag_name().name() == "failed-assert" && n.tag_name().namespace() == Some(SVRL)
        })
        .collect();
    let br03 = asserts
        .iter()
        .find(|n| n.attribute("id") == Some("BR-03"))
        .unwrap_or_else(|| panic!("no failed-assert for BR-03 in\n{out}"));
    assert!(
        br03.attribute("test")
            .is_some_and(|t| t.contains("IssueDate")),
        "{out}"
    );
    assert!(
        br03.attribute("location")
            .is_some_and(|l| l.starts_with("/")),
        "{out}"
    );
    assert_eq!(br03.attribute("flag"), Some("fatal"));
    assert!(
        asserts
            .iter()
            .any(|n| n.attribute("id") == Some("BR-CL-04"))
    );
    assert!(
        svrl.descendants()
            .any(|n| n.tag_name().name() == "fired-rule"),
        "no fired-rule before the asserts"
    );
}

/// `path` with every `unitCode="XPP"` replaced by an unknown code, written into `dir`.
fn unknown_unit_code(path: &Path, dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(path).expect("instance");
    let changed = text.replace("unitCode=\"XPP\"", "unitCode=\"QQQ\"");
    assert_ne!(changed, text, "{} has no unitCode=\"XPP\"", path.display());
    let out = dir.join(path.file_name().expect("name"));
    std::fs::write(&out, changed).expect("write");
    out
}

#[test]
fn xrechnung_invoices_lower_br_cl_23_to_a_warning_as_the_kosit_configuration_does() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    fetched(&shared, d.path());
    let instances = shared.join("corpora/xrechnung-schematron/test/instances");
    let ubl = unknown_unit_code(
        &instances.join("ubl-inv/ubl-inv-br-de-1-test.xml"),
        d.path(),
    );
    let cii = unknown_unit_code(&instances.join("cii/cii-br-de-1-test.xml"), d.path());
    let findings = |out: &str| {
        let r = checked_report(out);
        let x = r["results"][0].clone();
        let br_cl_23: Vec<serde_json::Value> = x["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == "BR-CL-23")
            .cloned()
            .collect();
        (x, br_cl_23)
    };
    // UBL invoice: the scenario's customLevel makes BR-CL-23 a warning; the document stays
    // conformant and accepted.
    let (code, out, err) = run(konform(d.path())
        .env("KONFORM_HOME", d.path().join("store"))
        .args(["validate", "--format", "json"])
        .arg(&ubl));
    let (x, f) = findings(&out);
    assert_eq!(code, 0, "{err}\n{}", x["findings"]);
    assert_eq!(x["standard"], "xrechnung@3.0.2");
    assert_eq!(x["profile"], "invoice-ubl");
    assert!(!f.is_empty(), "BR-CL-23 did not fire: {}", x["findings"]);
    for f in &f {
        assert_eq!(f["severity"], "warning", "{f}");
        assert_eq!(f["standard_severity"], "error", "{f}");
        let why = f["override_reason"].as_str().unwrap_or("");
        assert!(
            why.contains("customLevel warning in scenario 'EN16931 XRechnung (UBL Invoice)'")
                && why.contains("validator-configuration-xrechnung v2026-01-31"),
            "{f}"
        );
    }
    assert_eq!(x["verdict"], "conformant", "{}", x["findings"]);
    assert_eq!(x["acceptance"], "accept");
    // The human report says the severity was overridden.
    let (code, _, err) = run(konform(d.path())
        .env("KONFORM_HOME", d.path().join("store"))
        .arg("validate")
        .arg(&ubl));
    assert_eq!(code, 0);
    assert!(
        err.contains(
            "severity overridden by the standard (rule severity: error): customLevel warning"
        ),
        "{err}"
    );
    assert!(
        err.contains("accepted by the standard's acceptance rules"),
        "{err}"
    );
    // So does the Markdown summary.
    let (_, md, _) = run(konform(d.path())
        .env("KONFORM_HOME", d.path().join("store"))
        .args(["validate", "--format", "markdown"])
        .arg(&ubl));
    assert!(md.contains("conformant, accepted"), "{md}");
    // CII invoice: KoSIT's CII scenario lowers BR-CL-23 as well.
    let (code, out, err) = run(konform(d.path())
        .env("KONFORM_HOME", d.path().join("store"))
        .args(["validate", "--format", "json"])
        .arg(&cii));
    let (x, f) = findings(&out);
    assert_eq!(code, 0, "{err}\n{}", x["findings"]);
    assert_eq!(x["profile"], "invoice-cii");
    assert!(!f.is_empty(), "BR-CL-23 did not fire: {}", x["findings"]);
    assert!(f.iter().all(|f| f["severity"] == "warning"), "{f:?}");
    // EN 16931 itself lowers nothing: named, it evaluates the same XRechnung invoice (a document
    // of its family) and the defect is an error.
    let (code, out, err) = run(konform(d.path())
        .env("KONFORM_HOME", d.path().join("store"))
        .args(["validate", "--format", "json", "--standard", "en16931"])
        .arg(&cii));
    let (x, f) = findings(&out);
    assert_eq!(code, 1, "{err}");
    assert_eq!(x["standard"], "en16931@1.3.16");
    assert_eq!(x["profile"], "invoice-cii");
    assert!(!f.is_empty(), "BR-CL-23 did not fire: {}", x["findings"]);
    for f in &f {
        assert_eq!(f["severity"], "error", "{f}");
        assert!(f.get("standard_severity").is_none(), "{f}");
        assert!(f.get("override_reason").is_none(), "{f}");
    }
    assert_eq!(x["verdict"], "non-conformant");
    assert_eq!(x["acceptance"], "reject");
}

/// Every EN 16931 example and every XRechnung Schematron test instance, as published (their
/// xmute processing instructions are inert), validated with no --standard or --profile:
/// detection and verdict agree with the oracle recorded by `benches/einvoice/run.sh --write`
/// (Saxon-HE for the Schematron rules, xmllint for the XML Schema), and so do the fired
/// Schematron rules.
#[test]
fn every_official_example_and_test_instance_matches_the_recorded_oracle() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    fetched(&shared, d.path());
    let corpora = shared.join("corpora");
    let expected_text =
        std::fs::read_to_string(root().join("tests/fixtures/einvoice/oracle-verdicts.tsv"))
            .expect("oracle verdicts");
    let mut expected: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in expected_text.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<String> = line.split('\t').map(String::from).collect();
        assert_eq!(cols.len(), 5, "{line}");
        expected.insert(cols[0].clone(), cols);
    }
    let folders = [
        "en16931-cen/ubl/examples",
        "en16931-cen/cii/examples",
        "xrechnung-schematron/test/instances/ubl-inv",
        "xrechnung-schematron/test/instances/cii",
    ];
    let mut cmd = konform(d.path());
    cmd.env("KONFORM_HOME", d.path().join("store"))
        .args(["validate", "--format", "json"]);
    for f in folders {
        cmd.arg(corpora.join(f));
    }
    let (code, out, err) = run(&mut cmd);
    assert_eq!(code, 1, "{err}");
    let r = checked_report(&out);
    let results = r["results"].as_array().expect("results");
    let corpora = corpora.canonicalize().expect("corpora");
    let mut seen = BTreeSet::new();
    let mut wrong = Vec::new();
    for x in results {
        let name = PathBuf::from(x["document"]["name"].as_str().unwrap_or(""));
        let rel = name
            .canonicalize()
            .expect("document")
            .strip_prefix(&corpora)
            .expect("below the corpora")
            .to_string_lossy()
            .into_owned();
        let Some(want) = expected.get(&rel) else {
            wrong.push(format!("{rel}: not in the oracle's record"));
            continue;
        };
        seen.insert(rel.clone());
        let fired: BTreeSet<&str> = x["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["engine"] == "schematron")
            .filter_map(|f| f["rule"].as_str())
            .collect();
        let want_fired: BTreeSet<&str> = want[4].split_whitespace().collect();
        let got = (
            x["standard"].as_str().unwrap_or("-"),
            x["profile"].as_str().unwrap_or("-"),
            x["verdict"].as_str().unwrap_or("-"),
        );
        if got != (want[1].as_str(), want[2].as_str(), want[3].as_str()) || fired != want_fired {
            wrong.push(format!(
                "{rel}: konform {got:?} {fired:?}, oracle {:?} {want_fired:?}",
                &want[1..4]
            ));
        }
    }
    let missing: Vec<&String> = expected.keys().filter(|k| !seen.contains(*k)).collect();
    assert!(missing.is_empty(), "not validated: {missing:?}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(results.len() >= 290, "{}", results.len());
}
