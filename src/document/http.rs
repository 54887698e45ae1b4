//! HTTP messages and MIME captures: start line, headers, and multipart/related bodies
//! (SOAP with Attachments, MTOM). Finds the part that holds the message and its offset, so
//! positions in it are reported in file coordinates.

/// The first line of a captured HTTP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    /// `METHOD target HTTP/x`.
    Request {
        /// Method, e.g. POST.
        method: String,
        /// Request target.
        target: String,
    },
    /// `HTTP/x status reason`.
    Response {
        /// Status code.
        status: u16,
    },
    /// The capture starts with headers.
    None,
}

/// A header as captured, with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Name as written.
    pub name: String,
    /// Value, trimmed, continuation lines joined.
    pub value: String,
    /// Line in the file.
    pub line: u32,
}

/// One MIME part.
#[derive(Debug, Clone)]
pub struct Part {
    /// Part headers.
    pub headers: Vec<Header>,
    /// Byte range of the part body in the file.
    pub body: std::ops::Range<usize>,
    /// Line of the first body byte.
    pub body_line: u32,
}

/// A parsed capture.
#[derive(Debug, Clone)]
pub struct HttpMessage {
    /// Start line.
    pub start: StartLine,
    /// Message headers.
    pub headers: Vec<Header>,
    /// Line of the start line (or of the first header).
    pub first_line: u32,
    /// Byte range of the message body.
    pub body: std::ops::Range<usize>,
    /// Line of the first body byte.
    pub body_line: u32,
    /// MIME parts, when the body is multipart.
    pub parts: Vec<Part>,
    /// Index of the root part (the `start` parameter, else the first).
    pub root: Option<usize>,
}

/// Why a capture cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpProblem {
    /// What is wrong.
    pub message: String,
    /// Line.
    pub line: u32,
}

/// Built-in rule: an HTTP/MIME capture is well-formed (RFC 9112, RFC 2046, RFC 2387).
pub const RULE_WELL_FORMED: &str = "KONFORM-HTTP-001";

/// Whether bytes start like an HTTP message or header block.
pub fn looks_like_http(bytes: &[u8]) -> bool {
    let line_end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len())
        .min(8192);
    let Ok(line) = std::str::from_utf8(&bytes[..line_end]) else {
        return false;
    };
    let line = line.trim_end_matches('\r');
    if line.starts_with("HTTP/") {
        return true;
    }
    let mut words = line.split(' ');
    if let (Some(m), Some(_), Some(v)) = (words.next(), words.next(), words.next())
        && !m.is_empty()
        && m.bytes().all(|b| b.is_ascii_uppercase())
        && v.starts_with("HTTP/")
    {
        return true;
    }
    header_line(line).is_some()
}

fn header_line(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once(':')?;
    let token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    token.then(|| (name, value.trim()))
}

impl HttpMessage {
    /// A header's value by case-insensitive name (the first occurrence).
    pub fn header(&self, name: &str) -> Option<&Header> {
        find_header(&self.headers, name)
    }

    /// The bytes of the part (or body) that holds the message.
    pub fn message_range(&self) -> (std::ops::Range<usize>, u32) {
        match self.root.and_then(|i| self.parts.get(i)) {
            Some(p) => (p.body.clone(), p.body_line),
            None => (self.body.clone(), self.body_line),
        }
    }
}

/// A header by case-insensitive name.
pub fn find_header<'h>(headers: &'h [Header], name: &str) -> Option<&'h Header> {
    headers.iter().find(|h| h.name.eq_ignore_ascii_case(name))
}

/// Splits a header value into its main value and `;`-separated parameters (quotes removed).
pub fn parameters(value: &str) -> (String, Vec<(String, String)>) {
    let mut parts = split_unquoted(value, ';').into_iter();
    let main = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let params = parts
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((
                k.trim().to_ascii_lowercase(),
                v.trim().trim_matches('"').to_string(),
            ))
        })
        .collect();
    (main, params)
}

fn split_unquoted(s: &str, sep: char) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in s.chars() {
        if c == '"' {
            quoted = !quoted;
        }
        if c == sep && !quoted {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

/// Reads a header block starting at `pos`; returns headers and the offset after the blank line.
fn read_headers(
    bytes: &[u8],
    mut pos: usize,
    mut line: u32,
) -> Result<(Vec<Header>, usize, u32), HttpProblem> {
    let mut headers: Vec<Header> = Vec::new();
    loop {
        let end = bytes[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| pos + i);
        let raw = &bytes[pos..end.unwrap_or(bytes.len())];
        let text = std::str::from_utf8(raw)
            .map_err(|_| HttpProblem {
                message: "header line is not valid UTF-8".into(),
                line,
            })?
            .trim_end_matches('\r');
        let next = end.map_or(bytes.len(), |e| e + 1);
        if text.is_empty() {
            return Ok((headers, next, line + 1));
        }
        if text.starts_with([' ', '\t']) {
            let last = headers.last_mut().ok_or_else(|| HttpProblem {
                message: "continuation line before any header".into(),
                line,
            })?;
            last.value.push(' ');
            last.value.push_str(text.trim());
        } else {
            let (name, value) = header_line(text).ok_or_else(|| HttpProblem {
                message: format!(
                    "expected a header line `Name: value`, found `{}`",
                    truncate(text)
                ),
                line,
            })?;
            headers.push(Header {
                name: name.into(),
                value: value.into(),
                line,
            });
        }
        if end.is_none() {
            return Err(HttpProblem {
                message: "the header block is not ended by a blank line".into(),
                line,
            });
        }
        pos = next;
        line += 1;
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(60).collect()
}

fn count_lines(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u32
}

/// Parses a capture.
pub fn parse(bytes: &[u8]) -> Result<HttpMessage, HttpProblem> {
    // Skip leading blank lines.
    let mut pos = 0;
    let mut line = 1;
    while pos < bytes.len() && (bytes[pos] == b'\n' || bytes[pos] == b'\r') {
        if bytes[pos] == b'\n' {
            line += 1;
        }
        pos += 1;
    }
    let first_line = line;
    let eol = bytes[pos..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| pos + i);
    let first = String::from_utf8_lossy(&bytes[pos..eol])
        .trim_end_matches('\r')
        .to_string();
    let start = if let Some(rest) = first.strip_prefix("HTTP/") {
        let status = rest
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| HttpProblem {
                message: format!("malformed status line `{}`", truncate(&first)),
                line,
            })?;
        StartLine::Response { status }
    } else if header_line(&first).is_none() {
        let mut w = first.split(' ');
        match (w.next(), w.next(), w.next()) {
            (Some(m), Some(t), Some(v)) if v.starts_with("HTTP/") => StartLine::Request {
                method: m.into(),
                target: t.into(),
            },
            _ => {
                return Err(HttpProblem {
                    message: format!("malformed start line `{}`", truncate(&first)),
                    line,
                });
            }
        }
    } else {
        StartLine::None
    };
    if start != StartLine::None {
        pos = (eol + 1).min(bytes.len());
        line += 1;
    }
    let (headers, body_start, body_line) = read_headers(bytes, pos, line)?;
    let mut msg = HttpMessage {
        start,
        headers,
        first_line,
        body: body_start..bytes.len(),
        body_line,
        parts: Vec::new(),
        root: None,
    };
    if let Some(ct) = msg.header("Content-Type").cloned() {
        let (mime, params) = parameters(&ct.value);
        if mime.starts_with("multipart/") {
            let boundary = params
                .iter()
                .find(|(k, _)| k == "boundary")
                .map(|(_, v)| v.clone())
                .ok_or_else(|| HttpProblem {
                    message: "multipart Content-Type without a boundary parameter".into(),
                    line: ct.line,
                })?;
            let start_id = params
                .iter()
                .find(|(k, _)| k == "start")
                .map(|(_, v)| v.clone());
            msg.parts = split_parts(bytes, msg.body.clone(), msg.body_line, &boundary)?;
            msg.root = Some(match start_id {
                Some(id) => msg
                    .parts
                    .iter()
                    .position(|p| {
                        find_header(&p.headers, "Content-ID")
                            .is_some_and(|h| h.value.trim() == id.trim())
                    })
                    .ok_or_else(|| HttpProblem {
                        message: format!(
                            "no MIME part has the Content-ID {id} named by the start parameter"
                        ),
                        line: ct.line,
                    })?,
                None => 0,
            });
        }
    }
    Ok(msg)
}

fn split_parts(
    bytes: &[u8],
    body: std::ops::Range<usize>,
    body_line: u32,
    boundary: &str,
) -> Result<Vec<Part>, HttpProblem> {
    let delim = format!("--{boundary}");
    let data = &bytes[body.clone()];
    // Offsets (relative to body) of lines that start with the delimiter.
    let mut marks = Vec::new();
    let mut line_start = 0;
    for (i, &b) in data
        .iter()
        .enumerate()
        .chain(std::iter::once((data.len(), &b'\n')))
    {
        if b == b'\n' {
            let l = &data[line_start..i];
            if l.starts_with(delim.as_bytes()) {
                let closing = l[delim.len()..].starts_with(b"--");
                marks.push((line_start, i, closing));
            }
            line_start = i + 1;
        }
    }
    if marks.is_empty() {
        return Err(HttpProblem {
            message: format!("no MIME boundary `{delim}` in the body"),
            line: body_line,
        });
    }
    let mut parts = Vec::new();
    for w in marks.windows(2) {
        let (_, open_end, closing) = w[0];
        if closing {
            break;
        }
        let part_start = body.start + (open_end + 1).min(data.len());
        let part_line = body_line + count_lines(&data[..(open_end + 1).min(data.len())]);
        let (headers, content_start, content_line) = read_headers(bytes, part_start, part_line)?;
        // The CRLF before the next delimiter belongs to the delimiter.
        let mut end = body.start + w[1].0;
        if end > content_start && bytes[end - 1] == b'\n' {
            end -= 1;
            if end > content_start && bytes[end - 1] == b'\r' {
                end -= 1;
            }
        }
        parts.push(Part {
            headers,
            body: content_start..end.max(content_start),
            body_line: content_line,
        });
    }
    if !marks.last().is_some_and(|m| m.2) {
        return Err(HttpProblem {
            message: format!("the multipart body has no closing boundary `{delim}--`"),
            line: body_line,
        });
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_capture_is_split() {
        let cap = b"POST /x HTTP/1.1\r\nContent-Type: multipart/related; type=\"text/xml\"; start=\"<root>\"; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/xml\r\nContent-ID: <root>\r\n\r\n<a/>\r\n--B\r\nContent-ID: <x>\r\n\r\nDATA\r\n--B--\r\n";
        let m = parse(cap).unwrap();
        assert_eq!(
            m.start,
            StartLine::Request {
                method: "POST".into(),
                target: "/x".into()
            }
        );
        assert_eq!(m.parts.len(), 2);
        let (r, line) = m.message_range();
        assert_eq!(&cap[r], b"<a/>");
        assert_eq!(line, 8);
    }

    #[test]
    fn broken_captures_are_problems() {
        assert!(parse(b"Content-Type: text/xml\r\n<a/>").is_err());
        assert!(parse(b"Content-Type: multipart/related\r\n\r\nx").is_err());
        assert!(
            parse(b"Content-Type: multipart/related; boundary=B\r\n\r\n--B\r\n\r\nx\r\n").is_err()
        );
    }
}
