//! The report of a run: the results of its documents plus, for each standard they used, the
//! standard's identity, artefacts and the rules that were checked or found.

use super::Validator;
use crate::report::model::DocumentResult;

/// Assembles the report of a run from its results.
pub fn build_report(
    validator: &Validator,
    results: Vec<DocumentResult>,
    run: crate::report::model::RunInfo,
) -> crate::report::model::Report {
    use crate::report::model::{
        ArtefactInfo, FORMAT_VERSION, Report, RuleInfo, StandardInfo, Summary, ToolInfo,
    };
    let mut standards = Vec::new();
    for c in validator.used_standards() {
        let spec = &c.package.spec;
        let key = spec.key();
        if !results
            .iter()
            .any(|r| r.standard.as_deref() == Some(key.as_str()))
        {
            continue;
        }
        let mut used: Vec<&str> = results
            .iter()
            .filter(|r| r.standard.as_deref() == Some(key.as_str()))
            .flat_map(|r| {
                r.rules_checked
                    .iter()
                    .map(String::as_str)
                    .chain(r.findings.iter().map(|f| f.rule.as_str()))
            })
            .collect();
        used.sort_unstable();
        used.dedup();
        let rules = used
            .iter()
            .filter_map(|id| c.rule(id))
            .map(|r| RuleInfo {
                id: r.id.clone(),
                level: r.level,
                severity: r.severity,
                title: r.title.clone(),
                clause: r.clause.clone(),
                clause_url: spec.clause_url.clone(),
            })
            .collect();
        standards.push(StandardInfo {
            id: spec.id.clone(),
            version: spec.version.to_string(),
            title: spec.title.clone(),
            digest: c.package.digest.clone(),
            artefacts: spec
                .artefacts
                .iter()
                .map(|a| ArtefactInfo {
                    file: a.file.clone(),
                    sha256: a.sha256.to_lowercase(),
                })
                .collect(),
            rules,
        });
    }
    let summary = Summary::of(&results);
    Report {
        format_version: FORMAT_VERSION.into(),
        tool: ToolInfo {
            name: "konform".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        run,
        standards,
        results,
        summary,
        endpoint: None,
        probe: None,
    }
}
