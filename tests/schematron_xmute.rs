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
    assert_eq!((agree, disagree, unknown), (721, 0, 493));
}

/// The reader parses the instructions itself; the corpus's EXPECTATIONS.json (derived from the
/// same files upstream) only cross-checks it: same live instructions per file, same mutator,
/// same rules expected to fire and not to fire.
#[test]
fn reader_agrees_with_the_corpus_expectations_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/xrechnung-schematron");
    let Ok(json) = std::fs::read_to_string(dir.join("EXPECTATIONS.json")) else {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    };
    let expected: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rules = |v: Option<&serde_json::Value>| -> Vec<String> {
        let mut r: Vec<String> = v
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        r.sort();
        r
    };
    let mut instructions = 0;
    let mut repeated = 0;
    for file in expected["files"].as_array().unwrap() {
        let path = dir.join(file["file"].as_str().unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        let mutants = xmute::mutants(&path, &text).unwrap();
        // One entry per mutant: `code` makes one per value, `whitespace` three.
        let join = |v: &[(String, String)]| {
            let mut r: Vec<String> = v.iter().map(|(a, r)| format!("{a}:{r}")).collect();
            r.sort();
            r
        };
        let ours: Vec<(String, Vec<String>, Vec<String>)> = mutants
            .iter()
            .map(|m| (m.mutator.clone(), join(&m.valid), join(&m.invalid)))
            .collect();
        let theirs: Vec<(String, Vec<String>, Vec<String>)> = file["mutations"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|m| {
                let mutator = m["mutator"].as_str().unwrap().to_string();
                let copies = match mutator.as_str() {
                    "code" => {
                        let sep = m["separator"].as_str().unwrap_or(",");
                        m["values"].as_str().unwrap_or("").split(sep).count()
                    }
                    "whitespace" => 3,
                    _ => 1,
                };
                let entry = (
                    mutator,
                    rules(m.get("schematron-valid")),
                    rules(m.get("schematron-invalid")),
                );
                std::iter::repeat_n(entry, copies)
            })
            .collect();
        // The JSON keeps one value of a repeated pseudo-attribute; konform keeps every one, so
        // its rules include the JSON's.
        assert_eq!(ours.len(), theirs.len(), "{}", path.display());
        for (o, t) in ours.iter().zip(&theirs) {
            let includes = |a: &[String], b: &[String]| b.iter().all(|r| a.contains(r));
            assert!(
                o.0 == t.0 && includes(&o.1, &t.1) && includes(&o.2, &t.2),
                "{}: konform {o:?}, EXPECTATIONS.json {t:?}",
                path.display()
            );
            if o != t {
                repeated += 1;
            }
        }
        instructions += file["mutations"].as_array().unwrap().len();
    }
    assert_eq!(instructions, 770);
    // Mutants of instructions with a repeated schematron-valid/-invalid pseudo-attribute.
    assert_eq!(repeated, 3, "mutants with a repeated pseudo-attribute");
}

/// Writes every mutant as a file (for `benches/schematron/run.sh`, the Saxon differential):
/// `KONFORM_MUTANTS_OUT=DIR cargo test --test schematron_xmute -- --ignored`, then
/// `run.sh XRechnung-UBL-validation.sch DIR/ubl-inv` (and `DIR/cii`, ...).
#[test]
#[ignore = "writes files for the differential; run explicitly"]
fn write_mutants_for_the_saxon_differential() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/xrechnung-schematron");
    let Some(out) = std::env::var_os("KONFORM_MUTANTS_OUT") else {
        eprintln!("skipped: set KONFORM_MUTANTS_OUT");
        return;
    };
    let instances = dir.join("test/instances");
    let mut written = 0;
    for (i, m) in xmute::read_instances(&instances)
        .unwrap()
        .iter()
        .enumerate()
    {
        let Ok(text) = &m.document else { continue };
        let rel = m.file.strip_prefix(&instances).unwrap();
        let folder = Path::new(&out).join(rel.parent().unwrap());
        std::fs::create_dir_all(&folder).unwrap();
        let stem = rel.file_stem().unwrap().to_string_lossy();
        std::fs::write(folder.join(format!("{stem}.m{i:04}.xml")), text).unwrap();
        written += 1;
    }
    eprintln!("{written} mutants written");
}
