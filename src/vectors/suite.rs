//! Test suites in their upstream formats, run against Schematron files the user names:
//! `konform vectors run --suite PATH --schematron [ALIAS=]FILE...`.
//!
//! The format is recognised from the files: VEFA test sets ([`super::vefa`]) or XML-MutaTe
//! instances ([`super::xmute`]). Every test yields one [`CaseResult`] with what was expected,
//! what konform saw and whether they agree.
//!
//! Schemas are chosen per test: XML-MutaTe names them by alias (`xrubl:BR-DE-1`), so every
//! `--schematron` needs an alias there. A VEFA test set names its rule set in `configuration`
//! (e.g. `tc434-ubl`): a schema whose alias the configuration starts with is used, else the one
//! schema given without an alias; a test with neither is not checkable.

use super::vefa::{self, Expect, VefaTest};
use super::xmute::{self, Mutant};
use crate::engine::schematron::{Options, SchematronEngine};
use crate::standard::package::sha256_hex;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A `--schematron [ALIAS=]FILE` argument.
#[derive(Debug, Clone, Serialize)]
pub struct SchemaArg {
    /// Alias the suite uses for it (XML-MutaTe: `xrubl`; VEFA: a configuration prefix).
    pub alias: Option<String>,
    /// The `.sch` file.
    pub path: PathBuf,
}

impl SchemaArg {
    /// Reads `ALIAS=FILE` (alias: letters, digits, `-`, `_`, `.`) or `FILE`.
    pub fn parse(arg: &str) -> SchemaArg {
        if let Some((alias, path)) = arg.split_once('=') {
            let plain = !alias.is_empty()
                && alias
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if plain && !path.is_empty() {
                return SchemaArg {
                    alias: Some(alias.to_string()),
                    path: PathBuf::from(path),
                };
            }
        }
        SchemaArg {
            alias: None,
            path: PathBuf::from(arg),
        }
    }
}

/// Upstream suite formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuiteFormat {
    /// VEFA validator test sets.
    Vefa,
    /// XML-MutaTe instances.
    Xmute,
}

/// How a test came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseVerdict {
    /// konform agrees with every checkable expectation.
    Agree,
    /// konform disagrees with at least one.
    Disagree,
    /// No schema at hand defines what the test expects.
    NotCheckable,
}

impl CaseVerdict {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseVerdict::Agree => "agree",
            CaseVerdict::Disagree => "disagree",
            CaseVerdict::NotCheckable => "not-checkable",
        }
    }
}

/// One test's result.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// `file#index` (VEFA) or `file#instruction[ variant]` (XML-MutaTe), relative to the suite.
    pub id: String,
    /// The test's description, or the mutator.
    pub description: String,
    /// One line per expectation.
    pub expected: Vec<String>,
    /// What konform saw, one line per expectation.
    pub actual: Vec<String>,
    /// Outcome.
    pub verdict: CaseVerdict,
    /// Why it disagrees or is not checkable.
    pub detail: Vec<String>,
}

/// A schema as it was used (for the report).
#[derive(Debug, Clone, Serialize)]
pub struct SchemaUsed {
    /// Alias.
    pub alias: Option<String>,
    /// Path as given.
    pub path: String,
    /// sha256 of the file.
    pub sha256: String,
}

/// A suite run.
#[derive(Debug, Clone, Serialize)]
pub struct SuiteRun {
    /// The suite path.
    pub suite: String,
    /// Its format.
    pub format: SuiteFormat,
    /// Schemas.
    pub schemas: Vec<SchemaUsed>,
    /// Every test, in file order.
    pub tests: Vec<CaseResult>,
}

impl SuiteRun {
    /// Count of tests with a verdict.
    pub fn count(&self, v: CaseVerdict) -> usize {
        self.tests.iter().filter(|t| t.verdict == v).count()
    }
}

/// Recognises the format from the suite's `.xml` files.
pub fn detect(suite: &Path) -> Result<SuiteFormat, String> {
    let mut files = Vec::new();
    if suite.is_dir() {
        super::collect_xml(suite, &mut files)?;
    } else {
        files.push(suite.to_path_buf());
    }
    let (mut vefa_files, mut xmute_files) = (0, 0);
    for f in &files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        if text.contains(vefa::VEFA_NS) {
            vefa_files += 1;
        } else if text.contains("<?xmute") {
            xmute_files += 1;
        }
    }
    match (vefa_files, xmute_files) {
        (0, 0) => Err(format!(
            "{}: no VEFA test set (namespace {}) and no XML-MutaTe instance (<?xmute?>) among {} XML file(s)",
            suite.display(),
            vefa::VEFA_NS,
            files.len()
        )),
        (_, 0) => Ok(SuiteFormat::Vefa),
        (0, _) => Ok(SuiteFormat::Xmute),
        (v, x) => Err(format!(
            "{}: mixes {v} VEFA test set(s) and {x} XML-MutaTe instance(s); point --suite at one kind",
            suite.display()
        )),
    }
}

/// Runs a suite. Errors are configuration errors (unreadable suite, schema that does not
/// compile, schemas that do not fit the format).
pub fn run(suite: &Path, schemas: &[SchemaArg], options: &Options) -> Result<SuiteRun, String> {
    if schemas.is_empty() {
        return Err("name the Schematron to run with --schematron [ALIAS=]FILE".into());
    }
    let format = detect(suite)?;
    if format == SuiteFormat::Xmute
        && let Some(s) = schemas.iter().find(|s| s.alias.is_none())
    {
        return Err(format!(
            "XML-MutaTe instances name schemas by alias (e.g. xrubl:BR-DE-1): give --schematron ALIAS={}",
            s.path.display()
        ));
    }
    if schemas.iter().filter(|s| s.alias.is_none()).count() > 1 {
        return Err(
            "more than one --schematron without an alias: give ALIAS=FILE for all but one".into(),
        );
    }
    let mut used = Vec::new();
    let mut engines = Vec::new();
    for s in schemas {
        let bytes = std::fs::read(&s.path).map_err(|e| format!("{}: {e}", s.path.display()))?;
        let engine = SchematronEngine::compile_file_with(&s.path, options)
            .map_err(|e| format!("{}: {e}", s.path.display()))?;
        used.push(SchemaUsed {
            alias: s.alias.clone(),
            path: s.path.display().to_string(),
            sha256: sha256_hex(&bytes),
        });
        engines.push(engine);
    }
    let root = if suite.is_dir() {
        suite
    } else {
        suite.parent().unwrap_or(Path::new(""))
    };
    let tests = match format {
        SuiteFormat::Vefa => run_vefa(suite, root, schemas, &engines)?,
        SuiteFormat::Xmute => run_xmute(suite, root, schemas, &engines)?,
    };
    Ok(SuiteRun {
        suite: suite.display().to_string(),
        format,
        schemas: used,
        tests,
    })
}

fn relative(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

fn read_vefa(suite: &Path) -> Result<Vec<VefaTest>, String> {
    if suite.is_dir() {
        vefa::read_suite(suite)
    } else {
        let text =
            std::fs::read_to_string(suite).map_err(|e| format!("{}: {e}", suite.display()))?;
        vefa::read_test_set(suite, &text)
    }
}

/// The schema a VEFA test runs with: alias prefix of its configuration, else the unaliased one.
fn vefa_schema(schemas: &[SchemaArg], configuration: Option<&str>) -> Option<usize> {
    configuration
        .and_then(|c| {
            schemas
                .iter()
                .position(|s| s.alias.as_deref().is_some_and(|a| c.starts_with(a)))
        })
        .or_else(|| schemas.iter().position(|s| s.alias.is_none()))
}

fn run_vefa(
    suite: &Path,
    root: &Path,
    schemas: &[SchemaArg],
    engines: &[SchematronEngine],
) -> Result<Vec<CaseResult>, String> {
    let tests = read_vefa(suite)?;
    // Group by schema so each runs its tests in parallel, then restore file order.
    let mut by_schema: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
    for (i, t) in tests.iter().enumerate() {
        by_schema
            .entry(vefa_schema(schemas, t.configuration.as_deref()))
            .or_default()
            .push(i);
    }
    let mut results: Vec<Option<CaseResult>> = vec![None; tests.len()];
    for (schema, indices) in by_schema {
        let group: Vec<VefaTest> = indices.iter().map(|&i| tests[i].clone()).collect();
        let outcomes: Vec<Option<vefa::VefaOutcome>> = match schema {
            Some(s) => vefa::run(&engines[s], &group)
                .into_iter()
                .map(Some)
                .collect(),
            None => vec![None; group.len()],
        };
        for ((i, t), o) in indices.into_iter().zip(&group).zip(outcomes) {
            results[i] = Some(vefa_case(root, t, o.as_ref()));
        }
    }
    Ok(results.into_iter().flatten().collect())
}

fn expect_line(expect: Expect, rule: &str) -> String {
    match expect {
        Expect::Success => format!("{rule} does not fire"),
        Expect::Error => format!("{rule} fires as error"),
        Expect::Warning => format!("{rule} fires as warning"),
    }
}

fn vefa_case(root: &Path, t: &VefaTest, outcome: Option<&vefa::VefaOutcome>) -> CaseResult {
    let expected = t.expect.iter().map(|(e, r)| expect_line(*e, r)).collect();
    let Some(o) = outcome else {
        return CaseResult {
            id: format!("{}#{}", relative(root, &t.file), t.index),
            description: t.description.clone(),
            expected,
            actual: Vec::new(),
            verdict: CaseVerdict::NotCheckable,
            detail: vec![format!(
                "no --schematron for configuration `{}`",
                t.configuration.as_deref().unwrap_or("")
            )],
        };
    };
    let actual = t
        .expect
        .iter()
        .map(|(_, rule)| {
            let prefix = format!("{rule}:");
            let seen: Vec<&str> = o
                .fired
                .iter()
                .filter_map(|f| f.strip_prefix(&prefix))
                .collect();
            if seen.is_empty() {
                format!("{rule} did not fire")
            } else if seen.contains(&"evaluation-error") {
                match o.errors.get(rule) {
                    Some(reason) => format!("{rule} could not be evaluated: {reason}"),
                    None => format!("{rule} could not be evaluated"),
                }
            } else {
                format!("{rule} fired as {}", seen.join(", "))
            }
        })
        .collect();
    CaseResult {
        id: format!("{}#{}", relative(root, &t.file), t.index),
        description: t.description.clone(),
        expected,
        actual,
        verdict: if o.agree {
            CaseVerdict::Agree
        } else {
            CaseVerdict::Disagree
        },
        detail: o.detail.clone(),
    }
}

fn run_xmute(
    suite: &Path,
    root: &Path,
    schemas: &[SchemaArg],
    engines: &[SchematronEngine],
) -> Result<Vec<CaseResult>, String> {
    let mutants: Vec<Mutant> = if suite.is_dir() {
        xmute::read_instances(suite)?
    } else {
        let text =
            std::fs::read_to_string(suite).map_err(|e| format!("{}: {e}", suite.display()))?;
        xmute::mutants(suite, &text)?
    };
    let by_alias: BTreeMap<String, &SchematronEngine> = schemas
        .iter()
        .zip(engines)
        .filter_map(|(s, e)| s.alias.clone().map(|a| (a, e)))
        .collect();
    Ok(xmute::run(&by_alias, &mutants)
        .into_iter()
        .map(|o| xmute_case(root, o))
        .collect())
}

fn xmute_case(root: &Path, o: xmute::MutantOutcome) -> CaseResult {
    let m = &o.mutant;
    let fires = |f: bool| if f { "fires" } else { "does not fire" };
    let mut expected = Vec::new();
    let mut actual = Vec::new();
    let mut detail = Vec::new();
    let (mut agree, mut disagree) = (0, 0);
    for (alias, rule, must_fire, verdict, why) in &o.checks {
        expected.push(format!("{alias}:{rule} {}", fires(*must_fire)));
        match verdict {
            xmute::Verdict::Agree => {
                agree += 1;
                actual.push(format!("{alias}:{rule} {}", fires(*must_fire)));
            }
            xmute::Verdict::Disagree => {
                disagree += 1;
                actual.push(format!("{alias}:{rule}: {why}"));
                detail.push(format!("{alias}:{rule}: {why}"));
            }
            xmute::Verdict::NotCheckable => {
                actual.push(format!("{alias}:{rule}: not checkable ({why})"));
                detail.push(format!("{alias}:{rule}: not checkable: {why}"));
            }
        }
    }
    let verdict = if disagree > 0 {
        CaseVerdict::Disagree
    } else if agree > 0 {
        CaseVerdict::Agree
    } else {
        CaseVerdict::NotCheckable
    };
    let variant = m
        .variant
        .as_deref()
        .map(|v| format!(" {v:?}"))
        .unwrap_or_default();
    CaseResult {
        id: format!("{}#{}{variant}", relative(root, &m.file), m.id),
        description: m.mutator.clone(),
        expected,
        actual,
        verdict,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_arguments() {
        let a = SchemaArg::parse("xrubl=rules/x.sch");
        assert_eq!(a.alias.as_deref(), Some("xrubl"));
        assert_eq!(a.path, PathBuf::from("rules/x.sch"));
        let b = SchemaArg::parse("rules/a=b.sch");
        assert_eq!(b.alias, None);
        assert_eq!(b.path, PathBuf::from("rules/a=b.sch"));
        assert_eq!(SchemaArg::parse("x.sch").alias, None);
    }

    #[test]
    fn vefa_schema_by_configuration_prefix_then_default() {
        let schemas = [
            SchemaArg::parse("tc434-cii=c.sch"),
            SchemaArg::parse("u.sch"),
        ];
        assert_eq!(vefa_schema(&schemas, Some("tc434-cii-extra")), Some(0));
        assert_eq!(vefa_schema(&schemas, Some("tc434-ubl")), Some(1));
        assert_eq!(vefa_schema(&schemas, None), Some(1));
        assert_eq!(vefa_schema(&schemas[..1], Some("other")), None);
    }
}
