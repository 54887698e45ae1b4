//! XSLT 2.0/3.0 semantics inside `xsl:function` and variables, one conformance file per
//! feature (tests/fixtures/schematron/xslt-semantics/NAME.sch on NAME.xml): function
//! conversion rules for declared types, sequence construction by instructions, `xsl:value-of`
//! separators, implicit atomisation, namespace scope as `name()` and the QName functions read
//! it. konform must fire exactly the rules Saxon fires (one entry
//! per firing), as recorded in expected.tsv by benches/schematron/xslt_semantics.py. No
//! corpus needed.

use konform::document::Limits;
use konform::document::xml::{XmlDoc, parse};
use konform::engine::schematron::SchematronEngine;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schematron/xslt-semantics")
}

fn expected(feature: &str) -> String {
    let tsv = std::fs::read_to_string(dir().join("expected.tsv")).unwrap();
    tsv.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let (name, ids) = l.split_once('\t')?;
            (name == feature).then(|| ids.to_string())
        })
        .unwrap_or_else(|| panic!("no Saxon outcome recorded for {feature}"))
}

/// Rule ids konform fires, one per firing, sorted; a check that could not be evaluated shows
/// as `ID!error(reason)`.
fn konform_fires(feature: &str) -> String {
    let engine = SchematronEngine::compile_file(&dir().join(format!("{feature}.sch")))
        .unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(dir().join(format!("{feature}.xml"))).unwrap();
    let tree = parse("t.xml", &text, &Limits::default()).unwrap().unwrap();
    let run = engine.run(&XmlDoc::new(&text, tree, 0)).unwrap();
    let mut ids: Vec<String> = run
        .records
        .iter()
        .map(|r| {
            if r.kind == "error" {
                format!("{}!error({})", r.id, r.text)
            } else {
                r.id.clone()
            }
        })
        .collect();
    ids.sort();
    ids.join(" ")
}

fn same_as_saxon(feature: &str) {
    assert_eq!(konform_fires(feature), expected(feature), "{feature}");
}

#[test]
fn function_conversion_rules_apply_to_declared_types() {
    same_as_saxon("function-conversion");
}

#[test]
fn instructions_construct_sequences_in_order() {
    same_as_saxon("sequence-construction");
}

#[test]
fn value_of_separators_follow_xslt() {
    same_as_saxon("value-of-separator");
}

#[test]
fn returned_nodes_are_atomised_where_values_are_needed() {
    same_as_saxon("atomisation");
}

#[test]
fn namespace_scope_survives_redeclared_prefixes_and_default_changes() {
    same_as_saxon("namespace-scope");
}

#[test]
fn every_conformance_file_has_a_test_and_a_saxon_outcome() {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let p = e.path();
            (p.extension()? == "sch").then(|| p.file_stem()?.to_str().map(str::to_string))?
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "atomisation",
            "function-conversion",
            "namespace-scope",
            "sequence-construction",
            "value-of-separator"
        ]
    );
    for n in &names {
        assert!(!expected(n).is_empty(), "{n}: Saxon fires something");
    }
}
