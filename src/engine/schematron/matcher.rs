//! Rule contexts as XSLT patterns, matched node by node.
//!
//! A rule context is an XSLT pattern: node N matches P when N is selected by
//! `root(N)//(P)`. Evaluating that per rule would search the whole document once per rule;
//! instead, contexts made of path steps (child, attribute, self, descendant axes, `/` and `//`,
//! name and kind tests, predicates) are matched the way XSLT matches templates: from the
//! candidate node upwards, step by step. Name and kind tests are checked natively on xee's
//! tree; predicates are compiled XPath expressions evaluated on the candidate. Contexts of any
//! other shape (function calls, variables as steps, positional predicates) fall back to
//! evaluating the selecting expression once per document and testing membership.

use xee_xpath_ast::ast;
use xot::xmlname::NameStrInfo;
use xot::{Node, Xot};

/// Axis of a step pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Axis {
    Child,
    Attribute,
    Itself,
    Descendant,
    /// `descendant-or-self::node()` as `//` produces it.
    AnyDepth,
}

/// Node test of a step pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Test {
    /// `ns:local` (element or attribute by the axis).
    Name(String, String),
    /// `*`
    AnyName,
    /// `*:local`
    LocalName(String),
    /// `ns:*`
    Namespace(String),
    /// `node()`
    Node,
    Text,
    Comment,
    Document,
}

/// One step: axis, test, and predicates (indexes of compiled expressions).
#[derive(Debug, Clone)]
pub(crate) struct Step<P> {
    pub axis: Axis,
    pub test: Test,
    pub preds: Vec<P>,
}

/// One alternative of a context (`a/b | c` has two).
#[derive(Debug, Clone)]
pub(crate) struct PathPattern<P> {
    pub rooted: bool,
    pub steps: Vec<Step<P>>,
}

/// Splits a parsed context into path patterns, with predicates still as ASTs; `None` when
/// the context has another shape (the caller falls back to set membership).
pub(crate) fn analyze(xpath: &ast::XPath) -> Option<Vec<PathPattern<ast::ExprS>>> {
    let mut out = Vec::new();
    match xpath.0.value.0.as_slice() {
        [one] => alternatives(&one.value, &mut out)?,
        _ => return None,
    }
    Some(out)
}

fn alternatives(e: &ast::ExprSingle, out: &mut Vec<PathPattern<ast::ExprS>>) -> Option<()> {
    match e {
        ast::ExprSingle::Path(p) => path_alternatives(p, out),
        ast::ExprSingle::Binary(b) if b.operator == ast::BinaryOperator::Union => {
            path_alternatives(&b.left, out)?;
            path_alternatives(&b.right, out)
        }
        _ => None,
    }
}

fn path_alternatives(p: &ast::PathExpr, out: &mut Vec<PathPattern<ast::ExprS>>) -> Option<()> {
    if let Some((first, rest)) = p.steps.split_first()
        && let ast::StepExpr::PrimaryExpr(pe) = &first.value
        && let ast::PrimaryExpr::Expr(inner) = &pe.value
    {
        let [one] = inner.value.as_ref().map(|e| e.0.as_slice())? else {
            return None;
        };
        if rest.is_empty() {
            return alternatives(&one.value, out);
        }
        // `(A | B)/rest` is `A/rest | B/rest`.
        let mut inner_alts = Vec::new();
        alternatives(&one.value, &mut inner_alts)?;
        let tail = path_pattern(&ast::PathExpr {
            steps: rest.to_vec(),
        })?;
        if tail.rooted {
            return None;
        }
        for mut alt in inner_alts {
            alt.steps.extend(tail.steps.iter().cloned());
            out.push(alt);
        }
        return Some(());
    }
    out.push(path_pattern(p)?);
    Some(())
}

/// Whether a context selects the same nodes from any context node (it starts at the root),
/// so its fallback evaluates it once instead of below every node.
pub(crate) fn is_absolute(xpath: &ast::XPath) -> bool {
    fn single(e: &ast::ExprSingle) -> bool {
        match e {
            ast::ExprSingle::Path(p) => path(p),
            ast::ExprSingle::Binary(b)
                if matches!(
                    b.operator,
                    ast::BinaryOperator::Union
                        | ast::BinaryOperator::Intersect
                        | ast::BinaryOperator::Except
                ) =>
            {
                path(&b.left) && path(&b.right)
            }
            _ => false,
        }
    }
    fn path(p: &ast::PathExpr) -> bool {
        match p.steps.first().map(|s| &s.value) {
            Some(s) if is_root_step(s) => true,
            Some(ast::StepExpr::PrimaryExpr(pe))
            | Some(ast::StepExpr::PostfixExpr { primary: pe, .. }) => match &pe.value {
                ast::PrimaryExpr::Expr(inner) => inner
                    .value
                    .as_ref()
                    .is_some_and(|e| !e.0.is_empty() && e.0.iter().all(|x| single(&x.value))),
                _ => false,
            },
            _ => false,
        }
    }
    xpath.0.value.0.iter().all(|e| single(&e.value)) && !xpath.0.value.0.is_empty()
}

fn is_root_step(s: &ast::StepExpr) -> bool {
    let ast::StepExpr::PrimaryExpr(pe) = s else {
        return false;
    };
    let ast::PrimaryExpr::FunctionCall(fc) = &pe.value else {
        return false;
    };
    fc.name.value.local_name() == "root"
        && fc.name.value.namespace() == xee_xpath_ast::FN_NAMESPACE
        && matches!(fc.arguments.as_slice(), [a] if matches!(&a.value, ast::ExprSingle::Path(p)
            if matches!(p.steps.as_slice(), [s] if matches!(&s.value, ast::StepExpr::AxisStep(x)
                if x.axis == ast::Axis::Self_ && x.node_test == ast::NodeTest::KindTest(ast::KindTest::Any)))))
}

fn path_pattern(p: &ast::PathExpr) -> Option<PathPattern<ast::ExprS>> {
    let mut steps = p.steps.iter().peekable();
    let rooted = steps.peek().is_some_and(|s| is_root_step(&s.value));
    if rooted {
        steps.next();
    }
    let mut out = Vec::new();
    for s in steps {
        let ast::StepExpr::AxisStep(a) = &s.value else {
            return None;
        };
        if a.predicates.iter().any(super::xpath::uses_position) {
            return None;
        }
        let axis = match a.axis {
            ast::Axis::Child => Axis::Child,
            ast::Axis::Attribute => Axis::Attribute,
            ast::Axis::Self_ => Axis::Itself,
            ast::Axis::Descendant => Axis::Descendant,
            ast::Axis::DescendantOrSelf
                if a.node_test == ast::NodeTest::KindTest(ast::KindTest::Any)
                    && a.predicates.is_empty() =>
            {
                Axis::AnyDepth
            }
            _ => return None,
        };
        out.push(Step {
            axis,
            test: test(&a.node_test)?,
            preds: a.predicates.clone(),
        });
    }
    if out.is_empty() && !rooted {
        return None;
    }
    Some(PathPattern { rooted, steps: out })
}

fn test(t: &ast::NodeTest) -> Option<Test> {
    Some(match t {
        ast::NodeTest::NameTest(n) => match n {
            ast::NameTest::Name(name) => Test::Name(
                name.value.namespace().to_string(),
                name.value.local_name().to_string(),
            ),
            ast::NameTest::Star => Test::AnyName,
            ast::NameTest::LocalName(l) => Test::LocalName(l.clone()),
            ast::NameTest::Namespace(ns) => Test::Namespace(ns.clone()),
        },
        ast::NodeTest::KindTest(k) => match k {
            ast::KindTest::Any => Test::Node,
            ast::KindTest::Text => Test::Text,
            ast::KindTest::Comment => Test::Comment,
            ast::KindTest::Document(None) => Test::Document,
            ast::KindTest::Element(None) | ast::KindTest::Attribute(None) => Test::AnyName,
            ast::KindTest::Element(Some(e)) | ast::KindTest::Attribute(Some(e))
                if e.type_name.is_none() =>
            {
                match &e.name_or_wildcard {
                    ast::NameOrWildcard::Name(n) => {
                        Test::Name(n.namespace().to_string(), n.local_name().to_string())
                    }
                    ast::NameOrWildcard::Wildcard => Test::AnyName,
                }
            }
            _ => return None,
        },
    })
}

/// What a predicate evaluated to.
pub(crate) enum PredValue {
    /// Effective boolean value.
    Bool(bool),
    /// A single number: true when it equals the context position.
    Number(f64),
}

/// The evaluator a match needs: the tree, and predicate evaluation.
pub(crate) trait Host {
    fn xot(&self) -> &Xot;
    fn predicate(&mut self, expr: usize, node: Node) -> Result<PredValue, String>;
}

/// Whether the node is one the step's axis reaches and its test accepts.
fn test_matches(xot: &Xot, node: Node, axis: Axis, test: &Test) -> bool {
    let attribute = xot.is_attribute_node(node);
    let (kind_ok, name) = match axis {
        Axis::Attribute => (attribute, xot.attribute_node(node).map(|a| a.name())),
        Axis::Child | Axis::Descendant | Axis::Itself | Axis::AnyDepth => {
            if attribute {
                // Only `self::` reaches an attribute among these axes.
                (
                    axis == Axis::Itself,
                    xot.attribute_node(node).map(|a| a.name()),
                )
            } else {
                (
                    !xot.is_namespace_node(node),
                    xot.element(node).map(|e| e.name()),
                )
            }
        }
    };
    if !kind_ok {
        return false;
    }
    let principal = |n: Option<xot::NameId>| n.map(|id| xot.name_ns_str(id));
    match test {
        Test::Node => !(xot.is_document(node) && axis != Axis::Itself),
        Test::Text => xot.is_text(node),
        Test::Comment => xot.is_comment(node),
        Test::Document => xot.is_document(node),
        Test::AnyName => name.is_some(),
        Test::Name(ns, local) => principal(name).is_some_and(|(l, n)| l == local && n == ns),
        Test::LocalName(local) => principal(name).is_some_and(|(l, _)| l == local),
        Test::Namespace(ns) => principal(name).is_some_and(|(_, n)| n == ns),
    }
}

/// Whether a node matches one path pattern.
pub(crate) fn matches(
    host: &mut dyn Host,
    node: Node,
    pat: &PathPattern<usize>,
) -> Result<bool, String> {
    match_steps(host, node, &pat.steps, pat.rooted)
}

fn match_steps(
    host: &mut dyn Host,
    node: Node,
    steps: &[Step<usize>],
    rooted: bool,
) -> Result<bool, String> {
    let Some((last, rest)) = steps.split_last() else {
        return Ok(!rooted || host.xot().is_document(node));
    };
    if last.axis == Axis::AnyDepth {
        let mut cur = Some(node);
        while let Some(n) = cur {
            if match_steps(host, n, rest, rooted)? {
                return Ok(true);
            }
            cur = host.xot().parent(n);
        }
        return Ok(false);
    }
    if !test_matches(host.xot(), node, last.axis, &last.test) {
        return Ok(false);
    }
    for (i, &p) in last.preds.iter().enumerate() {
        let ok = match host.predicate(p, node)? {
            PredValue::Bool(b) => b,
            PredValue::Number(n) => position(host, node, last, i)? as f64 == n,
        };
        if !ok {
            return Ok(false);
        }
    }
    match last.axis {
        Axis::Itself => match_steps(host, node, rest, rooted),
        Axis::Child | Axis::Attribute => match host.xot().parent(node) {
            Some(parent) => match_steps(host, parent, rest, rooted),
            None => Ok(false),
        },
        Axis::Descendant => {
            let mut cur = host.xot().parent(node);
            while let Some(n) = cur {
                if match_steps(host, n, rest, rooted)? {
                    return Ok(true);
                }
                cur = host.xot().parent(n);
            }
            Ok(false)
        }
        Axis::AnyDepth => Ok(false),
    }
}

/// Position of `node` among the siblings the step selects, filtered by its first `upto`
/// predicates (for numeric predicates).
fn position(
    host: &mut dyn Host,
    node: Node,
    step: &Step<usize>,
    upto: usize,
) -> Result<usize, String> {
    let Some(parent) = host.xot().parent(node) else {
        return Ok(1);
    };
    let siblings: Vec<Node> = match step.axis {
        Axis::Attribute => host.xot().attribute_nodes(parent).collect(),
        _ => host.xot().children(parent).collect(),
    };
    let mut pos = 0;
    'outer: for s in siblings {
        if !test_matches(host.xot(), s, step.axis, &step.test) {
            continue;
        }
        for &p in &step.preds[..upto] {
            if let PredValue::Bool(false) = host.predicate(p, s)? {
                continue 'outer;
            }
        }
        pos += 1;
        if s == node {
            return Ok(pos);
        }
    }
    Ok(0)
}
