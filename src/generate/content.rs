//! The content models of a package's XML Schemas, enough to *add* an element where the schema
//! allows it: for each element name, its type, and for each complex type, the element children
//! its sequence declares, in order, with their namespaces. Used by the insertion mutation
//! (rules that fire when an element is present, e.g. EN 16931's UBL-CR-* "should not include").

use super::tree::{Element, Node};
use std::collections::BTreeMap;

const XS: &str = "http://www.w3.org/2001/XMLSchema";

/// A declared child: namespace URI and local name.
pub type Child = (String, String);

/// Element types and ordered children of complex types.
#[derive(Debug, Default)]
pub struct ContentModel {
    /// Element local name -> type local name.
    pub element_type: BTreeMap<String, String>,
    /// Complex type local name (or `#element` for anonymous types) -> declared children.
    pub children: BTreeMap<String, Vec<Child>>,
}

fn is_xs(n: &roxmltree::Node<'_, '_>, local: &str) -> bool {
    n.is_element() && n.tag_name().name() == local && n.tag_name().namespace() == Some(XS)
}

impl ContentModel {
    /// Reads every XSD artefact of a package.
    pub fn of_package(package: &crate::standard::Package) -> ContentModel {
        let texts = super::xsd::xsd_texts(package);
        ContentModel::from_texts(texts.iter().map(String::as_str))
    }

    /// Reads schema documents given as text.
    pub fn from_texts<'a>(texts: impl Iterator<Item = &'a str>) -> ContentModel {
        let mut m = ContentModel::default();
        for text in texts {
            let Ok(doc) = roxmltree::Document::parse(text) else {
                continue;
            };
            let target = doc
                .root_element()
                .attribute("targetNamespace")
                .unwrap_or("")
                .to_string();
            for n in doc.descendants().filter(|n| is_xs(n, "element")) {
                if let (Some(name), Some(t)) = (n.attribute("name"), n.attribute("type")) {
                    let t = t.rsplit(':').next().unwrap_or(t);
                    m.element_type.insert(name.to_string(), t.to_string());
                }
            }
            for ct in doc.descendants().filter(|n| is_xs(n, "complexType")) {
                let key = match (ct.attribute("name"), ct.parent_element()) {
                    (Some(name), _) => name.to_string(),
                    (None, Some(p)) if is_xs(&p, "element") => match p.attribute("name") {
                        Some(e) => format!("#{e}"),
                        None => continue,
                    },
                    _ => continue,
                };
                let kids: Vec<Child> = ct
                    .descendants()
                    .filter(|e| is_xs(e, "element"))
                    .filter(|e| {
                        // direct content only: no nested complex type between
                        e.ancestors()
                            .skip(1)
                            .take_while(|a| a.id() != ct.id())
                            .all(|a| !is_xs(&a, "complexType"))
                    })
                    .filter_map(|e| match (e.attribute("ref"), e.attribute("name")) {
                        (Some(r), _) => {
                            let (prefix, local) = r.split_once(':').unwrap_or(("", r));
                            let ns = e.lookup_namespace_uri(Some(prefix).filter(|p| !p.is_empty()));
                            Some((ns.unwrap_or("").to_string(), local.to_string()))
                        }
                        (None, Some(name)) => Some((target.clone(), name.to_string())),
                        _ => None,
                    })
                    .collect();
                m.children.insert(key, kids);
            }
        }
        m
    }

    /// Declared children of an element (by its local name).
    pub fn children_of(&self, local: &str) -> Option<&[Child]> {
        let key = match self.element_type.get(local) {
            Some(t) => t.clone(),
            None => format!("#{local}"),
        };
        self.children.get(&key).map(Vec::as_slice)
    }

    /// Whether an element of this name has element children in its model.
    pub fn is_aggregate(&self, local: &str) -> bool {
        self.children_of(local).is_some_and(|c| !c.is_empty())
    }
}

/// An element to add: into the element at `at`, before its child node `position`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insertion {
    /// Pre-order index of the parent.
    pub at: usize,
    /// Index in the parent's `children` to insert before.
    pub position: usize,
    /// The qualified name to write.
    pub name: String,
    /// A namespace declaration the new element needs (no prefix for it in the document).
    pub declare: Option<(String, String)>,
}

/// Every declared, absent, non-aggregate child of every element, placed after the last
/// present child that precedes it in the declared order.
pub fn insertions(doc: &Element, model: &ContentModel) -> Vec<Insertion> {
    let prefixes: Vec<(String, String)> = doc
        .walk()
        .into_iter()
        .flat_map(|(_, _, e)| e.attrs.iter())
        .filter_map(|(k, v)| k.strip_prefix("xmlns:").map(|p| (v.clone(), p.to_string())))
        .collect();
    let mut out = Vec::new();
    for (i, _, e) in doc.walk() {
        let Some(declared) = model.children_of(e.local()) else {
            continue;
        };
        let present: Vec<&str> = e.elements().map(Element::local).collect();
        for (k, (ns, local)) in declared.iter().enumerate() {
            if present.contains(&local.as_str()) || model.is_aggregate(local) {
                continue;
            }
            let before: Vec<&str> = declared[..k].iter().map(|(_, l)| l.as_str()).collect();
            let position = e
                .children
                .iter()
                .rposition(|c| matches!(c, Node::Element(c) if before.contains(&c.local())))
                .map_or(0, |p| p + 1);
            let (name, declare) = match prefixes.iter().find(|(u, _)| u == ns) {
                Some((_, p)) => (format!("{p}:{local}"), None),
                None if ns.is_empty() => (local.clone(), None),
                None => (
                    format!("kz:{local}"),
                    Some(("xmlns:kz".to_string(), ns.clone())),
                ),
            };
            out.push(Insertion {
                at: i,
                position,
                name,
                declare,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::tree::parse;

    #[test]
    fn adds_absent_children_in_declared_order() {
        let xsd = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t">
          <xs:element name="r" type="R"/>
          <xs:complexType name="R"><xs:sequence>
            <xs:element name="a"/><xs:element name="b" minOccurs="0"/><xs:element name="c"/>
            <xs:element name="g" type="G" minOccurs="0"/>
          </xs:sequence></xs:complexType>
          <xs:complexType name="G"><xs:sequence><xs:element name="x"/></xs:sequence></xs:complexType>
        </xs:schema>"#;
        let m = ContentModel::from_texts([xsd].into_iter());
        let doc = parse(r#"<t:r xmlns:t="urn:t"><t:a/><t:c/></t:r>"#).unwrap();
        let ins = insertions(&doc, &m);
        assert_eq!(ins.len(), 1, "{ins:?}");
        assert_eq!(
            (ins[0].at, ins[0].position, ins[0].name.as_str()),
            (0, 1, "t:b")
        );
    }
}
