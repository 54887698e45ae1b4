//! A bounded HTTP/1.1 client on `std::net::TcpStream`: one request per connection, connect,
//! read and total timeouts, a response size cap (also after gzip decoding), and no redirects
//! (a 3xx is returned as it is, so only the given origin is ever contacted).
//!
//! Owns the wire. It knows nothing about checks or standards; every failure is a
//! [`TransportError`], never a panic.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// Limits of one exchange.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connection establishment.
    pub connect: Duration,
    /// Longest wait for any single read.
    pub read: Duration,
    /// Whole exchange, from connect to the last byte.
    pub total: Duration,
    /// Largest response (head + body, and body after decoding).
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connect: Duration::from_secs(5),
            read: Duration::from_secs(10),
            total: Duration::from_secs(30),
            max_bytes: 10 * 1024 * 1024,
        }
    }
}

/// The origin every request goes to (`http://host:port`), and the base path below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Host as written in the URL.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Path of the base URL, without a trailing `/` (may be empty).
    pub base_path: String,
}

impl Origin {
    /// Parses an `http://` URL. `https` is not supported by this client.
    pub fn parse(url: &str) -> Result<Origin, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("`{url}`: only http:// URLs are supported"))?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.is_empty() || authority.contains('@') {
            return Err(format!("`{url}`: no host, or user info in the URL"));
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => (
                h.to_string(),
                p.parse::<u16>()
                    .map_err(|_| format!("`{url}`: bad port `{p}`"))?,
            ),
            _ => (authority.to_string(), 80),
        };
        let path = path.split(['?', '#']).next().unwrap_or("");
        Ok(Origin {
            host,
            port,
            base_path: path.trim_end_matches('/').to_string(),
        })
    }

    /// `http://host:port`.
    pub fn url(&self) -> String {
        format!("http://{}:{}", self.host, self.port)
    }

    fn addr(&self) -> Result<SocketAddr, TransportError> {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        (host, self.port)
            .to_socket_addrs()
            .map_err(|e| TransportError::Connect(e.to_string()))?
            .next()
            .ok_or_else(|| TransportError::Connect(format!("{} does not resolve", self.host)))
    }
}

/// A request to send.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Request {
    /// Method.
    pub method: String,
    /// Path and query below the origin (starts with `/`).
    pub target: String,
    /// Headers in order (Host, Content-Length and Connection are added by the client).
    pub headers: Vec<(String, String)>,
    /// Body (may be empty).
    #[serde(default)]
    pub body: String,
}

/// A received response (body decoded from chunked and gzip).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// The first header of a name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The response as an HTTP capture for the validation pipeline (transfer and content
    /// codings are already removed, so their headers are left out).
    pub fn capture(&self) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} X\r\n", self.status).into_bytes();
        for (n, v) in &self.headers {
            if ["transfer-encoding", "content-encoding", "content-length"]
                .iter()
                .any(|x| n.eq_ignore_ascii_case(x))
            {
                continue;
            }
            out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.body);
        out
    }
}

/// The first header of a name in a list (case-insensitive).
pub fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why an exchange failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// Could not connect.
    #[error("could not connect: {0}")]
    Connect(String),
    /// A timeout elapsed.
    #[error("timed out: {0}")]
    Timeout(String),
    /// The response is larger than the cap.
    #[error("response larger than {0} bytes")]
    TooLarge(usize),
    /// Not valid HTTP/1.x.
    #[error("invalid HTTP response: {0}")]
    Malformed(String),
    /// The connection broke.
    #[error("connection failed: {0}")]
    Io(String),
}

/// Sends one request and reads the response within the limits.
pub fn send(origin: &Origin, req: &Request, limits: &Limits) -> Result<Response, TransportError> {
    let start = Instant::now();
    let addr = origin.addr()?;
    let mut stream = TcpStream::connect_timeout(&addr, limits.connect).map_err(|e| {
        if e.kind() == std::io::ErrorKind::TimedOut {
            TransportError::Timeout(format!("connect after {:?}", limits.connect))
        } else {
            TransportError::Connect(e.to_string())
        }
    })?;
    let _ = stream.set_nodelay(true);
    let io = |e: std::io::Error| TransportError::Io(e.to_string());
    stream.set_write_timeout(Some(limits.read)).map_err(io)?;
    stream.write_all(&serialize(origin, req)).map_err(io)?;
    let raw = read_all(&mut stream, start, limits)?;
    parse(&raw, req.method == "HEAD", limits.max_bytes)
}

/// The request as bytes on the wire.
pub fn serialize(origin: &Origin, req: &Request) -> Vec<u8> {
    let mut out = format!(
        "{} {} HTTP/1.1\r\nHost: {}:{}\r\n",
        req.method, req.target, origin.host, origin.port
    );
    for (n, v) in &req.headers {
        out.push_str(n);
        out.push_str(": ");
        out.push_str(v);
        out.push_str("\r\n");
    }
    if !req.body.is_empty() || matches!(req.method.as_str(), "POST" | "PUT" | "PATCH") {
        out.push_str(&format!("Content-Length: {}\r\n", req.body.len()));
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(req.body.as_bytes());
    bytes
}

/// Reads until the response is complete (by length, chunked end, or close), the cap, or a
/// timeout.
fn read_all(
    stream: &mut TcpStream,
    start: Instant,
    limits: &Limits,
) -> Result<Vec<u8>, TransportError> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 16 * 1024];
    let cap = limits.max_bytes.saturating_add(64 * 1024);
    loop {
        let left = limits.total.checked_sub(start.elapsed()).ok_or_else(|| {
            TransportError::Timeout(format!("whole exchange after {:?}", limits.total))
        })?;
        let wait = left.min(limits.read).max(Duration::from_millis(1));
        stream
            .set_read_timeout(Some(wait))
            .map_err(|e| TransportError::Io(e.to_string()))?;
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(buf),
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                if buf.len() > cap {
                    return Err(TransportError::TooLarge(limits.max_bytes));
                }
                if complete(&buf) {
                    return Ok(buf);
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                let what = if wait < limits.read {
                    format!("whole exchange after {:?}", limits.total)
                } else {
                    format!("no data for {:?}", limits.read)
                };
                return Err(TransportError::Timeout(what));
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                // A reset after a complete response still counts as the response.
                if complete(&buf) {
                    return Ok(buf);
                }
                return Err(TransportError::Io(e.to_string()));
            }
        }
    }
}

/// Whether `buf` holds a whole response (known length reached, or chunked terminator seen).
fn complete(buf: &[u8]) -> bool {
    let Some(end) = find(buf, b"\r\n\r\n") else {
        return false;
    };
    let Ok(head) = std::str::from_utf8(&buf[..end]) else {
        return false;
    };
    let body = &buf[end + 4..];
    let lower = head.to_ascii_lowercase();
    if let Some(len) = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        return body.len() >= len;
    }
    if lower
        .lines()
        .any(|l| l.starts_with("transfer-encoding:") && l.contains("chunked"))
    {
        return body.ends_with(b"0\r\n\r\n");
    }
    let status = head.split(' ').nth(1).unwrap_or("");
    status == "204" || status == "304" || status.starts_with('1')
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Parses a raw HTTP/1.x response.
pub fn parse(raw: &[u8], head_only: bool, max: usize) -> Result<Response, TransportError> {
    let bad = |m: &str| TransportError::Malformed(m.to_string());
    let end = find(raw, b"\r\n\r\n").ok_or_else(|| {
        if raw.is_empty() {
            bad("the server closed the connection without a response")
        } else {
            bad("no end of headers")
        }
    })?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| bad("header bytes are not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    if !matches!(version, "HTTP/1.1" | "HTTP/1.0") {
        return Err(bad(&format!("status line `{}`", truncate(status_line))));
    }
    let status = parts
        .next()
        .filter(|s| s.len() == 3)
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|s| (100..600).contains(s))
        .ok_or_else(|| bad(&format!("status line `{}`", truncate(status_line))))?;
    let mut headers = Vec::new();
    for line in lines {
        let (n, v) = line
            .split_once(':')
            .ok_or_else(|| bad(&format!("header line `{}`", truncate(line))))?;
        if n.is_empty() || n.contains(|c: char| c.is_whitespace() || c.is_control()) {
            return Err(bad(&format!("header name `{}`", truncate(n))));
        }
        headers.push((n.to_string(), v.trim().to_string()));
    }
    let raw_body = &raw[end + 4..];
    let mut body = if head_only || status == 204 || status == 304 {
        Vec::new()
    } else if header(&headers, "transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        dechunk(raw_body, max)?
    } else if let Some(len) = header(&headers, "content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| bad(&format!("Content-Length `{}`", truncate(len))))?;
        if raw_body.len() < len {
            return Err(TransportError::Io(format!(
                "body ended after {} of {len} bytes",
                raw_body.len()
            )));
        }
        raw_body[..len].to_vec()
    } else {
        raw_body.to_vec()
    };
    if body.len() > max {
        return Err(TransportError::TooLarge(max));
    }
    if header(&headers, "content-encoding").is_some_and(|v| v.trim().eq_ignore_ascii_case("gzip")) {
        body = super::gzip::decode(&body, max)?;
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn truncate(s: &str) -> String {
    s.chars().take(60).collect()
}

fn dechunk(mut data: &[u8], max: usize) -> Result<Vec<u8>, TransportError> {
    let bad = |m: &str| TransportError::Malformed(format!("chunked body: {m}"));
    let mut out = Vec::new();
    loop {
        let line_end = find(data, b"\r\n").ok_or_else(|| bad("no chunk size line"))?;
        let size_text = std::str::from_utf8(&data[..line_end]).map_err(|_| bad("size"))?;
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| bad(&format!("size `{}`", truncate(size_text))))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size + 2 {
            return Err(bad("truncated chunk"));
        }
        out.extend_from_slice(&data[..size]);
        if out.len() > max {
            return Err(TransportError::TooLarge(max));
        }
        data = &data[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_parsing() {
        let o = Origin::parse("http://127.0.0.1:8080/r1/A/B/C/").unwrap();
        assert_eq!((o.host.as_str(), o.port), ("127.0.0.1", 8080));
        assert_eq!(o.base_path, "/r1/A/B/C");
        assert!(Origin::parse("https://x").is_err());
        assert!(Origin::parse("http://u@x/").is_err());
        assert_eq!(Origin::parse("http://h").unwrap().port, 80);
    }

    #[test]
    fn parses_chunked_and_rejects_garbage() {
        let r = parse(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            false,
            100,
        )
        .unwrap();
        assert_eq!(r.body, b"abc");
        assert!(matches!(
            parse(b"SSH-2.0-x\r\n\r\n", false, 100),
            Err(TransportError::Malformed(_))
        ));
        assert!(matches!(
            parse(
                b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n0123456789",
                false,
                3
            ),
            Err(TransportError::TooLarge(3))
        ));
    }
}
