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
