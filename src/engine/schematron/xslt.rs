//! `xsl:function` definitions inside a schema, translated to XPath.
//!
//! Official rule sets (Peppol, XRechnung) define helper functions in XSLT. konform evaluates
//! XPath only, so the function body — a sequence constructor — is rewritten into one XPath
//! expression; the caller turns it into an inline function (see [`super::xpath`]). The
//! supported instruction subset is what those rule sets use:
//!
//! | XSLT | XPath |
//! |---|---|
//! | `xsl:variable name select [as]` + following siblings | `let $name := select return (...)` |
//! | `xsl:sequence select` | `(select)` |
//! | `xsl:value-of select [separator]` | `xs:untypedAtomic(string-join(for $i in (select)[not(zero-length text node)] return string($i), sep))` |
//! | `xsl:choose` / `xsl:when test` / `xsl:otherwise` | `if (test) then (...) else ...` |
//! | `xsl:if test` | `if (test) then (...) else ()` |
//! | `xsl:for-each select` | `(select) ! (...)` |
//! | `xsl:text`, literal text | `xs:untypedAtomic('text')` |
//!
//! `xsl:value-of`, `xsl:text` and literal text construct text nodes (XSLT 3.0 §11.4, §11.5);
//! what a caller can observe of a text node is its typed value, an `xs:untypedAtomic`, so that
//! is what the translation yields. It is what makes the function conversion rules work as in
//! XSLT: a function declared `as="xs:boolean"` (or `xs:integer`, `xs:decimal`, …) whose body
//! returns through `xsl:value-of` casts the text, where an `xs:string` would be a type error
//! (XPTY0004); and compared with a number, the text is compared as a number. The separator of
//! `xsl:value-of` (an attribute value template) defaults to one space with `select` and to none
//! with content; zero-length text nodes are dropped before joining (XSLT 3.0 §5.7.2).
//! Known difference: an empty text node is true as a boolean where the empty
//! `xs:untypedAtomic` is false; no official rule set tests a function result that way.
//!
//! A declared `as` type on a variable, a parameter or the function's result is applied through
//! an inline function, which applies the same function conversion rules XSLT applies
//! (atomisation, casting `xs:untypedAtomic`, numeric promotion, cardinality). Anything else is
//! a compile error naming the instruction, never a silent skip.

use super::model::{Function, XSL_NS};

fn is_xsl(node: roxmltree::Node<'_, '_>, name: &str) -> bool {
    node.is_element()
        && node.tag_name().namespace() == Some(XSL_NS)
        && node.tag_name().name() == name
}

/// Reads an `xsl:function` element.
pub(crate) fn function(node: roxmltree::Node<'_, '_>) -> Result<Function, String> {
    let qname = node.attribute("name").ok_or("xsl:function without @name")?;
    let (ns, local) = match qname.split_once(':') {
        Some((prefix, local)) => {
            let ns = node.lookup_namespace_uri(Some(prefix)).ok_or_else(|| {
                format!("xsl:function {qname}: prefix `{prefix}` is not declared")
            })?;
            (ns.to_string(), local.to_string())
        }
        None => {
            return Err(format!(
                "xsl:function {qname}: the name must have a namespace prefix"
            ));
        }
    };
    let mut params = Vec::new();
    let mut body_nodes = Vec::new();
    for c in node.children() {
        if is_xsl(c, "param") {
            let name = c
                .attribute("name")
                .ok_or_else(|| format!("xsl:function {qname}: xsl:param without @name"))?;
            params.push((name.to_string(), c.attribute("as").map(str::to_string)));
        } else {
            body_nodes.push(c);
        }
    }
    let body = sequence(&body_nodes).map_err(|e| format!("xsl:function {qname}: {e}"))?;
    let namespaces = node
        .namespaces()
        .filter_map(|n| n.name().map(|p| (p.to_string(), n.uri().to_string())))
        .collect();
    Ok(Function {
        ns,
        local,
        params,
        result: node.attribute("as").map(str::to_string),
        body,
        namespaces,
    })
}

/// A string literal in XPath syntax.
pub(crate) fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// What a text node with this content shows a caller: its typed value.
fn text_node(t: &str) -> String {
    format!("xs:untypedAtomic({})", literal(t))
}

/// An attribute value template (`sep{expr}sep`, `{{` and `}}` for braces) as a string
/// expression.
fn attribute_value_template(avt: &str) -> Result<String, String> {
    let mut parts: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut chars = avt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let mut expr = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == '}' {
                        closed = true;
                        break;
                    }
                    expr.push(c);
                }
                if !closed {
                    return Err(format!("attribute value template `{avt}`: unclosed `{{`"));
                }
                if !text.is_empty() {
                    parts.push(literal(&std::mem::take(&mut text)));
                }
                parts.push(format!("string-join(for $Q{{urn:konform:xslt}}a in ({expr}) return string($Q{{urn:konform:xslt}}a), ' ')"));
            }
            '}' => return Err(format!("attribute value template `{avt}`: lone `}}`")),
            c => text.push(c),
        }
    }
    if !text.is_empty() || parts.is_empty() {
        parts.push(literal(&text));
    }
    Ok(if parts.len() == 1 {
        parts.remove(0)
    } else {
        format!("concat({})", parts.join(", "))
    })
}

/// Translates a sequence constructor (a list of sibling nodes) into one XPath expression.
fn sequence(nodes: &[roxmltree::Node<'_, '_>]) -> Result<String, String> {
    let mut parts: Vec<String> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if n.is_text() {
            let t = n.text().unwrap_or("");
            if !t.trim().is_empty() {
                parts.push(text_node(t));
            }
            continue;
        }
        if !n.is_element() {
            continue; // comments, processing instructions
        }
        if n.tag_name().namespace() != Some(XSL_NS) {
            return Err(format!(
                "literal result element <{}> is not supported",
                n.tag_name().name()
            ));
        }
        match n.tag_name().name() {
            "variable" => {
                let name = n.attribute("name").ok_or("xsl:variable without @name")?;
                let value = value_of_binding(*n)?;
                let rest = sequence(&nodes[i + 1..])?;
                parts.push(format!("let ${name} := ({value}) return ({rest})"));
                return Ok(join(parts));
            }
            "sequence" => parts.push(format!(
                "({})",
                n.attribute("select")
                    .ok_or("xsl:sequence without @select")?
            )),
            "value-of" => {
                let inner = match n.attribute("select") {
                    Some(s) => s.to_string(),
                    None => sequence(&n.children().collect::<Vec<_>>())?,
                };
                let sep = match n.attribute("separator") {
                    Some(avt) => attribute_value_template(avt)?,
                    None if n.attribute("select").is_some() => "' '".to_string(),
                    None => "''".to_string(),
                };
                parts.push(format!(
                    "xs:untypedAtomic(string-join(for $Q{{urn:konform:xslt}}i in ({inner})[not(. instance of text() and string(.) = '')] return string($Q{{urn:konform:xslt}}i), {sep}))"
                ));
            }
            "text" => parts.push(text_node(n.text().unwrap_or(""))),
            "if" => {
                let test = n.attribute("test").ok_or("xsl:if without @test")?;
                let then = sequence(&n.children().collect::<Vec<_>>())?;
                parts.push(format!("(if ({test}) then ({then}) else ())"));
            }
            "choose" => parts.push(choose(*n)?),
            "for-each" => {
                let select = n
                    .attribute("select")
                    .ok_or("xsl:for-each without @select")?;
                let body: Vec<_> = n.children().filter(|c| !is_xsl(*c, "sort")).collect();
                if n.children().any(|c| is_xsl(c, "sort")) {
                    return Err("xsl:sort is not supported".into());
                }
                parts.push(format!("(({select}) ! ({}))", sequence(&body)?));
            }
            "message" | "comment" => {}
            other => return Err(format!("xsl:{other} is not supported")),
        }
    }
    Ok(join(parts))
}

fn join(parts: Vec<String>) -> String {
    match parts.len() {
        0 => "()".to_string(),
        1 => parts.into_iter().next().unwrap_or_default(),
        _ => format!("({})", parts.join(", ")),
    }
}

/// The value an `xsl:variable` binds, with its `as` type applied.
fn value_of_binding(n: roxmltree::Node<'_, '_>) -> Result<String, String> {
    let raw = match n.attribute("select") {
        Some(s) => s.to_string(),
        None => {
            let content = sequence(&n.children().collect::<Vec<_>>())?;
            if n.attribute("as").is_some() {
                content
            } else {
                // Without `as`, content makes a temporary tree; its string value is what
                // callers can observe.
                format!(
                    "xs:untypedAtomic(string-join(for $Q{{urn:konform:xslt}}i in ({content}) return string($Q{{urn:konform:xslt}}i), ''))"
                )
            }
        }
    };
    Ok(match n.attribute("as") {
        Some(t) => format!(
            "(function($Q{{urn:konform:xslt}}v as {t}) as {t} {{ $Q{{urn:konform:xslt}}v }})({raw})"
        ),
        None => raw,
    })
}

fn choose(n: roxmltree::Node<'_, '_>) -> Result<String, String> {
    let mut branches = Vec::new();
    let mut otherwise = "()".to_string();
    for c in n.children().filter(roxmltree::Node::is_element) {
        if is_xsl(c, "when") {
            let test = c.attribute("test").ok_or("xsl:when without @test")?;
            branches.push((
                test.to_string(),
                sequence(&c.children().collect::<Vec<_>>())?,
            ));
        } else if is_xsl(c, "otherwise") {
            otherwise = sequence(&c.children().collect::<Vec<_>>())?;
        } else {
            return Err(format!("<{}> inside xsl:choose", c.tag_name().name()));
        }
    }
    let mut out = otherwise;
    for (test, then) in branches.into_iter().rev() {
        out = format!("(if ({test}) then ({then}) else ({out}))");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translate(xml: &str) -> Function {
        let doc = roxmltree::Document::parse(xml).unwrap();
        function(doc.root_element()).unwrap()
    }

    #[test]
    fn variables_and_choose_become_let_and_if() {
        let f = translate(
            r#"<xsl:function xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:u="utils" name="u:f" as="xs:integer">
                 <xsl:param name="a" as="xs:string"/>
                 <xsl:variable name="n" select="string-length($a)"/>
                 <xsl:choose><xsl:when test="$n = 0"><xsl:sequence select="0"/></xsl:when>
                 <xsl:otherwise><xsl:sequence select="$n"/></xsl:otherwise></xsl:choose>
               </xsl:function>"#,
        );
        assert_eq!(
            (f.ns.as_str(), f.local.as_str(), f.params.len()),
            ("utils", "f", 1)
        );
        assert_eq!(
            f.body,
            "let $n := (string-length($a)) return ((if ($n = 0) then ((0)) else (($n))))"
        );
    }
}
