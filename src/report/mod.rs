//! The report model and its writers. Writers only map fields of [`model::Report`]: they never
//! filter, re-sort or decide verdicts. Each format is one file with
//! `fn write(r: &Report, cfg: &WriteCfg, w: &mut dyn Write) -> io::Result<()>`, dispatched by the
//! closed [`Format`] enum. Size limits of the receiving services (GitLab's JUnit, GitHub's
//! SARIF) are applied by the writers concerned, which then say in the output what was left out.

pub mod earl;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod model;
pub mod probe;
pub mod sarif;
pub mod svrl;
pub mod write;

use model::Report;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

/// The endpoint section of a report as plain lines (what every text-based writer shows of an
/// endpoint run: subject, seed, cases, and each shrunk failure with its case file).
pub fn endpoint_lines(e: &model::EndpointRun) -> Vec<String> {
    let mut out = vec![format!(
        "endpoint {} — seed {}, {} case(s), {} request(s), {:.2} s{}",
        e.url,
        e.seed,
        e.cases,
        e.requests,
        e.seconds,
        e.description
            .as_deref()
            .map(|d| format!(", description {d}"))
            .unwrap_or_default()
    )];
    if let Some(why) = &e.stopped {
        out.push(format!("  stopped early: {why}"));
    }
    for f in &e.failures {
        out.push(format!(
            "  {} on {}: {} — minimal case {}{} after {} shrink step(s){}",
            f.rule,
            f.operation,
            f.message,
            f.request,
            f.status
                .map(|s| format!(" (status {s})"))
                .unwrap_or_default(),
            f.shrink_steps,
            f.case_file
                .as_deref()
                .map(|c| format!("; replay: konform replay {c}"))
                .unwrap_or_default()
        ));
    }
    out
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable text with source snippets.
    Human,
    /// konform's JSON report (`reports/konform-report.schema.json`).
    Json,
    /// JUnit XML (GitLab, Jenkins, GitHub test reporters): a testsuite per document, a
    /// testcase per rule checked.
    Junit,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// W3C EARL 1.0 in Turtle.
    Earl,
    /// W3C EARL 1.0 in JSON-LD.
    #[value(name = "earl-jsonld")]
    EarlJsonld,
    /// Markdown summary (CI job summaries, merge request comments).
    Markdown,
    /// One self-contained HTML page.
    Html,
    /// SVRL, the Schematron report language (Schematron findings only).
    Svrl,
}

impl Format {
    /// Renders a report in this format.
    pub fn render(
        self,
        report: &Report,
        cfg: &WriteCfg,
        w: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        match self {
            Format::Human => human::write(report, cfg, w),
            Format::Json => json::write(report, cfg, w),
            Format::Junit => junit::write(report, cfg, w),
            Format::Sarif => sarif::write(report, cfg, w),
            Format::Gitlab => gitlab::write(report, cfg, w),
            Format::Earl => earl::write(report, cfg, w),
            Format::EarlJsonld => earl::write_jsonld(report, cfg, w),
            Format::Markdown => markdown::write(report, cfg, w),
            Format::Html => html::write(report, cfg, w),
            Format::Svrl => svrl::write(report, cfg, w),
        }
    }

    /// The value name, as `--format` and `--report` take it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Junit => "junit",
            Format::Sarif => "sarif",
            Format::Gitlab => "gitlab",
            Format::Earl => "earl",
            Format::EarlJsonld => "earl-jsonld",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Svrl => "svrl",
        }
    }

    /// Whether the format shows source snippets (the caller then fills [`WriteCfg::sources`]).
    pub fn wants_sources(self) -> bool {
        matches!(self, Format::Human | Format::Html)
    }

    /// Every format, in documentation order.
    pub const ALL: [Format; 10] = [
        Format::Human,
        Format::Json,
        Format::Junit,
        Format::Sarif,
        Format::Gitlab,
        Format::Earl,
        Format::EarlJsonld,
        Format::Markdown,
        Format::Html,
        Format::Svrl,
    ];
}

/// Rendering options shared by writers (how to show the report, never what it says).
#[derive(Debug, Clone, Default)]
pub struct WriteCfg {
    /// Use ANSI colours.
    pub color: bool,
    /// Document sources for snippets (name -> text), when available.
    pub sources: BTreeMap<String, std::sync::Arc<str>>,
    /// Folder that file locations are made relative to (the repository root), absolute.
    /// `None`: document names are used as given.
    pub base_dir: Option<PathBuf>,
    /// Absolute folder that relative document names are relative to (the working directory).
    pub cwd: Option<PathBuf>,
    /// The file describing the interface under test (OpenAPI, WSDL), relative to `base_dir`:
    /// findings on documents that are not files (an endpoint, standard input) point at it.
    pub api_description: Option<String>,
    /// Overrides a format's size limit in bytes (JUnit: 30 MB, GitLab's limit per file; SARIF:
    /// 10 MB gzipped, GitHub's upload limit).
    pub max_bytes: Option<u64>,
    /// Overrides SARIF's limit of results per run (25,000, GitHub's limit).
    pub max_results: Option<usize>,
}

impl WriteCfg {
    /// The path of a document relative to [`WriteCfg::base_dir`] with `/` separators, or as given
    /// (normalised) when it lies outside; `None` when the document is not a file (`-` for
    /// standard input, a URL). Purely lexical: never touches the file system.
    pub fn repo_path(&self, name: &str) -> Option<String> {
        if name == "-" || name.is_empty() || name.contains("://") {
            return None;
        }
        let p = Path::new(name);
        let full = match (&self.cwd, p.is_absolute()) {
            (Some(cwd), false) => cwd.join(p),
            _ => p.to_path_buf(),
        };
        let full = normalise(&full);
        let shown = match &self.base_dir {
            Some(base) => full
                .strip_prefix(normalise(base))
                .map(Path::to_path_buf)
                .unwrap_or(full),
            None => full,
        };
        let mut out = String::new();
        for c in shown.components() {
            match c {
                Component::RootDir => out.push('/'),
                Component::Normal(s) => {
                    if !out.is_empty() && !out.ends_with('/') {
                        out.push('/');
                    }
                    out.push_str(&s.to_string_lossy());
                }
                Component::ParentDir => {
                    if !out.is_empty() && !out.ends_with('/') {
                        out.push('/');
                    }
                    out.push_str("..");
                }
                Component::Prefix(p) => out.push_str(&p.as_os_str().to_string_lossy()),
                Component::CurDir => {}
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// Where findings on a document point: its repository path, else the API description.
    pub fn location_path(&self, name: &str) -> Option<String> {
        self.repo_path(name)
            .or_else(|| self.api_description.clone())
    }
}

/// Removes `.` and resolves `..` lexically.
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A URI reference for a path: percent-encoded; absolute paths become `file://` URIs.
pub fn path_uri(path: &str) -> String {
    let enc = percent_encode(path, b"/");
    if path.starts_with('/') {
        format!("file://{enc}")
    } else {
        enc
    }
}

/// Percent-encodes every byte outside RFC 3986 unreserved characters and `keep`.
pub fn percent_encode(s: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Text safe for XML 1.0 content and attribute values: characters XML forbids become U+FFFD,
/// markup characters are escaped (quick-xml), newlines in attributes are kept as `&#10;`.
pub fn xml_text(s: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            || c >= '\u{10000}'
    };
    if s.chars().all(allowed) {
        quick_xml::escape::escape(s)
    } else {
        let clean: String = s
            .chars()
            .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
            .collect();
        Cow::Owned(quick_xml::escape::escape(&clean).into_owned())
    }
}

/// Like [`xml_text`], for attribute values: also escapes line breaks and tabs so they survive
/// attribute-value normalisation.
pub fn xml_attr(s: &str) -> Cow<'_, str> {
    let t = xml_text(s);
    if t.contains(['\n', '\r', '\t']) {
        Cow::Owned(
            t.replace('\n', "&#10;")
                .replace('\r', "&#13;")
                .replace('\t', "&#9;"),
        )
    } else {
        t
    }
}

/// Stable identities of the findings, indexed `[result][finding]`: sha256 (hex) over the rule,
/// the document's location path, the node path and the message — not the line, so a finding
/// keeps its identity when lines move. Repeats get an occurrence number, so every identity is
/// unique within the report. SARIF and GitLab Code Quality use the same values.
pub fn fingerprints(report: &Report, cfg: &WriteCfg) -> Vec<Vec<String>> {
    use sha2::Digest;
    let mut seen: HashMap<[u8; 32], u32> = HashMap::new();
    report
        .results
        .iter()
        .map(|r| {
            let path = cfg
                .location_path(&r.document.name)
                .unwrap_or_else(|| r.document.name.clone());
            r.findings
                .iter()
                .map(|f| {
                    let mut h = sha2::Sha256::new();
                    for part in [
                        f.rule.as_str(),
                        path.as_str(),
                        f.location.path.as_deref().unwrap_or(""),
                        f.message.as_str(),
                    ] {
                        h.update(part.as_bytes());
                        h.update([0u8]);
                    }
                    let key: [u8; 32] = h.finalize().into();
                    let n = seen.entry(key).or_insert(0);
                    *n += 1;
                    if *n == 1 {
                        hex::encode(key)
                    } else {
                        let mut h = sha2::Sha256::new();
                        h.update(key);
                        h.update(n.to_be_bytes());
                        hex::encode(h.finalize())
                    }
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_paths_are_relative_to_the_base() {
        let cfg = WriteCfg {
            base_dir: Some("/repo".into()),
            cwd: Some("/repo/sub".into()),
            ..WriteCfg::default()
        };
        assert_eq!(cfg.repo_path("a.xml").as_deref(), Some("sub/a.xml"));
        assert_eq!(cfg.repo_path("./x/../b.xml").as_deref(), Some("sub/b.xml"));
        assert_eq!(cfg.repo_path("../c.xml").as_deref(), Some("c.xml"));
        assert_eq!(cfg.repo_path("/repo/d/e.xml").as_deref(), Some("d/e.xml"));
        assert_eq!(
            cfg.repo_path("/elsewhere/f.xml").as_deref(),
            Some("/elsewhere/f.xml")
        );
        assert_eq!(cfg.repo_path("-"), None);
        assert_eq!(cfg.repo_path("https://h/x"), None);
        let plain = WriteCfg::default();
        assert_eq!(plain.repo_path("./a/b.xml").as_deref(), Some("a/b.xml"));
    }

    #[test]
    fn uris_and_xml_text_are_escaped() {
        assert_eq!(path_uri("a b/ä.xml"), "a%20b/%C3%A4.xml");
        assert_eq!(path_uri("/t/x.xml"), "file:///t/x.xml");
        assert_eq!(xml_text("a<b&\u{1}"), "a&lt;b&amp;\u{FFFD}");
        assert_eq!(xml_attr("\"x\"\ny"), "&quot;x&quot;&#10;y");
    }

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            let parsed = <Format as clap::ValueEnum>::from_str(f.name(), false);
            assert_eq!(parsed, Ok(f));
        }
    }
}
