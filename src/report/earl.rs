//! W3C EARL 1.0 (Evaluation and Report Language), in Turtle ([`write`]) and JSON-LD
//! ([`write_jsonld`]); both serialise the same graph, built one document at a time.
//!
//! Mapping: one `earl:Assertion` per rule and document, with `earl:assertedBy` (konform and
//! its version, an `earl:Software`), `earl:subject` (the document, identified by its content as
//! an RFC 6920 `ni:///sha-256;…` IRI, titled with its name), `earl:test` (a stable IRI per rule
//! of a standard version: `https://konform.invalid/standards/<id>/<version>/rules/<rule>`, an
//! `earl:TestRequirement` linked to its clause), `earl:mode earl:automatic` and `earl:result`
//! (`earl:outcome`, `dct:date` = end of the run, the findings as `dct:description` and
//! `ptr:` line/char and XPath pointers).
//!
//! Outcomes: `failed` when the rule's findings fail the document under `--fail-on` (the same
//! rule as every other format, [`crate::report::model::Finding::fails`]); `passed` when it has
//! none, or only findings below the threshold (recorded in the description); `inapplicable`
//! for rules of the document's standard that its profile does not check; for a document that
//! could not be evaluated, `cantTell` for the rules that ran without findings and `untested`
//! for the others (or one `cantTell` assertion of konform's own evaluation check when no
//! standard was chosen).

use super::model::{DocumentResult, Report, RuleInfo, StandardInfo};
use super::{WriteCfg, percent_encode};
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write;

/// Base of the IRIs konform mints (tool, standards, rules, checks).
pub const IRI_BASE: &str = "https://konform.invalid/";

const PREFIXES: [(&str, &str); 8] = [
    ("earl", "http://www.w3.org/ns/earl#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("doap", "http://usefulinc.com/ns/doap#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("ptr", "http://www.w3.org/2009/pointers#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("konform", "https://konform.invalid/ns#"),
];

/// A node's identity.
enum Id {
    Iri(String),
    Blank(String),
    Anonymous,
}

/// An object of a triple.
enum Obj<'a> {
    /// A full IRI.
    Iri(String),
    /// A prefixed name (`earl:passed`).
    Name(&'static str),
    /// A labelled blank node.
    Blank(String),
    /// A plain string.
    Str(Cow<'a, str>),
    /// A typed literal (lexical form, prefixed datatype).
    Typed(Cow<'a, str>, &'static str),
    /// An integer.
    Int(u64),
    /// A nested node.
    Node(Node<'a>),
}

struct Node<'a> {
    id: Id,
    types: Vec<&'static str>,
    props: Vec<(&'static str, Obj<'a>)>,
}

impl<'a> Node<'a> {
    fn new(id: Id, types: &[&'static str]) -> Self {
        Node {
            id,
            types: types.to_vec(),
            props: Vec::new(),
        }
    }
    fn with(mut self, p: &'static str, o: Obj<'a>) -> Self {
        self.props.push((p, o));
        self
    }
}

/// IRI text safe inside `<…>`: characters Turtle forbids there are percent-encoded.
fn iri_safe(s: &str) -> Cow<'_, str> {
    if s.chars()
        .any(|c| c <= ' ' || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\'))
    {
        let mut out = String::new();
        for c in s.chars() {
            if c <= ' ' || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\') {
                let mut b = [0u8; 4];
                for x in c.encode_utf8(&mut b).bytes() {
                    let _ = write!(out, "%{x:02X}");
                }
            } else {
                out.push(c);
            }
        }
        Cow::Owned(out)
    } else {
        Cow::Borrowed(s)
    }
}

fn tool_iri(r: &Report) -> String {
    format!(
        "{IRI_BASE}tool/{}/{}",
        percent_encode(&r.tool.name, b""),
        percent_encode(&r.tool.version, b"")
    )
}

fn standard_iri(id: &str, version: &str) -> String {
    format!(
        "{IRI_BASE}standards/{}/{}",
        percent_encode(id, b""),
        percent_encode(version, b"")
    )
}

/// The stable IRI of a rule of a standard version.
pub fn rule_iri(standard_key: &str, rule: &str) -> String {
    let (id, version) = standard_key.split_once('@').unwrap_or((standard_key, ""));
    format!(
        "{}/rules/{}",
        standard_iri(id, version),
        percent_encode(rule, b"")
    )
}

fn base64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

fn subject_id(r: &DocumentResult, index: usize) -> Id {
    match r
        .document
        .sha256
        .as_deref()
        .and_then(|h| hex::decode(h).ok())
    {
        Some(bytes) => Id::Iri(format!("ni:///sha-256;{}", base64url(&bytes))),
        None => Id::Blank(format!("doc{index}")),
    }
}

fn id_obj(id: &Id) -> Obj<'static> {
    match id {
        Id::Iri(i) => Obj::Iri(i.clone()),
        Id::Blank(b) => Obj::Blank(b.clone()),
        Id::Anonymous => Obj::Blank("anonymous".into()),
    }
}

fn rule_node<'a>(std_key: &str, std_iri: &str, rule: &'a RuleInfo) -> Node<'a> {
    let mut n = Node::new(
        Id::Iri(rule_iri(std_key, &rule.id)),
        &["earl:TestRequirement"],
    )
    .with("dct:identifier", Obj::Str(Cow::Borrowed(&rule.id)))
    .with("dct:title", Obj::Str(Cow::Borrowed(&rule.title)))
    .with(
        "dct:description",
        Obj::Str(Cow::Owned(format!(
            "{} ({}); clause: {}",
            rule.level.as_str(),
            rule.severity.as_str(),
            rule.clause
        ))),
    )
    .with("dct:isPartOf", Obj::Iri(std_iri.to_string()));
    if let Some(u) = &rule.clause_url {
        n = n.with("rdfs:seeAlso", Obj::Iri(u.clone()));
    }
    n
}

fn standard_node(s: &StandardInfo) -> Node<'_> {
    Node::new(
        Id::Iri(standard_iri(&s.id, &s.version)),
        &["doap:Specification"],
    )
    .with("dct:identifier", Obj::Str(Cow::Owned(s.key())))
    .with("dct:title", Obj::Str(Cow::Borrowed(&s.title)))
    .with("dct:hasVersion", Obj::Str(Cow::Borrowed(&s.version)))
}

/// Walks the graph, handing nodes to `emit` one at a time.
fn graph<'a>(
    report: &'a Report,
    emit: &mut dyn FnMut(Node<'_>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let tool = tool_iri(report);
    emit(
        Node::new(Id::Iri(tool.clone()), &["earl:Software", "doap:Project"])
            .with("doap:name", Obj::Str(Cow::Borrowed(&report.tool.name)))
            .with(
                "dct:title",
                Obj::Str(Cow::Owned(format!(
                    "{} {}",
                    report.tool.name, report.tool.version
                ))),
            )
            .with(
                "doap:release",
                Obj::Node(Node::new(Id::Anonymous, &["doap:Version"]).with(
                    "doap:revision",
                    Obj::Str(Cow::Borrowed(&report.tool.version)),
                )),
            ),
    )?;
    for s in &report.standards {
        emit(standard_node(s))?;
        let key = s.key();
        let iri = standard_iri(&s.id, &s.version);
        for rule in &s.rules {
            emit(rule_node(&key, &iri, rule))?;
        }
    }
    if let Some(p) = &report.probe {
        emit(
            Node::new(Id::Blank("probe".into()), &["konform:ProbeRun"])
                .with(
                    "dct:description",
                    Obj::Str(Cow::Owned(p.summary_lines().join("\n"))),
                )
                .with("konform:seed", Obj::Str(Cow::Owned(p.seed.to_string())))
                .with("konform:cases", Obj::Int(p.cases as u64))
                .with("konform:failures", Obj::Int(p.failures.len() as u64))
                .with(
                    "konform:rulesCovered",
                    Obj::Int(p.coverage.covered.len() as u64),
                )
                .with(
                    "konform:rulesApplicable",
                    Obj::Int(p.coverage.applicable as u64),
                ),
        )?;
    }
    let date = || Obj::Typed(Cow::Borrowed(&report.run.finished), "xsd:dateTime");
    let fail_on = report.run.fail_on;
    let mut extra_rules: BTreeSet<String> = BTreeSet::new();
    for (i, r) in report.results.iter().enumerate() {
        let subject = subject_id(r, i);
        let doc = Node::new(
            match &subject {
                Id::Iri(s) => Id::Iri(s.clone()),
                Id::Blank(b) => Id::Blank(b.clone()),
                Id::Anonymous => Id::Anonymous,
            },
            &["earl:TestSubject", "foaf:Document"],
        )
        .with("dct:title", Obj::Str(Cow::Borrowed(&r.document.name)))
        .with(
            "konform:verdict",
            Obj::Str(Cow::Borrowed(r.verdict.as_str())),
        );
        let doc = match r.acceptance {
            Some(a) => doc.with("konform:acceptance", Obj::Str(Cow::Borrowed(a.as_str()))),
            None => doc,
        };
        emit(doc)?;
        let std_key = r.standard.as_deref();
        let assertion = |test: String, result: Node<'a>| {
            Node::new(Id::Anonymous, &["earl:Assertion"])
                .with("earl:assertedBy", Obj::Iri(tool.clone()))
                .with("earl:subject", id_obj(&subject))
                .with("earl:test", Obj::Iri(test))
                .with("earl:mode", Obj::Name("earl:automatic"))
                .with("earl:result", Obj::Node(result))
        };
        let result = |outcome: &'static str| {
            Node::new(Id::Anonymous, &["earl:TestResult"])
                .with("earl:outcome", Obj::Name(outcome))
                .with("dct:date", date())
        };
        let Some(std_key) = std_key else {
            let msg = r
                .error
                .as_ref()
                .map_or("no standard applied", |e| &e.message);
            emit(assertion(
                format!("{IRI_BASE}checks/evaluation"),
                result("earl:cantTell").with("dct:description", Obj::Str(Cow::Borrowed(msg))),
            ))?;
            continue;
        };
        let mut checked: BTreeSet<&str> = BTreeSet::new();
        for o in r.rule_outcomes(fail_on) {
            checked.insert(o.rule);
            if report.rule_of(r, o.rule).is_none()
                && extra_rules.insert(format!("{std_key}\0{}", o.rule))
            {
                emit(
                    Node::new(
                        Id::Iri(rule_iri(std_key, o.rule)),
                        &["earl:TestRequirement"],
                    )
                    .with("dct:identifier", Obj::Str(Cow::Borrowed(o.rule))),
                )?;
            }
            let outcome = match (o.fails, o.passed(), r.error.is_some()) {
                (true, _, _) => "earl:failed",
                (false, true, true) => "earl:cantTell",
                _ => "earl:passed",
            };
            let mut res = result(outcome);
            if !o.findings.is_empty() {
                let text: Vec<String> = o
                    .findings
                    .iter()
                    .map(|f| {
                        format!(
                            "{}: {} (clause: {})",
                            f.severity.as_str(),
                            f.message,
                            f.clause
                        )
                    })
                    .collect();
                res = res.with("dct:description", Obj::Str(Cow::Owned(text.join("\n"))));
            }
            for f in &o.findings {
                if let Some(line) = f.location.line {
                    let mut p = Node::new(Id::Anonymous, &["ptr:LineCharPointer"])
                        .with("ptr:lineNumber", Obj::Int(u64::from(line)));
                    if let Some(c) = f.location.column {
                        p = p.with("ptr:charNumber", Obj::Int(u64::from(c)));
                    }
                    res = res.with(
                        "earl:pointer",
                        Obj::Node(p.with("ptr:reference", id_obj(&subject))),
                    );
                }
                if let Some(x) = &f.location.path {
                    let kind = if r.document.format == "xml" {
                        "ptr:XPathPointer"
                    } else {
                        "ptr:ExpressionPointer"
                    };
                    res = res.with(
                        "earl:pointer",
                        Obj::Node(
                            Node::new(Id::Anonymous, &[kind])
                                .with("ptr:expression", Obj::Str(Cow::Borrowed(x)))
                                .with("ptr:reference", id_obj(&subject)),
                        ),
                    );
                }
            }
            emit(assertion(rule_iri(std_key, o.rule), res))?;
        }
        if let Some(s) = report.standard_of(r) {
            let (outcome, why): (&'static str, Cow<'_, str>) = match &r.error {
                Some(e) => (
                    "earl:untested",
                    Cow::Owned(format!("not evaluated: {}", e.message)),
                ),
                None => (
                    "earl:inapplicable",
                    Cow::Borrowed("not checked for this profile"),
                ),
            };
            for rule in s.rules.iter().filter(|x| !checked.contains(x.id.as_str())) {
                emit(assertion(
                    rule_iri(std_key, &rule.id),
                    result(outcome).with("dct:description", Obj::Str(why.clone())),
                ))?;
            }
        }
    }
    Ok(())
}

/// Namespaces of the IRIs konform mints (the tool, each standard's rules), to write them as
/// prefixed names: `r0:XRD-SOAP-003` instead of the full rule IRI on every assertion.
struct Names {
    ns: Vec<(String, String)>,
}

impl Names {
    fn of(report: &Report) -> Names {
        let mut ns = vec![(
            "tool".to_string(),
            format!("{IRI_BASE}tool/{}/", percent_encode(&report.tool.name, b"")),
        )];
        for (i, s) in report.standards.iter().enumerate() {
            ns.push((
                format!("r{i}"),
                format!("{}/rules/", standard_iri(&s.id, &s.version)),
            ));
        }
        Names { ns }
    }

    /// `(prefix, local)` when `iri` lies in one of the namespaces.
    fn split<'i>(&self, iri: &'i str) -> Option<(&str, &'i str)> {
        self.ns.iter().find_map(|(p, ns)| {
            iri.strip_prefix(ns.as_str())
                .filter(|l| !l.is_empty() && !l.contains('/'))
                .map(|l| (p.as_str(), l))
        })
    }

    /// A Turtle name for `iri`: prefixed when the local part is a plain PN_LOCAL.
    fn turtle(&self, iri: &str, out: &mut String) {
        let plain = |l: &str| {
            l.chars().enumerate().all(|(i, c)| {
                c.is_ascii_alphanumeric() || c == '_' || (i > 0 && (c == '-' || c == '.'))
            }) && !l.ends_with('.')
        };
        match self.split(iri) {
            Some((p, l)) if plain(l) => {
                let _ = write!(out, "{p}:{l}");
            }
            _ => {
                let _ = write!(out, "<{}>", iri_safe(iri));
            }
        }
    }

    /// A JSON-LD compact IRI for `iri`, when it lies in a namespace.
    fn jsonld(&self, iri: &str) -> String {
        match self.split(iri) {
            Some((p, l)) => format!("{p}:{l}"),
            None => iri.to_string(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Turtle

fn turtle_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn turtle_obj(o: &Obj<'_>, names: &Names, indent: usize, out: &mut String) {
    match o {
        Obj::Iri(i) => names.turtle(i, out),
        Obj::Name(n) => out.push_str(n),
        Obj::Blank(b) => {
            let _ = write!(out, "_:{b}");
        }
        Obj::Str(s) => turtle_string(s, out),
        Obj::Typed(s, dt) => {
            turtle_string(s, out);
            let _ = write!(out, "^^{dt}");
        }
        Obj::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Obj::Node(n) => {
            out.push('[');
            turtle_body(n, names, indent + 4, out);
            out.push_str(" ]");
        }
    }
}

fn turtle_body(n: &Node<'_>, names: &Names, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let mut first = true;
    if !n.types.is_empty() {
        let _ = write!(out, " a {}", n.types.join(", "));
        first = false;
    }
    for (p, o) in &n.props {
        if !first {
            let _ = write!(out, " ;\n{pad}");
        } else {
            out.push(' ');
        }
        first = false;
        let _ = write!(out, "{p} ");
        turtle_obj(o, names, indent, out);
    }
}

/// Writes EARL as Turtle.
pub fn write(report: &Report, _cfg: &WriteCfg, w: &mut dyn Write) -> std::io::Result<()> {
    let names = Names::of(report);
    let mut head = String::new();
    for (p, iri) in PREFIXES {
        let _ = writeln!(head, "@prefix {p}: <{iri}> .");
    }
    for (p, iri) in &names.ns {
        let _ = writeln!(head, "@prefix {p}: <{}> .", iri_safe(iri));
    }
    if let Some(e) = &report.endpoint {
        for line in super::endpoint_lines(e) {
            let _ = writeln!(head, "# {}", line.replace(['\n', '\r'], " "));
        }
    }
    w.write_all(head.as_bytes())?;
    let mut buf = String::new();
    graph(report, &mut |n| {
        buf.clear();
        buf.push('\n');
        match &n.id {
            Id::Iri(i) => names.turtle(i, &mut buf),
            Id::Blank(b) => {
                let _ = write!(buf, "_:{b}");
            }
            Id::Anonymous => buf.push_str("[]"),
        }
        turtle_body(&n, &names, 4, &mut buf);
        buf.push_str(" .\n");
        w.write_all(buf.as_bytes())
    })
}

// ---------------------------------------------------------------------------------------------
// JSON-LD

fn jsonld_obj(o: &Obj<'_>, names: &Names) -> serde_json::Value {
    use serde_json::json;
    match o {
        Obj::Iri(i) => json!({ "@id": names.jsonld(i) }),
        Obj::Name(n) => json!({ "@id": n }),
        Obj::Blank(b) => json!({ "@id": format!("_:{b}") }),
        Obj::Str(s) => json!(s),
        Obj::Typed(s, dt) => json!({ "@value": s, "@type": dt }),
        Obj::Int(n) => json!(n),
        Obj::Node(n) => jsonld_node(n, names),
    }
}

fn jsonld_node(n: &Node<'_>, names: &Names) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    match &n.id {
        Id::Iri(i) => {
            m.insert("@id".into(), names.jsonld(i).into());
        }
        Id::Blank(b) => {
            m.insert("@id".into(), format!("_:{b}").into());
        }
        Id::Anonymous => {}
    }
    if !n.types.is_empty() {
        m.insert("@type".into(), n.types.clone().into());
    }
    for (p, o) in &n.props {
        let v = jsonld_obj(o, names);
        match m.get_mut(*p) {
            Some(serde_json::Value::Array(a)) => a.push(v),
            Some(prev) => {
                let first = prev.take();
                *prev = serde_json::Value::Array(vec![first, v]);
            }
            None => {
                m.insert((*p).to_string(), v);
            }
        }
    }
    serde_json::Value::Object(m)
}

/// Writes EARL as JSON-LD (an inline `@context`, the nodes in `@graph`).
pub fn write_jsonld(report: &Report, _cfg: &WriteCfg, w: &mut dyn Write) -> std::io::Result<()> {
    let names = Names::of(report);
    let ctx: serde_json::Map<String, serde_json::Value> = PREFIXES
        .iter()
        .map(|(p, iri)| ((*p).to_string(), serde_json::Value::from(*iri)))
        .chain(
            names
                .ns
                .iter()
                .map(|(p, iri)| (p.clone(), serde_json::Value::from(iri.as_str()))),
        )
        .collect();
    w.write_all(b"{\n  \"@context\": ")?;
    serde_json::to_writer(&mut *w, &ctx)?;
    w.write_all(b",\n  \"@graph\": [")?;
    let mut first = true;
    graph(report, &mut |n| {
        w.write_all(if first { b"\n    " } else { b",\n    " })?;
        first = false;
        serde_json::to_writer(&mut *w, &jsonld_node(&n, &names))?;
        Ok(())
    })?;
    w.write_all(b"\n  ]\n}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc4648() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn iris_and_strings_are_escaped() {
        assert_eq!(
            rule_iri("s@1.0.0", "A B/1"),
            "https://konform.invalid/standards/s/1.0.0/rules/A%20B%2F1"
        );
        assert_eq!(iri_safe("http://x/a b<"), "http://x/a%20b%3C");
        let mut s = String::new();
        turtle_string("a\"b\\\n\u{1}", &mut s);
        assert_eq!(s, "\"a\\\"b\\\\\\n\\u0001\"");
    }
}
