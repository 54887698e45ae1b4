//! VEFA validator test sets (namespace `http://difi.no/xsd/vefa/validator/1.0`), as the CEN
//! EN 16931 and Peppol rule repositories ship them, run against one Schematron schema.
//!
//! A `testSet` holds `test`s; each test has an `assert` (`description`, then `success`,
//! `error`, `warning` or `fatal` naming a rule) and one document fragment. `success R`: R must
//! not fire; `error R`/`fatal R`: R must fire as an error; `warning R`: R must fire as a
//! warning. A `scope` (set level or test level) limits which rules are looked at; the
//! expectations name rules in scope, so other rules are ignored. Fragments are not
//! schema-valid documents: only Schematron runs. An evaluation error on an expected rule is a
//! disagreement either way.

use crate::document::Limits;
use crate::document::xml::{XmlDoc, parse};
use crate::engine::schematron::SchematronEngine;
use crate::standard::Severity;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// VEFA validator namespace.
pub const VEFA_NS: &str = "http://difi.no/xsd/vefa/validator/1.0";

/// What a test expects of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Must not fire.
    Success,
    /// Must fire as an error (`error` or `fatal`).
    Error,
    /// Must fire as a warning.
    Warning,
}

/// One test of a test set.
#[derive(Debug, Clone)]
pub struct VefaTest {
    /// The test-set file.
    pub file: PathBuf,
    /// 0-based index of the test in its file.
    pub index: usize,
    /// `configuration` of the test set (names a rule set in the repository's build config).
    pub configuration: Option<String>,
    /// Description.
    pub description: String,
    /// Rules in scope (empty: all).
    pub scope: Vec<String>,
    /// Expectations.
    pub expect: Vec<(Expect, String)>,
    /// The fragment, as a standalone XML document.
    pub document: String,
}

/// The result of one test.
#[derive(Debug, Clone)]
pub struct VefaOutcome {
    /// The test.
    pub test: VefaTest,
    /// Whether konform agrees with every expectation.
    pub agree: bool,
    /// What disagreed (empty when `agree`).
    pub detail: Vec<String>,
    /// Rules in scope that fired, with severity (`error` for evaluation errors marked so).
    pub fired: Vec<String>,
    /// Rules that could not be evaluated, with the engine's reason.
    pub errors: BTreeMap<String, String>,
}

fn is_vefa(n: roxmltree::Node<'_, '_>, name: &str) -> bool {
    n.is_element() && n.tag_name().namespace() == Some(VEFA_NS) && n.tag_name().name() == name
}

/// Reads every test set (`*.xml` whose root is `testSet`) under a folder, sorted by path.
pub fn read_suite(dir: &Path) -> Result<Vec<VefaTest>, String> {
    let mut files = Vec::new();
    super::collect_xml(dir, &mut files)?;
    files.sort();
    let mut tests = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        if !text.contains(VEFA_NS) {
            continue;
        }
        tests.extend(read_test_set(&f, &text)?);
    }
    Ok(tests)
}

fn scope_of(assert: Option<roxmltree::Node<'_, '_>>) -> Vec<String> {
    assert
        .into_iter()
        .flat_map(|a| a.children())
        .filter(|c| is_vefa(*c, "scope"))
        .filter_map(|c| c.text().map(|t| t.trim().to_string()))
        .collect()
}

/// Reads one test-set file.
pub fn read_test_set(file: &Path, text: &str) -> Result<Vec<VefaTest>, String> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let root = doc.root_element();
    if !is_vefa(root, "testSet") {
        return Err(format!("{}: not a VEFA testSet", file.display()));
    }
    let set_scope = scope_of(root.children().find(|c| is_vefa(*c, "assert")));
    let mut tests = Vec::new();
    for (index, t) in root.children().filter(|c| is_vefa(*c, "test")).enumerate() {
        let assert = t.children().find(|c| is_vefa(*c, "assert"));
        let mut scope = scope_of(assert);
        if scope.is_empty() {
            scope = set_scope.clone();
        }
        let mut expect = Vec::new();
        let mut description = String::new();
        for c in assert
            .into_iter()
            .flat_map(|a| a.children())
            .filter(roxmltree::Node::is_element)
        {
            let value = c.text().unwrap_or("").trim().to_string();
            match c.tag_name().name() {
                "description" => description = value,
                "success" => expect.push((Expect::Success, value)),
                "error" | "fatal" => expect.push((Expect::Error, value)),
                "warning" => expect.push((Expect::Warning, value)),
                _ => {}
            }
        }
        let fragment = t
            .children()
            .find(|c| c.is_element() && c.tag_name().namespace() != Some(VEFA_NS))
            .ok_or_else(|| format!("{}: test {index} has no document", file.display()))?;
        tests.push(VefaTest {
            file: file.to_path_buf(),
            index,
            configuration: root.attribute("configuration").map(str::to_string),
            description,
            scope,
            expect,
            document: standalone(text, fragment),
        });
    }
    Ok(tests)
}

/// The element's text as a standalone document: namespace declarations it inherits are added
/// to its start tag.
pub fn standalone(text: &str, element: roxmltree::Node<'_, '_>) -> String {
    let range = element.range();
    let raw = &text[range.start..range.end];
    let tag_end = super::start_tag_end(raw);
    let start_tag = &raw[..tag_end];
    let declared = |prefix: Option<&str>| match prefix {
        Some(p) => {
            start_tag.contains(&format!("xmlns:{p}=")) || start_tag.contains(&format!("xmlns:{p} "))
        }
        None => start_tag.contains("xmlns=") || start_tag.contains("xmlns "),
    };
    let mut extra = String::new();
    for ns in element.namespaces() {
        if ns.name() == Some("xml") || declared(ns.name()) {
            continue;
        }
        let uri = ns
            .uri()
            .replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;");
        match ns.name() {
            Some(p) => extra.push_str(&format!(" xmlns:{p}=\"{uri}\"")),
            None => extra.push_str(&format!(" xmlns=\"{uri}\"")),
        }
    }
    // Insert after the element name.
    let name_end = raw[1..]
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .map_or(raw.len(), |i| i + 1);
    format!("{}{}{}", &raw[..name_end], extra, &raw[name_end..])
}

/// Runs the tests against an engine (in parallel) and compares.
pub fn run(engine: &SchematronEngine, tests: &[VefaTest]) -> Vec<VefaOutcome> {
    tests.par_iter().map(|t| run_one(engine, t)).collect()
}

/// Runs one test.
pub fn run_one(engine: &SchematronEngine, t: &VefaTest) -> VefaOutcome {
    let mut detail = Vec::new();
    let mut fired = Vec::new();
    let mut errors = BTreeMap::new();
    let limits = Limits::default();
    let result = match parse("test", &t.document, &limits) {
        Ok(Ok(tree)) => {
            let doc = XmlDoc::new(&t.document, tree, 0);
            engine.run(&doc).map_err(|e| e.to_string())
        }
        Ok(Err(p)) => Err(p.message),
        Err(e) => Err(e.to_string()),
    };
    match result {
        Err(e) => detail.push(format!("could not run: {e}")),
        Ok(run) => {
            let in_scope = |id: &str| t.scope.is_empty() || t.scope.iter().any(|s| s == id);
            for r in &run.records {
                if r.kind == "error" {
                    errors
                        .entry(r.id.clone())
                        .or_insert_with(|| super::evaluation_reason(&r.text));
                }
                if in_scope(&r.id) {
                    let sev = run
                        .findings
                        .iter()
                        .find(|f| f.rule == r.id)
                        .and_then(|f| f.severity)
                        .map_or("error", Severity::as_str);
                    let what = if r.kind == "error" {
                        "evaluation-error"
                    } else {
                        sev
                    };
                    fired.push(format!("{}:{what}", r.id));
                }
            }
            for (expect, rule) in &t.expect {
                let hits: Vec<(&str, Option<Severity>)> = run
                    .records
                    .iter()
                    .zip(&run.findings)
                    .filter(|(r, _)| &r.id == rule)
                    .map(|(r, f)| (r.kind, f.severity))
                    .collect();
                if let Some(reason) = errors.get(rule) {
                    detail.push(format!("{rule}: could not be evaluated: {reason}"));
                    continue;
                }
                match expect {
                    Expect::Success if !hits.is_empty() => {
                        detail.push(format!("{rule}: fired, expected not to"))
                    }
                    Expect::Error | Expect::Warning if hits.is_empty() => {
                        detail.push(format!("{rule}: did not fire, expected to"))
                    }
                    Expect::Error
                        if !hits
                            .iter()
                            .any(|(_, s)| s.unwrap_or(Severity::Error) == Severity::Error) =>
                    {
                        detail.push(format!("{rule}: fired, but not as an error"));
                    }
                    Expect::Warning if !hits.iter().any(|(_, s)| *s == Some(Severity::Warning)) => {
                        detail.push(format!("{rule}: fired, but not as a warning"));
                    }
                    _ => {}
                }
            }
        }
    }
    VefaOutcome {
        test: t.clone(),
        agree: detail.is_empty(),
        detail,
        fired,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_keep_inherited_namespaces() {
        let text = r#"<testSet xmlns="http://difi.no/xsd/vefa/validator/1.0" xmlns:cbc="urn:cbc"><test><assert><success>R</success></assert><Invoice xmlns="urn:inv"><cbc:ID a=">">1</cbc:ID></Invoice></test></testSet>"#;
        let tests = read_test_set(Path::new("t.xml"), text).unwrap();
        assert_eq!(tests.len(), 1);
        assert_eq!(
            tests[0].document,
            r#"<Invoice xmlns:cbc="urn:cbc" xmlns="urn:inv"><cbc:ID a=">">1</cbc:ID></Invoice>"#
        );
        assert_eq!(tests[0].expect, vec![(Expect::Success, "R".to_string())]);
    }
}
