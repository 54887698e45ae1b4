//! JSON: strict parsing (RFC 8259, via serde_json) plus a position map from JSON Pointers to
//! line:column, and detection of duplicate member names (which serde_json silently collapses).

use super::source::LineIndex;
use super::{InputError, Limits};
use crate::report::model::Location;
use crate::standard::detect::Probe;
use crate::standard::manifest::Syntax;
use std::collections::HashMap;

/// Built-in rule: the document is well-formed JSON (RFC 8259).
pub const RULE_WELL_FORMED: &str = "KONFORM-JSON-001";
/// Built-in rule: member names within an object are unique (RFC 7493 I-JSON §2.3).
pub const RULE_UNIQUE_NAMES: &str = "KONFORM-JSON-002";

/// A parsed JSON document with positions.
#[derive(Debug)]
pub struct JsonDoc {
    /// The value.
    pub value: serde_json::Value,
    /// Byte offset of every value, by JSON Pointer.
    offsets: HashMap<String, usize>,
    /// Duplicate names: pointer of the repeated member and its offset.
    pub duplicates: Vec<(String, usize)>,
    text: String,
    lines: LineIndex,
    /// Lines that precede the text in the file (for HTTP captures).
    pub line_offset: u32,
}

/// A reason the text is not acceptable JSON: a finding on a built-in rule.
#[derive(Debug, Clone)]
pub struct JsonProblem {
    /// What is wrong.
    pub message: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// Parses JSON text. Outer error: limits; inner error: not well-formed.
pub fn parse(
    name: &str,
    text: &str,
    limits: &Limits,
    line_offset: u32,
) -> Result<Result<JsonDoc, JsonProblem>, InputError> {
    let depth = max_depth(text);
    if depth.0 > limits.max_depth {
        let line = LineIndex::new(text).position(text, depth.1).0 + line_offset;
        return Err(InputError::TooDeep {
            name: name.into(),
            limit: limits.max_depth,
            line,
        });
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let value = match serde::Deserialize::deserialize(&mut de)
        .and_then(|v: serde_json::Value| de.end().map(|()| v))
    {
        Ok(v) => v,
        Err(e) => {
            return Ok(Err(JsonProblem {
                message: strip_position(&e.to_string()),
                line: e.line() as u32 + line_offset,
                column: e.column() as u32,
            }));
        }
    };
    let mut doc = JsonDoc {
        value,
        offsets: HashMap::new(),
        duplicates: Vec::new(),
        lines: LineIndex::new(text),
        text: text.to_string(),
        line_offset,
    };
    Scanner {
        text: text.as_bytes(),
        pos: 0,
    }
    .value("", &mut doc);
    Ok(Ok(doc))
}

fn strip_position(msg: &str) -> String {
    msg.find(" at line ").map_or(msg, |i| &msg[..i]).to_string()
}

/// Deepest nesting of `[`/`{` outside strings, and the offset where it is reached.
fn max_depth(text: &str) -> (usize, usize) {
    let (mut depth, mut max, mut at, mut in_str, mut esc) = (0usize, 0usize, 0usize, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    max = depth;
                    at = i;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    (max, at)
}

/// Escapes one JSON Pointer reference token (RFC 6901).
pub fn escape_token(t: &str) -> String {
    t.replace('~', "~0").replace('/', "~1")
}

/// Walks text serde_json has already accepted, recording offsets and duplicate names.
/// Iterative over containers would be nicer; depth is bounded by the limit checked first.
struct Scanner<'t> {
    text: &'t [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self.pos < self.text.len() && self.text[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn string(&mut self) -> String {
        let start = self.pos;
        self.pos += 1;
        while self.pos < self.text.len() {
            match self.text[self.pos] {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    break;
                }
                _ => self.pos += 1,
            }
        }
        let raw =
            std::str::from_utf8(&self.text[start..self.pos.min(self.text.len())]).unwrap_or("\"\"");
        serde_json::from_str::<String>(raw).unwrap_or_default()
    }

    fn value(&mut self, pointer: &str, doc: &mut JsonDoc) {
        self.ws();
        doc.offsets.insert(pointer.to_string(), self.pos);
        match self.text.get(self.pos) {
            Some(b'{') => {
                self.pos += 1;
                let mut seen = std::collections::HashSet::new();
                loop {
                    self.ws();
                    match self.text.get(self.pos) {
                        Some(b'}') | None => {
                            self.pos += 1;
                            return;
                        }
                        Some(b',') => {
                            self.pos += 1;
                            continue;
                        }
                        _ => {}
                    }
                    let key_at = self.pos;
                    let key = self.string();
                    let child = format!("{pointer}/{}", escape_token(&key));
                    if !seen.insert(key) {
                        doc.duplicates.push((child.clone(), key_at));
                    }
                    self.ws();
                    self.pos += 1; // ':'
                    self.value(&child, doc);
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut i = 0;
                loop {
                    self.ws();
                    match self.text.get(self.pos) {
                        Some(b']') | None => {
                            self.pos += 1;
                            return;
                        }
                        Some(b',') => {
                            self.pos += 1;
                            continue;
                        }
                        _ => {}
                    }
                    self.value(&format!("{pointer}/{i}"), doc);
                    i += 1;
                }
            }
            Some(b'"') => {
                self.string();
            }
            _ => {
                while self.pos < self.text.len()
                    && !matches!(self.text[self.pos], b',' | b']' | b'}')
                    && !self.text[self.pos].is_ascii_whitespace()
                {
                    self.pos += 1;
                }
            }
        }
    }
}

impl JsonDoc {
    /// Location of the value at a JSON Pointer (the nearest existing ancestor if needed).
    pub fn location(&self, pointer: &str) -> Location {
        let mut p = pointer;
        loop {
            if let Some(&off) = self.offsets.get(p) {
                let (line, column) = self.lines.position(&self.text, off);
                return Location {
                    line: Some(line + self.line_offset),
                    column: Some(column),
                    path: Some(pointer.to_string()),
                };
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => {
                    return Location {
                        line: None,
                        column: None,
                        path: Some(pointer.to_string()),
                    };
                }
            }
        }
    }

    /// Location of a byte offset.
    pub fn offset_location(&self, offset: usize, pointer: &str) -> Location {
        let (line, column) = self.lines.position(&self.text, offset);
        Location {
            line: Some(line + self.line_offset),
            column: Some(column),
            path: Some(pointer.to_string()),
        }
    }
}

impl Probe for JsonDoc {
    fn syntax(&self) -> Syntax {
        Syntax::Json
    }
    fn root(&self) -> Option<(String, String)> {
        None
    }
    fn select(&self, path: &str) -> Option<(String, String)> {
        let v = self.value.pointer(path)?;
        let name = path.rsplit('/').next().unwrap_or("").to_string();
        let text = match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        Some((name, text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_have_positions_and_duplicates_are_found() {
        let text = "{\n  \"a\": [1, {\"b/c\": true}],\n  \"a\": 2\n}";
        let doc = parse("t", text, &Limits::default(), 0).unwrap().unwrap();
        let loc = doc.location("/a/1/b~1c");
        assert_eq!((loc.line, loc.column), (Some(2), Some(20)));
        assert_eq!(doc.duplicates.len(), 1);
        assert_eq!(doc.duplicates[0].0, "/a");
        assert_eq!(doc.location("/zz").line, Some(1));
    }

    #[test]
    fn malformed_and_deep_json() {
        let p = parse("t", "{\"a\": 01}", &Limits::default(), 0)
            .unwrap()
            .unwrap_err();
        assert_eq!(p.line, 1);
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(matches!(
            parse("t", &deep, &Limits::default(), 0),
            Err(InputError::TooDeep { .. })
        ));
    }
}
