//! Timing of the Schematron engine on real rule sets (ignored by default; run with
//! `cargo test --release --test schematron_bench -- --ignored --nocapture`).
//!
//! Environment: `KONFORM_BENCH_SCH` (a `.sch`, default: the EN 16931 UBL rules),
//! `KONFORM_BENCH_DOCS` (a folder of documents, default: the EN 16931 UBL examples),
//! `KONFORM_BENCH_N` (batch size, default 1000), `KONFORM_BENCH_OUT` (write fired rule ids per
//! document, tab-separated, for the differential comparison in `benches/schematron/`).

use konform::document::Limits;
use konform::document::xml::{XmlDoc, parse};
use konform::engine::Engine;
use konform::engine::schematron::SchematronEngine;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[test]
#[ignore = "timing; run explicitly"]
fn schematron_timing() {
    let sch = std::env::var("KONFORM_BENCH_SCH")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            shared().join("corpora/en16931-cen/ubl/schematron/EN16931-UBL-validation.sch")
        });
    let docs_dir = std::env::var("KONFORM_BENCH_DOCS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| shared().join("corpora/en16931-cen/ubl/examples"));
    if !sch.is_file() || !docs_dir.is_dir() {
        eprintln!(
            "skipped: {} or {} is absent",
            sch.display(),
            docs_dir.display()
        );
        return;
    }
    let n: usize = std::env::var("KONFORM_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);

    let t = Instant::now();
    let engine = SchematronEngine::compile_file(&sch).unwrap();
    let compile = t.elapsed();
    // A second thread has to build its own programs from the prepared expressions.
    let t = Instant::now();
    std::thread::scope(|s| {
        s.spawn(|| engine.worker().map(|_| ()).unwrap());
    });
    let per_thread = t.elapsed();
    eprintln!(
        "compile {}: {compile:?} (programs on another thread: {per_thread:?}); {engine:?}",
        sch.display()
    );

    let mut files: Vec<PathBuf> = std::fs::read_dir(&docs_dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
        .collect();
    files.sort();
    let texts: Vec<(PathBuf, String)> = files
        .iter()
        .filter_map(|f| {
            let bytes = std::fs::read(f).ok()?;
            let text = konform::document::xml::decode(&bytes).ok()?;
            Some((f.clone(), text))
        })
        .collect();
    let check = |text: &str| {
        let tree = parse("doc", text, &Limits::default()).unwrap().unwrap();
        let doc = XmlDoc::new(text, tree, 0);
        engine.run(&doc).unwrap()
    };

    // Per document: first run (cold caches) and the median of 5 warm runs.
    let mut out = String::new();
    let mut warm_all = Vec::new();
    for (f, text) in &texts {
        let t = Instant::now();
        let run = check(text);
        let cold = t.elapsed();
        let mut warm = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            check(text);
            warm.push(t.elapsed());
        }
        let m = median(warm);
        warm_all.push(m);
        let mut ids: Vec<String> = run.records.iter().map(|r| r.id.clone()).collect();
        ids.sort();
        ids.dedup();
        eprintln!(
            "{:>10.2?} cold {:>10.2?} warm  {:>4} KB  {}  fired: {}",
            cold,
            m,
            text.len() / 1024,
            f.display(),
            ids.join(" ")
        );
        out.push_str(&format!(
            "{}\t{}\n",
            f.file_name().unwrap().to_string_lossy(),
            ids.join(" ")
        ));
    }
    eprintln!("median per document (warm): {:?}", median(warm_all));
    if let Ok(p) = std::env::var("KONFORM_BENCH_OUT") {
        std::fs::write(p, out).unwrap();
    }

    // Batch: n documents round-robin over the corpus, on the rayon pool.
    let t = Instant::now();
    let fired: usize = (0..n)
        .into_par_iter()
        .map(|i| check(&texts[i % texts.len()].1).records.len())
        .sum();
    let batch = t.elapsed();
    eprintln!(
        "batch of {n} on {} threads: {batch:?} ({:?} per document, {fired} findings)",
        rayon::current_num_threads(),
        batch / n as u32
    );
}
