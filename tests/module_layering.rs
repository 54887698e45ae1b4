//! The layering of `src/standard/`: its modules import one another without circles (each
//! shared type lives in the module that produces it, or in a small leaf), and none of them
//! imports konform's other top-level modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The code of a source file without its comments and its `#[cfg(test)]` part.
fn code_of(text: &str) -> String {
    let body = text.split("#[cfg(test)]").next().unwrap_or_default();
    body.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The identifier at the start of `text`.
fn ident(text: &str) -> &str {
    let text = text.trim_start();
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The identifiers that follow each `prefix` in `code` (each first segment of a `{a, b::c}`
/// group too).
fn names_after<'a>(code: &'a str, prefix: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices(prefix) {
        let rest = &code[i + prefix.len()..];
        match rest.strip_prefix('{') {
            Some(group) => {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                out.extend(group.split(',').map(ident));
            }
            None => out.push(ident(rest)),
        }
    }
    out.retain(|n| !n.is_empty());
    out
}

/// Module -> the sibling modules it uses (`super::m`, or `{m, ...}` groups after `super::`).
fn standard_imports() -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/standard");
    let mut modules = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("src/standard") {
        let path = entry.expect("entry").path();
        let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if name == "mod" || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("source");
        modules.insert(name.to_string(), code_of(&text));
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(m, code)| {
            let mut used: BTreeSet<String> = BTreeSet::new();
            for n in names_after(code, "super::") {
                assert!(
                    names.contains(n),
                    "standard/{m}.rs uses super::{n}, which is no module of standard/ (a re-export \
                     of mod.rs): import it from the module that defines it"
                );
                used.insert(n.to_string());
            }
            for n in names_after(code, "crate::standard::") {
                if names.contains(n) {
                    used.insert(n.to_string());
                }
            }
            used.remove(m);
            (m.clone(), used)
        })
        .collect()
}

/// A circle through `from`, if there is one.
fn circle(
    graph: &BTreeMap<String, BTreeSet<String>>,
    from: &str,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    if let Some(i) = path.iter().position(|p| p == from) {
        let mut c = path[i..].to_vec();
        c.push(from.to_string());
        return Some(c);
    }
    path.push(from.to_string());
    for next in graph.get(from).into_iter().flatten() {
        if let Some(c) = circle(graph, next, path) {
            return Some(c);
        }
    }
    path.pop();
    None
}

#[test]
fn standard_modules_import_one_another_without_circles() {
    let graph = standard_imports();
    assert!(graph.len() > 10, "read the modules of src/standard");
    assert!(
        graph["package"].contains("store") && graph["registry"].contains("package"),
        "the import scan finds the imports: {graph:?}"
    );
    for m in graph.keys() {
        if let Some(c) = circle(&graph, m, &mut Vec::new()) {
            panic!("import circle in src/standard: {}", c.join(" -> "));
        }
    }
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(
        circle(&graph, "a", &mut Vec::new()),
        Some(
            vec!["a", "b", "c", "a"]
                .into_iter()
                .map(String::from)
                .collect()
        )
    );
    assert_eq!(circle(&graph, "d", &mut Vec::new()), None);
}

#[test]
fn standard_imports_no_other_konform_module() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/standard");
    for entry in std::fs::read_dir(&dir).expect("src/standard") {
        let path = entry.expect("entry").path();
        let code = code_of(&std::fs::read_to_string(&path).expect("source"));
        for n in names_after(&code, "crate::") {
            assert_eq!(
                n,
                "standard",
                "{} imports crate::{n}: standard/ builds on no other module",
                path.display()
            );
        }
    }
}
