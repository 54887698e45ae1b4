//! Namespace scope as XPath defines it, laid onto xee's tree before evaluation.
//!
//! XPath Data Model 3.1 §2.7: an element's in-scope namespaces are its own declarations plus
//! every ancestor's declaration that it (or an element between) does not redeclare; `name()`
//! shows the prefix the document wrote (the node-name keeps it). xee reads both from xot,
//! whose prefix-for-namespace lookup (0.31.2) walks up from the node and gives up at the
//! first prefix it meets a second time, so below any redeclared prefix — even one redeclared
//! to the same URI — `name()` fails with "missing prefix" for every other namespace; and where
//! a namespace is bound to two prefixes, it answers with whichever it meets first, not the one
//! the document wrote.
//!
//! The fix here does not depend on how that lookup walks: every element that is affected (one
//! that redeclares a prefix, one whose namespace is bound to more than one prefix in scope,
//! and everything below either) gets its complete in-scope set as its own declarations, the
//! prefix its name was written with first, and `xml` bound explicitly. A lookup then ends on
//! the element itself. Elements of documents that redeclare nothing are left as parsed.
//!
//! Known limit: an attribute whose namespace is bound to several prefixes in scope shows the
//! prefix its element uses for that namespace (or the first declared), not necessarily its own.

use std::collections::HashMap;
use xot::{NamespaceId, Node, PrefixId, Xot};

/// The prefix each element's name was written with, in document order (`""` for none).
pub(crate) fn lexical_prefixes(tree: &roxmltree::Document<'_>, text: &str) -> Vec<String> {
    tree.descendants()
        .filter(roxmltree::Node::is_element)
        .map(|n| {
            let start = n.range().start + 1;
            let tag = text.get(start..).unwrap_or("");
            let end = tag
                .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
                .unwrap_or(tag.len());
            tag[..end]
                .split_once(':')
                .map_or(String::new(), |(p, _)| p.to_string())
        })
        .collect()
}

/// What normalising changed (for tests and diagnostics).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Normalised {
    /// Elements whose declarations were replaced by their complete in-scope set.
    pub elements: usize,
}

/// Gives every affected element of the document under `root` its complete in-scope
/// namespaces (see the module documentation). `lexical` lists the prefix of each element's
/// name in document order; when it does not line up with the tree it is not used.
pub(crate) fn normalise(xot: &mut Xot, root: Node, lexical: &[String]) -> Normalised {
    let elements: Vec<Node> = xot
        .descendants(root)
        .filter(|&n| xot.is_element(n))
        .collect();
    let lexical = (lexical.len() == elements.len()).then_some(lexical);
    // Per element: its in-scope bindings (undeclaration of the default included) and whether
    // it was rewritten (then every descendant must be too: a lookup from below would meet its
    // prefixes a second time).
    let mut state: HashMap<Node, (Vec<(PrefixId, NamespaceId)>, bool)> = HashMap::new();
    let mut rewrites: Vec<(Node, Vec<(PrefixId, NamespaceId)>)> = Vec::new();
    let xml = (xot.xml_prefix(), xot.xml_namespace());
    for (k, &e) in elements.iter().enumerate() {
        let (parent_scope, parent_rewritten) = xot
            .parent(e)
            .and_then(|p| state.get(&p))
            .map_or((Vec::new(), false), |(s, r)| (s.clone(), *r));
        let own = xot.namespace_declarations(e);
        let redeclares = own
            .iter()
            .any(|(p, _)| parent_scope.iter().any(|(q, _)| q == p));
        let mut scope: Vec<(PrefixId, NamespaceId)> = own.to_vec();
        scope.extend(
            parent_scope
                .iter()
                .filter(|(q, _)| !own.iter().any(|(p, _)| p == q))
                .copied(),
        );
        let bound = |ns: NamespaceId| {
            scope
                .iter()
                .filter(|(p, n)| *n == ns && !is_undeclaration(xot, *p, *n))
                .count()
        };
        let name_ns = xot
            .element(e)
            .map_or(xot.no_namespace(), |el| xot.namespace_for_name(el.name()));
        let mut ambiguous = name_ns != xot.no_namespace() && bound(name_ns) > 1;
        for name in xot.attributes(e).keys() {
            let ns = xot.namespace_for_name(name);
            if ns != xot.no_namespace() && bound(ns) > 1 {
                ambiguous = true;
            }
        }
        let rewrite = parent_rewritten || redeclares || ambiguous;
        if rewrite {
            let written = lexical
                .and_then(|l| l.get(k))
                .map(|p| xot.prefix(p).unwrap_or(xot.empty_prefix()));
            let mut order: Vec<(PrefixId, NamespaceId)> = Vec::with_capacity(scope.len() + 1);
            if let Some(p) = written
                && let Some(&b) = scope.iter().find(|(q, n)| *q == p && *n == name_ns)
            {
                order.push(b);
            }
            for &b in &scope {
                if !order.contains(&b) {
                    order.push(b);
                }
            }
            if !order.iter().any(|(p, _)| *p == xml.0) {
                order.push(xml);
            }
            rewrites.push((e, order));
        }
        state.insert(e, (scope, rewrite));
    }
    let count = rewrites.len();
    for (e, order) in rewrites {
        let mut ns = xot.namespaces_mut(e);
        ns.clear();
        for (p, n) in order {
            ns.insert(p, n);
        }
    }
    Normalised { elements: count }
}

/// `xmlns=""`: the default namespace undeclared.
fn is_undeclaration(xot: &Xot, p: PrefixId, n: NamespaceId) -> bool {
    p == xot.empty_prefix() && n == xot.no_namespace()
}

#[cfg(test)]
mod tests {
    use super::*;
    use xot::xmlname::NameStrInfo;

    /// `name()` of every element and attribute as xot answers it after normalising.
    fn names(text: &str) -> (Vec<String>, Normalised) {
        let tree = roxmltree::Document::parse(text).unwrap();
        let lexical = lexical_prefixes(&tree, text);
        let mut xot = Xot::new();
        let root = xot.parse(text).unwrap();
        let n = normalise(&mut xot, root, &lexical);
        let mut out = Vec::new();
        let nodes: Vec<Node> = xot.descendants(root).collect();
        for node in nodes {
            if let Some(el) = xot.element(node) {
                let name = xot.node_name_ref(node).unwrap().unwrap();
                out.push(name.full_name().to_string());
                let _ = el;
                for a in xot.attribute_nodes(node) {
                    let an = xot.node_name_ref(a).unwrap().unwrap();
                    out.push(format!("@{}", an.full_name()));
                }
            }
        }
        (out, n)
    }

    #[test]
    fn a_prefix_redeclared_below_keeps_the_other_prefixes_in_scope() {
        let (names, n) = names(
            r#"<r:A xmlns:r="urn:r" xmlns:q="urn:q" xmlns:u="urn:u"><r:B xmlns:q="urn:q2"><u:C q:x="1"/></r:B></r:A>"#,
        );
        assert_eq!(names, ["r:A", "r:B", "u:C", "@q:x"]);
        assert_eq!(n.elements, 2);
    }

    #[test]
    fn a_namespace_bound_to_two_prefixes_shows_the_written_one() {
        let (names, _) = names(
            r#"<Invoice xmlns="urn:i" xmlns:i="urn:i"><i:X/><Y/><j:Z xmlns:j="urn:i"/></Invoice>"#,
        );
        assert_eq!(names, ["Invoice", "i:X", "Y", "j:Z"]);
    }

    #[test]
    fn default_namespace_undeclared_and_redeclared() {
        let (names, _) = names(
            r#"<A xmlns="urn:a" xmlns:p="urn:p"><B xmlns=""><p:C/><D xmlns="urn:d"><p:E/></D></B></A>"#,
        );
        assert_eq!(names, ["A", "B", "p:C", "D", "p:E"]);
    }

    #[test]
    fn xml_prefix_stays_in_scope_after_rewriting() {
        let (names, _) =
            names(r#"<p:A xmlns:p="urn:p"><p:B xmlns:p="urn:p"><p:C xml:lang="de"/></p:B></p:A>"#);
        assert_eq!(names, ["p:A", "p:B", "p:C", "@xml:lang"]);
    }

    #[test]
    fn documents_without_redeclarations_are_left_alone() {
        let (_, n) = names(r#"<p:A xmlns:p="urn:p" xmlns:q="urn:q"><q:B><p:C/></q:B></p:A>"#);
        assert_eq!(n.elements, 0);
    }
}
