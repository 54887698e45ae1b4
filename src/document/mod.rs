//! Documents: reading input safely, sniffing its syntax, decoding, parsing with positions.
//!
//! Owns every byte that comes from outside. Nothing here touches the network or resolves
//! external entities; limits (size, depth) are enforced before any tree is built. It knows
//! nothing about standards or engines.

pub mod http;
pub mod json;
pub mod source;
pub mod xml;

use std::io::Read;
use std::path::Path;

/// Safety limits for input documents.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest document in bytes.
    pub max_bytes: u64,
    /// Deepest element/value nesting.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 100 * 1024 * 1024,
            max_depth: 256,
        }
    }
}

/// Why a document could not be read or parsed safely (a could-not-evaluate outcome).
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum InputError {
    /// I/O failure.
    #[error("cannot read {name}: {reason}")]
    #[diagnostic(code(konform::document::io))]
    Io {
        /// Document name.
        name: String,
        /// OS error.
        reason: String,
    },
    /// Larger than the size limit.
    #[error("{name} is larger than the limit of {limit} bytes")]
    #[diagnostic(
        code(konform::document::too_large),
        help("raise it with --max-size if the document is trusted")
    )]
    TooLarge {
        /// Document name.
        name: String,
        /// The limit.
        limit: u64,
    },
    /// Nested deeper than the depth limit.
    #[error("{name} nests deeper than the limit of {limit} levels (at line {line})")]
    #[diagnostic(
        code(konform::document::too_deep),
        help("raise it with --max-depth if the document is trusted")
    )]
    TooDeep {
        /// Document name.
        name: String,
        /// The limit.
        limit: usize,
        /// Line where the limit was passed.
        line: u32,
    },
    /// Compressed input; konform does not decompress transparently.
    #[error("{name} is {what}-compressed; konform does not decompress input (decompress it first)")]
    #[diagnostic(code(konform::document::compressed))]
    Compressed {
        /// Document name.
        name: String,
        /// Compression format.
        what: &'static str,
    },
}

/// Raw input: name and bytes, read once.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path as given, or `-` for standard input.
    pub name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// sha256 of the bytes, hex.
    pub sha256: String,
}

impl Document {
    /// Wraps bytes already in memory.
    pub fn from_bytes(name: impl Into<String>, bytes: Vec<u8>) -> Document {
        let sha256 = crate::standard::package::sha256_hex(&bytes);
        Document {
            name: name.into(),
            bytes,
            sha256,
        }
    }

    /// Reads a file, refusing anything over the size limit without reading it whole.
    pub fn read_path(path: &Path, limits: &Limits) -> Result<Document, InputError> {
        let name = path.display().to_string();
        let io = |e: std::io::Error| InputError::Io {
            name: name.clone(),
            reason: e.to_string(),
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        if meta.is_dir() {
            return Err(InputError::Io {
                name,
                reason: "is a directory".into(),
            });
        }
        if meta.len() > limits.max_bytes {
            return Err(InputError::TooLarge {
                name,
                limit: limits.max_bytes,
            });
        }
        Self::read_limited(name, file, limits)
    }

    /// Reads from any reader (standard input), up to the size limit.
    pub fn read_limited(
        name: String,
        r: impl Read,
        limits: &Limits,
    ) -> Result<Document, InputError> {
        let mut bytes = Vec::new();
        r.take(limits.max_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| InputError::Io {
                name: name.clone(),
                reason: e.to_string(),
            })?;
        if bytes.len() as u64 > limits.max_bytes {
            return Err(InputError::TooLarge {
                name,
                limit: limits.max_bytes,
            });
        }
        Ok(Document::from_bytes(name, bytes))
    }

    /// What the bytes look like.
    pub fn sniff(&self) -> Sniffed {
        sniff(&self.bytes)
    }
}

/// Syntax guessed from the first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// Starts like XML (`<`, possibly after a BOM or white space) or is UTF-16.
    Xml,
    /// Starts like JSON (`{` or `[`).
    Json,
    /// An HTTP message or MIME capture (start line or header lines).
    Http,
    /// gzip.
    Gzip,
    /// zstd, bzip2, xz or zip.
    OtherCompressed(&'static str),
    /// None of the above.
    Unknown,
}

impl Sniffed {
    /// Name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Sniffed::Xml => "xml",
            Sniffed::Json => "json",
            Sniffed::Http => "http",
            Sniffed::Gzip | Sniffed::OtherCompressed(_) => "compressed",
            Sniffed::Unknown => "unknown",
        }
    }
}

/// Classifies bytes by their start.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    match bytes {
        [0x1f, 0x8b, ..] => return Sniffed::Gzip,
        [0x28, 0xb5, 0x2f, 0xfd, ..] => return Sniffed::OtherCompressed("zstd"),
        [b'B', b'Z', b'h', ..] => return Sniffed::OtherCompressed("bzip2"),
        [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => return Sniffed::OtherCompressed("xz"),
        [b'P', b'K', 3, 4, ..] => return Sniffed::OtherCompressed("zip"),
        [0xff, 0xfe, ..] | [0xfe, 0xff, ..] | [0, b'<', ..] | [b'<', 0, ..] => return Sniffed::Xml,
        _ => {}
    }
    let rest = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let trimmed = rest
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&[][..], |i| &rest[i..]);
    match trimmed.first() {
        Some(b'<') => Sniffed::Xml,
        Some(b'{') | Some(b'[') => Sniffed::Json,
        _ if http::looks_like_http(trimmed) => Sniffed::Http,
        _ => Sniffed::Unknown,
    }
}
