//! A Markdown summary for CI job summaries (`$GITHUB_STEP_SUMMARY`) and merge request
//! comments: the run's verdict and totals, the verdict per document, the rules with most
//! findings, and the first findings.
//!
//! Sizes: GitHub accepts 1 MiB per step summary and about as much per comment, so the document
//! table has at most [`MAX_DOCUMENTS`] rows (when a run has more, it lists the documents that
//! are not conformant, in report order, and says how many rows it left out) and the findings
//! list at most [`MAX_FINDINGS`]. Totals always cover the whole run.

use super::WriteCfg;
use super::model::{DocumentResult, Report, Verdict};
use crate::standard::Severity;
use std::fmt::Write as _;
use std::io::Write;

/// Most document rows.
pub const MAX_DOCUMENTS: usize = 100;
/// Most findings listed.
pub const MAX_FINDINGS: usize = 50;
/// Rules in the "top rules" table.
pub const TOP_RULES: usize = 10;

/// Text safe in a table cell: no line breaks, pipes escaped, no raw HTML.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Conformant => "✅",
        Verdict::NonConformant => "❌",
        Verdict::Error => "⚠️",
    }
}

fn count(r: &DocumentResult, s: Severity) -> usize {
    r.findings.iter().filter(|f| f.severity == s).count()
}

/// Writes the Markdown summary.
pub fn write(report: &Report, _cfg: &WriteCfg, w: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    let mut o = String::new();
    let verdict = match s.verdict {
        Verdict::Conformant => "conformant",
        Verdict::NonConformant => "non-conformant",
        Verdict::Error => "not evaluated",
    };
    let _ = writeln!(o, "## {} konform: {verdict}\n", mark(s.verdict));
    let by = |k: &str| s.by_severity.get(k).copied().unwrap_or(0);
    let findings: usize = s.by_severity.values().sum();
    let _ = writeln!(
        o,
        "**{}** document(s): **{}** conformant, **{}** non-conformant, **{}** not evaluated  ",
        s.documents, s.conformant, s.non_conformant, s.errors
    );
    let _ = writeln!(
        o,
        "**{findings}** finding(s): {} error, {} warning, {} info  ",
        by("error"),
        by("warning"),
        by("info")
    );
    if let Some(e) = &report.endpoint {
        let _ = writeln!(o, "```text");
        for line in super::endpoint_lines(e) {
            let _ = writeln!(o, "{}", line.replace("```", "'''"));
        }
        let _ = writeln!(o, "```\n");
    }
    let standards: Vec<String> = report.standards.iter().map(|x| x.key()).collect();
    let _ = writeln!(
        o,
        "Standards: {} · fails on: {} and above · {} {}\n",
        if standards.is_empty() {
            "none".to_string()
        } else {
            cell(&standards.join(", "))
        },
        report.run.fail_on.as_str(),
        cell(&report.tool.name),
        cell(&report.tool.version),
    );

    if let Some(p) = &report.probe {
        let _ = writeln!(o, "### Probe\n");
        for line in p.summary_lines() {
            let _ = writeln!(o, "- {}", cell(&line));
        }
        let _ = writeln!(o);
    }

    // Documents.
    let listed: Vec<&DocumentResult> = if report.results.len() <= MAX_DOCUMENTS {
        report.results.iter().collect()
    } else {
        report
            .results
            .iter()
            .filter(|r| r.verdict != Verdict::Conformant)
            .take(MAX_DOCUMENTS)
            .collect()
    };
    let _ = writeln!(o, "### Documents\n");
    if report.results.len() > MAX_DOCUMENTS {
        let _ = writeln!(
            o,
            "{} documents: listing the first {} that are not conformant ({} rows left out; \
             the full report has all).\n",
            report.results.len(),
            listed.len(),
            report.results.len() - listed.len()
        );
    }
    if !listed.is_empty() {
        o.push_str("| | document | standard | profile | verdict | errors | warnings | info |\n");
        o.push_str("|---|---|---|---|---|--:|--:|--:|\n");
        for r in &listed {
            let verdict = match &r.error {
                Some(e) => format!(
                    "not evaluated{}: {}",
                    r.acceptance
                        .map(|a| format!(", {}", a.as_participle()))
                        .unwrap_or_default(),
                    e.message
                ),
                None => match r.acceptance {
                    Some(a) => format!("{}, {}", r.verdict.as_str(), a.as_participle()),
                    None => r.verdict.as_str().to_string(),
                },
            };
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                mark(r.verdict),
                cell(&r.document.name),
                cell(r.standard.as_deref().unwrap_or("—")),
                cell(r.profile.as_deref().unwrap_or("—")),
                cell(&verdict),
                count(r, Severity::Error),
                count(r, Severity::Warning),
                count(r, Severity::Info),
            );
        }
        o.push('\n');
    }

    // Top rules.
    let top = s.top_rules(TOP_RULES);
    if !top.is_empty() {
        let _ = writeln!(o, "### Top rules\n");
        o.push_str("| rule | findings | level | title | clause |\n|---|--:|---|---|---|\n");
        for (rule, n) in top {
            let info = report
                .standards
                .iter()
                .flat_map(|x| x.rules.iter())
                .find(|x| x.id == rule);
            let (level, title, clause) = match info {
                Some(i) => (i.level.as_str(), i.title.as_str(), cell(&i.clause)),
                None => ("", "", String::new()),
            };
            let clause = match info.and_then(|i| i.clause_url.as_deref()) {
                Some(u) if !u.contains([')', ' ']) => format!("[{clause}]({u})"),
                _ => clause,
            };
            let _ = writeln!(
                o,
                "| {} | {n} | {level} | {} | {clause} |",
                cell(rule),
                cell(title)
            );
        }
        o.push('\n');
    }

    // Findings.
    if findings > 0 {
        let shown = findings.min(MAX_FINDINGS);
        let _ = writeln!(
            o,
            "<details><summary>Findings ({shown} of {findings})</summary>\n"
        );
        o.push_str("| document | line | rule | severity | message |\n|---|--:|---|---|---|\n");
        let all = report
            .results
            .iter()
            .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
            .take(MAX_FINDINGS);
        for (r, f) in all {
            let line = f.location.line.map(|l| l.to_string()).unwrap_or_default();
            let _ = writeln!(
                o,
                "| {} | {line} | {} | {} | {} |",
                cell(&r.document.name),
                cell(&f.rule),
                f.severity.as_str(),
                cell(&f.message),
            );
        }
        o.push_str("\n</details>\n");
    }
    w.write_all(o.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_tables_or_inject_html() {
        assert_eq!(cell("a|b\n<script>"), "a\\|b &lt;script&gt;");
        assert_eq!(cell("x_y*z"), "x\\_y\\*z");
    }
}
