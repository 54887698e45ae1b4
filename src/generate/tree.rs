//! A small owned XML element tree for generated messages: parse (roxmltree), serialise,
//! address nodes by pre-order index, and edit. Namespace declarations are kept as attributes
//! named `xmlns`/`xmlns:p`, names keep their prefixes, so a parsed message serialises back to
//! an equivalent document. Comments and processing instructions are dropped.

use std::fmt::Write as _;

/// One element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Qualified name as written (`prefix:local` or `local`).
    pub name: String,
    /// Attributes (including namespace declarations), in document order.
    pub attrs: Vec<(String, String)>,
    /// Children.
    pub children: Vec<Node>,
}

/// A child of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Character data.
    Text(String),
}

impl Element {
    /// The local part of the name.
    pub fn local(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }

    /// Element children.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|c| match c {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// Whether the element has no element children (a leaf holding text, if any).
    pub fn is_leaf(&self) -> bool {
        self.elements().next().is_none()
    }

    /// The concatenated text of a leaf.
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|c| match c {
                Node::Text(t) => Some(t.as_str()),
                Node::Element(_) => None,
            })
            .collect()
    }

    /// Replaces the text content of a leaf.
    pub fn set_text(&mut self, text: &str) {
        self.children.retain(|c| matches!(c, Node::Element(_)));
        if !text.is_empty() {
            self.children.push(Node::Text(text.to_string()));
        }
    }

    /// Number of elements in this subtree (itself included).
    pub fn size(&self) -> usize {
        1 + self.elements().map(Element::size).sum::<usize>()
    }

    /// Pre-order walk: `(index, path, element)`; the root has index 0 and path `/name[1]`.
    pub fn walk(&self) -> Vec<(usize, String, &Element)> {
        let mut out = Vec::new();
        walk_into(self, format!("/{}[1]", self.name), &mut out);
        out
    }

    /// The element at a pre-order index.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut Element> {
        let mut i = index;
        get_mut_in(self, &mut i)
    }

    /// Removes the element at a pre-order index (not the root). Returns whether it existed.
    pub fn remove(&mut self, index: usize) -> bool {
        if index == 0 {
            return false;
        }
        let mut i = index;
        remove_in(self, &mut i)
    }

    /// Swaps the element at a pre-order index with its next element sibling; `false` when
    /// it has none.
    pub fn swap_with_next(&mut self, index: usize) -> bool {
        self.with_parent(index, |children, k| {
            let next = (k + 1..children.len()).find(|&j| matches!(children[j], Node::Element(_)));
            next.map(|j| children.swap(k, j)).is_some()
        })
    }

    /// Inserts a copy of the element at a pre-order index right after it.
    pub fn duplicate(&mut self, index: usize) -> bool {
        self.with_parent(index, |children, k| {
            let copy = children[k].clone();
            children.insert(k + 1, copy);
            true
        })
    }

    /// Calls `f` with the children of the parent of the element at `index` and its position
    /// among them.
    fn with_parent(&mut self, index: usize, f: impl FnOnce(&mut Vec<Node>, usize) -> bool) -> bool {
        if index == 0 {
            return false;
        }
        let mut i = index;
        let Some((parent, k)) = locate_parent(self, &mut i) else {
            return false;
        };
        f(&mut parent.children, k)
    }

    /// Serialises to an XML document (with declaration).
    pub fn to_xml(&self) -> String {
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        write_element(self, &mut s);
        s.push('\n');
        s
    }
}

fn walk_into<'a>(e: &'a Element, path: String, out: &mut Vec<(usize, String, &'a Element)>) {
    out.push((out.len(), path.clone(), e));
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for c in e.elements() {
        let n = match seen.iter_mut().find(|(name, _)| *name == c.name) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                seen.push((&c.name, 1));
                1
            }
        };
        walk_into(c, format!("{path}/{}[{n}]", c.name), out);
    }
}

fn get_mut_in<'a>(e: &'a mut Element, i: &mut usize) -> Option<&'a mut Element> {
    if *i == 0 {
        return Some(e);
    }
    *i -= 1;
    for c in e.children.iter_mut() {
        if let Node::Element(c) = c {
            let size = c.size();
            if *i < size {
                return get_mut_in(c, i);
            }
            *i -= size;
        }
    }
    None
}

fn locate_parent<'a>(e: &'a mut Element, i: &mut usize) -> Option<(&'a mut Element, usize)> {
    let mut found = None;
    for (k, c) in e.children.iter().enumerate() {
        if let Node::Element(c) = c {
            if *i == 1 {
                found = Some((k, false));
                break;
            }
            let size = c.size();
            if *i <= size {
                *i -= 1;
                found = Some((k, true));
                break;
            }
            *i -= size;
        }
    }
    match found {
        Some((k, false)) => Some((e, k)),
        Some((k, true)) => match &mut e.children[k] {
            Node::Element(c) => locate_parent(c, i),
            Node::Text(_) => None,
        },
        None => None,
    }
}

fn remove_in(e: &mut Element, i: &mut usize) -> bool {
    let mut pos = None;
    for (k, c) in e.children.iter_mut().enumerate() {
        if let Node::Element(c) = c {
            if *i == 1 {
                pos = Some(k);
                break;
            }
            let size = c.size();
            if *i <= size {
                *i -= 1;
                return remove_in(c, i);
            }
            *i -= size;
        }
    }
    match pos {
        Some(k) => {
            e.children.remove(k);
            true
        }
        None => false,
    }
}

fn escape(s: &str, out: &mut String, attr: bool) {
    for ch in s.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' if attr => out.push_str("&quot;"),
            '\n' if attr => out.push_str("&#10;"),
            '\t' if attr => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

fn write_element(e: &Element, out: &mut String) {
    let _ = write!(out, "<{}", e.name);
    for (k, v) in &e.attrs {
        let _ = write!(out, " {k}=\"");
        escape(v, out, true);
        out.push('"');
    }
    if e.children.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    for c in &e.children {
        match c {
            Node::Element(c) => write_element(c, out),
            Node::Text(t) => escape(t, out, false),
        }
    }
    let _ = write!(out, "</{}>", e.name);
}

/// Why a message could not be read into a tree.
#[derive(Debug, Clone, thiserror::Error)]
#[error("not well-formed XML: {0}")]
pub struct TreeError(pub String);

/// Parses a document into a tree (namespace prefixes preserved).
pub fn parse(text: &str) -> Result<Element, TreeError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = roxmltree::Document::parse(text).map_err(|e| TreeError(e.to_string()))?;
    Ok(convert(doc.root_element()))
}

fn qualified(node: roxmltree::Node<'_, '_>, ns: Option<&str>, local: &str) -> String {
    match ns.and_then(|u| node.lookup_prefix(u)) {
        Some(p) if !p.is_empty() => format!("{p}:{local}"),
        _ => local.to_string(),
    }
}

fn convert(node: roxmltree::Node<'_, '_>) -> Element {
    let tag = node.tag_name();
    let mut attrs = Vec::new();
    let parent_ns: Vec<_> = node
        .parent_element()
        .map(|p| p.namespaces().map(|n| (n.name(), n.uri())).collect())
        .unwrap_or_default();
    for n in node.namespaces() {
        if !parent_ns.contains(&(n.name(), n.uri())) {
            let key = match n.name() {
                Some(p) => format!("xmlns:{p}"),
                None => "xmlns".to_string(),
            };
            attrs.push((key, n.uri().to_string()));
        }
    }
    for a in node.attributes() {
        let name = match a.namespace() {
            Some("http://www.w3.org/XML/1998/namespace") => format!("xml:{}", a.name()),
            Some(u) => qualified(node, Some(u), a.name()),
            None => a.name().to_string(),
        };
        attrs.push((name, a.value().to_string()));
    }
    let children = node
        .children()
        .filter_map(|c| {
            if c.is_element() {
                Some(Node::Element(convert(c)))
            } else if c.is_text() {
                c.text().map(|t| Node::Text(t.to_string()))
            } else {
                None
            }
        })
        .collect();
    Element {
        name: qualified(node, tag.namespace(), tag.name()),
        attrs,
        children,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str =
        r#"<a:r xmlns:a="urn:a" xmlns="urn:d"><b x="1">t</b><c><d/><e>&amp;</e></c><b/></a:r>"#;

    #[test]
    fn round_trips_and_addresses_nodes() {
        let t = parse(DOC).unwrap();
        let again = parse(&t.to_xml()).unwrap();
        assert_eq!(t, again);
        let paths: Vec<String> = t.walk().into_iter().map(|(_, p, _)| p).collect();
        assert_eq!(paths[0], "/a:r[1]");
        assert_eq!(paths[3], "/a:r[1]/c[1]/d[1]");
        assert_eq!(paths[5], "/a:r[1]/b[2]");
        let mut u = t.clone();
        assert!(u.remove(2));
        assert_eq!(u.size(), 3);
        assert_eq!(
            u.get_mut(2).map(|e| e.local().to_string()),
            Some("b".into())
        );
        assert!(u.to_xml().contains("<b x=\"1\">t</b><b/>"));
        assert!(!u.remove(0));
        let mut v = t.clone();
        assert!(v.swap_with_next(1) && v.to_xml().contains("<c><d/><e>&amp;</e></c><b x=\"1\">"));
        assert!(v.duplicate(3) && v.size() == 7);
        assert!(!v.swap_with_next(6));
    }
}
