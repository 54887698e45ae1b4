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
//! | `xsl:value-of select [separator]` | `string-join(for $i in (select) return string($i), sep)` |
//! | `xsl:choose` / `xsl:when test` / `xsl:otherwise` | `if (test) then (...) else ...` |
//! | `xsl:if test` | `if (test) then (...) else ()` |
//! | `xsl:for-each select` | `(select) ! (...)` |
//! | `xsl:text`, literal text | a string literal |
//!
//! A declared `as` type on a variable is applied through an inline function call, which
//! applies the same function conversion rules XSLT applies. Anything else is a compile error
//! naming the instruction, never a silent skip.

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

/// Translates a sequence constructor (a list of sibling nodes) into one XPath expression.
fn sequence(nodes: &[roxmltree::Node<'_, '_>]) -> Result<String, String> {
    let mut parts: Vec<String> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if n.is_text() {
            let t = n.text().unwrap_or("");
            if !t.trim().is_empty() {
                parts.push(literal(t));
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
                let sep = n.attribute("separator").map_or_else(
                    || {
                        if n.attribute("select").is_some() {
                            "' '".to_string()
                        } else {
                            "''".to_string()
                        }
                    },
                    literal,
                );
                parts.push(format!("string-join(for $Q{{urn:konform:xslt}}i in ({inner}) return string($Q{{urn:konform:xslt}}i), {sep})"));
            }
            "text" => parts.push(literal(n.text().unwrap_or(""))),
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
