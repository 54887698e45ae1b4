//! Properties: the pipeline never panics on any input, and the JSON report round-trips.

use konform::document::Document;
use konform::pipeline::{Options, Validator, build_report};
use konform::report::model::{Report, RunInfo};
use konform::standard::{Registry, Severity};
use proptest::prelude::*;
use std::sync::OnceLock;

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| {
        let reg = Registry::load(&[], true).unwrap();
        let package = reg.resolve("xroad-soap@4.0.0").unwrap();
        Validator::new(
            reg,
            Options {
                standard: Some(package),
                zero_durations: true,
                ..Default::default()
            },
        )
    })
}

fn seeds() -> Vec<Vec<u8>> {
    konform::vectors::load(None)
        .unwrap()
        .into_iter()
        .map(|v| v.bytes)
        .collect()
}

fn run_info() -> RunInfo {
    RunInfo {
        id: "00000000-0000-4000-8000-000000000000".into(),
        started: "2024-01-01T00:00:00Z".into(),
        finished: "2024-01-01T00:00:00Z".into(),
        argv: vec![],
        seed: None,
        fail_on: Severity::Error,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Arbitrary bytes: a result, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let r = validator().session().validate(&Document::from_bytes("x", bytes), None);
        prop_assert!(r.error.is_some() || r.verdict != konform::report::model::Verdict::Error);
    }

    /// Vectors with a byte range deleted, duplicated or overwritten: a result, never a panic; and
    /// every finding has a rule id, a clause and a position.
    #[test]
    fn mutated_vectors_never_panic(i in 0usize..1000, at in 0usize..4000, len in 0usize..64, byte in any::<u8>(), op in 0u8..3) {
        let all = seeds();
        let mut b = all[i % all.len()].clone();
        let at = at.min(b.len());
        let end = (at + len).min(b.len());
        match op {
            0 => { b.drain(at..end); }
            1 => { let copy: Vec<u8> = b[at..end].to_vec(); b.splice(at..at, copy); }
            _ => { for x in &mut b[at..end] { *x = byte; } }
        }
        let r = validator().session().validate(&Document::from_bytes("m", b), None);
        for f in &r.findings {
            prop_assert!(!f.rule.is_empty() && !f.clause.is_empty() && !f.message.is_empty());
            prop_assert!(f.location.line.is_some() || f.location.path.is_some(), "{f:?}");
        }
    }
}

#[test]
fn json_report_round_trips() {
    let mut session = validator().session();
    let results = seeds()
        .into_iter()
        .take(30)
        .enumerate()
        .map(|(i, b)| session.validate(&Document::from_bytes(format!("d{i}"), b), None))
        .collect();
    let report = build_report(validator(), results, run_info());
    let text = serde_json::to_string(&report).unwrap();
    let back: Report = serde_json::from_str(&text).unwrap();
    assert_eq!(back, report);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Every writer renders a report of mutated vectors (with odd names and sources) without
    /// panicking, and the structured formats stay parseable.
    #[test]
    fn every_writer_renders_any_report(i in 0usize..1000, at in 0usize..4000, len in 0usize..64, byte in any::<u8>(), name in "[ -~]{0,12}") {
        use konform::report::{Format, WriteCfg};
        let all = seeds();
        let mut b = all[i % all.len()].clone();
        let at = at.min(b.len());
        let end = (at + len).min(b.len());
        for x in &mut b[at..end] { *x = byte; }
        let doc_name = format!("{name}<&\"]]>.xml");
        let r = validator().session().validate(&Document::from_bytes(doc_name.clone(), b.clone()), None);
        let report = build_report(validator(), vec![r], run_info());
        let mut cfg = WriteCfg::default();
        cfg.sources.insert(doc_name, String::from_utf8_lossy(&b).as_ref().into());
        for f in Format::ALL {
            let mut out = Vec::new();
            prop_assert!(f.render(&report, &cfg, &mut out).is_ok(), "{f:?}");
            let text = String::from_utf8(out);
            prop_assert!(text.is_ok(), "{f:?} is not UTF-8");
            let text = text.unwrap_or_default();
            match f {
                Format::Json | Format::Sarif | Format::Gitlab | Format::EarlJsonld => {
                    prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "{f:?}: {text}");
                }
                Format::Junit | Format::Svrl => {
                    prop_assert!(roxmltree::Document::parse(&text).is_ok(), "{text}");
                }
                _ => {}
            }
        }
    }
}
