//! XPath expressions of a schema: parsed with xee, rewritten around xee's known defects, and
//! compiled.
//!
//! Every expression goes through the same steps: find the variables it may read, parse it
//! to xee's AST, rewrite the AST, check that it compiles. The rewritten AST is plain data
//! (`Send + Sync`) and is stored in the engine; each worker thread compiles it into xee
//! programs (which are not `Send`), once per thread (see `super::cache`).
//!
//! Rewrites (all on the AST, none copies xee code):
//! 1. **Short-circuit `and`/`or`.** xee evaluates both operands, so `false() and error()`
//!    raises. `a and b` becomes `if (a) then boolean(b) else false()`, `a or b` becomes
//!    `if (a) then true() else boolean(b)`: the same effective boolean values, evaluated
//!    lazily as Saxon does.
//! 2. **Whitespace in casts.** xee's cast from string or untypedAtomic to `xs:decimal`,
//!    `xs:integer` (and its subtypes), `xs:float` and `xs:boolean` rejects surrounding
//!    whitespace, though XML Schema's `collapse` facet removes it. Constructor calls such as
//!    `xs:decimal(X)` and `X cast as T` / `X castable as T` get their operand replaced by
//!    `for $v in data(X) return if ($v instance of xs:string or $v instance of
//!    xs:untypedAtomic) then normalize-space($v) else $v`. Typed parameters of
//!    `xsl:function`s get the same treatment (see [`function_source`]).
//! 3. **`//x` is slow.** `descendant-or-self::node()/child::x[p]` becomes `descendant::x[p]`
//!    when no predicate can be positional (it contains no `position()`/`last()` and its value
//!    is surely not numeric), where both select the same nodes; `//@x`
//!    (`descendant-or-self::node()/attribute::x`) becomes `descendant-or-self::*/attribute::x`
//!    (only elements have attributes; xee then walks 2-3 times fewer nodes).
//! 4. **User functions.** xee has no API to register functions, so calls to `xsl:function`s
//!    become dynamic calls through a map of inline functions bound around the expression:
//!    `let $fns := map{ 'key': function($fns, $a, ...) { body } } return ... $fns('key')($fns,
//!    ...)`. Passing the map along makes recursion and mutual recursion work.
//!
//! Decimal overflow (xee's decimals stop at about 7.9e28) is not rewritten: it raises an error,
//! which becomes an `error` finding on the rule (see `super::eval`).

use super::model::Function;
use std::collections::{BTreeMap, BTreeSet};
use xee_xpath_ast::ast::{self, Name};
use xee_xpath_ast::span::WithSpan;
use xee_xpath_compiler::context::{StaticContext, StaticContextBuilder};

/// Namespace of names konform introduces into rewritten expressions (never in user text).
const INTERNAL_NS: &str = "urn:konform:schematron:internal";
const FN_NS: &str = xee_xpath_ast::FN_NAMESPACE;
const XS_NS: &str = xee_xpath_ast::XS_NAMESPACE;

/// Atomic types whose casts need the whitespace rewrite.
const TRIMMED_TYPES: &[&str] = &[
    "decimal",
    "integer",
    "nonPositiveInteger",
    "negativeInteger",
    "long",
    "int",
    "short",
    "byte",
    "nonNegativeInteger",
    "unsignedLong",
    "unsignedInt",
    "unsignedShort",
    "unsignedByte",
    "positiveInteger",
    "float",
    "boolean",
];

/// Builds a static context for a namespace list and variable names.
pub(crate) fn static_context(namespaces: &[(String, String)], vars: &[Name]) -> StaticContext {
    let mut b = StaticContextBuilder::default();
    for (p, u) in namespaces {
        b.add_namespace(p, u);
    }
    b.variable_names(vars.iter().cloned());
    b.build()
}

/// A variable name as the parser produces it for `$name` (prefixes resolved).
pub(crate) fn var_name(qname: &str, namespaces: &[(String, String)]) -> Name {
    match qname.split_once(':') {
        Some((p, l)) => {
            let ns = namespaces
                .iter()
                .find(|(q, _)| q == p)
                .map_or("", |(_, u)| u.as_str());
            Name::new(l.to_string(), ns.to_string(), p.to_string())
        }
        None => Name::new(qname.to_string(), String::new(), String::new()),
    }
}

/// `$name` references in the text (a superset of the free variables: bound ones and ones in
/// string literals are included; unused declarations are harmless).
pub(crate) fn referenced_names(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        let after = rest[at + 1..].trim_start();
        let len = after
            .char_indices()
            .find(|&(_, ch)| {
                !(ch.is_alphanumeric() || matches!(ch, '_' | '-' | '.' | ':' | '\u{B7}'))
            })
            .map_or(after.len(), |(i, _)| i);
        let name = after[..len].trim_end_matches(':');
        if !name.is_empty() {
            out.insert(name.to_string());
        }
        rest = &after[len..];
    }
    out
}

/// Parsed user functions, ready to be bound around expressions that call them.
#[derive(Default)]
pub(crate) struct Functions {
    /// key -> (inline function AST, keys it calls, variables its body reads).
    defs: BTreeMap<String, (ast::ExprSingleS, BTreeSet<String>, BTreeSet<String>)>,
    /// (ns, local, arity) -> key
    by_name: BTreeMap<(String, String, usize), String>,
}

/// The text of an inline function for an `xsl:function`, with the function map as first
/// parameter and the whitespace rewrite applied to typed parameters.
pub(crate) fn function_source(f: &Function) -> String {
    let fns = format!("$Q{{{INTERNAL_NS}}}fns");
    let mut params = vec![fns];
    let mut coercions = String::new();
    for (i, (name, ty)) in f.params.iter().enumerate() {
        let trimmed = ty.as_deref().is_some_and(|t| {
            let base = t.trim().trim_end_matches(['?', '*', '+']);
            base.strip_prefix("xs:")
                .is_some_and(|l| TRIMMED_TYPES.contains(&l))
        });
        match ty {
            Some(t) if trimmed => {
                params.push(format!("${name}"));
                coercions.push_str(&format!(
                    "let ${name} := (function($Q{{{INTERNAL_NS}}}p{i} as {t}) {{ $Q{{{INTERNAL_NS}}}p{i} }})(for $Q{{{INTERNAL_NS}}}w{i} in data(${name}) return if ($Q{{{INTERNAL_NS}}}w{i} instance of xs:untypedAtomic) then xs:untypedAtomic(normalize-space($Q{{{INTERNAL_NS}}}w{i})) else $Q{{{INTERNAL_NS}}}w{i}) return "
                ));
            }
            Some(t) => params.push(format!("${name} as {t}")),
            None => params.push(format!("${name}")),
        }
    }
    let result = f
        .result
        .as_ref()
        .map(|r| format!(" as {r}"))
        .unwrap_or_default();
    format!(
        "function({}){result} {{ {coercions}{} }}",
        params.join(", "),
        f.body
    )
}

impl Functions {
    /// Parses every function; `globals` are the variable names a body may read.
    pub(crate) fn parse(
        functions: &[Function],
        namespaces: &[(String, String)],
        globals: &BTreeSet<String>,
    ) -> Result<Functions, String> {
        let mut out = Functions::default();
        for f in functions {
            out.by_name
                .insert((f.ns.clone(), f.local.clone(), f.params.len()), f.key());
        }
        for f in functions {
            let src = function_source(f);
            let mut ns: Vec<(String, String)> = namespaces.to_vec();
            for (p, u) in &f.namespaces {
                if !ns.iter().any(|(q, _)| q == p) {
                    ns.push((p.clone(), u.clone()));
                }
            }
            let reads: BTreeSet<String> = referenced_names(&f.body)
                .into_iter()
                .filter(|n| globals.contains(n) && !f.params.iter().any(|(p, _)| p == n))
                .collect();
            let vars: Vec<Name> = reads.iter().map(|n| var_name(n, &ns)).collect();
            let mut xpath = super::flatten::parse_xpath(&src, &ns, &vars)
                .map_err(|e| format!("function {}: {}", f.key(), parse_error(&e)))?;
            let [single] = xpath.0.value.0.as_mut_slice() else {
                return Err(format!("function {}: not one expression", f.key()));
            };
            // The first parameter is the function map; calls in the body go through it.
            let fns_param = match &single.value {
                ast::ExprSingle::Path(p) => match p.steps.as_slice() {
                    [s] => match &s.value {
                        ast::StepExpr::PrimaryExpr(pe) => match &pe.value {
                            ast::PrimaryExpr::InlineFunction(i) => {
                                i.params.first().map(|p| p.name.clone())
                            }
                            _ => None,
                        },
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            }
            .ok_or_else(|| format!("function {}: unexpected shape", f.key()))?;
            let mut rw = Rewriter::new(&out.by_name, Some(fns_param));
            rw.expr_single(single);
            let calls = rw.calls;
            out.defs.insert(f.key(), (single.clone(), calls, reads));
        }
        Ok(out)
    }

    fn closure(&self, direct: &BTreeSet<String>) -> BTreeSet<String> {
        let mut all = BTreeSet::new();
        let mut todo: Vec<String> = direct.iter().cloned().collect();
        while let Some(k) = todo.pop() {
            if all.insert(k.clone())
                && let Some((_, calls, _)) = self.defs.get(&k)
            {
                todo.extend(calls.iter().cloned());
            }
        }
        all
    }
}

/// One expression, rewritten and checked, with the variables it reads.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    /// The rewritten AST.
    pub ast: ast::XPath,
    /// Variables declared to xee (all resolve in the scope the caller gave).
    pub vars: Vec<String>,
}

/// Parses and rewrites an expression (compiled later, by `cache::programs`). `in_scope` answers whether a variable
/// name is bound where the expression sits.
pub(crate) fn prepare(
    text: &str,
    namespaces: &[(String, String)],
    in_scope: &dyn Fn(&str) -> bool,
    functions: &Functions,
) -> Result<Prepared, String> {
    let (xpath, vars) = parse(text, namespaces, in_scope)?;
    finish(xpath, vars, in_scope, functions)
}

/// Parses an expression with the variables it may read declared.
pub(crate) fn parse(
    text: &str,
    namespaces: &[(String, String)],
    in_scope: &dyn Fn(&str) -> bool,
) -> Result<(ast::XPath, Vec<String>), String> {
    let vars: Vec<String> = referenced_names(text)
        .into_iter()
        .filter(|n| in_scope(n))
        .collect();
    let names: Vec<Name> = vars.iter().map(|n| var_name(n, namespaces)).collect();
    let xpath =
        super::flatten::parse_xpath(text, namespaces, &names).map_err(|e| parse_error(&e))?;
    Ok((xpath, vars))
}

/// Rewrites a parsed expression and binds the user functions it calls.
pub(crate) fn finish(
    mut xpath: ast::XPath,
    mut vars: Vec<String>,
    in_scope: &dyn Fn(&str) -> bool,
    functions: &Functions,
) -> Result<Prepared, String> {
    let top = Name::new(
        "fns-top".to_string(),
        INTERNAL_NS.to_string(),
        String::new(),
    );
    let mut rw = Rewriter::new(&functions.by_name, Some(top.clone()));
    rw.expr(&mut xpath.0);
    if !rw.calls.is_empty() {
        let used = functions.closure(&rw.calls);
        let mut entries = Vec::new();
        for k in &used {
            let Some((def, _, reads)) = functions.defs.get(k) else {
                continue;
            };
            for r in reads {
                if !vars.contains(r) {
                    if !in_scope(r) {
                        return Err(format!(
                            "function {k} reads ${r}, which is not a global variable"
                        ));
                    }
                    vars.push(r.clone());
                }
            }
            entries.push(ast::MapConstructorEntry {
                key: string_literal(k),
                value: def.clone(),
            });
        }
        let map = single(path_of(ast::PrimaryExpr::MapConstructor(
            ast::MapConstructor { entries },
        )));
        let body = std::mem::replace(&mut xpath.0, ast::Expr(Vec::new()).with_empty_span());
        let ret = single(path_of(ast::PrimaryExpr::Expr(
            Some(body.value).with_empty_span(),
        )));
        let wrapped = ast::ExprSingle::Let(ast::LetExpr {
            var_name: top.with_empty_span(),
            var_expr: Box::new(map),
            return_expr: Box::new(ret),
        });
        xpath.0 = ast::Expr(vec![wrapped.with_empty_span()]).with_empty_span();
    }
    // Not compiled here: `cache::programs` compiles every prepared expression when the engine
    // is built, so a compile error still surfaces as a configuration error at load time.
    Ok(Prepared { ast: xpath, vars })
}

/// A parse error with its position.
fn parse_error(e: &xee_xpath_ast::ParserError) -> String {
    let span = e.span();
    let what = match e {
        xee_xpath_ast::ParserError::ExpectedFound { .. } => "syntax error".to_string(),
        xee_xpath_ast::ParserError::UnknownPrefix { prefix, .. } => {
            format!("undeclared namespace prefix `{prefix}`")
        }
        xee_xpath_ast::ParserError::Reserved { name, .. } => format!("reserved name `{name}`"),
        xee_xpath_ast::ParserError::ArityOverflow { .. } => "too many arguments".to_string(),
        xee_xpath_ast::ParserError::UnknownType { name, .. } => {
            format!("unknown type `{}`", name.local_name())
        }
        xee_xpath_ast::ParserError::IllegalFunctionInPattern { name, .. } => {
            format!("function `{}` not allowed here", name.local_name())
        }
    };
    format!("{what} at characters {}..{}", span.start, span.end)
}

// --- AST construction helpers -------------------------------------------------------------

fn fn_name(local: &str) -> Name {
    Name::new(local.to_string(), FN_NS.to_string(), String::new())
}

fn path_of(p: ast::PrimaryExpr) -> ast::PathExpr {
    ast::PathExpr {
        steps: vec![ast::StepExpr::PrimaryExpr(p.with_empty_span()).with_empty_span()],
    }
}

fn single(p: ast::PathExpr) -> ast::ExprSingleS {
    ast::ExprSingle::Path(p).with_empty_span()
}

fn call(local: &str, arguments: Vec<ast::ExprSingleS>) -> ast::ExprSingleS {
    single(path_of(ast::PrimaryExpr::FunctionCall(ast::FunctionCall {
        name: fn_name(local).with_empty_span(),
        arguments,
    })))
}

fn string_literal(s: &str) -> ast::ExprSingleS {
    single(path_of(ast::PrimaryExpr::Literal(ast::Literal::String(
        s.to_string(),
    ))))
}

fn paren(e: ast::ExprSingleS) -> ast::PathExpr {
    path_of(ast::PrimaryExpr::Expr(
        Some(ast::Expr(vec![e])).with_empty_span(),
    ))
}

fn var_ref(name: &Name) -> ast::ExprSingleS {
    single(path_of(ast::PrimaryExpr::VarRef(name.clone())))
}

fn placeholder() -> ast::ExprSingle {
    ast::ExprSingle::Path(ast::PathExpr { steps: Vec::new() })
}

/// `xs:string` and `xs:untypedAtomic` as sequence types (for the whitespace rewrite).
/// (Parsed once: building xee's parser is expensive.)
fn string_types() -> Option<(ast::SequenceType, ast::SequenceType)> {
    static TYPES: std::sync::OnceLock<Option<(ast::SequenceType, ast::SequenceType)>> =
        std::sync::OnceLock::new();
    TYPES
        .get_or_init(|| {
            let ns = xee_xpath_ast::Namespaces::default();
            let s = xee_xpath_ast::parse_sequence_type("xs:string", &ns).ok()?;
            let u = xee_xpath_ast::parse_sequence_type("xs:untypedAtomic", &ns).ok()?;
            Some((s, u))
        })
        .clone()
}

/// `for $v in data(X) return if ($v instance of xs:string or $v instance of xs:untypedAtomic)
/// then normalize-space($v) else $v`, built without `or` (it is an `if`).
fn trimmed(
    x: ast::ExprSingleS,
    v: Name,
    types: &(ast::SequenceType, ast::SequenceType),
) -> ast::ExprSingleS {
    let is = |t: &ast::SequenceType| {
        ast::ExprSingle::Apply(ast::ApplyExpr {
            path_expr: path_of(ast::PrimaryExpr::VarRef(v.clone())),
            operator: ast::ApplyOperator::InstanceOf(t.clone()),
        })
        .with_empty_span()
    };
    let cond = ast::ExprSingle::If(ast::IfExpr {
        condition: ast::Expr(vec![is(&types.0)]).with_empty_span(),
        then: Box::new(call("true", vec![])),
        else_: Box::new(is(&types.1)),
    })
    .with_empty_span();
    let body = ast::ExprSingle::If(ast::IfExpr {
        condition: ast::Expr(vec![cond]).with_empty_span(),
        then: Box::new(call("normalize-space", vec![var_ref(&v)])),
        else_: Box::new(var_ref(&v)),
    })
    .with_empty_span();
    ast::ExprSingle::For(ast::ForExpr {
        var_name: v.with_empty_span(),
        var_expr: Box::new(call("data", vec![x])),
        return_expr: Box::new(body),
    })
    .with_empty_span()
}

fn is_trimmed_type(name: &Name) -> bool {
    name.namespace() == XS_NS && TRIMMED_TYPES.contains(&name.local_name())
}

use xot::xmlname::NameStrInfo;

// --- Walking ------------------------------------------------------------------------------

/// A mutable walk over every node of xee's AST; implementors override what they need.
pub(crate) trait Walk {
    fn expr(&mut self, e: &mut ast::ExprS) {
        for s in &mut e.value.0 {
            self.expr_single(s);
        }
    }
    fn expr_or_empty(&mut self, e: &mut ast::ExprOrEmptyS) {
        if let Some(x) = &mut e.value {
            for s in &mut x.0 {
                self.expr_single(s);
            }
        }
    }
    fn expr_single(&mut self, e: &mut ast::ExprSingleS) {
        walk_expr_single(self, e);
    }
    fn path(&mut self, p: &mut ast::PathExpr) {
        walk_path(self, p);
    }
    fn primary(&mut self, p: &mut ast::PrimaryExprS) {
        walk_primary(self, p);
    }
}

pub(crate) fn walk_expr_single<W: Walk + ?Sized>(w: &mut W, e: &mut ast::ExprSingleS) {
    match &mut e.value {
        ast::ExprSingle::Path(p) => w.path(p),
        ast::ExprSingle::Apply(a) => {
            w.path(&mut a.path_expr);
            if let ast::ApplyOperator::SimpleMap(paths) = &mut a.operator {
                for p in paths {
                    w.path(p);
                }
            }
        }
        ast::ExprSingle::Let(l) => {
            w.expr_single(&mut l.var_expr);
            w.expr_single(&mut l.return_expr);
        }
        ast::ExprSingle::If(i) => {
            w.expr(&mut i.condition);
            w.expr_single(&mut i.then);
            w.expr_single(&mut i.else_);
        }
        ast::ExprSingle::Binary(b) => {
            w.path(&mut b.left);
            w.path(&mut b.right);
        }
        ast::ExprSingle::For(f) => {
            w.expr_single(&mut f.var_expr);
            w.expr_single(&mut f.return_expr);
        }
        ast::ExprSingle::Quantified(q) => {
            w.expr_single(&mut q.var_expr);
            w.expr_single(&mut q.satisfies_expr);
        }
    }
}

pub(crate) fn walk_path<W: Walk + ?Sized>(w: &mut W, p: &mut ast::PathExpr) {
    for s in &mut p.steps {
        match &mut s.value {
            ast::StepExpr::PrimaryExpr(pe) => w.primary(pe),
            ast::StepExpr::PostfixExpr { primary, postfixes } => {
                w.primary(primary);
                for pf in postfixes {
                    match pf {
                        ast::Postfix::Predicate(e) => w.expr(e),
                        ast::Postfix::ArgumentList(args) => {
                            for a in args {
                                w.expr_single(a);
                            }
                        }
                        ast::Postfix::Lookup(k) => walk_key(w, k),
                    }
                }
            }
            ast::StepExpr::AxisStep(a) => {
                for pred in &mut a.predicates {
                    w.expr(pred);
                }
            }
        }
    }
}

fn walk_key<W: Walk + ?Sized>(w: &mut W, k: &mut ast::KeySpecifier) {
    if let ast::KeySpecifier::Expr(e) = k {
        w.expr_or_empty(e);
    }
}

pub(crate) fn walk_primary<W: Walk + ?Sized>(w: &mut W, p: &mut ast::PrimaryExprS) {
    match &mut p.value {
        ast::PrimaryExpr::Expr(e) => w.expr_or_empty(e),
        ast::PrimaryExpr::FunctionCall(fc) => {
            for a in &mut fc.arguments {
                w.expr_single(a);
            }
        }
        ast::PrimaryExpr::InlineFunction(f) => w.expr_or_empty(&mut f.body),
        ast::PrimaryExpr::MapConstructor(m) => {
            for entry in &mut m.entries {
                w.expr_single(&mut entry.key);
                w.expr_single(&mut entry.value);
            }
        }
        ast::PrimaryExpr::ArrayConstructor(a) => match a {
            ast::ArrayConstructor::Square(e) => w.expr(e),
            ast::ArrayConstructor::Curly(e) => w.expr_or_empty(e),
        },
        ast::PrimaryExpr::UnaryLookup(k) => walk_key(w, k),
        ast::PrimaryExpr::Literal(_)
        | ast::PrimaryExpr::VarRef(_)
        | ast::PrimaryExpr::ContextItem
        | ast::PrimaryExpr::NamedFunctionRef(_) => {}
    }
}

// --- Analyses -----------------------------------------------------------------------------

/// Whether an expression calls `position()` or `last()` anywhere.
pub(crate) fn uses_position(e: &ast::ExprS) -> bool {
    struct Finder(bool);
    impl Walk for Finder {
        fn primary(&mut self, p: &mut ast::PrimaryExprS) {
            if let ast::PrimaryExpr::FunctionCall(fc) = &p.value {
                let n = &fc.name.value;
                if n.namespace() == FN_NS && matches!(n.local_name(), "position" | "last") {
                    self.0 = true;
                }
            }
            walk_primary(self, p);
        }
    }
    let mut f = Finder(false);
    f.expr(&mut e.clone());
    f.0
}

/// Functions whose result is never numeric (boolean, string or nodes).
const NON_NUMERIC_FUNCTIONS: &[&str] = &[
    "not",
    "exists",
    "empty",
    "boolean",
    "true",
    "false",
    "contains",
    "starts-with",
    "ends-with",
    "matches",
    "normalize-space",
    "string",
    "upper-case",
    "lower-case",
    "concat",
    "substring",
    "substring-before",
    "substring-after",
    "translate",
    "string-join",
    "name",
    "local-name",
    "namespace-uri",
    "deep-equal",
    "lang",
    "has-children",
    "tokenize",
    "replace",
    "root",
    "normalize-unicode",
    "codepoints-to-string",
    "current-date",
    "current-dateTime",
];

/// Whether a predicate's value is surely not numeric (so it filters by effective boolean
/// value, never by position).
pub(crate) fn surely_not_numeric(e: &ast::ExprS) -> bool {
    match e.value.0.as_slice() {
        [one] => single_not_numeric(&one.value),
        _ => false,
    }
}

fn single_not_numeric(e: &ast::ExprSingle) -> bool {
    use ast::BinaryOperator as B;
    match e {
        ast::ExprSingle::Binary(b) => !matches!(
            b.operator,
            B::Add | B::Sub | B::Mul | B::Div | B::IntDiv | B::Mod | B::Range | B::Comma
        ),
        ast::ExprSingle::Quantified(_) => true,
        ast::ExprSingle::If(i) => {
            single_not_numeric(&i.then.value) && single_not_numeric(&i.else_.value)
        }
        ast::ExprSingle::Let(l) => single_not_numeric(&l.return_expr.value),
        ast::ExprSingle::For(_) => false,
        ast::ExprSingle::Apply(a) => matches!(
            a.operator,
            ast::ApplyOperator::Castable(_) | ast::ApplyOperator::InstanceOf(_)
        ),
        ast::ExprSingle::Path(p) => path_not_numeric(p),
    }
}

fn path_not_numeric(p: &ast::PathExpr) -> bool {
    match p.steps.last().map(|s| &s.value) {
        None => false,
        Some(ast::StepExpr::AxisStep(_)) => true,
        Some(ast::StepExpr::PrimaryExpr(pe)) => primary_not_numeric(&pe.value, p.steps.len() > 1),
        Some(ast::StepExpr::PostfixExpr { primary, postfixes }) => {
            postfixes
                .iter()
                .all(|f| matches!(f, ast::Postfix::Predicate(_)))
                && primary_not_numeric(&primary.value, p.steps.len() > 1)
        }
    }
}

fn primary_not_numeric(p: &ast::PrimaryExpr, in_path: bool) -> bool {
    match p {
        ast::PrimaryExpr::Literal(ast::Literal::String(_)) => true,
        ast::PrimaryExpr::ContextItem => !in_path,
        ast::PrimaryExpr::Expr(e) => match &e.value {
            None => true,
            Some(x) => matches!(x.0.as_slice(), [one] if single_not_numeric(&one.value)),
        },
        ast::PrimaryExpr::FunctionCall(fc) => {
            let n = &fc.name.value;
            (n.namespace() == FN_NS && NON_NUMERIC_FUNCTIONS.contains(&n.local_name()))
                || (n.namespace() == XS_NS && matches!(n.local_name(), "string" | "boolean"))
        }
        _ => false,
    }
}

// --- The rewriter -------------------------------------------------------------------------

struct Rewriter<'f> {
    functions: &'f BTreeMap<(String, String, usize), String>,
    /// Variable holding the function map where calls are rewritten.
    fns: Option<Name>,
    /// Keys of user functions called.
    calls: BTreeSet<String>,
    types: Option<(ast::SequenceType, ast::SequenceType)>,
}

impl<'f> Rewriter<'f> {
    fn new(functions: &'f BTreeMap<(String, String, usize), String>, fns: Option<Name>) -> Self {
        Rewriter {
            functions,
            fns,
            calls: BTreeSet::new(),
            types: string_types(),
        }
    }

    /// A variable name unique across every expression (xee's IR maps names flatly).
    fn fresh() -> Name {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Name::new(format!("v{n}"), INTERNAL_NS.to_string(), String::new())
    }
}

impl Walk for Rewriter<'_> {
    fn expr_single(&mut self, e: &mut ast::ExprSingleS) {
        walk_expr_single(self, e);
        let span = e.span;
        match &mut e.value {
            ast::ExprSingle::Binary(b)
                if matches!(
                    b.operator,
                    ast::BinaryOperator::And | ast::BinaryOperator::Or
                ) =>
            {
                let and = b.operator == ast::BinaryOperator::And;
                let left = single(std::mem::replace(
                    &mut b.left,
                    ast::PathExpr { steps: Vec::new() },
                ));
                let right = single(std::mem::replace(
                    &mut b.right,
                    ast::PathExpr { steps: Vec::new() },
                ));
                let right = call("boolean", vec![right]);
                let (then, else_) = if and {
                    (right, call("false", vec![]))
                } else {
                    (call("true", vec![]), right)
                };
                e.value = ast::ExprSingle::If(ast::IfExpr {
                    condition: ast::Expr(vec![left]).with_span(span),
                    then: Box::new(then),
                    else_: Box::new(else_),
                });
            }
            ast::ExprSingle::Apply(a) => {
                if let ast::ApplyOperator::Cast(t) | ast::ApplyOperator::Castable(t) = &a.operator
                    && is_trimmed_type(&t.name.value)
                    && let Some(types) = &self.types
                {
                    let x = single(std::mem::replace(
                        &mut a.path_expr,
                        ast::PathExpr { steps: Vec::new() },
                    ));
                    let v = Self::fresh();
                    a.path_expr = paren(trimmed(x, v, types));
                }
            }
            _ => {}
        }
    }

    fn path(&mut self, p: &mut ast::PathExpr) {
        walk_path(self, p);
        // descendant-or-self::node()/child::x[non-positional] -> descendant::x[...]
        let mut i = 0;
        while i + 1 < p.steps.len() {
            let fold = match (&p.steps[i].value, &p.steps[i + 1].value) {
                (ast::StepExpr::AxisStep(a), ast::StepExpr::AxisStep(b)) => {
                    a.axis == ast::Axis::DescendantOrSelf
                        && a.node_test == ast::NodeTest::KindTest(ast::KindTest::Any)
                        && a.predicates.is_empty()
                        && b.axis == ast::Axis::Child
                        && b.predicates
                            .iter()
                            .all(|pr| !uses_position(pr) && surely_not_numeric(pr))
                }
                _ => false,
            };
            if fold {
                let mut next = p.steps.remove(i + 1);
                if let ast::StepExpr::AxisStep(b) = &mut next.value {
                    b.axis = ast::Axis::Descendant;
                }
                p.steps[i] = next;
            } else if let [first, second, ..] = &mut p.steps[i..]
                && let (ast::StepExpr::AxisStep(a), ast::StepExpr::AxisStep(b)) =
                    (&mut first.value, &second.value)
                && a.axis == ast::Axis::DescendantOrSelf
                && a.node_test == ast::NodeTest::KindTest(ast::KindTest::Any)
                && a.predicates.is_empty()
                && b.axis == ast::Axis::Attribute
            {
                // descendant-or-self::node()/attribute::x -> descendant-or-self::*/attribute::x:
                // only elements have attributes, and xee walks 2-3 times fewer nodes.
                a.node_test = ast::NodeTest::NameTest(ast::NameTest::Star);
            }
            i += 1;
        }
    }

    fn primary(&mut self, p: &mut ast::PrimaryExprS) {
        walk_primary(self, p);
        let ast::PrimaryExpr::FunctionCall(fc) = &mut p.value else {
            return;
        };
        let n = &fc.name.value;
        if is_trimmed_type(n) && fc.arguments.len() == 1 {
            let v = Self::fresh();
            if let Some(types) = &self.types {
                let x = std::mem::replace(&mut fc.arguments[0], placeholder().with_empty_span());
                fc.arguments[0] = trimmed(x, v, types);
            }
            return;
        }
        let key = (
            n.namespace().to_string(),
            n.local_name().to_string(),
            fc.arguments.len(),
        );
        let (Some(k), Some(fns)) = (self.functions.get(&key), &self.fns) else {
            return;
        };
        self.calls.insert(k.clone());
        // $fns('key')($fns, args...)
        let mut args = vec![var_ref(fns)];
        args.append(&mut fc.arguments);
        let dynamic = ast::StepExpr::PostfixExpr {
            primary: ast::PrimaryExpr::VarRef(fns.clone()).with_span(p.span),
            postfixes: vec![
                ast::Postfix::ArgumentList(vec![string_literal(k)]),
                ast::Postfix::ArgumentList(args),
            ],
        };
        let path = ast::PathExpr {
            steps: vec![dynamic.with_span(p.span)],
        };
        p.value = ast::PrimaryExpr::Expr(Some(ast::Expr(vec![single(path)])).with_span(p.span));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found() {
        let n = referenced_names("$a and $BT-31orBT-32Path[. = $x:y] or '$'");
        assert!(n.contains("a") && n.contains("BT-31orBT-32Path") && n.contains("x:y"));
    }
}
