//! Property of the generator itself: every message it generates as "valid" (a calibrated
//! variation of a standard's valid vectors) is judged conformant by konform's own validator.

use konform::document::Document;
use konform::pipeline::{Options, Validator};
use konform::probe::{ProbeOptions, Seed, templates};
use konform::report::model::Verdict;
use konform::standard::Registry;
use proptest::strategy::{Strategy, ValueTree};
use std::path::{Path, PathBuf};

fn options(package: std::sync::Arc<konform::standard::Package>, seed: u64) -> ProbeOptions {
    ProbeOptions {
        standard: package,
        cases: 0,
        seed,
        out_dir: PathBuf::new(),
        max_shrink: 0,
        calibration_budget: 300,
        mutation_budget: 0,
        zero_durations: true,
        rules: Vec::new(),
    }
}

/// Generates `cases` valid messages and returns those konform does not judge conformant.
fn nonconformant(
    registry: Registry,
    key: &str,
    seeds: &[Seed],
    cases: usize,
    budget: usize,
) -> Vec<String> {
    let package = registry.resolve(key).expect("standard");
    let mut opts = options(package.clone(), 20_261_128);
    opts.calibration_budget = budget;
    let validator = Validator::new(
        registry,
        Options {
            standard: Some(package),
            ..Options::default()
        },
    );
    let ts = templates(&validator, seeds, &opts).expect("templates");
    assert!(!ts.is_empty());
    assert!(ts.iter().any(|t| !t.places.is_empty()), "nothing varies");
    let mut session = validator.session();
    let mut runner = konform::generate::runner(opts.seed);
    let mut bad = Vec::new();
    for k in 0..cases {
        let t = &ts[k % ts.len()];
        let plan = t.plans().new_tree(&mut runner).expect("plan").current();
        let xml = t.instantiate(&plan).to_xml();
        let r = session.validate(
            &Document::from_bytes("g.xml", xml.clone().into_bytes()),
            None,
        );
        if r.verdict != Verdict::Conformant {
            let rules: Vec<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
            bad.push(format!("{} {rules:?}\n{xml}", t.name));
        }
    }
    bad
}

#[test]
fn thousands_of_generated_xroad_messages_are_all_conformant() {
    let registry = Registry::load(&[], true).expect("registry");
    let seeds: Vec<Seed> = konform::vectors::load(None)
        .expect("vectors")
        .into_iter()
        .filter(|v| v.standard == "xroad-soap" && v.name.ends_with(".xml"))
        .filter(|v| v.expected.verdict == Verdict::Conformant)
        .filter(|v| v.expected.variant.is_none())
        .filter_map(|v| Seed::parse(&v.name, &v.bytes).ok())
        .collect();
    assert!(seeds.len() >= 5);
    let bad = nonconformant(registry, "xroad-soap@4.0.0", &seeds, 3000, 300);
    assert!(
        bad.is_empty(),
        "{} of 3000 not conformant, first:\n{}",
        bad.len(),
        bad[0]
    );
}

#[test]
fn generated_xrechnung_invoices_are_all_conformant() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    if !shared.is_dir() {
        eprintln!("skipped: ../shared (corpora) is not present beside the repository");
        return;
    }
    let home = tempfile::tempdir().expect("tmp");
    let store = konform::standard::store::Store::new(home.path().to_path_buf());
    let bin = env!("CARGO_BIN_EXE_konform");
    for s in ["en16931@1.3.16", "xrechnung@3.0.2"] {
        let ok = std::process::Command::new(bin)
            .env("KONFORM_HOME", home.path())
            .args(["standards", "fetch", s, "--from"])
            .arg(&shared)
            .status()
            .expect("fetch");
        assert!(ok.success());
    }
    let registry = Registry::load_with_store(&[], true, Some(&store)).expect("registry");
    let file = shared.join("xrechnung-schematron/test/instances/ubl-inv/ubl-inv-br-de-1-test.xml");
    let seeds = vec![Seed::parse("br-de-1", &std::fs::read(&file).expect("seed")).expect("parse")];
    let bad = nonconformant(registry, "xrechnung@3.0.2", &seeds, 100, 120);
    assert!(
        bad.is_empty(),
        "{} of 100 not conformant, first:\n{}",
        bad.len(),
        bad[0]
    );
}
