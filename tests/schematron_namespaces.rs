//! Namespace scope below redeclared prefixes, held against Saxon.
//!
//! Official EN 16931 examples and XRechnung test instances (../shared/corpora, UBL and CII) are rewritten
//! here with the namespace layouts real producers write — prefixes declared late, redeclared
//! at every depth to the same or another URI, rotated, one namespace bound to two prefixes,
//! default namespaces switched and undeclared with `xmlns=""` — and checked with the official
//! Schematron. The fired rule ids per generated document must equal what Saxon fires on the
//! same document with the official compiled XSLT (../shared/corpora/en16931-cen/xslt), as
//! recorded in tests/fixtures/schematron/namespace-layouts.tsv by
//! `benches/schematron/namespace_layouts.sh` (which writes the documents through
//! `write_layouts` below and runs Saxon on them).
//!
//! Skips with a message when ../shared is absent.

use konform::document::Limits;
use konform::document::xml::{XmlDoc, parse};
use konform::engine::schematron::SchematronEngine;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layouts, by name.
const LAYOUTS: &[&str] = &[
    "root",
    "late",
    "redeclare-same",
    "redeclare-other",
    "rotated",
    "two-prefixes",
    "default",
    "default-undeclared",
];

/// Base documents (relative to ../shared/corpora): official examples that fire nothing, and
/// XRechnung test instances that fire EN 16931 rules (BR-*, CII-SR-*, UBL-CR-*, UBL-SR-*).
const BASES: &[&str] = &[
    "en16931-cen/cii/examples/CII_example1.xml",
    "en16931-cen/cii/examples/CII_example5.xml",
    "en16931-cen/cii/examples/CII_business_example_01.xml",
    "en16931-cen/cii/examples/XRechnung-O.xml",
    "xrechnung-schematron/test/instances/cii/cii-br-de-16-negative-tests-bt-95-bt-151.xml",
    "xrechnung-schematron/test/instances/cii/cii-br-de-22-check-unique-file-name-test-uncefact.xml",
    "xrechnung-schematron/test/instances/cii/cii-br-de-25-test-bg-19-with-bt-86-1.xml",
    "xrechnung-schematron/test/instances/cii/cii-br-dex-04-schemeid-test-2.xml",
    "en16931-cen/ubl/examples/ubl-tc434-example1.xml",
    "en16931-cen/ubl/examples/ubl-tc434-example5.xml",
    "en16931-cen/ubl/examples/ubl-tc434-creditnote1.xml",
    "en16931-cen/ubl/examples/guide-example2.xml",
    "xrechnung-schematron/test/instances/ubl-inv/ubl-inv-br-de-16-negative-test-bt-151.xml",
    "xrechnung-schematron/test/instances/ubl-inv/ubl-inv-br-de-16-test-code-O.xml",
    "xrechnung-schematron/test/instances/ubl-inv/ubl-inv-br-de-24-test-bg-18-with-bg-17.xml",
];

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent", dir.display());
        None
    }
}

/// One namespace binding decision for an element.
struct Scope {
    /// In-scope bindings, innermost last; `""` is the default namespace.
    bindings: Vec<(String, String)>,
}

impl Scope {
    fn lookup(&self, prefix: &str) -> Option<&str> {
        self.bindings
            .iter()
            .rev()
            .find(|(p, _)| p == prefix)
            .map(|(_, u)| u.as_str())
    }
    /// Whether `prefix` is bound to `uri` here.
    fn binds(&self, prefix: &str, uri: &str) -> bool {
        self.lookup(prefix) == Some(uri)
    }
}

/// Writes a document again with another namespace layout. Comments and processing
/// instructions are dropped; names, attributes and text are kept.
pub fn relayout(text: &str, layout: &str) -> String {
    let tree = roxmltree::Document::parse(text).expect("base document parses");
    // A prefix per namespace: the one the document declares for it, else a made-up one.
    let mut canon: BTreeMap<String, String> = BTreeMap::new();
    let mut used: Vec<String> = Vec::new();
    for n in tree.descendants().filter(roxmltree::Node::is_element) {
        let mut uris: Vec<&str> = n.tag_name().namespace().into_iter().collect();
        uris.extend(n.attributes().filter_map(|a| a.namespace()));
        for uri in uris {
            if !used.iter().any(|u| u == uri) {
                used.push(uri.to_string());
            }
        }
        for ns in n.namespaces() {
            if let Some(p) = ns.name() {
                canon
                    .entry(ns.uri().to_string())
                    .or_insert_with(|| p.to_string());
            }
        }
    }
    for (i, uri) in used.iter().enumerate() {
        canon.entry(uri.clone()).or_insert_with(|| format!("n{i}"));
    }
    if layout == "rotated" {
        // Every namespace takes the prefix of the next one (element names change, as
        // `name()` sees them).
        let prefixes: Vec<String> = used.iter().map(|u| canon[u].clone()).collect();
        for (i, uri) in used.iter().enumerate() {
            if uri == "http://www.w3.org/XML/1998/namespace" {
                continue;
            }
            canon.insert(uri.clone(), prefixes[(i + 1) % prefixes.len()].clone());
        }
    }
    let root_ns = tree.root_element().tag_name().namespace().unwrap_or("");
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let mut scope = Scope {
        bindings: Vec::new(),
    };
    write_element(
        tree.root_element(),
        0,
        layout,
        &canon,
        &used,
        root_ns,
        &mut scope,
        &mut out,
    );
    out.push('\n');
    out
}

#[allow(clippy::too_many_arguments)]
fn write_element(
    node: roxmltree::Node<'_, '_>,
    depth: usize,
    layout: &str,
    canon: &BTreeMap<String, String>,
    used: &[String],
    root_ns: &str,
    scope: &mut Scope,
    out: &mut String,
) {
    const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
    let mark = scope.bindings.len();
    let uri = node.tag_name().namespace().unwrap_or("");
    let mut decls: Vec<(String, String)> = Vec::new();
    let all = |decls: &mut Vec<(String, String)>, scope: &mut Scope| {
        for u in used.iter().filter(|u| u.as_str() != XML_NS) {
            declare(decls, scope, &canon[u], u);
        }
    };
    // The prefix the element's name is written with.
    let prefix: String = match layout {
        "root" | "rotated" => {
            if depth == 0 {
                all(&mut decls, scope);
            }
            canon.get(uri).cloned().unwrap_or_default()
        }
        "late" => {
            let p = canon.get(uri).cloned().unwrap_or_default();
            if !uri.is_empty() && !scope.binds(&p, uri) {
                declare(&mut decls, scope, &p, uri);
            }
            p
        }
        "redeclare-same" => {
            // Everything on the root, everything again on each child of the root, and the
            // element's own prefix again two levels further down.
            if depth <= 1 {
                all(&mut decls, scope);
            }
            let p = canon.get(uri).cloned().unwrap_or_default();
            if depth == 3 && !uri.is_empty() {
                declare(&mut decls, scope, &p, uri);
            }
            p
        }
        "redeclare-other" => {
            // On each child of the root every other prefix moves to another URI and the
            // namespace takes the prefix with a `2` appended.
            if depth == 0 {
                all(&mut decls, scope);
            }
            if depth == 1 {
                for u in used.iter().filter(|u| u.as_str() != XML_NS && *u != uri) {
                    let p = &canon[u];
                    declare(&mut decls, scope, p, &format!("urn:konform:elsewhere:{p}"));
                    declare(&mut decls, scope, &format!("{p}2"), u);
                }
            }
            let p = canon.get(uri).cloned().unwrap_or_default();
            if uri.is_empty() || scope.binds(&p, uri) {
                p
            } else {
                format!("{p}2")
            }
        }
        "two-prefixes" => {
            if depth == 0 {
                all(&mut decls, scope);
                for u in used.iter().filter(|u| u.as_str() != XML_NS) {
                    declare(&mut decls, scope, &format!("{}b", canon[u]), u);
                }
            }
            let p = canon.get(uri).cloned().unwrap_or_default();
            if depth % 2 == 1 && !uri.is_empty() {
                format!("{p}b")
            } else {
                p
            }
        }
        "default" => {
            if scope.lookup("").unwrap_or("") != uri {
                declare(&mut decls, scope, "", uri);
            }
            String::new()
        }
        "default-undeclared" => {
            // The root's namespace is the default; the others are prefixed (declared on the
            // root), and every prefixed element at an even depth undeclares the default.
            if depth == 0 {
                for u in used
                    .iter()
                    .filter(|u| u.as_str() != XML_NS && *u != root_ns)
                {
                    declare(&mut decls, scope, &canon[u], u);
                }
            }
            if uri == root_ns {
                if scope.lookup("").unwrap_or("") != uri {
                    declare(&mut decls, scope, "", uri);
                }
                String::new()
            } else {
                if depth.is_multiple_of(2) && !scope.lookup("").unwrap_or("").is_empty() {
                    declare(&mut decls, scope, "", "");
                }
                canon.get(uri).cloned().unwrap_or_default()
            }
        }
        other => panic!("unknown layout {other}"),
    };
    // Attributes in a namespace need a prefix bound to it.
    let mut attrs = Vec::new();
    for a in node.attributes() {
        let name = match a.namespace() {
            None => a.name().to_string(),
            Some(XML_NS) => format!("xml:{}", a.name()),
            Some(u) => {
                let bound = scope
                    .bindings
                    .iter()
                    .rev()
                    .find(|(p, v)| !p.is_empty() && v == u && scope.binds(p, u))
                    .map(|(p, _)| p.clone());
                let p = match bound {
                    Some(p) => p,
                    None => {
                        let p = format!("{}a", canon[u]);
                        declare(&mut decls, scope, &p, u);
                        p
                    }
                };
                format!("{p}:{}", a.name())
            }
        };
        attrs.push((name, a.value().to_string()));
    }
    let qname = if prefix.is_empty() {
        node.tag_name().name().to_string()
    } else {
        format!("{prefix}:{}", node.tag_name().name())
    };
    out.push('<');
    out.push_str(&qname);
    for (p, u) in &decls {
        if p.is_empty() {
            out.push_str(&format!(" xmlns=\"{}\"", escape(u, true)));
        } else {
            out.push_str(&format!(" xmlns:{p}=\"{}\"", escape(u, true)));
        }
    }
    for (n, v) in &attrs {
        out.push_str(&format!(" {n}=\"{}\"", escape(v, true)));
    }
    let children: Vec<_> = node
        .children()
        .filter(|c| c.is_element() || c.is_text())
        .collect();
    if children.is_empty() {
        out.push_str("/>");
    } else {
        out.push('>');
        for c in children {
            if c.is_text() {
                out.push_str(&escape(c.text().unwrap_or(""), false));
            } else {
                write_element(c, depth + 1, layout, canon, used, root_ns, scope, out);
            }
        }
        out.push_str(&format!("</{qname}>"));
    }
    scope.bindings.truncate(mark);
}

/// Binds `p` to `u` on the element being written (`""` with `""` undeclares the default).
fn declare(decls: &mut Vec<(String, String)>, scope: &mut Scope, p: &str, u: &str) {
    decls.retain(|(q, _)| q != p);
    decls.push((p.to_string(), u.to_string()));
    scope.bindings.push((p.to_string(), u.to_string()));
}

fn escape(s: &str, attr: bool) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' if attr => o.push_str("&quot;"),
            '\n' if attr => o.push_str("&#10;"),
            '\t' if attr => o.push_str("&#9;"),
            '\r' => o.push_str("&#13;"),
            c => o.push(c),
        }
    }
    o
}

/// The generated documents: (file name, syntax, text).
fn generated(corpus: &Path, bases: &[PathBuf]) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    for base in bases {
        let path = if base.is_absolute() {
            base.clone()
        } else {
            corpus.join(base)
        };
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let syntax = if text.contains("CrossIndustryInvoice:100") {
            "cii"
        } else {
            "ubl"
        };
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("doc");
        for layout in LAYOUTS {
            out.push((
                format!("{stem}.{layout}.xml"),
                syntax,
                relayout(&text, layout),
            ));
        }
    }
    out
}

fn expectations() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/schematron/namespace-layouts.tsv");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(d, r)| (d.to_string(), r.to_string()))
        .collect()
}

/// Fired rule ids (sorted, space-separated); a check that could not be evaluated shows as
/// `ID!error` so it can never agree with Saxon.
fn fired(engine: &SchematronEngine, text: &str) -> String {
    let tree = parse("t.xml", text, &Limits::default()).unwrap().unwrap();
    let doc = XmlDoc::new(text, tree, 0);
    let run = engine.run(&doc).unwrap_or_else(|e| panic!("{e}"));
    let mut ids: Vec<String> = run
        .records
        .iter()
        .map(|r| {
            if r.kind == "error" {
                format!("{}!error[{}]", r.id, r.text)
            } else {
                r.id.clone()
            }
        })
        .collect();
    ids.sort();
    ids.dedup();
    ids.join(" ")
}

#[test]
fn every_generated_layout_fires_what_saxon_fires() {
    let Some(corpus) = corpus() else { return };
    let bases: Vec<PathBuf> = BASES.iter().map(PathBuf::from).collect();
    let docs = generated(&corpus, &bases);
    let expected = expectations();
    let engines: BTreeMap<&str, SchematronEngine> = ["cii", "ubl"]
        .into_iter()
        .map(|s| {
            let sch = corpus.join(format!(
                "en16931-cen/{s}/schematron/EN16931-{}-validation.sch",
                s.to_uppercase()
            ));
            (
                s,
                SchematronEngine::compile_file(&sch).unwrap_or_else(|e| panic!("{e}")),
            )
        })
        .collect();
    let mut differ = Vec::new();
    for (name, syntax, text) in &docs {
        // Every layout is the same invoice: well-formed and namespace-well-formed.
        let want = expected.get(name).unwrap_or_else(|| {
            panic!("{name} has no Saxon expectation: run benches/schematron/namespace_layouts.sh")
        });
        let got = fired(&engines[syntax], text);
        if &got != want {
            differ.push(format!("{name}\n  konform: {got}\n  saxon:   {want}"));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} generated documents differ from Saxon:\n{}",
        differ.len(),
        docs.len(),
        differ.join("\n")
    );
    assert_eq!(docs.len(), BASES.len() * LAYOUTS.len());
}

#[test]
fn layouts_really_redeclare_and_undeclare() {
    let Some(corpus) = corpus() else { return };
    let docs = generated(&corpus, &[PathBuf::from(BASES[0])]);
    let get = |layout: &str| {
        &docs
            .iter()
            .find(|(n, _, _)| n.ends_with(&format!(".{layout}.xml")))
            .unwrap()
            .2
    };
    assert!(get("redeclare-same").contains("<rsm:ExchangedDocument xmlns:"));
    assert!(get("redeclare-other").contains("xmlns:udt=\"urn:konform:elsewhere:udt\""));
    assert!(get("default-undeclared").contains(" xmlns=\"\""));
    assert!(get("default").contains(
        "<DateTimeString xmlns=\"urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100\""
    ));
    assert!(get("two-prefixes").contains("<ramb:"));
    // Every layout reads back as the same elements (expanded names) and text.
    let expanded = |t: &str| {
        let d = roxmltree::Document::parse(t).unwrap();
        d.descendants()
            .filter(|n| n.is_element())
            .map(|n| {
                format!(
                    "{:?}{}={}",
                    n.tag_name().namespace(),
                    n.tag_name().name(),
                    n.text().unwrap_or("").trim()
                )
            })
            .collect::<Vec<_>>()
    };
    let first = expanded(get("root"));
    for l in LAYOUTS {
        assert_eq!(expanded(get(l)), first, "layout {l}");
    }
}

/// Writes the generated documents to `$KONFORM_LAYOUTS_OUT` (for the Saxon side of the
/// differential). `$KONFORM_LAYOUTS_IN`, a folder, replaces the built-in base documents.
#[test]
#[ignore = "writes documents for benches/schematron/namespace_layouts.sh"]
fn write_layouts() {
    let Some(corpus) = corpus() else { return };
    let out = PathBuf::from(std::env::var("KONFORM_LAYOUTS_OUT").expect("KONFORM_LAYOUTS_OUT"));
    let bases: Vec<PathBuf> = match std::env::var("KONFORM_LAYOUTS_IN") {
        Ok(dir) => {
            let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap()
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")))
                .collect();
            v.sort();
            v
        }
        Err(_) => BASES.iter().map(PathBuf::from).collect(),
    };
    std::fs::create_dir_all(&out).unwrap();
    for (name, syntax, text) in generated(&corpus, &bases) {
        let dir = out.join(syntax);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
    }
}
