//! A simple model of a package's XML Schemas, enough to vary messages: which element names
//! are declared optional or repeatable, and the facets of simple types (enumerations,
//! patterns, lengths, ranges, fraction digits) that element and attribute values must keep.
//!
//! Names are local names; when a name is declared in several places with different facets or
//! occurrences, the model keeps the union of what is allowed (calibration against the
//! validator settles the rest).

use crate::standard::Package;
use crate::standard::manifest::ArtefactKind;
use std::collections::{BTreeMap, BTreeSet};

const XS: &str = "http://www.w3.org/2001/XMLSchema";

/// Facets of a simple type.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    /// Allowed values (empty: any).
    pub enumeration: Vec<String>,
    /// Patterns (all must match).
    pub patterns: Vec<regex::Regex>,
    /// Length bounds in characters.
    pub min_length: Option<usize>,
    /// Upper length bound.
    pub max_length: Option<usize>,
    /// Inclusive numeric bounds.
    pub min: Option<f64>,
    /// Upper numeric bound.
    pub max: Option<f64>,
    /// Maximum digits after the decimal point.
    pub fraction_digits: Option<usize>,
}

impl Facets {
    /// Whether no facet is set.
    pub fn is_empty(&self) -> bool {
        self.enumeration.is_empty()
            && self.patterns.is_empty()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.min.is_none()
            && self.max.is_none()
            && self.fraction_digits.is_none()
    }

    /// Whether a value satisfies every facet.
    pub fn admits(&self, value: &str) -> bool {
        if !self.enumeration.is_empty() && !self.enumeration.iter().any(|e| e == value) {
            return false;
        }
        let n = value.chars().count();
        if self.min_length.is_some_and(|m| n < m) || self.max_length.is_some_and(|m| n > m) {
            return false;
        }
        if !self.patterns.iter().all(|p| p.is_match(value)) {
            return false;
        }
        if self.min.is_some() || self.max.is_some() || self.fraction_digits.is_some() {
            let Ok(x) = value.trim().parse::<f64>() else {
                return false;
            };
            if self.min.is_some_and(|m| x < m) || self.max.is_some_and(|m| x > m) {
                return false;
            }
            let frac = value.split_once('.').map_or(0, |(_, f)| f.trim().len());
            if self.fraction_digits.is_some_and(|d| frac > d) {
                return false;
            }
        }
        true
    }

    fn merge(&mut self, other: &Facets) {
        self.enumeration.extend(other.enumeration.iter().cloned());
        self.patterns.extend(other.patterns.iter().cloned());
        self.min_length = self.min_length.or(other.min_length);
        self.max_length = self.max_length.or(other.max_length);
        self.min = self.min.or(other.min);
        self.max = self.max.or(other.max);
        self.fraction_digits = self.fraction_digits.or(other.fraction_digits);
    }
}

/// What the schemas say about element and attribute names.
#[derive(Debug, Default)]
pub struct SchemaModel {
    /// Element names declared (somewhere) with `minOccurs="0"`, or inside an optional choice.
    pub optional: BTreeSet<String>,
    /// Element names declared with `maxOccurs` above 1.
    pub repeatable: BTreeSet<String>,
    /// Facets of element and attribute values by local name (attributes as `@name`).
    pub facets: BTreeMap<String, Facets>,
    /// Number of element declarations read.
    pub declarations: usize,
}

impl SchemaModel {
    /// Reads every XSD artefact of a package. Unparseable files are skipped (the XSD engine
    /// reports them when it compiles the package).
    pub fn of_package(package: &Package) -> SchemaModel {
        let texts = xsd_texts(package);
        SchemaModel::from_texts(texts.iter().map(String::as_str))
    }

    /// Reads schema documents given as text.
    pub fn from_texts<'a>(texts: impl Iterator<Item = &'a str>) -> SchemaModel {
        let mut model = SchemaModel::default();
        let mut named_types: BTreeMap<String, Facets> = BTreeMap::new();
        let mut typed: Vec<(String, String)> = Vec::new();
        let docs: Vec<roxmltree::Document<'_>> = texts
            .filter_map(|t| roxmltree::Document::parse(t).ok())
            .collect();
        for doc in &docs {
            for n in doc.descendants().filter(|n| is_xs(n, "simpleType")) {
                if let Some(name) = n.attribute("name") {
                    named_types.insert(name.to_string(), facets_of(n));
                }
            }
        }
        for doc in &docs {
            for n in doc
                .descendants()
                .filter(|n| is_xs(n, "element") || is_xs(n, "attribute"))
            {
                let attr = is_xs(&n, "attribute");
                let Some(name) = n.attribute("name").or_else(|| n.attribute("ref")) else {
                    continue;
                };
                let local = name.rsplit(':').next().unwrap_or(name).to_string();
                let key = if attr { format!("@{local}") } else { local };
                if !attr {
                    model.declarations += 1;
                    let in_optional_group = n.ancestors().skip(1).any(|a| {
                        (is_xs(&a, "choice") || is_xs(&a, "sequence"))
                            && a.attribute("minOccurs") == Some("0")
                    });
                    if n.attribute("minOccurs") == Some("0") || in_optional_group {
                        model.optional.insert(key.clone());
                    }
                    if n.attribute("maxOccurs")
                        .is_some_and(|m| m == "unbounded" || m.parse::<u32>().is_ok_and(|v| v > 1))
                    {
                        model.repeatable.insert(key.clone());
                    }
                }
                if let Some(inline) = n.children().find(|c| is_xs(c, "simpleType")) {
                    model
                        .facets
                        .entry(key.clone())
                        .or_default()
                        .merge(&facets_of(inline));
                }
                if let Some(t) = n.attribute("type") {
                    typed.push((key, t.rsplit(':').next().unwrap_or(t).to_string()));
                }
            }
        }
        for (key, t) in typed {
            if let Some(f) = named_types.get(&t) {
                model.facets.entry(key).or_default().merge(f);
            }
        }
        model.facets.retain(|_, f| !f.is_empty());
        model
    }

    /// Facets of an element (`name`) or attribute (`@name`).
    pub fn facets(&self, key: &str) -> Option<&Facets> {
        self.facets.get(key)
    }
}

/// The text of every XSD artefact of a package.
pub fn xsd_texts(package: &Package) -> Vec<String> {
    package
        .spec
        .artefacts
        .iter()
        .filter(|a| a.kind == ArtefactKind::Xsd)
        .filter_map(|a| package.artefact(&a.name))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .collect()
}

fn is_xs(n: &roxmltree::Node<'_, '_>, local: &str) -> bool {
    n.is_element() && n.tag_name().name() == local && n.tag_name().namespace() == Some(XS)
}

fn facets_of(simple: roxmltree::Node<'_, '_>) -> Facets {
    let mut f = Facets::default();
    let Some(restriction) = simple.children().find(|c| is_xs(c, "restriction")) else {
        return f;
    };
    for c in restriction.children().filter(roxmltree::Node::is_element) {
        let Some(v) = c.attribute("value") else {
            continue;
        };
        match c.tag_name().name() {
            "enumeration" => f.enumeration.push(v.to_string()),
            "pattern" => {
                if let Ok(r) = regex::Regex::new(&format!("^(?:{v})$")) {
                    f.patterns.push(r);
                }
            }
            "length" => {
                f.min_length = v.parse().ok();
                f.max_length = f.min_length;
            }
            "minLength" => f.min_length = v.parse().ok(),
            "maxLength" => f.max_length = v.parse().ok(),
            "minInclusive" => f.min = v.parse().ok(),
            "maxInclusive" => f.max = v.parse().ok(),
            "fractionDigits" => f.fraction_digits = v.parse().ok(),
            _ => {}
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    const XSD: &str = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:simpleType name="Kind"><xs:restriction base="xs:string">
        <xs:enumeration value="A"/><xs:enumeration value="B"/></xs:restriction></xs:simpleType>
      <xs:complexType name="T"><xs:sequence>
        <xs:element name="kind" type="Kind"/>
        <xs:element name="note" minOccurs="0" maxOccurs="unbounded">
          <xs:simpleType><xs:restriction base="xs:string"><xs:maxLength value="3"/>
          <xs:pattern value="[a-z]+"/></xs:restriction></xs:simpleType></xs:element>
        <xs:element name="amount"><xs:simpleType><xs:restriction base="xs:decimal">
          <xs:minInclusive value="0"/><xs:fractionDigits value="2"/></xs:restriction></xs:simpleType></xs:element>
      </xs:sequence><xs:attribute name="objectType" type="Kind"/></xs:complexType></xs:schema>"#;

    #[test]
    fn reads_occurrences_and_facets() {
        let m = SchemaModel::from_texts([XSD].into_iter());
        assert!(m.optional.contains("note") && !m.optional.contains("kind"));
        assert!(m.repeatable.contains("note"));
        let kind = m.facets("kind").unwrap();
        assert!(kind.admits("A") && !kind.admits("C"));
        assert!(m.facets("@objectType").unwrap().admits("B"));
        let note = m.facets("note").unwrap();
        assert!(note.admits("abc") && !note.admits("abcd") && !note.admits("AB"));
        let amount = m.facets("amount").unwrap();
        assert!(amount.admits("1.25") && !amount.admits("-1") && !amount.admits("1.255"));
    }
}
