//! XML: decoding to UTF-8, safe parsing (no DTD, no entities, bounded depth) and positions.

use super::source::{LineIndex, byte_position};
use super::{InputError, Limits};
use crate::standard::detect::Probe;
use crate::standard::manifest::Syntax;

/// A reason the document is not acceptable XML: reported as a finding on a built-in rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlProblem {
    /// Built-in rule id (`KONFORM-XML-00n`).
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
    /// 1-based line, column in the decoded text.
    pub line: u32,
    /// Column.
    pub column: u32,
}

/// Built-in rule: the document is well-formed XML 1.0.
pub const RULE_WELL_FORMED: &str = "KONFORM-XML-001";
/// Built-in rule: no document type declaration (DTDs and entity declarations are refused).
pub const RULE_NO_DTD: &str = "KONFORM-XML-002";
/// Built-in rule: the bytes are valid in the declared encoding.
pub const RULE_ENCODING: &str = "KONFORM-XML-003";

/// Decodes XML bytes to UTF-8 text following the BOM or the encoding declaration.
pub fn decode(bytes: &[u8]) -> Result<String, XmlProblem> {
    let problem = |offset: usize, message: String| {
        let (line, column) = byte_position(bytes, offset);
        XmlProblem {
            rule: RULE_ENCODING,
            message,
            line,
            column,
        }
    };
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        if enc == encoding_rs::UTF_8 {
            return String::from_utf8(body.to_vec()).map_err(|e| {
                problem(
                    bom_len + e.utf8_error().valid_up_to(),
                    "invalid UTF-8 byte sequence".into(),
                )
            });
        }
        return enc
            .decode_without_bom_handling_and_without_replacement(body)
            .map(|c| c.into_owned())
            .ok_or_else(|| problem(0, format!("invalid {} byte sequence", enc.name())));
    }
    // UTF-16 without a BOM.
    if bytes.starts_with(&[0, b'<']) || bytes.starts_with(&[b'<', 0]) {
        let enc = if bytes[0] == 0 {
            encoding_rs::UTF_16BE
        } else {
            encoding_rs::UTF_16LE
        };
        return enc
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|c| c.into_owned())
            .ok_or_else(|| problem(0, format!("invalid {} byte sequence", enc.name())));
    }
    let declared = declared_encoding(bytes);
    match declared.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("utf-8") | Some("utf8") => String::from_utf8(bytes.to_vec()).map_err(|e| {
            problem(
                e.utf8_error().valid_up_to(),
                "invalid UTF-8 byte sequence".into(),
            )
        }),
        Some(label) => {
            let enc = encoding_rs::Encoding::for_label(label.as_bytes()).ok_or_else(|| {
                problem(
                    0,
                    format!("unsupported encoding `{label}` in the XML declaration"),
                )
            })?;
            enc.decode_without_bom_handling_and_without_replacement(bytes)
                .map(|c| c.into_owned())
                .ok_or_else(|| {
                    problem(
                        0,
                        format!(
                            "invalid byte sequence for the declared encoding {}",
                            enc.name()
                        ),
                    )
                })
        }
    }
}

/// The `encoding` pseudo-attribute of the XML declaration, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(256)];
    let head = String::from_utf8_lossy(head);
    let decl = head.strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let rest = &rest[1..];
    Some(rest[..rest.find(quote)?].to_string())
}

/// Parses decoded text with safe options and checks the depth limit.
pub fn parse<'a>(
    name: &str,
    text: &'a str,
    limits: &Limits,
) -> Result<Result<roxmltree::Document<'a>, XmlProblem>, InputError> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: u32::MAX,
        ..Default::default()
    };
    let tree = match roxmltree::Document::parse_with_options(text, opts) {
        Ok(t) => t,
        Err(e) => {
            // Errors about a document that ends too early carry no position: point at its end.
            let at_end = matches!(
                e,
                roxmltree::Error::UnclosedRootNode | roxmltree::Error::UnexpectedEndOfStream
            );
            let pos = if at_end { end_position(text) } else { e.pos() };
            let rule = if matches!(e, roxmltree::Error::DtdDetected) {
                RULE_NO_DTD
            } else {
                RULE_WELL_FORMED
            };
            let message = match e {
                roxmltree::Error::DtdDetected => {
                    "the document contains a document type declaration (DOCTYPE); DTDs, entity declarations and external entities are refused".to_string()
                }
                other => other.to_string(),
            };
            return Ok(Err(XmlProblem {
                rule,
                message,
                line: pos.row,
                column: pos.col,
            }));
        }
    };
    check_depth(name, &tree, limits)?;
    Ok(Ok(tree))
}

fn end_position(text: &str) -> roxmltree::TextPos {
    let (line, column) = super::source::LineIndex::new(text).position(text, text.len());
    roxmltree::TextPos::new(line, column)
}

fn check_depth(
    name: &str,
    tree: &roxmltree::Document<'_>,
    limits: &Limits,
) -> Result<(), InputError> {
    let mut depth = vec![0usize; tree.descendants().count() + 1];
    for node in tree.descendants() {
        let d = node.parent().map_or(0, |p| depth[p.id().get_usize()] + 1);
        depth[node.id().get_usize()] = d;
        if node.is_element() && d > limits.max_depth {
            let line = tree.text_pos_at(node.range().start).row;
            return Err(InputError::TooDeep {
                name: name.into(),
                limit: limits.max_depth,
                line,
            });
        }
    }
    Ok(())
}

/// A parsed XML document with its positions, as engines see it.
pub struct XmlDoc<'a> {
    /// The decoded text the tree borrows.
    pub text: &'a str,
    /// The tree.
    pub tree: roxmltree::Document<'a>,
    /// Lines that precede `text` in the file (for MIME captures).
    pub line_offset: u32,
    lines: LineIndex,
}

impl<'a> XmlDoc<'a> {
    /// Wraps a parsed tree.
    pub fn new(text: &'a str, tree: roxmltree::Document<'a>, line_offset: u32) -> XmlDoc<'a> {
        XmlDoc {
            text,
            tree,
            line_offset,
            lines: LineIndex::new(text),
        }
    }

    /// Line and column of a byte offset in `text`, in file coordinates.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let (l, c) = self.lines.position(self.text, offset);
        (l + self.line_offset, c)
    }

    /// Location of a node: line:column of its start and its XPath.
    pub fn location(&self, node: roxmltree::Node<'_, '_>) -> crate::report::model::Location {
        let (line, column) = self.position(node.range().start);
        crate::report::model::Location {
            line: Some(line),
            column: Some(column),
            path: Some(xpath(node)),
        }
    }

    /// Location of a line in text coordinates (for errors that carry only a line).
    pub fn line_location(&self, line: u32, column: Option<u32>) -> crate::report::model::Location {
        crate::report::model::Location {
            line: Some(line + self.line_offset),
            column,
            path: None,
        }
    }

    /// The element at a path of child-element indexes from the root element (`[]` is the root).
    pub fn element_at(&self, indexes: &[usize]) -> Option<roxmltree::Node<'_, 'a>> {
        let mut node = self.tree.root_element();
        for &i in indexes {
            node = node.children().filter(|c| c.is_element()).nth(i)?;
        }
        Some(node)
    }

    /// First element selected by child steps (`{ns}local` or `*`, separated by `/`) from the root.
    pub fn select(&self, path: &str) -> Option<roxmltree::Node<'_, 'a>> {
        let mut node = self.tree.root_element();
        for step in split_steps(path) {
            node = node
                .children()
                .filter(|c| c.is_element())
                .find(|c| step_matches(step, *c))?;
        }
        Some(node)
    }
}

/// Splits a path into steps at `/` outside `{…}` (namespace URIs contain slashes).
pub fn split_steps(path: &str) -> Vec<&str> {
    let (mut steps, mut depth, mut start) = (Vec::new(), 0usize, 0);
    for (i, c) in path.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            '/' if depth == 0 => {
                steps.push(&path[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    steps.push(&path[start..]);
    steps.retain(|s| !s.is_empty());
    steps
}

/// Whether a step (`*`, `local`, `{ns}local`, `{ns}*`) matches an element.
pub fn step_matches(step: &str, node: roxmltree::Node<'_, '_>) -> bool {
    if step == "*" {
        return true;
    }
    let name = node.tag_name();
    match step.strip_prefix('{').and_then(|s| s.split_once('}')) {
        Some((ns, local)) => name.namespace() == Some(ns) && (local == "*" || local == name.name()),
        None => name.namespace().is_none() && name.name() == step,
    }
}

/// XPath of an element (or of the element holding a non-element node): prefixed names as the
/// document writes them, `Q{ns}local` for default-namespace names, and a position predicate.
pub fn xpath(node: roxmltree::Node<'_, '_>) -> String {
    let mut steps = Vec::new();
    let mut cur = if node.is_element() {
        Some(node)
    } else {
        node.parent_element()
    };
    while let Some(n) = cur {
        let tag = n.tag_name();
        let pos = 1 + n
            .prev_siblings()
            .skip(1)
            .filter(|s| s.is_element() && s.tag_name() == tag)
            .count();
        let qname = match tag.namespace() {
            None => tag.name().to_string(),
            Some(ns) => match n.lookup_prefix(ns) {
                Some(p) if !p.is_empty() => format!("{p}:{}", tag.name()),
                _ => format!("Q{{{ns}}}{}", tag.name()),
            },
        };
        steps.push(format!("{qname}[{pos}]"));
        cur = n.parent_element();
    }
    steps.reverse();
    format!("/{}", steps.join("/"))
}

impl Probe for XmlDoc<'_> {
    fn syntax(&self) -> Syntax {
        Syntax::Xml
    }
    fn root(&self) -> Option<(String, String)> {
        let r = self.tree.root_element();
        Some((
            r.tag_name().namespace().unwrap_or("").to_string(),
            r.tag_name().name().to_string(),
        ))
    }
    fn select(&self, path: &str) -> Option<(String, String)> {
        let n = XmlDoc::select(self, path)?;
        Some((
            n.tag_name().name().to_string(),
            n.text().unwrap_or("").to_string(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_keep_namespace_uris_whole() {
        assert_eq!(
            split_steps("{http://a/b}X/*/{urn:c}Y"),
            ["{http://a/b}X", "*", "{urn:c}Y"]
        );
        assert_eq!(split_steps("/a//b/"), ["a", "b"]);
    }

    #[test]
    fn declared_encoding_is_read() {
        assert_eq!(
            declared_encoding(b"<?xml version='1.0' encoding='ISO-8859-1'?><a/>").as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(declared_encoding(b"<a/>"), None);
    }

    #[test]
    fn latin1_is_decoded() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe4</a>";
        assert!(decode(bytes).unwrap().contains('ä'));
    }

    #[test]
    fn invalid_utf8_has_a_position() {
        let p = decode(b"<a>\n  \xff</a>").unwrap_err();
        assert_eq!((p.rule, p.line, p.column), (RULE_ENCODING, 2, 3));
    }

    #[test]
    fn xpath_uses_prefixes_and_positions() {
        let text = r#"<s:E xmlns:s="urn:s"><s:B/><s:B><x xmlns="urn:d"/></s:B></s:E>"#;
        let tree = roxmltree::Document::parse(text).unwrap();
        let x = tree
            .descendants()
            .find(|n| n.tag_name().name() == "x")
            .unwrap();
        assert_eq!(xpath(x), "/s:E[1]/s:B[2]/Q{urn:d}x[1]");
    }

    #[test]
    fn dtd_is_refused_with_its_own_rule() {
        let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>";
        let p = parse("t", text, &Limits::default()).unwrap().unwrap_err();
        assert_eq!(p.rule, RULE_NO_DTD);
    }
}
