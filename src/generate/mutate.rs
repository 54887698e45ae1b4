//! Rule-targeted mutants, in the manner of XML-MutaTe: small edits of a valid message (remove
//! an element or attribute, empty it, put a wrong code value in it, pad it with whitespace),
//! judged by the validator; a mutant is kept for a rule when the validator finds that rule,
//! and only that rule, violated. Each kept mutant records its target rule.

use super::content::{ContentModel, Insertion, insertions};
use super::tree::{Element, Node};
use super::xml::Judge;
use std::collections::{BTreeMap, BTreeSet};

/// One edit of a message, addressed by pre-order element index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// Remove the element.
    Remove(usize),
    /// Remove its children and text.
    Empty(usize),
    /// Replace the text of a leaf with a code no code list holds.
    Code(usize),
    /// Surround the text of a leaf with whitespace.
    Whitespace(usize),
    /// Remove an attribute.
    RemoveAttr(usize, String),
    /// Replace an attribute's value with a code no code list holds.
    CodeAttr(usize, String),
    /// Swap the element with its next element sibling (order).
    Swap(usize),
    /// Insert a copy of the element right after it (occurrence).
    Duplicate(usize),
    /// Give the element a name no schema declares (same prefix, local name + `Zz`).
    Rename(usize),
    /// Add an element the schema allows but the message lacks (text `1`).
    Insert(Insertion),
}

/// The value used for code mutations: outside every code list, XML-safe.
pub const WRONG_CODE: &str = "ZZ-KONFORM";

impl Mutation {
    /// Applies the edit; `false` when the target does not exist.
    pub fn apply(&self, e: &mut Element) -> bool {
        match self {
            Mutation::Remove(i) => e.remove(*i),
            Mutation::Empty(i) => e.get_mut(*i).map(|n| n.children.clear()).is_some(),
            Mutation::Code(i) => e.get_mut(*i).map(|n| n.set_text(WRONG_CODE)).is_some(),
            Mutation::Whitespace(i) => e
                .get_mut(*i)
                .map(|n| {
                    let t = n.text();
                    n.set_text(&format!(" \n\t{t} \n"));
                })
                .is_some(),
            Mutation::RemoveAttr(i, k) => e.get_mut(*i).is_some_and(|n| {
                let before = n.attrs.len();
                n.attrs.retain(|(name, _)| name != k);
                n.attrs.len() < before
            }),
            Mutation::CodeAttr(i, k) => e.get_mut(*i).is_some_and(|n| {
                n.attrs
                    .iter_mut()
                    .find(|(name, _)| name == k)
                    .map(|a| a.1 = WRONG_CODE.to_string())
                    .is_some()
            }),
            Mutation::Swap(i) => e.swap_with_next(*i),
            Mutation::Duplicate(i) => e.duplicate(*i),
            Mutation::Rename(i) => e.get_mut(*i).map(|n| n.name.push_str("Zz")).is_some(),
            Mutation::Insert(ins) => e.get_mut(ins.at).is_some_and(|n| {
                let child = Element {
                    name: ins.name.clone(),
                    attrs: ins.declare.iter().cloned().collect(),
                    children: vec![Node::Text("1".into())],
                };
                let at = ins.position.min(n.children.len());
                n.children.insert(at, Node::Element(child));
                true
            }),
        }
    }

    /// Element index the edit applies to.
    pub fn target(&self) -> usize {
        match self {
            Mutation::Remove(i)
            | Mutation::Empty(i)
            | Mutation::Code(i)
            | Mutation::Whitespace(i)
            | Mutation::RemoveAttr(i, _)
            | Mutation::CodeAttr(i, _)
            | Mutation::Swap(i)
            | Mutation::Duplicate(i)
            | Mutation::Rename(i) => *i,
            Mutation::Insert(ins) => ins.at,
        }
    }

    /// Words for reports, with the path of the target.
    pub fn describe(&self, path: &str) -> String {
        match self {
            Mutation::Remove(_) => format!("removed {path}"),
            Mutation::Empty(_) => format!("emptied {path}"),
            Mutation::Code(_) => format!("replaced the value of {path} by the code {WRONG_CODE}"),
            Mutation::Whitespace(_) => format!("padded the value of {path} with whitespace"),
            Mutation::RemoveAttr(_, k) => format!("removed {path}/@{k}"),
            Mutation::CodeAttr(_, k) => {
                format!("replaced {path}/@{k} by the code {WRONG_CODE}")
            }
            Mutation::Swap(_) => format!("swapped {path} with its next sibling element"),
            Mutation::Duplicate(_) => format!("repeated {path}"),
            Mutation::Rename(_) => format!("renamed {path} (local name + Zz)"),
            Mutation::Insert(ins) => format!("added {} to {path}", ins.name),
        }
    }
}

/// Every edit of a message, in document order, plus (with a content model) the elements the
/// schema allows to add.
pub fn all_mutations(e: &Element, model: Option<&ContentModel>) -> Vec<Mutation> {
    let mut out = Vec::new();
    if let Some(m) = model {
        out.extend(insertions(e, m).into_iter().map(Mutation::Insert));
    }
    for (i, _, n) in e.walk() {
        if i > 0 {
            out.push(Mutation::Remove(i));
            out.push(Mutation::Duplicate(i));
            out.push(Mutation::Swap(i));
            out.push(Mutation::Rename(i));
        }
        if !n.children.is_empty() {
            out.push(Mutation::Empty(i));
        }
        if n.is_leaf() && !n.text().trim().is_empty() {
            out.push(Mutation::Code(i));
            out.push(Mutation::Whitespace(i));
        }
        for (k, _) in &n.attrs {
            if k != "xmlns" && !k.starts_with("xmlns:") {
                out.push(Mutation::RemoveAttr(i, k.clone()));
                out.push(Mutation::CodeAttr(i, k.clone()));
            }
        }
    }
    out
}

/// A mutant that violates exactly one rule.
#[derive(Debug, Clone)]
pub struct Mutant {
    /// The rule it violates (and no other).
    pub rule: String,
    /// The edit.
    pub mutation: Mutation,
    /// What was done, in words.
    pub description: String,
}

/// Which rules to look for.
#[derive(Debug, Clone, Copy)]
pub struct Targets<'a> {
    /// Rules the seed itself reports (a mutant must add exactly one rule to them).
    pub baseline: &'a BTreeSet<String>,
    /// Only these rules (empty: any).
    pub only: &'a [String],
    /// Mutants kept per rule.
    pub per_rule: usize,
    /// Element local names (lower case) the target rules' contexts mention: edits of these
    /// elements are tried first.
    pub near: &'a BTreeSet<String>,
    /// The schemas' content models, for insertions.
    pub content: Option<&'a ContentModel>,
}

/// Tries the edits of `seed` in the order given by `order` (a permutation seed), at most
/// `budget` of them, and keeps up to `per_rule` mutants per rule that violate exactly that
/// rule beyond the baseline. With `only` rules, stops once each has `per_rule` mutants.
pub fn targeted_mutants(
    seed: &Element,
    targets: Targets<'_>,
    order: u64,
    budget: usize,
    judge: &mut Judge<'_>,
) -> BTreeMap<String, Vec<Mutant>> {
    let Targets {
        baseline,
        only,
        per_rule,
        near,
        content,
    } = targets;
    let paths: Vec<String> = seed.walk().into_iter().map(|(_, p, _)| p).collect();
    let mut edits = all_mutations(seed, content);
    shuffle(&mut edits, order);
    if !near.is_empty() {
        let locals: Vec<String> = seed
            .walk()
            .into_iter()
            .map(|(_, _, n)| n.local().to_ascii_lowercase())
            .collect();
        let name = |m: &Mutation| match m {
            Mutation::Insert(ins) => Some(
                ins.name
                    .rsplit(':')
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase(),
            ),
            other => locals.get(other.target()).cloned(),
        };
        edits.sort_by_key(|m| !name(m).is_some_and(|l| near.contains(&l)));
    }
    let mut out: BTreeMap<String, Vec<Mutant>> = BTreeMap::new();
    for m in edits.into_iter().take(budget) {
        let mut e = seed.clone();
        if !m.apply(&mut e) {
            continue;
        }
        let Some(judged) = judge(&e) else { continue };
        let mut new = judged.rules.difference(baseline);
        let (Some(rule), None) = (new.next(), new.next()) else {
            continue;
        };
        let rule = rule.clone();
        if !only.is_empty() && !only.contains(&rule) {
            continue;
        }
        let slot = out.entry(rule.clone()).or_default();
        if slot.len() < per_rule {
            let path = paths.get(m.target()).map_or("?", String::as_str);
            slot.push(Mutant {
                rule,
                description: m.describe(path),
                mutation: m,
            });
        }
        if !only.is_empty() && out.len() >= only.len() && out.values().all(|v| v.len() >= per_rule)
        {
            break;
        }
    }
    out
}

/// The element names an XPath or message text mentions, lower case, without prefixes.
pub fn mentioned_names(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == ':'))
        .filter_map(|t| t.rsplit(':').next())
        .filter(|t| t.len() > 2)
        .map(str::to_ascii_lowercase)
        .collect()
}

/// A deterministic Fisher-Yates shuffle (xorshift), so runs with the same seed agree.
fn shuffle<T>(v: &mut [T], seed: u64) {
    let mut x = seed | 1;
    for i in (1..v.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.swap(i, (x % (i as u64 + 1)) as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::tree::parse;
    use crate::generate::xml::Judged;

    #[test]
    fn keeps_mutants_that_violate_exactly_one_rule() {
        let seed = parse(r#"<r k="v"><a>1</a><b>2</b></r>"#).unwrap();
        // rule A: <a> present; rule B: <b> has text "2"; removing <r>'s children breaks both.
        let mut judge = |e: &Element| {
            let w = e.walk();
            let mut f = BTreeSet::new();
            if !w.iter().any(|(_, _, n)| n.local() == "a") {
                f.insert("A".to_string());
            }
            if !w
                .iter()
                .any(|(_, _, n)| n.local() == "b" && n.text() == "2")
            {
                f.insert("B".to_string());
            }
            Some(Judged {
                conformant: f.is_empty(),
                rules: f,
            })
        };
        let none = BTreeSet::new();
        let targets = Targets {
            baseline: &none,
            only: &[],
            per_rule: 10,
            near: &none,
            content: None,
        };
        let found = targeted_mutants(&seed, targets, 42, 1000, &mut judge);
        let a: Vec<&Mutation> = found["A"].iter().map(|m| &m.mutation).collect();
        assert_eq!(a.len(), 2, "{a:?}");
        assert!(a.contains(&&Mutation::Remove(1)) && a.contains(&&Mutation::Rename(1)));
        assert_eq!(found["B"].len(), 5, "{:?}", found["B"]);
        assert!(found["A"][0].description.contains("/r[1]/a[1]"));
        assert_eq!(found.len(), 2);
    }
}
