//! Evaluating a compiled schema on one document.
//!
//! The document text is parsed once into xee's tree. Each active pattern walks the document
//! once in document order (document node, elements, attributes — what the ISO skeleton's
//! templates visit); for each node, the first rule of the pattern whose context matches fires
//! (XSLT template priority). Variables are evaluated lazily and at most once: globals per
//! document, rule `let`s per fired rule, so every assert of a rule shares them.
//!
//! An evaluation error (in a test, a variable, a message, a context predicate) never aborts
//! the document: it becomes an `error` outcome on the affected assert and the walk goes on.

use super::compile::{Compiled, Matcher, Msg, Slot};
use super::matcher::{self, Host, PredValue};
use super::model::CheckKind;
use std::collections::{HashMap, HashSet};
use xee_xpath::Documents;
use xee_xpath_compiler::interpreter::Program;
use xee_xpath_compiler::sequence::{Item, Sequence};
use xot::xmlname::NameStrInfo;
use xot::{Node, Xot};

/// xee programs for every expression of a compiled schema (one set per thread).
pub(crate) struct Programs(pub Vec<Program>);

/// Compiles every expression (on the calling thread).
pub(crate) fn programs(c: &Compiled) -> Result<Programs, String> {
    let mut out = Vec::with_capacity(c.exprs.len());
    for e in &c.exprs {
        let names: Vec<_> = e.vars.iter().map(|(n, _)| n.clone()).collect();
        let sc = super::xpath::static_context(&c.namespaces, &names);
        let p = xee_xpath_compiler::compile(sc, e.ast.clone())
            .map_err(|err| format!("`{}`: {}", super::model::collapse(&e.source), err.error))?;
        out.push(p);
    }
    Ok(Programs(out))
}

/// Where a node is: child-element indexes from the root element, and the attribute name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NodeAt {
    /// `None` for the document node.
    pub elements: Option<Vec<usize>>,
    pub attribute: Option<String>,
}

/// What happened to one assert or report on one context node.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    /// The assert failed or the report succeeded.
    Fired {
        text: String,
        diagnostics: Vec<(String, String)>,
    },
    /// It could not be evaluated.
    Error(String),
}

/// One assert/report result.
#[derive(Debug, Clone)]
pub(crate) struct CheckResult {
    pub pattern: usize,
    pub rule: usize,
    pub check: usize,
    pub at: NodeAt,
    pub outcome: Outcome,
    /// Index of the rule firing in [`Results::fired`] (none for context errors).
    pub fired: Option<usize>,
}

/// One rule that fired on a node.
#[derive(Debug, Clone)]
pub(crate) struct Fired {
    pub pattern: usize,
    pub rule: usize,
    pub at: NodeAt,
}

/// All results of one document.
#[derive(Debug, Default)]
pub(crate) struct Results {
    pub fired: Vec<Fired>,
    pub checks: Vec<CheckResult>,
}

#[derive(Clone)]
enum Memo {
    Todo,
    Busy,
    Done(Result<Sequence, String>),
}

struct Locals {
    rule: (usize, usize),
    node: Node,
    memo: Vec<Memo>,
}

struct Evaluator<'a> {
    c: &'a Compiled,
    progs: &'a [Program],
    docs: Documents,
    root: Node,
    globals: Vec<Memo>,
    selects: HashMap<usize, Result<HashSet<Node>, String>>,
}

/// Describes an xee error for a finding.
fn describe(e: &xee_xpath_compiler::error::SpannedError) -> String {
    let code = e.error.code();
    let mut s = format!("{code}: {}", e.error.message());
    if code == "FOAR0002" || code == "FOCA0001" || code == "FOCA0003" {
        s.push_str(" (xee's xs:decimal holds at most about 7.9e28)");
    }
    s
}

/// Evaluates a compiled schema on a parsed document (whose text is loaded into xee's tree).
pub(crate) fn evaluate(
    c: &Compiled,
    progs: &Programs,
    doc: &crate::document::xml::XmlDoc<'_>,
) -> Result<Results, String> {
    let mut docs = Documents::new();
    let handle = docs
        .add_string_without_uri(doc.text)
        .map_err(|e| format!("cannot load the document into the XPath engine: {e}"))?;
    let root = docs
        .document_node(handle)
        .ok_or("the XPath engine lost the document")?;
    let lexical = super::scope::lexical_prefixes(&doc.tree, doc.text);
    super::scope::normalise(docs.xot_mut(), root, &lexical);
    let mut ev = Evaluator {
        c,
        progs: &progs.0,
        docs,
        root,
        globals: vec![Memo::Todo; c.globals.len()],
        selects: HashMap::new(),
    };
    let nodes: Vec<Node> = {
        let xot = ev.docs.xot();
        xot.all_descendants(root)
            .filter(|&n| xot.is_document(n) || xot.is_element(n) || xot.is_attribute_node(n))
            .collect()
    };
    let mut results = Results::default();
    for (pi, pattern) in c.patterns.iter().enumerate() {
        // A context that cannot be evaluated is reported once per rule, not once per node.
        let mut broken: HashSet<usize> = HashSet::new();
        for &node in &nodes {
            for (ri, rule) in pattern.rules.iter().enumerate() {
                if broken.contains(&ri) {
                    continue;
                }
                match ev.matches(&rule.matcher, node) {
                    Ok(false) => continue,
                    Ok(true) => {
                        ev.fire(pi, ri, node, &mut results);
                        break;
                    }
                    Err(e) => {
                        broken.insert(ri);
                        let at = ev.node_at(node);
                        for (ci, _) in rule.checks.iter().enumerate() {
                            results.checks.push(CheckResult {
                                pattern: pi,
                                rule: ri,
                                check: ci,
                                at: at.clone(),
                                outcome: Outcome::Error(format!(
                                    "rule context `{}`: {e}",
                                    rule.context
                                )),
                                fired: None,
                            });
                        }
                    }
                }
            }
        }
    }
    Ok(results)
}

struct MatchHost<'e, 'a> {
    ev: &'e mut Evaluator<'a>,
}

impl Host for MatchHost<'_, '_> {
    fn xot(&self) -> &Xot {
        self.ev.docs.xot()
    }
    fn predicate(&mut self, expr: usize, node: Node) -> Result<PredValue, String> {
        let seq = self.ev.run(expr, node, None)?;
        if seq.len() == 1
            && let Some(Item::Atomic(a)) = seq.get(0)
            && a.is_numeric()
        {
            let s = seq
                .string_value(self.ev.docs.xot())
                .map_err(|e| e.to_string())?;
            return Ok(PredValue::Number(s.parse::<f64>().unwrap_or(f64::NAN)));
        }
        seq.effective_boolean_value()
            .map(PredValue::Bool)
            .map_err(|e| format!("{}: {}", e.code(), e.message()))
    }
}

impl Evaluator<'_> {
    fn matches(&mut self, m: &Matcher, node: Node) -> Result<bool, String> {
        match m {
            Matcher::Paths(paths) => {
                let mut host = MatchHost { ev: self };
                for p in paths {
                    if matcher::matches(&mut host, node, p)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Matcher::Select(expr) => {
                if !self.selects.contains_key(expr) {
                    let set = self.run(*expr, self.root, None).map(|seq| {
                        seq.iter()
                            .filter_map(|item| {
                                if let Item::Node(n) = item {
                                    Some(n)
                                } else {
                                    None
                                }
                            })
                            .collect::<HashSet<Node>>()
                    });
                    self.selects.insert(*expr, set);
                }
                match self.selects.get(expr) {
                    Some(Ok(set)) => Ok(set.contains(&node)),
                    Some(Err(e)) => Err(e.clone()),
                    None => Ok(false),
                }
            }
        }
    }

    fn fire(&mut self, pi: usize, ri: usize, node: Node, results: &mut Results) {
        let c = self.c;
        let rule = &c.patterns[pi].rules[ri];
        let at = self.node_at(node);
        results.fired.push(Fired {
            pattern: pi,
            rule: ri,
            at: at.clone(),
        });
        let fired = Some(results.fired.len() - 1);
        let mut locals = Locals {
            rule: (pi, ri),
            node,
            memo: vec![Memo::Todo; rule.lets.len()],
        };
        for (ci, check) in rule.checks.iter().enumerate() {
            let outcome = match self
                .run(check.test, node, Some(&mut locals))
                .and_then(|seq| {
                    seq.effective_boolean_value()
                        .map_err(|e| format!("{}: {}", e.code(), e.message()))
                }) {
                Err(e) => Some(Outcome::Error(format!(
                    "test `{}`: {e}",
                    super::model::collapse(&c.exprs[check.test].source)
                ))),
                Ok(value) => {
                    let fired = match check.kind {
                        CheckKind::Assert => !value,
                        CheckKind::Report => value,
                    };
                    fired.then(|| {
                        let text = self.message(&check.message, node, &mut locals);
                        let diagnostics = check
                            .diagnostics
                            .iter()
                            .map(|(id, parts)| (id.clone(), self.message(parts, node, &mut locals)))
                            .collect();
                        Outcome::Fired { text, diagnostics }
                    })
                }
            };
            if let Some(outcome) = outcome {
                results.checks.push(CheckResult {
                    pattern: pi,
                    rule: ri,
                    check: ci,
                    at: at.clone(),
                    outcome,
                    fired,
                });
            }
        }
    }

    /// Message text; a part that cannot be evaluated shows the error instead of failing the
    /// assert's finding.
    fn message(&mut self, parts: &[Msg], node: Node, locals: &mut Locals) -> String {
        let mut s = String::new();
        for p in parts {
            match p {
                Msg::Text(t) => s.push_str(t),
                Msg::Expr(e) => match self.run(*e, node, Some(locals)) {
                    Ok(seq) => {
                        let xot = self.docs.xot();
                        let parts: Vec<String> = seq
                            .iter()
                            .map(|i| i.string_value(xot).unwrap_or_default())
                            .collect();
                        s.push_str(&parts.join(" "));
                    }
                    Err(err) => s.push_str(&format!("[value-of failed: {err}]")),
                },
            }
        }
        super::model::collapse(&s)
    }

    fn global(&mut self, g: usize) -> Result<Sequence, String> {
        match &self.globals[g] {
            Memo::Done(r) => return r.clone(),
            Memo::Busy => {
                return Err(format!(
                    "variable ${} depends on itself",
                    self.c.globals[g].name
                ));
            }
            Memo::Todo => {}
        }
        self.globals[g] = Memo::Busy;
        let binding = &self.c.globals[g];
        let r = self
            .run(binding.expr, self.root, None)
            .map_err(|e| format!("variable ${}: {e}", binding.name));
        self.globals[g] = Memo::Done(r.clone());
        r
    }

    fn local(&mut self, l: usize, locals: &mut Locals) -> Result<Sequence, String> {
        let (pi, ri) = locals.rule;
        let binding = &self.c.patterns[pi].rules[ri].lets[l];
        match &locals.memo[l] {
            Memo::Done(r) => return r.clone(),
            Memo::Busy => return Err(format!("variable ${} depends on itself", binding.name)),
            Memo::Todo => {}
        }
        locals.memo[l] = Memo::Busy;
        let node = locals.node;
        let r = self
            .run(binding.expr, node, Some(locals))
            .map_err(|e| format!("variable ${}: {e}", binding.name));
        locals.memo[l] = Memo::Done(r.clone());
        r
    }

    fn run(
        &mut self,
        expr: usize,
        node: Node,
        mut locals: Option<&mut Locals>,
    ) -> Result<Sequence, String> {
        let c = self.c;
        let e = &c.exprs[expr];
        let mut vars = xee_xpath::context::Variables::default();
        for (name, slot) in &e.vars {
            let value = match *slot {
                Slot::Global(g) => self.global(g)?,
                Slot::Local(l) => match locals.as_deref_mut() {
                    Some(ls) => self.local(l, ls)?,
                    None => {
                        return Err(format!(
                            "${} is a rule variable, not available here",
                            name.local_name()
                        ));
                    }
                },
            };
            vars.insert(name.clone(), value);
        }
        let prog: &Program = self.progs.get(expr).ok_or("internal: program missing")?;
        let mut b = prog.dynamic_context_builder();
        b.documents(self.docs.documents().clone());
        b.context_node(node);
        b.variables(vars);
        let ctx = b.build();
        prog.runnable(&ctx)
            .many(self.docs.xot_mut())
            .map_err(|e| describe(&e))
    }

    fn node_at(&self, node: Node) -> NodeAt {
        let xot = self.docs.xot();
        let (element, attribute) = if xot.is_attribute_node(node) {
            let name = xot.attribute_node(node).map(|a| {
                let (local, ns) = xot.name_ns_str(a.name());
                if ns.is_empty() {
                    local.to_string()
                } else {
                    format!("Q{{{ns}}}{local}")
                }
            });
            (xot.parent(node), name)
        } else {
            (Some(node), None)
        };
        let mut indexes = Vec::new();
        let mut cur = element;
        while let Some(n) = cur {
            if !xot.is_element(n) {
                break;
            }
            let parent = xot.parent(n);
            if parent.is_some_and(|p| xot.is_document(p)) {
                break;
            }
            let i = xot
                .preceding_siblings(n)
                .filter(|&s| s != n && xot.is_element(s))
                .count();
            indexes.push(i);
            cur = parent;
        }
        indexes.reverse();
        let is_doc = element.is_none_or(|e| xot.is_document(e));
        NodeAt {
            elements: (!is_doc).then_some(indexes),
            attribute,
        }
    }
}
