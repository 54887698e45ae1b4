//! Parse: an input's bytes -> the message inside it (an HTTP capture's body, or the whole
//! file) -> its text -> an XML tree or JSON value, with the built-in input rules (well-formed,
//! no DTD, encoding, unique JSON member names) as findings. Also the paired request, parsed the
//! same way, and the view of a parsed message that detection reads.

use crate::document::http::{self, HttpMessage};
use crate::document::json::{self, JsonDoc};
use crate::document::xml::{self, XmlDoc};
use crate::document::{Document, InputError, Limits, Sniffed};
use crate::engine::{Body, Paired, RawFinding};
use crate::report::model::{DocumentResult, ErrorKind, EvalError, Location};
use crate::standard::Package;
use crate::standard::detect::Probe;
use crate::standard::manifest::{HttpSide, Syntax};
use std::sync::Arc;

/// The message inside an input, decoded and parsed (or why not).
pub(super) enum Parsed<'t> {
    Xml(XmlDoc<'t>),
    Json(JsonDoc),
}

impl Parsed<'_> {
    /// The parsed message as engines take it.
    pub(super) fn body(&self) -> Body<'_> {
        match self {
            Parsed::Xml(x) => Body::Xml(x),
            Parsed::Json(j) => Body::Json(j),
        }
    }

    /// The parsed message as detection reads it.
    pub(super) fn probe(&self) -> &dyn Probe {
        match self {
            Parsed::Xml(x) => x,
            Parsed::Json(j) => j,
        }
    }

    /// Where the document as a whole is: its root element, or the JSON root.
    pub(super) fn root_location(&self) -> Location {
        match self {
            Parsed::Xml(x) => x.location(x.tree.root_element()),
            Parsed::Json(j) => j.location(""),
        }
    }
}

/// Why evaluation of a document ends before its engines run.
pub(super) enum Stop {
    /// The input breaks a built-in input rule: these findings (on konform's own rules).
    Rejected(Vec<RawFinding>),
    /// The input cannot be evaluated at all.
    Failed(EvalError),
}

impl From<InputError> for Stop {
    fn from(e: InputError) -> Self {
        Stop::Failed(EvalError {
            kind: ErrorKind::Input,
            message: e.to_string(),
        })
    }
}

/// A finding on a built-in input rule.
fn input_finding(rule: &str, message: String, line: u32, column: u32) -> RawFinding {
    RawFinding::new(
        rule,
        message,
        Location {
            line: Some(line),
            column: Some(column),
            path: None,
        },
    )
}

/// A finding for an XML decoding or well-formedness problem, in file coordinates.
fn xml_problem_finding(p: xml::XmlProblem, line_offset: u32) -> RawFinding {
    input_finding(p.rule, p.message, p.line + line_offset, p.column)
}

/// The text of the message inside a document, and where it starts.
pub(super) struct Message {
    pub(super) http: Option<HttpMessage>,
    bytes: std::ops::Range<usize>,
    line_offset: u32,
    syntax: Syntax,
    /// The capture's body is empty or neither JSON nor XML: only HTTP-level rules apply, and
    /// the body is checked as JSON `null`.
    opaque: bool,
}

impl Message {
    /// The side of the HTTP capture the message came in, if it came in one.
    pub(super) fn http_side(&self) -> Option<HttpSide> {
        self.http.as_ref().and_then(|h| match h.start {
            http::StartLine::Request { .. } => Some(HttpSide::Request),
            http::StartLine::Response { .. } => Some(HttpSide::Response),
            http::StartLine::None => None,
        })
    }
}

/// The one syntax all profiles of a standard share, if they share one.
fn expected_syntax(standard: Option<&Arc<Package>>) -> Option<Syntax> {
    let p = standard?;
    let mut syntaxes = p.spec.profiles.iter().map(|pr| pr.format);
    let first = syntaxes.next()?;
    syntaxes.all(|s| s == first).then_some(first)
}

/// Finds the message in a document: unwraps an HTTP capture and settles the syntax.
pub(super) fn prepare(doc: &Document, standard: Option<&Arc<Package>>) -> Result<Message, Stop> {
    let fail = |m: String| {
        Stop::Failed(EvalError {
            kind: ErrorKind::Input,
            message: m,
        })
    };
    let sniffed = doc.sniff();
    let (http, range, line_offset, inner) = match sniffed {
        Sniffed::Gzip => {
            return Err(fail(
                InputError::Compressed {
                    name: doc.name.clone(),
                    what: "gzip",
                }
                .to_string(),
            ));
        }
        Sniffed::OtherCompressed(what) => {
            return Err(fail(
                InputError::Compressed {
                    name: doc.name.clone(),
                    what,
                }
                .to_string(),
            ));
        }
        Sniffed::Http => match http::parse(&doc.bytes) {
            Ok(m) => {
                let (range, line) = m.message_range();
                let inner = crate::document::sniff(&doc.bytes[range.clone()]);
                (Some(m), range, line - 1, inner)
            }
            Err(p) => {
                return Err(Stop::Rejected(vec![input_finding(
                    http::RULE_WELL_FORMED,
                    p.message,
                    p.line,
                    1,
                )]));
            }
        },
        other => (None, 0..doc.bytes.len(), 0, other),
    };
    let http_profiles = standard.is_none_or(|p| p.spec.profiles.iter().any(|pr| pr.http.is_some()));
    let opaque = http.is_some() && http_profiles && !matches!(inner, Sniffed::Json | Sniffed::Xml);
    let syntax = match inner {
        Sniffed::Json => Syntax::Json,
        Sniffed::Xml => Syntax::Xml,
        _ if opaque => Syntax::Json,
        _ => expected_syntax(standard).unwrap_or(Syntax::Xml),
    };
    Ok(Message {
        http,
        bytes: range,
        line_offset,
        syntax,
        opaque,
    })
}

/// The message's text (decoded to UTF-8), after recording the input rules of its syntax as
/// checked.
pub(super) fn message_text(
    doc: &Document,
    msg: &Message,
    result: &mut DocumentResult,
) -> Result<String, Stop> {
    let bytes: &[u8] = if msg.opaque {
        b"null"
    } else {
        &doc.bytes[msg.bytes.clone()]
    };
    match msg.syntax {
        Syntax::Xml => {
            result.rules_checked.extend(
                [xml::RULE_WELL_FORMED, xml::RULE_NO_DTD, xml::RULE_ENCODING].map(String::from),
            );
            xml::decode(bytes)
                .map_err(|p| Stop::Rejected(vec![xml_problem_finding(p, msg.line_offset)]))
        }
        Syntax::Json => {
            result
                .rules_checked
                .extend([json::RULE_WELL_FORMED, json::RULE_UNIQUE_NAMES].map(String::from));
            String::from_utf8(bytes.to_vec()).map_err(|e| {
                let (line, col) =
                    crate::document::source::byte_position(bytes, e.utf8_error().valid_up_to());
                Stop::Rejected(vec![input_finding(
                    json::RULE_WELL_FORMED,
                    "invalid UTF-8 byte sequence (JSON text must be UTF-8)".into(),
                    line + msg.line_offset,
                    col,
                )])
            })
        }
    }
}

/// Parses the message's text in its syntax.
pub(super) fn parse<'t>(
    name: &str,
    text: &'t str,
    msg: &Message,
    limits: &Limits,
) -> Result<Parsed<'t>, Stop> {
    match msg.syntax {
        Syntax::Xml => match xml::parse(name, text, limits)? {
            Err(p) => Err(Stop::Rejected(vec![xml_problem_finding(
                p,
                msg.line_offset,
            )])),
            Ok(tree) => Ok(Parsed::Xml(XmlDoc::new(text, tree, msg.line_offset))),
        },
        Syntax::Json => match json::parse(name, text, limits, msg.line_offset)? {
            Err(p) => Err(Stop::Rejected(vec![input_finding(
                json::RULE_WELL_FORMED,
                p.message,
                p.line,
                p.column,
            )])),
            Ok(j) => Ok(Parsed::Json(j)),
        },
    }
}

/// Findings for JSON member names that appear more than once in their object.
pub(super) fn duplicate_member_findings(parsed: &Parsed<'_>) -> Vec<RawFinding> {
    let Parsed::Json(j) = parsed else {
        return Vec::new();
    };
    j.duplicates
        .iter()
        .map(|(pointer, offset)| {
            RawFinding::new(
                json::RULE_UNIQUE_NAMES,
                format!(
                    "member name `{}` appears more than once in its object",
                    pointer.rsplit('/').next().unwrap_or("")
                ),
                j.offset_location(*offset, pointer),
            )
        })
        .collect()
}

/// A paired request: its message and decoded text (the tree borrows the text).
pub(super) struct RequestText<'d> {
    doc: &'d Document,
    msg: Result<Message, Stop>,
    text: Option<String>,
}

impl<'d> RequestText<'d> {
    /// Finds and decodes the request's message.
    pub(super) fn read(doc: &'d Document, standard: Option<&Arc<Package>>) -> Self {
        let msg = prepare(doc, standard);
        let text = match &msg {
            Ok(m) => xml::decode(&doc.bytes[m.bytes.clone()]).ok(),
            Err(_) => None,
        };
        RequestText { doc, msg, text }
    }

    /// The request's XML tree, if it is well-formed XML.
    pub(super) fn tree(&self, limits: &Limits) -> Option<XmlDoc<'_>> {
        let (Some(t), Ok(m)) = (&self.text, &self.msg) else {
            return None;
        };
        match xml::parse("request", t, limits) {
            Ok(Ok(tree)) => Some(XmlDoc::new(t, tree, m.line_offset)),
            _ => None,
        }
    }

    /// The request as engines take it, or why it cannot be used.
    pub(super) fn paired<'a>(
        &'a self,
        tree: Option<&'a XmlDoc<'a>>,
    ) -> Result<Paired<'a>, EvalError> {
        match (&self.msg, tree) {
            (Ok(m), Some(t)) => Ok(Paired {
                name: &self.doc.name,
                body: Body::Xml(t),
                message_bytes: &self.doc.bytes[m.bytes.clone()],
            }),
            _ => Err(EvalError {
                kind: ErrorKind::Input,
                message: format!(
                    "the paired request {} is not a well-formed XML message",
                    self.doc.name
                ),
            }),
        }
    }
}

/// A parsed message plus the side of the HTTP capture it came in, for detection.
pub(super) struct HttpProbe<'a> {
    pub(super) inner: &'a dyn Probe,
    pub(super) side: Option<HttpSide>,
}

impl Probe for HttpProbe<'_> {
    fn syntax(&self) -> Syntax {
        self.inner.syntax()
    }
    fn root(&self) -> Option<(String, String)> {
        self.inner.root()
    }
    fn select(&self, path: &str) -> Option<(String, String)> {
        self.inner.select(path)
    }
    fn http_side(&self) -> Option<HttpSide> {
        self.side
    }
}

/// The name of the document's sniffed format, for the report.
pub(super) fn format_name(doc: &Document) -> &'static str {
    doc.sniff().as_str()
}
