//! The XRechnung XML-MutaTe instances, run with the XRechnung Schematron (UBL and CII).
//!
//! Needs `../shared/corpora/xrechnung-schematron`; skips with a message when it is absent.
//! Expectations naming rules that neither schema defines (the Peppol rules XRechnung merges
//! in at build time) are counted as not checkable. The counts are exact so a regression fails;
//! every disagreement is printed.

use konform::engine::schematron::SchematronEngine;
use konform::vectors::xmute::{self, Verdict};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

#[test]
fn xmute_xrechnung() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/xrechnung-schematron");
    if !dir.is_dir() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let sch = dir.join("src/validation/schematron");
    let t = Instant::now();
    let ubl = SchematronEngine::compile_file(&sch.join("ubl/XRechnung-UBL-validation.sch"))
        .unwrap_or_else(|e| panic!("{e}"));
    let cii = SchematronEngine::compile_file(&sch.join("cii/XRechnung-CII-validation.sch"))
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("compiled in {:?}: {ubl:?} {cii:?}", t.elapsed());
    let engines: BTreeMap<String, &SchematronEngine> =
        [("xrubl".to_string(), &ubl), ("xrcii".to_string(), &cii)]
            .into_iter()
            .collect();
    let mutants = xmute::read_instances(&dir.join("test/instances")).unwrap();
    let t = Instant::now();
    let outcomes = xmute::run(&engines, &mutants);
    eprintln!("ran {} mutants in {:?}", mutants.len(), t.elapsed());
    let (mut agree, mut disagree, mut unknown) = (0, 0, 0);
    for o in &outcomes {
        for (alias, rule, must_fire, verdict, detail) in &o.checks {
            match verdict {
                Verdict::Agree => agree += 1,
                Verdict::NotCheckable => unknown += 1,
                Verdict::Disagree => {
                    disagree += 1;
                    eprintln!(
                        "DISAGREE {} {} ({}{}) {alias}:{rule} must{} fire: {detail}",
                        o.mutant.file.display(),
                        o.mutant.id,
                        o.mutant.mutator,
                        o.mutant
                            .variant
                            .as_deref()
                            .map(|v| format!(" {v:?}"))
                            .unwrap_or_default(),
                        if *must_fire { "" } else { " not" },
                    );
                }
            }
        }
    }
    eprintln!(
        "{} mutants; expectations: {agree} agree, {disagree} disagree, {unknown} not checkable",
        mutants.len()
    );
    assert_eq!((agree, disagree), (agree + disagree, 0));
}
