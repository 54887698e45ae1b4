//! XML-MutaTe test instances, as the XRechnung Schematron repository ships them.
//!
//! An instance is a complete document carrying processing instructions
//! `<?xmute mutator="..." schematron-valid="alias:RULE" schematron-invalid="alias:RULE" ...?>`.
//! Each acts on its next sibling element and yields one or more mutants:
//!
//! | mutator | mutants |
//! |---|---|
//! | `identity`, `noop` | the document unchanged |
//! | `remove` | the element (or its `attribute`) removed |
//! | `empty` | the element's content (or the `attribute`'s value) emptied |
//! | `code` | one per value in `values` (split at `,`, or at `separator`, and trimmed), as the element's text or the `attribute`'s value |
//! | `whitespace` | whitespace added left, right and on both sides of the text |
//!
//! `schematron-valid` lists rules (separated by commas or spaces) that must not fire on the
//! mutant, `schematron-invalid` rules that must fire. The alias names the schema to run
//! (`xrubl`, `xrcii`: XRechnung; `cenubl`, `cencii`: EN 16931). Processing instructions inside
//! comments are not instructions. A rule that none of the given schemas defines (XRechnung's
//! tests also name Peppol rules merged in at its build) is reported as not checkable, never as
//! agreement.

use crate::document::Limits;
use crate::document::xml::{XmlDoc, parse};
use crate::engine::schematron::SchematronEngine;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One `<?xmute?>` instruction.
#[derive(Debug, Clone)]
pub struct Instruction {
    /// Its pseudo-attributes, in order.
    pub attributes: Vec<(String, String)>,
    /// Byte offset of the instruction in the file (identifies it).
    pub offset: usize,
}

impl Instruction {
    /// A pseudo-attribute's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `(alias, rule)` pairs of a `schematron-valid`/`schematron-invalid` value. Upstream
    /// instances sometimes repeat the pseudo-attribute (one rule each); every occurrence counts.
    pub fn rules(&self, key: &str) -> Vec<(String, String)> {
        self.attributes
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(|c: char| c == ',' || c.is_whitespace()))
            .filter(|s| !s.is_empty())
            .map(|s| match s.split_once(':') {
                Some((a, r)) => (a.to_string(), r.to_string()),
                None => (String::new(), s.to_string()),
            })
            .collect()
    }
}

/// One mutant with its expectations.
#[derive(Debug, Clone)]
pub struct Mutant {
    /// The instance file.
    pub file: PathBuf,
    /// The instruction's `id` (or its byte offset).
    pub id: String,
    /// Mutator name.
    pub mutator: String,
    /// The value a `code` mutant uses, or the whitespace position.
    pub variant: Option<String>,
    /// Rules that must not fire: `(alias, rule)`.
    pub valid: Vec<(String, String)>,
    /// Rules that must fire.
    pub invalid: Vec<(String, String)>,
    /// The mutated document, or why it could not be made.
    pub document: Result<String, String>,
}

/// Verdict on one expectation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// konform agrees.
    Agree,
    /// konform disagrees.
    Disagree,
    /// No schema at hand defines the rule, or the alias is unknown.
    NotCheckable,
}

/// The result of one mutant.
#[derive(Debug, Clone)]
pub struct MutantOutcome {
    /// The mutant.
    pub mutant: Mutant,
    /// `(alias, rule, expected to fire, verdict, detail)`.
    pub checks: Vec<(String, String, bool, Verdict, String)>,
}

/// Parses the pseudo-attributes of a processing instruction's value.
pub fn pseudo_attributes(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start();
        let Some(eq) = rest.find('=') else { break };
        let name = rest[..eq].trim().to_string();
        let after = rest[eq + 1..].trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            break;
        };
        let body = &after[1..];
        let Some(end) = body.find(quote) else { break };
        out.push((name, body[..end].to_string()));
        rest = &body[end + 1..];
    }
    out
}

/// Reads every instance (`*.xml`) under a folder into mutants, sorted by path.
pub fn read_instances(dir: &Path) -> Result<Vec<Mutant>, String> {
    let mut files = Vec::new();
    super::collect_xml(dir, &mut files)?;
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        out.extend(mutants(&f, &text)?);
    }
    Ok(out)
}

fn escape(s: &str, attribute: bool) -> String {
    let s = s
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    if attribute {
        s.replace('"', "&quot;").replace('\'', "&apos;")
    } else {
        s
    }
}

/// Replaces the element's content (or makes a self-closing element hold `content`).
fn with_content(text: &str, el: roxmltree::Node<'_, '_>, content: &str) -> String {
    let r = el.range();
    let raw = &text[r.clone()];
    let tag_end = super::start_tag_end(raw);
    let new = if raw[..tag_end].ends_with("/>") {
        let name_end = raw[1..]
            .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
            .map_or(raw.len(), |i| i + 1);
        format!("{}>{content}</{}>", &raw[..tag_end - 2], &raw[1..name_end])
    } else {
        let close = raw.rfind("</").unwrap_or(raw.len());
        format!("{}{content}{}", &raw[..tag_end], &raw[close..])
    };
    format!("{}{new}{}", &text[..r.start], &text[r.end..])
}

/// Byte ranges of an attribute (whole, value) by local name.
fn attr_ranges(
    el: roxmltree::Node<'_, '_>,
    name: &str,
) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    el.attributes()
        .find(|x| x.name() == name)
        .map(|x| (x.range(), x.range_value()))
}

fn splice(text: &str, range: std::ops::Range<usize>, with: &str) -> String {
    format!("{}{with}{}", &text[..range.start], &text[range.end..])
}

/// The mutants of one instance file.
pub fn mutants(file: &Path, text: &str) -> Result<Vec<Mutant>, String> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let mut out = Vec::new();
    for pi_node in doc.descendants().filter(|n| n.is_pi()) {
        let Some(pi) = pi_node.pi() else { continue };
        if pi.target != "xmute" {
            continue;
        }
        let ins = Instruction {
            attributes: pseudo_attributes(pi.value.unwrap_or("")),
            offset: pi_node.range().start,
        };
        let mutator = ins.get("mutator").unwrap_or("").to_string();
        let base = Mutant {
            file: file.to_path_buf(),
            id: ins
                .get("id")
                .map_or_else(|| format!("@{}", ins.offset), str::to_string),
            mutator: mutator.clone(),
            variant: None,
            valid: ins.rules("schematron-valid"),
            invalid: ins.rules("schematron-invalid"),
            document: Err(String::new()),
        };
        let target = pi_node.next_siblings().find(roxmltree::Node::is_element);
        let attribute = ins.get("attribute");
        let one = |document: Result<String, String>, variant: Option<String>| Mutant {
            document,
            variant,
            ..base.clone()
        };
        match (mutator.as_str(), target) {
            ("identity" | "noop", _) => out.push(one(Ok(text.to_string()), None)),
            (_, None) => out.push(one(Err("no element follows the instruction".into()), None)),
            ("remove", Some(el)) => out.push(one(
                match attribute {
                    None => Ok(splice(text, el.range(), "<!--Removed node -->")),
                    Some(a) => attr_ranges(el, a)
                        .map(|(all, _)| splice(text, all, ""))
                        .ok_or(format!("no attribute {a}")),
                },
                None,
            )),
            ("empty", Some(el)) => out.push(one(
                match attribute {
                    None => Ok(with_content(text, el, "")),
                    Some(a) => attr_ranges(el, a)
                        .map(|(_, v)| splice(text, v, ""))
                        .ok_or(format!("no attribute {a}")),
                },
                None,
            )),
            ("code", Some(el)) => {
                let sep = ins
                    .get("separator")
                    .filter(|s| !s.is_empty())
                    .unwrap_or(",");
                let values = ins.get("values").unwrap_or("");
                // Values are trimmed: the instances list `a, b` and expect `b` without the space.
                for v in values.split(sep).map(str::trim).filter(|v| !v.is_empty()) {
                    let doc = match attribute {
                        None if el.children().any(|c| c.is_element()) => {
                            Err("the element has element content".to_string())
                        }
                        None => Ok(with_content(text, el, &escape(v, false))),
                        Some(a) => attr_ranges(el, a)
                            .map(|(_, r)| splice(text, r, &escape(v, true)))
                            .ok_or(format!("no attribute {a}")),
                    };
                    out.push(one(doc, Some(v.to_string())));
                }
            }
            ("whitespace", Some(el)) => {
                let content: String = el.children().filter_map(|c| c.text()).collect();
                let ws = "\n\t \t\n";
                for (pos, new) in [
                    ("left", format!("{ws}{content}")),
                    ("right", format!("{content}{ws}")),
                    ("both", format!("{ws}{content}{ws}")),
                ] {
                    out.push(one(
                        Ok(with_content(text, el, &escape(&new, false))),
                        Some(pos.to_string()),
                    ));
                }
            }
            (other, Some(_)) => out.push(one(
                Err(format!("mutator `{other}` is not supported")),
                None,
            )),
        }
    }
    Ok(out)
}

/// Runs mutants against schemas by alias (in parallel) and compares.
pub fn run(
    engines: &BTreeMap<String, &SchematronEngine>,
    mutants: &[Mutant],
) -> Vec<MutantOutcome> {
    let known: BTreeMap<&String, BTreeSet<String>> = engines
        .iter()
        .map(|(alias, e)| {
            (
                alias,
                crate::engine::Engine::discovered_rules(*e)
                    .into_iter()
                    .map(|r| r.id)
                    .collect(),
            )
        })
        .collect();
    mutants
        .par_iter()
        .map(|m| run_one(engines, &known, m))
        .collect()
}

fn run_one(
    engines: &BTreeMap<String, &SchematronEngine>,
    known: &BTreeMap<&String, BTreeSet<String>>,
    m: &Mutant,
) -> MutantOutcome {
    // (alias) -> fired rule ids and evaluation errors, computed once per alias.
    let mut results: BTreeMap<String, Result<Fired, String>> = BTreeMap::new();
    let mut checks = Vec::new();
    let expectations = m
        .valid
        .iter()
        .map(|r| (r, false))
        .chain(m.invalid.iter().map(|r| (r, true)));
    for ((alias, rule), must_fire) in expectations {
        let (Some(engine), Some(ids)) = (engines.get(alias), known.get(alias)) else {
            checks.push((
                alias.clone(),
                rule.clone(),
                must_fire,
                Verdict::NotCheckable,
                format!("no schema for alias `{alias}`"),
            ));
            continue;
        };
        if !ids.contains(rule) {
            checks.push((
                alias.clone(),
                rule.clone(),
                must_fire,
                Verdict::NotCheckable,
                format!("`{alias}` defines no rule {rule}"),
            ));
            continue;
        }
        let r = results
            .entry(alias.clone())
            .or_insert_with(|| evaluate(engine, &m.document));
        let (verdict, detail) = match r {
            Err(e) => (Verdict::Disagree, format!("could not run: {e}")),
            Ok((_, errors)) if errors.contains_key(rule) => (
                Verdict::Disagree,
                format!(
                    "{rule} could not be evaluated: {}",
                    errors.get(rule).map_or("", String::as_str)
                ),
            ),
            Ok((fired, _)) => {
                let did = fired.contains(rule);
                if did == must_fire {
                    (Verdict::Agree, String::new())
                } else if did {
                    (Verdict::Disagree, format!("{rule} fired, expected not to"))
                } else {
                    (
                        Verdict::Disagree,
                        format!("{rule} did not fire, expected to"),
                    )
                }
            }
        };
        checks.push((alias.clone(), rule.clone(), must_fire, verdict, detail));
    }
    MutantOutcome {
        mutant: m.clone(),
        checks,
    }
}

/// Fired rule ids, and the rules that could not be evaluated with the engine's reason.
type Fired = (BTreeSet<String>, BTreeMap<String, String>);

fn evaluate(engine: &SchematronEngine, document: &Result<String, String>) -> Result<Fired, String> {
    let text = document.as_ref().map_err(Clone::clone)?;
    let tree = match parse("mutant", text, &Limits::default()) {
        Ok(Ok(t)) => t,
        Ok(Err(p)) => return Err(p.message),
        Err(e) => return Err(e.to_string()),
    };
    let doc = XmlDoc::new(text, tree, 0);
    let run = engine.run(&doc).map_err(|e| e.to_string())?;
    let mut fired = BTreeSet::new();
    let mut errors = BTreeMap::new();
    for r in &run.records {
        if r.kind == "error" {
            errors
                .entry(r.id.clone())
                .or_insert_with(|| super::evaluation_reason(&r.text));
        } else {
            fired.insert(r.id.clone());
        }
    }
    Ok((fired, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_make_mutants() {
        let text = r#"<a><?xmute mutator="code" values="x,y" schematron-invalid="xr:R1, xr:R2"?><b c="1">v</b><!-- <?xmute mutator="remove"?> --><?xmute mutator="remove" attribute="c" schematron-valid="xr:R3"?><b c="2"/></a>"#;
        let ms = mutants(Path::new("t.xml"), text).unwrap();
        assert_eq!(ms.len(), 3);
        assert!(
            ms[0]
                .document
                .as_deref()
                .unwrap()
                .contains(r#"<b c="1">x</b>"#)
        );
        assert_eq!(ms[1].variant.as_deref(), Some("y"));
        assert_eq!(
            ms[0].invalid,
            vec![
                ("xr".to_string(), "R1".to_string()),
                ("xr".to_string(), "R2".to_string())
            ]
        );
        assert!(ms[2].document.as_deref().unwrap().ends_with("<b /></a>"));
    }

    #[test]
    fn whitespace_and_empty_mutators() {
        let text = r#"<a><?xmute mutator="whitespace" schematron-valid="xr:R"?><b>v</b><?xmute mutator="empty"?><c>w</c></a>"#;
        let ms = mutants(Path::new("t.xml"), text).unwrap();
        let variants: Vec<_> = ms.iter().map(|m| m.variant.clone()).collect();
        assert_eq!(
            variants,
            vec![
                Some("left".to_string()),
                Some("right".to_string()),
                Some("both".to_string()),
                None
            ]
        );
        let doc = |i: usize| ms[i].document.clone().unwrap();
        assert!(doc(0).contains("<b>\n\t \t\nv</b>"), "{}", doc(0));
        assert!(doc(1).contains("<b>v\n\t \t\n</b>"), "{}", doc(1));
        assert!(doc(2).contains("<b>\n\t \t\nv\n\t \t\n</b>"), "{}", doc(2));
        assert!(
            doc(3).contains("<b>v</b>") && !doc(3).contains(">w<"),
            "{}",
            doc(3)
        );
        assert_eq!(ms[0].valid, vec![("xr".to_string(), "R".to_string())]);
    }
}
