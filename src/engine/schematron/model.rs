//! The Schematron schema model and its reader (ISO/IEC 19757-3).
//!
//! Owns turning `.sch` text into a resolved [`Schema`]: `include` is expanded (through a
//! [`Resolver`], so the caller decides which files may be read), abstract patterns are
//! instantiated with their `param`s, abstract rules are spliced in where rules `extends` them,
//! and `xsl:function` definitions are translated to XPath ([`super::xslt`]). It knows nothing
//! about XPath evaluation.

use super::xslt;
use std::collections::BTreeMap;

/// ISO Schematron namespace.
pub(crate) const SCH_NS: &str = "http://purl.oclc.org/dsdl/schematron";
/// Schematron 1.5 namespace (still found in older rule sets).
const SCH15_NS: &str = "http://www.ascc.net/xml/schematron";
/// XSLT namespace (for `xsl:function` and friends).
pub(crate) const XSL_NS: &str = "http://www.w3.org/1999/XSL/Transform";
/// Deepest chain of includes followed (guards against include cycles).
const MAX_INCLUDE_DEPTH: usize = 16;

/// Loads included files. `base` is the including file's location as the resolver named it.
pub trait Resolver {
    /// Returns the included file's location (base for its own includes) and its text.
    fn load(&self, base: &str, href: &str) -> Result<(String, String), String>;
}

/// A `let`: a variable bound to an XPath expression.
#[derive(Debug, Clone)]
pub(crate) struct Let {
    pub name: String,
    pub value: String,
}

/// A `phase`: a named selection of patterns.
#[derive(Debug, Clone)]
pub(crate) struct Phase {
    pub id: String,
    pub active: Vec<String>,
    pub lets: Vec<Let>,
}

/// Part of an assertion message.
#[derive(Debug, Clone)]
pub(crate) enum MsgPart {
    Text(String),
    ValueOf(String),
    /// `<name/>` (None) or `<name path="..."/>`.
    Name(Option<String>),
}

/// Assert (fires when the test is false) or report (fires when the test is true).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CheckKind {
    Assert,
    Report,
}

/// An `assert` or `report`.
#[derive(Debug, Clone)]
pub(crate) struct Check {
    pub kind: CheckKind,
    pub test: String,
    pub id: Option<String>,
    pub flag: Option<String>,
    pub role: Option<String>,
    pub severity: Option<String>,
    pub message: Vec<MsgPart>,
    pub diagnostics: Vec<String>,
    pub see: Option<String>,
}

/// What a rule holds, in document order.
#[derive(Debug, Clone)]
pub(crate) enum RuleItem {
    Let(Let),
    Check(Check),
    Extends(String),
}

/// A `rule`.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub id: Option<String>,
    pub context: Option<String>,
    pub is_abstract: bool,
    pub flag: Option<String>,
    pub role: Option<String>,
    pub items: Vec<RuleItem>,
}

/// A `pattern` (concrete after [`Schema::resolve`]).
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub id: Option<String>,
    pub is_abstract: bool,
    pub is_a: Option<String>,
    pub params: Vec<(String, String)>,
    pub lets: Vec<Let>,
    pub rules: Vec<Rule>,
}

/// An `xsl:function`, translated to an XPath inline function.
#[derive(Debug, Clone)]
pub(crate) struct Function {
    /// Namespace URI of the function name.
    pub ns: String,
    /// Local name.
    pub local: String,
    /// `name as type` of each parameter.
    pub params: Vec<(String, Option<String>)>,
    /// Declared result type.
    pub result: Option<String>,
    /// The body as one XPath expression.
    pub body: String,
    /// Namespaces in scope on the `xsl:function` element.
    pub namespaces: Vec<(String, String)>,
}

impl Function {
    /// `{ns}local#arity`: how calls find the function.
    pub fn key(&self) -> String {
        format!("{{{}}}{}#{}", self.ns, self.local, self.params.len())
    }
}

/// A Schematron schema.
#[derive(Debug, Clone, Default)]
pub(crate) struct Schema {
    pub title: Option<String>,
    pub query_binding: Option<String>,
    pub default_phase: Option<String>,
    /// `ns` declarations, plus the prefixes declared on the schema element.
    pub namespaces: Vec<(String, String)>,
    pub lets: Vec<Let>,
    pub phases: Vec<Phase>,
    pub patterns: Vec<Pattern>,
    pub abstract_rules: BTreeMap<String, Rule>,
    pub diagnostics: BTreeMap<String, Vec<MsgPart>>,
    pub functions: Vec<Function>,
}

fn is_sch(node: roxmltree::Node<'_, '_>) -> bool {
    node.is_element() && matches!(node.tag_name().namespace(), Some(SCH_NS) | Some(SCH15_NS))
}

fn is_xsl(node: roxmltree::Node<'_, '_>) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(XSL_NS)
}

fn attr(node: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    node.attribute(name).map(str::to_string)
}

fn required(node: roxmltree::Node<'_, '_>, name: &str) -> Result<String, String> {
    node.attribute(name)
        .map(str::to_string)
        .ok_or_else(|| format!("<{}> without @{name}", node.tag_name().name()))
}

/// Reads a schema from text. `base` names the file for its includes.
pub(crate) fn parse(text: &str, base: &str, resolver: &dyn Resolver) -> Result<Schema, String> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    let doc =
        roxmltree::Document::parse_with_options(text, opts).map_err(|e| format!("{base}: {e}"))?;
    let root = doc.root_element();
    let mut reader = Reader {
        resolver,
        schema: Schema::default(),
        depth: 0,
    };
    if !is_sch(root) || root.tag_name().name() != "schema" {
        return Err(format!(
            "{base}: the root element is not a Schematron <schema>"
        ));
    }
    let s = &mut reader.schema;
    s.title = root
        .children()
        .find(|c| is_sch(*c) && c.tag_name().name() == "title")
        .map(text_of);
    s.query_binding = attr(root, "queryBinding");
    s.default_phase = attr(root, "defaultPhase");
    for ns in root.namespaces() {
        if let Some(prefix) = ns.name()
            && ns.uri() != SCH_NS
            && ns.uri() != SCH15_NS
        {
            s.namespaces
                .push((prefix.to_string(), ns.uri().to_string()));
        }
    }
    reader.schema_children(root, base)?;
    let mut schema = reader.schema;
    schema.resolve()?;
    Ok(schema)
}

struct Reader<'r> {
    resolver: &'r dyn Resolver,
    schema: Schema,
    depth: usize,
}

impl Reader<'_> {
    /// Calls `f` for each element child of `node`, replacing `include` by the included root.
    fn each_child(
        &mut self,
        node: roxmltree::Node<'_, '_>,
        base: &str,
        f: &mut dyn FnMut(&mut Self, roxmltree::Node<'_, '_>, &str) -> Result<(), String>,
    ) -> Result<(), String> {
        for child in node.children().filter(roxmltree::Node::is_element) {
            if is_sch(child) && child.tag_name().name() == "include" {
                self.include(child, base, f)?;
            } else {
                f(self, child, base)?;
            }
        }
        Ok(())
    }

    fn include(
        &mut self,
        node: roxmltree::Node<'_, '_>,
        base: &str,
        f: &mut dyn FnMut(&mut Self, roxmltree::Node<'_, '_>, &str) -> Result<(), String>,
    ) -> Result<(), String> {
        let href = required(node, "href")?;
        if self.depth >= MAX_INCLUDE_DEPTH {
            return Err(format!(
                "{base}: includes nested deeper than {MAX_INCLUDE_DEPTH} (a cycle?) at {href}"
            ));
        }
        let (location, text) = self.resolver.load(base, &href)?;
        let opts = roxmltree::ParsingOptions {
            allow_dtd: false,
            ..Default::default()
        };
        let doc = roxmltree::Document::parse_with_options(&text, opts)
            .map_err(|e| format!("{location}: {e}"))?;
        // A fragment identifier would select an element by id; the whole document otherwise.
        let target = match href.split_once('#') {
            Some((_, id)) if !id.is_empty() => doc
                .descendants()
                .find(|n| n.attribute("id") == Some(id))
                .ok_or_else(|| format!("{location}: no element with id `{id}`"))?,
            _ => doc.root_element(),
        };
        self.depth += 1;
        let r = if is_sch(target) && target.tag_name().name() == "include" {
            self.include(target, &location, f)
        } else {
            f(self, target, &location)
        };
        self.depth -= 1;
        r
    }

    fn schema_children(&mut self, node: roxmltree::Node<'_, '_>, base: &str) -> Result<(), String> {
        self.each_child(node, base, &mut |r, child, base| {
            r.schema_child(child, base)
        })
    }

    fn schema_child(&mut self, child: roxmltree::Node<'_, '_>, base: &str) -> Result<(), String> {
        if is_xsl(child) {
            return match child.tag_name().name() {
                "function" => {
                    let f = xslt::function(child)?;
                    self.schema.functions.push(f);
                    Ok(())
                }
                "key" | "include" | "import" | "template" | "param" | "variable" => Err(format!(
                    "{base}: xsl:{} in a schema is not supported",
                    child.tag_name().name()
                )),
                _ => Ok(()),
            };
        }
        if !is_sch(child) {
            return Ok(()); // foreign elements are allowed and ignored
        }
        match child.tag_name().name() {
            "ns" => {
                let prefix = required(child, "prefix")?;
                let uri = required(child, "uri")?;
                self.schema.namespaces.retain(|(p, _)| p != &prefix);
                self.schema.namespaces.push((prefix, uri));
            }
            "let" => {
                let l = read_let(child)?;
                self.schema.lets.push(l);
            }
            "phase" => {
                let mut phase = Phase {
                    id: required(child, "id")?,
                    active: Vec::new(),
                    lets: Vec::new(),
                };
                self.each_child(child, base, &mut |_, c, _| {
                    if is_sch(c) {
                        match c.tag_name().name() {
                            "active" => phase.active.push(required(c, "pattern")?),
                            "let" => phase.lets.push(read_let(c)?),
                            _ => {}
                        }
                    }
                    Ok(())
                })?;
                self.schema.phases.push(phase);
            }
            "pattern" => {
                let p = self.pattern(child, base)?;
                self.schema.patterns.push(p);
            }
            "rules" => {
                self.each_child(child, base, &mut |r, c, base| {
                    if is_sch(c) && c.tag_name().name() == "rule" {
                        let rule = r.rule(c, base)?;
                        r.add_abstract(rule)?;
                    }
                    Ok(())
                })?;
            }
            "diagnostics" => {
                self.each_child(child, base, &mut |r, c, _| {
                    if is_sch(c) && c.tag_name().name() == "diagnostic" {
                        let id = required(c, "id")?;
                        r.schema.diagnostics.insert(id, message(c));
                    }
                    Ok(())
                })?;
            }
            "schema" => self.schema_children(child, base)?,
            _ => {} // title, p, properties, extends (unsupported but harmless)
        }
        Ok(())
    }

    fn add_abstract(&mut self, rule: Rule) -> Result<(), String> {
        let id = rule.id.clone().ok_or("an abstract rule has no @id")?;
        self.schema.abstract_rules.insert(id, rule);
        Ok(())
    }

    fn pattern(&mut self, node: roxmltree::Node<'_, '_>, base: &str) -> Result<Pattern, String> {
        let mut p = Pattern {
            id: attr(node, "id"),
            is_abstract: node.attribute("abstract") == Some("true"),
            is_a: attr(node, "is-a"),
            params: Vec::new(),
            lets: Vec::new(),
            rules: Vec::new(),
        };
        self.each_child(node, base, &mut |r, c, base| {
            if !is_sch(c) {
                return Ok(());
            }
            match c.tag_name().name() {
                "param" => p.params.push((
                    required(c, "name")?.trim().to_string(),
                    required(c, "value")?,
                )),
                "let" => p.lets.push(read_let(c)?),
                "rule" => {
                    let rule = r.rule(c, base)?;
                    if rule.is_abstract {
                        r.add_abstract(rule)?;
                    } else {
                        p.rules.push(rule);
                    }
                }
                _ => {}
            }
            Ok(())
        })?;
        Ok(p)
    }

    fn rule(&mut self, node: roxmltree::Node<'_, '_>, base: &str) -> Result<Rule, String> {
        let is_abstract = node.attribute("abstract") == Some("true");
        let context = attr(node, "context");
        if context.is_none() && !is_abstract {
            return Err(format!("{base}: a <rule> without @context"));
        }
        let mut rule = Rule {
            id: attr(node, "id"),
            context,
            is_abstract,
            flag: attr(node, "flag"),
            role: attr(node, "role"),
            items: Vec::new(),
        };
        self.each_child(node, base, &mut |_, c, _| {
            if !is_sch(c) {
                return Ok(());
            }
            match c.tag_name().name() {
                "let" => rule.items.push(RuleItem::Let(read_let(c)?)),
                "assert" | "report" => rule.items.push(RuleItem::Check(check(c)?)),
                "extends" => {
                    let target = c
                        .attribute("rule")
                        .ok_or("<extends> without @rule (extends by href is not supported)")?;
                    rule.items.push(RuleItem::Extends(target.to_string()));
                }
                _ => {}
            }
            Ok(())
        })?;
        Ok(rule)
    }
}

fn read_let(node: roxmltree::Node<'_, '_>) -> Result<Let, String> {
    let name = required(node, "name")?.trim().to_string();
    let value = match node.attribute("value") {
        Some(v) => v.to_string(),
        // ISO 2016: the content is the value; only text content is supported.
        None => {
            let text = text_of(node);
            format!("'{}'", text.replace('\'', "''"))
        }
    };
    Ok(Let { name, value })
}

fn check(node: roxmltree::Node<'_, '_>) -> Result<Check, String> {
    let kind = if node.tag_name().name() == "assert" {
        CheckKind::Assert
    } else {
        CheckKind::Report
    };
    Ok(Check {
        kind,
        test: required(node, "test")?,
        id: attr(node, "id"),
        flag: attr(node, "flag"),
        role: attr(node, "role"),
        severity: attr(node, "severity"),
        message: message(node),
        diagnostics: node
            .attribute("diagnostics")
            .map(|d| d.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default(),
        see: attr(node, "see"),
    })
}

/// The text content of an element, whitespace collapsed.
fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    let mut s = String::new();
    for d in node.descendants().filter(|d| d.is_text()) {
        s.push_str(d.text().unwrap_or(""));
    }
    collapse(&s)
}

/// Collapses runs of whitespace to one space and trims.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Message content: text, `value-of`, `name`, and the text of `emph`/`dir`/`span`.
fn message(node: roxmltree::Node<'_, '_>) -> Vec<MsgPart> {
    let mut parts = Vec::new();
    message_into(node, &mut parts);
    parts
}

fn message_into(node: roxmltree::Node<'_, '_>, parts: &mut Vec<MsgPart>) {
    for c in node.children() {
        if c.is_text() {
            parts.push(MsgPart::Text(c.text().unwrap_or("").to_string()));
        } else if is_sch(c) || is_xsl(c) {
            match c.tag_name().name() {
                "value-of" => {
                    if let Some(sel) = c.attribute("select") {
                        parts.push(MsgPart::ValueOf(sel.to_string()));
                    }
                }
                "name" => parts.push(MsgPart::Name(attr(c, "path"))),
                _ => message_into(c, parts),
            }
        } else if c.is_element() {
            message_into(c, parts);
        }
    }
}

/// Replaces `$name` of abstract-pattern parameters by their values (textually, as the ISO
/// skeleton does); the longest name wins, so `$BR-CO-1` never eats into `$BR-CO-15`.
pub(crate) fn substitute(text: &str, params: &[(String, String)]) -> String {
    if params.is_empty() || !text.contains('$') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let len = after
            .char_indices()
            .find(|&(_, ch)| !(ch.is_alphanumeric() || matches!(ch, '_' | '-' | '.' | '\u{B7}')))
            .map_or(after.len(), |(i, _)| i);
        let name = &after[..len];
        match params.iter().find(|(n, _)| n == name) {
            Some((_, value)) => out.push_str(value),
            None => {
                out.push('$');
                out.push_str(name);
            }
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

impl Schema {
    /// Instantiates abstract patterns and splices abstract rules into the rules extending them.
    fn resolve(&mut self) -> Result<(), String> {
        let abstract_patterns: BTreeMap<String, Pattern> = self
            .patterns
            .iter()
            .filter(|p| p.is_abstract)
            .filter_map(|p| p.id.clone().map(|id| (id, p.clone())))
            .collect();
        let mut concrete = Vec::new();
        for p in std::mem::take(&mut self.patterns) {
            if p.is_abstract {
                continue;
            }
            let p = match &p.is_a {
                None => p,
                Some(target) => {
                    let a = abstract_patterns.get(target).ok_or_else(|| {
                        format!(
                            "pattern {:?} is-a `{target}`, which is no abstract pattern",
                            p.id
                        )
                    })?;
                    instantiate(a, &p)
                }
            };
            concrete.push(p);
        }
        for p in &mut concrete {
            for rule in &mut p.rules {
                rule.items = expand_extends(&rule.items, &self.abstract_rules, 0)?;
            }
        }
        self.patterns = concrete;
        Ok(())
    }
}

fn instantiate(a: &Pattern, instance: &Pattern) -> Pattern {
    let ps = &instance.params;
    let sub_let = |l: &Let| Let {
        name: l.name.clone(),
        value: substitute(&l.value, ps),
    };
    let sub_msg = |m: &[MsgPart]| {
        m.iter()
            .map(|part| match part {
                MsgPart::Text(t) => MsgPart::Text(t.clone()),
                MsgPart::ValueOf(s) => MsgPart::ValueOf(substitute(s, ps)),
                MsgPart::Name(p) => MsgPart::Name(p.as_ref().map(|p| substitute(p, ps))),
            })
            .collect()
    };
    let rules = a
        .rules
        .iter()
        .map(|r| Rule {
            id: r.id.clone(),
            context: r.context.as_ref().map(|c| substitute(c, ps)),
            is_abstract: false,
            flag: r.flag.clone(),
            role: r.role.clone(),
            items: r
                .items
                .iter()
                .map(|item| match item {
                    RuleItem::Let(l) => RuleItem::Let(sub_let(l)),
                    RuleItem::Extends(e) => RuleItem::Extends(e.clone()),
                    RuleItem::Check(c) => RuleItem::Check(Check {
                        test: substitute(&c.test, ps),
                        message: sub_msg(&c.message),
                        ..c.clone()
                    }),
                })
                .collect(),
        })
        .collect();
    Pattern {
        id: instance.id.clone().or_else(|| a.id.clone()),
        is_abstract: false,
        is_a: None,
        params: Vec::new(),
        lets: a
            .lets
            .iter()
            .map(sub_let)
            .chain(instance.lets.iter().cloned())
            .collect(),
        rules,
    }
}

fn expand_extends(
    items: &[RuleItem],
    abstract_rules: &BTreeMap<String, Rule>,
    depth: usize,
) -> Result<Vec<RuleItem>, String> {
    if depth > MAX_INCLUDE_DEPTH {
        return Err("abstract rules extend each other in a cycle".into());
    }
    let mut out = Vec::new();
    for item in items {
        match item {
            RuleItem::Extends(id) => {
                let r = abstract_rules
                    .get(id)
                    .ok_or_else(|| format!("<extends rule=\"{id}\"> names no abstract rule"))?;
                out.extend(expand_extends(&r.items, abstract_rules, depth + 1)?);
            }
            other => out.push(other.clone()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoFiles;
    impl Resolver for NoFiles {
        fn load(&self, _: &str, href: &str) -> Result<(String, String), String> {
            Err(format!("no {href}"))
        }
    }

    #[test]
    fn longest_parameter_name_wins() {
        let ps = vec![
            ("BR-CO-1".to_string(), "a".to_string()),
            ("BR-CO-15".to_string(), "b".to_string()),
        ];
        assert_eq!(
            substitute("$BR-CO-15 and $BR-CO-1 or $other", &ps),
            "b and a or $other"
        );
    }

    #[test]
    fn abstract_patterns_and_rules_resolve() {
        let sch = r#"<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
          <pattern abstract="true" id="model">
            <rule context="$ctx"><extends rule="base"/><assert test="$t" id="R1">msg <value-of select="$v"/></assert></rule>
          </pattern>
          <pattern is-a="model" id="bound">
            <param name="ctx" value="a"/><param name="t" value="b = 1"/><param name="v" value="b"/>
          </pattern>
          <rules><rule abstract="true" id="base"><assert test="c" id="R0">c</assert></rule></rules>
        </schema>"#;
        let s = parse(sch, "x.sch", &NoFiles).unwrap();
        assert_eq!(s.patterns.len(), 1);
        let rule = &s.patterns[0].rules[0];
        assert_eq!(rule.context.as_deref(), Some("a"));
        let tests: Vec<_> = rule
            .items
            .iter()
            .filter_map(|i| {
                if let RuleItem::Check(c) = i {
                    Some(c.test.as_str())
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(tests, vec!["c", "b = 1"]);
    }
}
