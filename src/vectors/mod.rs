//! Test vectors: inputs with expected outcomes (`docs/vector-format.md`) and their runner.
//!
//! Vectors come from the copy of `test-vectors/` embedded in the binary or from a folder laid
//! out as `<id>/<version>/<name>.<ext>` + `<name>.expected.toml`.

pub mod suite;
pub mod vefa;
pub mod xmute;

use crate::document::Document;
use crate::pipeline::{Options, Validator};
use crate::report::model::{DocumentResult, Verdict};
use crate::standard::Registry;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The engine's reason in the text of a check that could not be evaluated (its message without
/// the leading "could not evaluate: ").
pub(crate) fn evaluation_reason(text: &str) -> String {
    text.strip_prefix("could not evaluate: ")
        .unwrap_or(text)
        .to_string()
}

/// Whether a finding reports a Schematron check that could not be evaluated (the engine
/// attaches no assert or report to those).
fn is_evaluation_error(f: &crate::report::model::Finding) -> bool {
    f.engine == crate::standard::EngineKind::Schematron
        && f.schematron.is_none()
        && f.message.starts_with("could not evaluate: ")
}

static EMBEDDED: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/test-vectors");

/// What a vector must produce.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// What the vector shows.
    #[serde(default)]
    pub description: String,
    /// Expected verdict.
    pub verdict: Verdict,
    /// Profile detection must pick.
    #[serde(default)]
    pub profile: Option<String>,
    /// Variant to run with.
    #[serde(default)]
    pub variant: Option<String>,
    /// Paired request file (same folder).
    #[serde(default)]
    pub request: Option<String>,
    /// Rule ids that must fire.
    #[serde(default)]
    pub must_fire: Vec<String>,
    /// Rule ids that must not fire.
    #[serde(default)]
    pub must_not_fire: Vec<String>,
    /// The fired set must equal `must_fire`.
    #[serde(default)]
    pub exact: bool,
}

/// One vector, read into memory.
#[derive(Debug, Clone)]
pub struct Vector {
    /// Standard id.
    pub standard: String,
    /// Standard version.
    pub version: String,
    /// File name of the input.
    pub name: String,
    /// Input bytes.
    pub bytes: Vec<u8>,
    /// Paired request bytes.
    pub request: Option<(String, Vec<u8>)>,
    /// Expectation.
    pub expected: Expectation,
}

/// A vector's result.
#[derive(Debug, Clone)]
pub struct VectorOutcome {
    /// The vector (`id@version/name`).
    pub vector: String,
    /// Disagreements; empty when konform agrees with the expectation.
    pub problems: Vec<String>,
    /// What konform said.
    pub result: DocumentResult,
}

/// Files of a vector set: relative path -> bytes.
type FileSet = BTreeMap<String, Vec<u8>>;

fn embedded_files() -> FileSet {
    let mut out = FileSet::new();
    let mut stack = vec![&EMBEDDED];
    while let Some(d) = stack.pop() {
        for f in d.files() {
            out.insert(
                f.path().to_string_lossy().replace('\\', "/"),
                f.contents().to_vec(),
            );
        }
        stack.extend(d.dirs());
    }
    out
}

fn dir_files(root: &Path) -> Result<FileSet, String> {
    let mut out = FileSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))? {
            let p = e.map_err(|e| e.to_string())?.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .map_err(|e| e.to_string())?
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(
                    rel,
                    std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?,
                );
            }
        }
    }
    Ok(out)
}

/// Reads vectors from a folder, or the embedded set when `dir` is `None`.
pub fn load(dir: Option<&Path>) -> Result<Vec<Vector>, String> {
    let files = match dir {
        Some(d) => dir_files(d)?,
        None => embedded_files(),
    };
    let mut vectors = Vec::new();
    for (path, bytes) in &files {
        let Some(base) = path.strip_suffix(".expected.toml") else {
            continue;
        };
        let parts: Vec<&str> = base.split('/').collect();
        let [standard, version, stem] = parts[..] else {
            return Err(format!(
                "{path}: expected <id>/<version>/<name>.expected.toml"
            ));
        };
        let text = std::str::from_utf8(bytes).map_err(|_| format!("{path}: not UTF-8"))?;
        let expected: Expectation = toml::from_str(text).map_err(|e| format!("{path}: {e}"))?;
        let prefix = format!("{standard}/{version}/{stem}.");
        let inputs: Vec<&String> = files
            .keys()
            .filter(|k| {
                k.starts_with(&prefix) && !k.ends_with(".toml") && !k[prefix.len()..].contains('/')
            })
            .collect();
        let [input] = inputs[..] else {
            return Err(format!(
                "{path}: expected exactly one input file {prefix}<ext>, found {}",
                inputs.len()
            ));
        };
        let request = match &expected.request {
            None => None,
            Some(r) => {
                let key = format!("{standard}/{version}/{r}");
                let b = files
                    .get(&key)
                    .ok_or_else(|| format!("{path}: request file {r} not found"))?;
                Some((r.clone(), b.clone()))
            }
        };
        vectors.push(Vector {
            standard: standard.into(),
            version: version.into(),
            name: input.rsplit('/').next().unwrap_or(input).to_string(),
            bytes: files[input].clone(),
            request,
            expected,
        });
    }
    Ok(vectors)
}

/// Compares a result with an expectation.
pub fn compare(expected: &Expectation, result: &DocumentResult) -> Vec<String> {
    let mut problems = Vec::new();
    let fired: std::collections::BTreeSet<&str> =
        result.findings.iter().map(|f| f.rule.as_str()).collect();
    if result.verdict != expected.verdict {
        let why = result
            .error
            .as_ref()
            .map(|e| format!(" ({})", e.message))
            .unwrap_or_default();
        problems.push(format!(
            "verdict is {}, expected {}{why}",
            result.verdict.as_str(),
            expected.verdict.as_str()
        ));
    }
    if let Some(p) = &expected.profile
        && result.profile.as_deref() != Some(p.as_str())
    {
        problems.push(format!(
            "profile is {}, expected {p}",
            result.profile.as_deref().unwrap_or("none")
        ));
    }
    for r in &expected.must_fire {
        if !fired.contains(r.as_str()) {
            problems.push(format!("{r} did not fire"));
            continue;
        }
        // A check that could not be evaluated is a finding too, but it did not fire.
        let mut own = result.findings.iter().filter(|f| &f.rule == r);
        if own.clone().all(is_evaluation_error)
            && let Some(f) = own.next()
        {
            problems.push(format!(
                "{r} could not be evaluated: {}",
                evaluation_reason(&f.message)
            ));
        }
    }
    for r in &expected.must_not_fire {
        if fired.contains(r.as_str()) {
            let msg = result
                .findings
                .iter()
                .find(|f| &f.rule == r)
                .map(|f| f.message.clone())
                .unwrap_or_default();
            problems.push(format!("{r} fired but must not: {msg}"));
        }
    }
    if expected.exact {
        for r in &fired {
            if !expected.must_fire.iter().any(|m| m == r) {
                problems.push(format!("{r} fired but is not in must_fire (exact)"));
            }
        }
    }
    problems
}

/// Runs vectors whose standard is installed; a vector for an uninstalled standard is a problem.
pub fn run(
    registry: Registry,
    vectors: &[Vector],
    only: Option<&str>,
) -> Result<Vec<VectorOutcome>, crate::standard::LoadError> {
    let only = only.map(|s| registry.resolve(s)).transpose()?;
    let mut by_standard: BTreeMap<String, Vec<&Vector>> = BTreeMap::new();
    for v in vectors {
        by_standard
            .entry(format!("{}@{}", v.standard, v.version))
            .or_default()
            .push(v);
    }
    let packages: Vec<_> = registry.packages().to_vec();
    let validator = Validator::new(registry, Options::default());
    let mut outcomes = Vec::new();
    for (key, vs) in by_standard {
        if only.as_ref().is_some_and(|p| p.spec.key() != key) {
            continue;
        }
        let package = packages.iter().find(|p| p.spec.key() == key).cloned();
        for v in vs {
            let vector = format!("{key}/{}", v.name);
            let Some(package) = &package else {
                outcomes.push(VectorOutcome {
                    vector,
                    problems: vec![format!("standard {key} is not installed")],
                    result: DocumentResult::not_evaluated(
                        v.name.clone(),
                        crate::report::model::ErrorKind::Configuration,
                        format!("standard {key} is not installed"),
                    ),
                });
                continue;
            };
            let mut session = validator.session();
            session.force(Some(package.clone()), v.expected.variant.clone());
            let doc = Document::from_bytes(v.name.clone(), v.bytes.clone());
            let req = v
                .request
                .as_ref()
                .map(|(n, b)| Document::from_bytes(n.clone(), b.clone()));
            let result = session.validate(&doc, req.as_ref());
            outcomes.push(VectorOutcome {
                vector,
                problems: compare(&v.expected, &result),
                result,
            });
        }
    }
    Ok(outcomes)
}

/// Every `.xml` file below `dir` (any case), for the suite readers.
pub(crate) fn collect_xml(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for e in entries {
        let path = e.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_dir() {
            collect_xml(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("xml"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Byte length of the start tag (up to and including `>`), skipping quoted values.
pub(crate) fn start_tag_end(raw: &str) -> usize {
    let mut quote: Option<char> = None;
    for (i, ch) in raw.char_indices() {
        match (quote, ch) {
            (None, '"' | '\'') => quote = Some(ch),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    raw.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::{ErrorKind, Finding};
    use crate::standard::manifest::Level;
    use crate::standard::{EngineKind, Severity};

    fn finding(rule: &str, message: &str) -> Finding {
        Finding {
            rule: rule.into(),
            level: Level::Must,
            severity: Severity::Error,
            message: message.into(),
            location: Default::default(),
            clause: String::new(),
            engine: EngineKind::Schematron,
            artefact: None,
            standard_severity: None,
            override_reason: None,
            waiver: None,
            schematron: None,
        }
    }

    #[test]
    fn a_rule_that_must_fire_but_could_not_be_evaluated_says_why() {
        let expected: Expectation =
            toml::from_str("verdict = \"non-conformant\"\nmust_fire = [\"BR-1\", \"BR-2\"]")
                .unwrap();
        let mut result = DocumentResult::not_evaluated("d.xml", ErrorKind::Engine, "x");
        result.error = None;
        result.verdict = Verdict::NonConformant;
        result.findings = vec![
            finding(
                "BR-1",
                "could not evaluate: test `xs:decimal(.) gt 0`: FORG0001: cannot cast",
            ),
            finding("BR-2", "the amount is negative"),
        ];
        assert_eq!(
            compare(&expected, &result),
            ["BR-1 could not be evaluated: test `xs:decimal(.) gt 0`: FORG0001: cannot cast"]
        );
    }
}
