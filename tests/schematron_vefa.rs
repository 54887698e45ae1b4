//! The CEN EN 16931 VEFA test sets (UBL and CII), run with the matching official Schematron.
//!
//! Needs the corpus in `../shared/corpora/en16931-cen`; skips with a message when it is absent.
//! The expected agreement counts are exact so a regression fails; every disagreement is
//! printed.

use konform::engine::schematron::SchematronEngine;
use konform::vectors::vefa;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/en16931-cen");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent", dir.display());
        None
    }
}

fn run_suite(sch: &Path, dirs: &[PathBuf], configuration: &str) -> (usize, usize) {
    let t = Instant::now();
    let engine = SchematronEngine::compile_file(sch).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "compiled {} in {:?}: {engine:?}",
        sch.display(),
        t.elapsed()
    );
    let mut tests = Vec::new();
    for d in dirs {
        tests.extend(vefa::read_suite(d).unwrap());
    }
    tests.retain(|t| {
        t.configuration
            .as_deref()
            .is_none_or(|c| c.starts_with(configuration))
    });
    let t = Instant::now();
    let outcomes = vefa::run(&engine, &tests);
    eprintln!("ran {} tests in {:?}", tests.len(), t.elapsed());
    let mut agree = 0;
    for o in &outcomes {
        if o.agree {
            agree += 1;
        } else {
            eprintln!(
                "DISAGREE {}#{} ({}): {} | fired: {}",
                o.test.file.display(),
                o.test.index,
                o.test.description,
                o.detail.join("; "),
                o.fired.join(", ")
            );
        }
    }
    eprintln!("{agree} of {} agree", outcomes.len());
    (agree, outcomes.len())
}

#[test]
fn vefa_ubl() {
    let Some(c) = corpus() else { return };
    let dirs = [
        c.join("test/Invoice-unit-UBL"),
        c.join("test/CreditNote-unit-UBL"),
    ];
    let (agree, total) = run_suite(
        &c.join("ubl/schematron/EN16931-UBL-validation.sch"),
        &dirs,
        "tc434-ubl",
    );
    assert_eq!((agree, total), (1131, 1131));
}

#[test]
fn vefa_ubl_preprocessed() {
    let Some(c) = corpus() else { return };
    let dirs = [
        c.join("test/Invoice-unit-UBL"),
        c.join("test/CreditNote-unit-UBL"),
    ];
    let (agree, total) = run_suite(
        &c.join("ubl/schematron/preprocessed/EN16931-UBL-validation-preprocessed.sch"),
        &dirs,
        "tc434-ubl",
    );
    assert_eq!((agree, total), (1131, 1131));
}

#[test]
fn vefa_cii() {
    let Some(c) = corpus() else { return };
    let (agree, total) = run_suite(
        &c.join("cii/schematron/EN16931-CII-validation.sch"),
        &[c.join("test/cii")],
        "tc434-cii",
    );
    assert_eq!((agree, total), (9, 9));
}
