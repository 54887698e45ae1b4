//! Linear-time parsing of nested XPath with xee's parser.
//!
//! xee's parser backtracks: its cost doubles with every level of bracket nesting (measured:
//! ten nested parentheses take about 9 ms, and the EN 16931 rules, with their deeply nested
//! code-list tests, took about 0.7 s to parse). Parsing bracket contents separately makes the
//! total cost linear in the text.
//!
//! Every item between top-level commas inside a bracket group — a function argument, a
//! predicate, a parenthesised expression, an `if` condition, an array member — is, by XPath's
//! grammar, one `ExprSingle`. An item that contains brackets but no variable reference is cut
//! out of the text, parsed on its own (recursively, the same way), and replaced in the
//! outer text by a reference to an internal variable. After the outer text is parsed, each
//! such reference is replaced by the item's own tree. The result has the same tree as the
//! direct parse (spans aside); any surprise (an item that does not parse alone, a reference
//! that does not appear exactly once) falls back to the direct parse, so the outcome —
//! including error messages — never depends on this module.
//!
//! xee renames variables while parsing (every binding gets a name unique in the expression),
//! so an item that only *refers* to variables bound outside it is cut with a placeholder call
//! `Q{…}pN($a, $b)` instead: the outer parse renames the arguments as the direct parse would
//! rename the references, and the item's own references are renamed to match when it is
//! spliced in. Items that bind variables themselves (`let`, `for`, `some`, `every`, inline
//! functions) stay in the outer text; their own nested items are still cut out. Brackets of
//! types and tests (`element(...)`, `map(*)`, `function(...)`) and map constructors are left
//! alone.

use xee_xpath_ast::ast::{self, Name};
use xot::xmlname::NameStrInfo;

/// Namespace of the placeholder variables (never in user text).
const PLACEHOLDER_NS: &str = "urn:konform:schematron:placeholder";

/// Names before `(` or `{` whose brackets hold types, tests or map entries, not expressions.
const NOT_EXPRESSION_BRACKETS: &[&str] = &[
    "node",
    "text",
    "comment",
    "element",
    "attribute",
    "schema-element",
    "schema-attribute",
    "document-node",
    "processing-instruction",
    "namespace-node",
    "item",
    "empty-sequence",
    "function",
    "map",
    "array",
];

/// Parses an expression as xee would, in time linear in its nesting depth.
pub(crate) fn parse_xpath(
    text: &str,
    namespaces: &[(String, String)],
    vars: &[Name],
) -> Result<ast::XPath, xee_xpath_ast::ParserError> {
    if let Some(x) = flat(text, namespaces, vars) {
        return Ok(x);
    }
    super::xpath::static_context(namespaces, vars).parse_xpath(text)
}

/// A bracket item cut out of the text: its range and the variables it refers to (bound
/// outside it), as written.
struct Cut {
    start: usize,
    end: usize,
    vars: Vec<String>,
}

/// The flattened parse, or `None` where it cannot be trusted.
fn flat(text: &str, namespaces: &[(String, String)], vars: &[Name]) -> Option<ast::XPath> {
    let mut cuts = Vec::new();
    scan(text, 0, text.len(), &mut cuts)?;
    if cuts.is_empty() {
        return super::xpath::static_context(namespaces, vars)
            .parse_xpath(text)
            .ok();
    }
    let mut outer = String::with_capacity(text.len());
    let mut pieces = Vec::with_capacity(cuts.len());
    let mut names = vars.to_vec();
    let mut at = 0;
    for (i, cut) in cuts.iter().enumerate() {
        outer.push_str(&text[at..cut.start]);
        at = cut.end;
        let free: Vec<Name> = cut
            .vars
            .iter()
            .map(|v| super::xpath::var_name(v, namespaces))
            .collect();
        if cut.vars.is_empty() {
            outer.push_str(&format!(" $Q{{{PLACEHOLDER_NS}}}p{i} "));
            names.push(Name::new(
                format!("p{i}"),
                PLACEHOLDER_NS.to_string(),
                String::new(),
            ));
        } else {
            let args: Vec<String> = cut.vars.iter().map(|v| format!("${v}")).collect();
            outer.push_str(&format!(" Q{{{PLACEHOLDER_NS}}}p{i}({}) ", args.join(", ")));
        }
        // The item's references parse as the names declared here; they are renamed to the
        // outer parse's names when spliced.
        let piece = flat_memo(&text[cut.start..cut.end], namespaces, &free)?;
        let [single] = <[ast::ExprSingleS; 1]>::try_from(piece.0.value.0).ok()?;
        pieces.push(Some((single, free)));
    }
    outer.push_str(&text[at..]);
    let mut xpath = super::xpath::static_context(namespaces, &names)
        .parse_xpath(&outer)
        .ok()?;
    let mut splice = Splice {
        pieces,
        failed: false,
    };
    super::xpath::Walk::expr(&mut splice, &mut xpath.0);
    if splice.failed || splice.pieces.iter().any(Option::is_some) {
        return None;
    }
    Some(xpath)
}

/// Most entries [`flat_memo`] keeps per thread before starting afresh.
const MEMO_LIMIT: usize = 20_000;

thread_local! {
    /// Parsed items by (text, namespaces, declared variables): official rule sets repeat the
    /// same sub-expressions (`cac:TaxScheme/normalize-space(upper-case(cbc:ID))='VAT'`, code
    /// list tests) hundreds of times.
    static MEMO: std::cell::RefCell<std::collections::HashMap<String, Option<ast::XPath>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// [`flat`] of a cut item, remembered.
fn flat_memo(text: &str, namespaces: &[(String, String)], vars: &[Name]) -> Option<ast::XPath> {
    let mut key = String::with_capacity(text.len() + 64);
    key.push_str(text);
    for (p, u) in namespaces {
        key.push_str(&format!("\u{0}{p}={u}"));
    }
    for v in vars {
        key.push_str(&format!("\u{1}{v:?}"));
    }
    if let Some(hit) = MEMO.with(|m| m.borrow().get(&key).cloned()) {
        return hit;
    }
    let parsed = flat(text, namespaces, vars);
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= MEMO_LIMIT {
            m.clear();
        }
        m.insert(key, parsed.clone());
    });
    parsed
}

/// Replaces each placeholder by its item (each must be used exactly once), renaming the
/// item's variable references to the names the outer parse gave the placeholder's arguments.
struct Splice {
    pieces: Vec<Option<(ast::ExprSingleS, Vec<Name>)>>,
    failed: bool,
}

impl Splice {
    /// The placeholder number and, for a call, the renamed argument variables.
    fn placeholder(e: &ast::ExprSingleS) -> Option<(usize, Vec<Name>)> {
        let ast::ExprSingle::Path(p) = &e.value else {
            return None;
        };
        let [step] = p.steps.as_slice() else {
            return None;
        };
        let ast::StepExpr::PrimaryExpr(pe) = &step.value else {
            return None;
        };
        let (name, args) = match &pe.value {
            ast::PrimaryExpr::VarRef(name) => (name, Vec::new()),
            ast::PrimaryExpr::FunctionCall(call) => {
                let args = call
                    .arguments
                    .iter()
                    .map(|a| Self::var_ref(a).cloned())
                    .collect::<Option<Vec<Name>>>()?;
                (&call.name.value, args)
            }
            _ => return None,
        };
        if name.namespace() != PLACEHOLDER_NS {
            return None;
        }
        Some((name.local_name().strip_prefix('p')?.parse().ok()?, args))
    }

    fn var_ref(e: &ast::ExprSingleS) -> Option<&Name> {
        let ast::ExprSingle::Path(p) = &e.value else {
            return None;
        };
        let [step] = p.steps.as_slice() else {
            return None;
        };
        match &step.value {
            ast::StepExpr::PrimaryExpr(pe) => match &pe.value {
                ast::PrimaryExpr::VarRef(n) => Some(n),
                _ => None,
            },
            _ => None,
        }
    }
}

impl super::xpath::Walk for Splice {
    fn expr_single(&mut self, e: &mut ast::ExprSingleS) {
        if let Some((i, renamed)) = Self::placeholder(e) {
            match self.pieces.get_mut(i).and_then(Option::take) {
                Some((mut piece, declared)) if declared.len() == renamed.len() => {
                    let mut rename = Rename {
                        map: declared.into_iter().zip(renamed).collect(),
                    };
                    super::xpath::Walk::expr_single(&mut rename, &mut piece);
                    *e = piece;
                }
                _ => self.failed = true,
            }
            return;
        }
        super::xpath::walk_expr_single(self, e);
    }

    fn primary(&mut self, p: &mut ast::PrimaryExprS) {
        // A placeholder anywhere but in an ExprSingle position means the cut was wrong.
        let name = match &p.value {
            ast::PrimaryExpr::VarRef(name) => Some(name),
            ast::PrimaryExpr::FunctionCall(call) => Some(&call.name.value),
            _ => None,
        };
        if name.is_some_and(|n| n.namespace() == PLACEHOLDER_NS) {
            self.failed = true;
            return;
        }
        super::xpath::walk_primary(self, p);
    }
}

/// Renames variable references of a cut item (which binds none itself).
struct Rename {
    map: Vec<(Name, Name)>,
}

impl super::xpath::Walk for Rename {
    fn primary(&mut self, p: &mut ast::PrimaryExprS) {
        if let ast::PrimaryExpr::VarRef(name) = &mut p.value
            && let Some((_, to)) = self.map.iter().find(|(from, _)| from == name)
        {
            *name = to.clone();
        }
        super::xpath::walk_primary(self, p);
    }
}

/// Finds the items to cut in `text[from..to]` (appended to `cuts` in text order). `None`
/// when the brackets do not balance (the direct parse then reports the error).
fn scan(text: &str, from: usize, to: usize, cuts: &mut Vec<Cut>) -> Option<()> {
    let b = text.as_bytes();
    let mut i = from;
    while i < to {
        if let Some(end) = opaque_end(b, i)? {
            i = end;
            continue;
        }
        match b[i] {
            open @ (b'(' | b'[' | b'{') => {
                let close = matching(b, i, to)?;
                let before = word_before(text, i);
                let skip = (open != b'[' && NOT_EXPRESSION_BRACKETS.contains(&before))
                    || (open == b'(' && prev_byte(b, i) == Some(b'?'));
                if !skip {
                    for (s, e) in items(b, i + 1, close)? {
                        let item = &text[s..e];
                        if !item.bytes().any(|c| matches!(c, b'(' | b'[' | b'{')) {
                            continue;
                        }
                        match free_variables(item) {
                            Some(vars) => cuts.push(Cut {
                                start: s,
                                end: e,
                                vars,
                            }),
                            None => scan(text, s, e, cuts)?,
                        }
                    }
                }
                i = close + 1;
            }
            b')' | b']' | b'}' => return None,
            _ => i += 1,
        }
    }
    Some(())
}

/// The variables an item refers to (distinct, in order of appearance), when it can be cut:
/// `None` when it binds variables itself (`let`, `for`, `some`, `every`, `function`), holds
/// a comment, or refers to a variable by an EQName.
fn free_variables(item: &str) -> Option<Vec<String>> {
    if item.contains("(:") {
        return None;
    }
    let b = item.as_bytes();
    let mut vars: Vec<String> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\'' | b'"' => i = skip_string(b, i)?,
            b'$' => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && is_name_byte(b[j]) && !(b[j] == b'.' && j == start) {
                    j += 1;
                }
                let name = item[start..j].trim_end_matches('.');
                if name.is_empty() || (name == "Q" && b.get(j) == Some(&b'{')) {
                    return None;
                }
                if !vars.iter().any(|v| v == name) {
                    vars.push(name.to_string());
                }
                i = j;
            }
            c if is_name_byte(c) && (i == 0 || !is_name_byte(b[i - 1])) => {
                let mut j = i;
                while j < b.len() && is_name_byte(b[j]) {
                    j += 1;
                }
                if matches!(&item[i..j], "let" | "for" | "some" | "every" | "function") {
                    return None;
                }
                i = j;
            }
            _ => i += 1,
        }
    }
    Some(vars)
}

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':') || c >= 0x80
}

/// The byte before `i`, skipping whitespace.
fn prev_byte(b: &[u8], i: usize) -> Option<u8> {
    b[..i]
        .iter()
        .rev()
        .find(|c| !c.is_ascii_whitespace())
        .copied()
}

/// The name directly before the bracket at `i` (whitespace allowed between), or "".
fn word_before(text: &str, i: usize) -> &str {
    let head = text[..i].trim_end();
    let start = head
        .bytes()
        .rposition(|c| !is_name_byte(c))
        .map_or(0, |p| p + 1);
    let word = &head[start..];
    // `xs:string(` and `fn:node(` are calls; only unprefixed names are tests.
    if word.contains(':') { "" } else { word }
}

/// End (exclusive) of the string literal, comment or `Q{…}` namespace URI starting at `j`
/// (their brackets and commas are not syntax): `Some(None)` when none starts there, `None`
/// when one is not closed.
fn opaque_end(b: &[u8], j: usize) -> Option<Option<usize>> {
    Some(match b[j] {
        b'\'' | b'"' => Some(skip_string(b, j)?),
        b'(' if b.get(j + 1) == Some(&b':') => Some(skip_comment(b, j)?),
        b'Q' if b.get(j + 1) == Some(&b'{') && (j == 0 || !is_name_byte(b[j - 1])) => {
            Some(b[j..].iter().position(|&c| c == b'}')? + j + 1)
        }
        _ => None,
    })
}

/// End (exclusive) of the string literal starting at `i` (doubled quotes escape).
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    let q = b[i];
    let mut j = i + 1;
    loop {
        let c = *b.get(j)?;
        if c == q {
            if b.get(j + 1) == Some(&q) {
                j += 2;
                continue;
            }
            return Some(j + 1);
        }
        j += 1;
    }
}

/// End (exclusive) of the (nested) comment starting at `i`.
fn skip_comment(b: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = i;
    while j + 1 < b.len() {
        if b[j] == b'(' && b[j + 1] == b':' {
            depth += 1;
            j += 2;
        } else if b[j] == b':' && b[j + 1] == b')' {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return Some(j);
            }
        } else {
            j += 1;
        }
    }
    None
}

/// Index of the bracket closing the one at `open`.
fn matching(b: &[u8], open: usize, to: usize) -> Option<usize> {
    let mut stack = vec![b[open]];
    let mut j = open + 1;
    while j < to {
        if let Some(end) = opaque_end(b, j)? {
            j = end;
            continue;
        }
        match b[j] {
            c @ (b'(' | b'[' | b'{') => stack.push(c),
            c @ (b')' | b']' | b'}') => {
                let want = match stack.pop()? {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                if c != want {
                    return None;
                }
                if stack.is_empty() {
                    return Some(j);
                }
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// The comma-separated items of `b[from..to]` (top level only), as ranges.
fn items(b: &[u8], from: usize, to: usize) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    let mut start = from;
    let mut j = from;
    while j < to {
        if let Some(end) = opaque_end(b, j)? {
            j = end;
            continue;
        }
        match b[j] {
            b'(' | b'[' | b'{' => {
                j = matching(b, j, to)? + 1;
                continue;
            }
            b',' => {
                out.push((start, j));
                start = j + 1;
            }
            _ => {}
        }
        j += 1;
    }
    out.push((start, to));
    Some(out)
}

#[cfg(test)]
#[allow(clippy::print_stderr)]
mod tests {
    use super::*;

    fn tree(x: &ast::XPath) -> serde_json::Value {
        serde_json::to_value(x).unwrap_or_default()
    }

    fn same_as_direct(text: &str) {
        same_as_direct_in(text, &[("cbc".to_string(), "urn:cbc".to_string())]);
    }

    fn same_as_direct_in(text: &str, ns: &[(String, String)]) {
        let vars: Vec<Name> = super::super::xpath::referenced_names(text)
            .iter()
            .filter(|n| n.starts_with('g'))
            .map(|n| super::super::xpath::var_name(n, ns))
            .collect();
        let direct = super::super::xpath::static_context(ns, &vars).parse_xpath(text);
        let flat = flat(text, ns, &vars);
        match direct {
            Ok(d) => {
                let f = flat.unwrap_or_else(|| panic!("flattening gave up on {text}"));
                assert_eq!(tree(&d), tree(&f), "{text}");
            }
            Err(_) => assert!(
                flat.is_none() || parse_xpath(text, ns, &vars).is_err(),
                "{text}"
            ),
        }
    }

    #[test]
    fn same_tree_as_the_direct_parse() {
        for text in [
            "1",
            "((((1))))",
            "not(not(not(exists(cbc:A[@x = '(']))))",
            "(cbc:A, cbc:B)[2]",
            "if (exists(cbc:A)) then (1, 2) else ()",
            "for $x in (1, 2) return ($x + (3 * 4))",
            "every $l in cbc:L satisfies (xs:decimal($l/cbc:Amt) = round(($l/cbc:P) * 100) div 100)",
            "some $g in $gvar satisfies (string-length(normalize-space(concat('a', 'b'))) > 0)",
            "[1, (2, 3), [4]]",
            "array { (1), (2) }",
            "map { 'a': (1 + 2), 'b': 3 }?a",
            "$gm?(('a'))",
            "cbc:A instance of element(cbc:A)",
            "let $f := function($a as xs:string) as xs:boolean { ($a = 'x') } return $f('x')",
            "(: a (comment) :) count((1, 2, (3)))",
            "Q{urn:cbc}A[(1)]",
            "contains(' AA AB ', concat(' ', normalize-space((.)), ' ')) and (((true())))",
            "matches(cbc:ID, '^[0-9]{3}(\\.[0-9]+)?$')",
            "(1,",
            "((1)",
            "f(1))",
            "'(' || (1)",
            // Items referring to variables bound outside them (cut with renaming), including
            // shadowed names the direct parse gives suffixes, and `$` inside a literal.
            "(every $x in (1) satisfies ($x > (0))) and (every $x in (2) satisfies (($x) > (1)))",
            "for $a in (1, 2), $b in ($a, 3) return (($a) + ($b))",
            "let $v := (1) return (string(($v)))",
            "some $x in (1) satisfies (concat('$y', ($x)) = '1')",
            "every $r in (1) satisfies (sum(cbc:L[xs:decimal(cbc:P) = $r]/xs:decimal(cbc:A)) > ($gt))",
        ] {
            same_as_direct(text);
        }
    }

    #[test]
    fn deep_nesting_is_cut_into_items() {
        let text = format!("{}1{}", "not(".repeat(40), ")".repeat(40));
        let mut cuts = Vec::new();
        assert!(scan(&text, 0, text.len(), &mut cuts).is_some());
        assert_eq!(cuts.len(), 1, "the outermost argument is cut");
        // Forty levels would take xee's parser ~2^40 steps; flattened it is immediate.
        assert!(flat(&text, &[], &[]).is_some());
        // The same inside a quantifier, whose variable every level refers to.
        let text = format!(
            "every $r in (1) satisfies {}$r{}",
            "not(".repeat(40),
            ")".repeat(40)
        );
        assert!(flat(&text, &[], &[]).is_some());
    }

    /// Every expression of the official e-invoicing rule sets flattens to the direct tree.
    #[test]
    fn official_rule_sets_parse_to_the_same_trees() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
        let files = [
            "en16931-cen/ubl/schematron/preprocessed/EN16931-UBL-validation-preprocessed.sch",
            "en16931-cen/cii/schematron/preprocessed/EN16931-CII-validation-preprocessed.sch",
            "xrechnung-schematron/src/validation/schematron/ubl/XRechnung-UBL-validation.sch",
            "xrechnung-schematron/src/validation/schematron/cii/XRechnung-CII-validation.sch",
            "xrechnung-schematron/src/validation/schematron/common.sch",
        ];
        if !root.exists() {
            eprintln!("skipped: ../shared/corpora is absent");
            return;
        }
        let mut n = 0;
        for f in files {
            let Ok(sch) = std::fs::read_to_string(root.join(f)) else {
                eprintln!("skipped: {f} is absent");
                continue;
            };
            let doc = roxmltree::Document::parse(&sch).unwrap_or_else(|e| panic!("{f}: {e}"));
            let ns: Vec<(String, String)> = doc
                .descendants()
                .filter(|n| n.has_tag_name("ns"))
                .filter_map(|n| Some((n.attribute("prefix")?.into(), n.attribute("uri")?.into())))
                .collect();
            for node in doc.descendants() {
                for attr in ["test", "context", "value", "select"] {
                    if let Some(t) = node.attribute(attr) {
                        same_as_direct_in(&t.replace('$', "$g"), &ns);
                        n += 1;
                    }
                }
            }
        }
        eprintln!("{n} expressions compared");
    }
}
