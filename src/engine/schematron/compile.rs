//! From the schema model to the engine's compiled form: active patterns of the chosen phase,
//! variables resolved to slots, every expression prepared (see [`super::xpath`]), contexts
//! turned into matchers (see [`super::matcher`]).
//!
//! The result is plain data (`Send + Sync`); programs are built from it per thread.

use super::matcher::{self, PathPattern, Step};
use super::model::{self, CheckKind, MsgPart, RuleItem, Schema};
use super::xpath::{self, Functions};
use crate::standard::Severity;
use std::collections::{BTreeMap, BTreeSet};
use xee_xpath_ast::ast::{self, Name};

/// Where a variable's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// A schema, phase or pattern `let`, evaluated once per document on the document node.
    Global(usize),
    /// A `let` of the firing rule, evaluated on its context node.
    Local(usize),
}

/// A prepared expression.
#[derive(Debug, Clone)]
pub(crate) struct Expr {
    /// The text as written (after parameter substitution), for messages.
    pub source: String,
    /// The rewritten AST.
    pub ast: ast::XPath,
    /// Declared variables, in declaration order, with their slots.
    pub vars: Vec<(Name, Slot)>,
}

/// A named variable and its expression.
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub name: String,
    pub expr: usize,
}

/// How a rule finds its context nodes.
#[derive(Debug, Clone)]
pub(crate) enum Matcher {
    /// Step patterns, matched per node.
    Paths(Vec<PathPattern<usize>>),
    /// Membership in what `/descendant-or-self::node()/(context)` selects.
    Select(usize),
}

/// Message part, compiled.
#[derive(Debug, Clone)]
pub(crate) enum Msg {
    Text(String),
    /// `value-of` or `name`: the string value of an expression.
    Expr(usize),
}

/// A compiled assert or report.
#[derive(Debug, Clone)]
pub(crate) struct Check {
    pub id: String,
    pub kind: CheckKind,
    pub test: usize,
    pub message: Vec<Msg>,
    pub diagnostics: Vec<(String, Vec<Msg>)>,
    pub severity: Option<Severity>,
    pub flag: Option<String>,
    pub role: Option<String>,
    pub see: Option<String>,
    /// The message's fixed text (value-of parts shown as `…`).
    pub title: String,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub id: Option<String>,
    pub context: String,
    pub matcher: Matcher,
    pub lets: Vec<Binding>,
    pub checks: Vec<Check>,
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub id: Option<String>,
    pub rules: Vec<Rule>,
}

/// A compiled schema.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub title: Option<String>,
    pub phase: Option<String>,
    pub namespaces: Vec<(String, String)>,
    pub exprs: Vec<Expr>,
    pub globals: Vec<Binding>,
    pub patterns: Vec<Pattern>,
}

/// Maps a Schematron flag, role or severity to a konform severity.
pub(crate) fn severity(word: &str) -> Option<Severity> {
    match word.trim().to_ascii_lowercase().as_str() {
        "fatal" | "error" | "err" => Some(Severity::Error),
        "warning" | "warn" => Some(Severity::Warning),
        "info" | "information" | "informational" | "note" | "hint" => Some(Severity::Info),
        _ => None,
    }
}

struct Builder<'s> {
    namespaces: Vec<(String, String)>,
    functions: Functions,
    exprs: Vec<Expr>,
    global_names: BTreeMap<String, usize>,
    schema: &'s Schema,
}

/// Compiles a schema for a phase (`None`: the default phase, else `#ALL`). With `optional`, a
/// phase the schema does not define selects the default phase.
pub(crate) fn compile(
    schema: &Schema,
    phase: Option<&str>,
    optional: bool,
) -> Result<Compiled, String> {
    let defined = |id: &str| id.starts_with('#') || schema.phases.iter().any(|p| p.id == id);
    let phase = phase
        .filter(|id| !optional || defined(id))
        .map(str::to_string)
        .or_else(|| schema.default_phase.clone());
    let active: Option<&model::Phase> = match phase.as_deref() {
        None | Some("#ALL") => None,
        Some("#DEFAULT") => match &schema.default_phase {
            Some(d) => Some(
                schema
                    .phases
                    .iter()
                    .find(|p| &p.id == d)
                    .ok_or_else(|| format!("default phase `{d}` is not defined"))?,
            ),
            None => None,
        },
        Some(id) => Some(schema.phases.iter().find(|p| p.id == id).ok_or_else(|| {
            let known: Vec<&str> = schema.phases.iter().map(|p| p.id.as_str()).collect();
            format!("phase `{id}` is not defined (phases: {})", known.join(", "))
        })?),
    };
    let patterns: Vec<&model::Pattern> = match active {
        None => schema.patterns.iter().collect(),
        Some(ph) => {
            for a in &ph.active {
                if !schema.patterns.iter().any(|p| p.id.as_deref() == Some(a)) {
                    return Err(format!("phase `{}` activates unknown pattern `{a}`", ph.id));
                }
            }
            schema
                .patterns
                .iter()
                .filter(|p| p.id.as_ref().is_some_and(|id| ph.active.contains(id)))
                .collect()
        }
    };

    // Globals: schema lets, the phase's lets, and every pattern's lets (the ISO skeleton makes
    // pattern lets global variables). The first definition of a name wins.
    let mut global_lets: Vec<&model::Let> = schema.lets.iter().collect();
    if let Some(ph) = active {
        global_lets.extend(ph.lets.iter());
    }
    for p in &schema.patterns {
        global_lets.extend(p.lets.iter());
    }
    let mut global_names = BTreeMap::new();
    let mut unique = Vec::new();
    for l in global_lets {
        if !global_names.contains_key(&l.name) {
            global_names.insert(l.name.clone(), unique.len());
            unique.push(l);
        }
    }
    let names: BTreeSet<String> = global_names.keys().cloned().collect();
    let functions = Functions::parse(&schema.functions, &schema.namespaces, &names)?;
    let mut namespaces = schema.namespaces.clone();
    for f in &schema.functions {
        for (p, u) in &f.namespaces {
            if !namespaces.iter().any(|(q, _)| q == p) {
                namespaces.push((p.clone(), u.clone()));
            }
        }
    }
    let mut b = Builder {
        namespaces,
        functions,
        exprs: Vec::new(),
        global_names,
        schema,
    };
    let mut globals = Vec::new();
    for l in unique {
        let expr = b
            .expr(&l.value, &[])
            .map_err(|e| format!("let ${}: {e}", l.name))?;
        globals.push(Binding {
            name: l.name.clone(),
            expr,
        });
    }
    let mut out_patterns = Vec::new();
    for (pi, p) in patterns.iter().enumerate() {
        let pid = p.id.clone().unwrap_or_else(|| format!("pattern{}", pi + 1));
        let mut counter = 0;
        let mut rules = Vec::new();
        for r in &p.rules {
            rules.push(
                b.rule(r, &pid, &mut counter)
                    .map_err(|e| format!("pattern `{pid}`: {e}"))?,
            );
        }
        out_patterns.push(Pattern {
            id: p.id.clone(),
            rules,
        });
    }
    Ok(Compiled {
        title: schema.title.clone(),
        phase,
        namespaces: b.namespaces,
        exprs: b.exprs,
        globals,
        patterns: out_patterns,
    })
}

impl Builder<'_> {
    fn slot(&self, name: &str, locals: &[String]) -> Option<Slot> {
        if let Some(i) = locals.iter().position(|l| l == name) {
            return Some(Slot::Local(i));
        }
        self.global_names.get(name).map(|&g| Slot::Global(g))
    }

    fn push(
        &mut self,
        source: &str,
        p: xpath::Prepared,
        locals: &[String],
    ) -> Result<usize, String> {
        let mut vars = Vec::new();
        for v in &p.vars {
            let slot = self
                .slot(v, locals)
                .ok_or_else(|| format!("${v} is not defined"))?;
            vars.push((xpath::var_name(v, &self.namespaces), slot));
        }
        self.exprs.push(Expr {
            source: source.to_string(),
            ast: p.ast,
            vars,
        });
        Ok(self.exprs.len() - 1)
    }

    /// Prepares an expression whose variables resolve to `locals` (rule lets) or globals.
    fn expr(&mut self, text: &str, locals: &[String]) -> Result<usize, String> {
        let in_scope = |n: &str| locals.iter().any(|l| l == n) || self.global_names.contains_key(n);
        let p = xpath::prepare(text, &self.namespaces, &in_scope, &self.functions)
            .map_err(|e| format!("`{}`: {e}", model::collapse(text)))?;
        self.push(text, p, locals)
    }

    fn matcher(&mut self, context: &str) -> Result<Matcher, String> {
        let globals = self.global_names.clone();
        let in_scope = |n: &str| globals.contains_key(n);
        let (parsed, vars) = xpath::parse(context, &self.namespaces, &in_scope)
            .map_err(|e| format!("context `{}`: {e}", model::collapse(context)))?;
        if let Some(alternatives) = matcher::analyze(&parsed) {
            let mut out = Vec::new();
            for alt in alternatives {
                let mut steps = Vec::new();
                for s in alt.steps {
                    let mut preds = Vec::new();
                    for pred in s.preds {
                        let p = xpath::finish(
                            ast::XPath(pred),
                            vars.clone(),
                            &in_scope,
                            &self.functions,
                        )
                        .map_err(|e| format!("context `{}`: {e}", model::collapse(context)))?;
                        preds.push(self.push(context, p, &[])?);
                    }
                    steps.push(Step {
                        axis: s.axis,
                        test: s.test,
                        preds,
                    });
                }
                out.push(PathPattern {
                    rooted: alt.rooted,
                    steps,
                });
            }
            return Ok(Matcher::Paths(out));
        }
        // Absolute contexts select the same nodes from everywhere: evaluate them once.
        let select = if matcher::is_absolute(&parsed) {
            format!("/({context})")
        } else {
            format!("/descendant-or-self::node()/({context})")
        };
        Ok(Matcher::Select(
            self.expr(&select, &[])
                .map_err(|e| format!("context {e}"))?,
        ))
    }

    fn messages(&mut self, parts: &[MsgPart], locals: &[String]) -> Result<Vec<Msg>, String> {
        let mut out = Vec::new();
        for part in parts {
            out.push(match part {
                MsgPart::Text(t) => Msg::Text(t.clone()),
                MsgPart::ValueOf(sel) => Msg::Expr(self.expr(sel, locals)?),
                MsgPart::Name(None) => Msg::Expr(self.expr("name(.)", locals)?),
                MsgPart::Name(Some(path)) => {
                    Msg::Expr(self.expr(&format!("name({path})"), locals)?)
                }
            });
        }
        Ok(out)
    }

    fn rule(
        &mut self,
        r: &model::Rule,
        pattern_id: &str,
        counter: &mut usize,
    ) -> Result<Rule, String> {
        let context = r.context.clone().unwrap_or_default();
        let matcher = self.matcher(&context)?;
        let locals: Vec<String> = r
            .items
            .iter()
            .filter_map(|i| {
                if let RuleItem::Let(l) = i {
                    Some(l.name.clone())
                } else {
                    None
                }
            })
            .collect();
        let mut lets = Vec::new();
        let mut checks = Vec::new();
        for item in &r.items {
            match item {
                RuleItem::Let(l) => {
                    let expr = self
                        .expr(&l.value, &locals)
                        .map_err(|e| format!("let ${}: {e}", l.name))?;
                    lets.push(Binding {
                        name: l.name.clone(),
                        expr,
                    });
                }
                RuleItem::Check(c) => {
                    *counter += 1;
                    let id =
                        c.id.clone()
                            .unwrap_or_else(|| format!("{pattern_id}-{counter}"));
                    let test = self
                        .expr(&c.test, &locals)
                        .map_err(|e| format!("{id}: {e}"))?;
                    let message = self
                        .messages(&c.message, &locals)
                        .map_err(|e| format!("{id}: message: {e}"))?;
                    let mut diagnostics = Vec::new();
                    for d in &c.diagnostics {
                        let parts = self
                            .schema
                            .diagnostics
                            .get(d)
                            .ok_or_else(|| format!("{id}: diagnostic `{d}` is not defined"))?
                            .clone();
                        diagnostics.push((
                            d.clone(),
                            self.messages(&parts, &locals)
                                .map_err(|e| format!("{id}: diagnostic {d}: {e}"))?,
                        ));
                    }
                    let severity = [&c.severity, &c.flag, &c.role, &r.flag, &r.role]
                        .into_iter()
                        .flatten()
                        .find_map(|w| severity(w));
                    let title = model::collapse(
                        &c.message
                            .iter()
                            .map(|p| match p {
                                MsgPart::Text(t) => t.as_str(),
                                _ => "…",
                            })
                            .collect::<String>(),
                    );
                    checks.push(Check {
                        id,
                        kind: c.kind,
                        test,
                        message,
                        diagnostics,
                        severity,
                        flag: c.flag.clone().or_else(|| r.flag.clone()),
                        role: c.role.clone().or_else(|| r.role.clone()),
                        see: c.see.clone(),
                        title,
                    });
                }
                RuleItem::Extends(_) => {} // expanded by the model
            }
        }
        Ok(Rule {
            id: r.id.clone(),
            context,
            matcher,
            lets,
            checks,
        })
    }
}
