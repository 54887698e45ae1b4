//! The compiled libxml2 schema is shared read-only across threads (see the SAFETY note in
//! src/engine/xsd.rs). This test validates the same documents on many threads at once and
//! requires results identical to a sequential run.

use konform::document::Document;
use konform::pipeline::{Options, Validator};
use konform::standard::Registry;
use rayon::prelude::*;

#[test]
fn xsd_shared_schema_agrees_across_threads() {
    let reg = Registry::load(&[], true).unwrap();
    let package = reg.resolve("xroad-soap@4.0.0").unwrap();
    let validator = Validator::new(
        reg,
        Options {
            standard: Some(package),
            zero_durations: true,
            ..Default::default()
        },
    );
    let docs: Vec<Document> = konform::vectors::load(None)
        .unwrap()
        .into_iter()
        .filter(|v| v.name.ends_with(".xml") && v.request.is_none())
        .map(|v| Document::from_bytes(v.name, v.bytes))
        .collect();
    assert!(docs.len() > 20, "expected the xroad-soap vectors");
    let mut session = validator.session();
    let sequential: Vec<_> = docs.iter().map(|d| session.validate(d, None)).collect();
    assert!(sequential.iter().any(|r| {
        r.findings
            .iter()
            .any(|f| f.engine == konform::standard::EngineKind::Xsd)
    }));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(8)
        .build()
        .unwrap();
    let repeated: Vec<&Document> = (0..40).flat_map(|_| docs.iter()).collect();
    let parallel: Vec<_> = pool.install(|| {
        repeated
            .par_iter()
            .map_init(|| validator.session(), |s, d| s.validate(d, None))
            .collect()
    });
    for (i, r) in parallel.iter().enumerate() {
        assert_eq!(
            r,
            &sequential[i % docs.len()],
            "result {i} differs from the sequential run"
        );
    }
}
