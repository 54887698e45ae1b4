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
    let mutants = xmute::read_instances(&dir.join("test/instances")).unwrap();
    // The EN 16931 rules, for instances that name them (`cenubl:`/`cencii:`).
    let cen = dir.join("../en16931-cen");
    let uses = |alias: &str| {
        mutants
            .iter()
            .any(|m| m.valid.iter().chain(&m.invalid).any(|(a, _)| a == alias))
    };
    let cen_ubl = (uses("cenubl") && cen.is_dir()).then(|| {
        SchematronEngine::compile_file(&cen.join("ubl/schematron/EN16931-UBL-validation.sch"))
            .unwrap()
    });
    let cen_cii = (uses("cencii") && cen.is_dir()).then(|| {
        SchematronEngine::compile_file(&cen.join("cii/schematron/EN16931-CII-validation.sch"))
            .unwrap()
    });
    let mut engines: BTreeMap<String, &SchematronEngine> =
        [("xrubl".to_string(), &ubl), ("xrcii".to_string(), &cii)]
            .into_iter()
            .collect();
    if let Some(e) = &cen_ubl {
        engines.insert("cenubl".into(), e);
    }
    if let Some(e) = &cen_cii {
        engines.insert("cencii".into(), e);
    }
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
    // Not checkable: Peppol BIS rules (PEPPOL-EN16931-R*) that XRechnung merges in at build
    // time; their schema is not in the corpus.
    assert_eq!((agree, disagree, unknown), (721, 0, 490));
}
