//! Human-readable rendering: one line per document with its verdict, then each finding with a
//! source snippet (miette) pointing at its line and column, its rule, level and clause.

use super::WriteCfg;
use super::model::{Finding, Report, Verdict};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};
use std::fmt;

#[derive(Debug)]
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: Option<NamedSource<String>>,
    offset: Option<usize>,
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{} ({} {})",
            self.finding.rule,
            self.finding.level.as_str(),
            self.finding.severity.as_str()
        )))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            crate::standard::Severity::Error => miette::Severity::Error,
            crate::standard::Severity::Warning => miette::Severity::Warning,
            crate::standard::Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let loc = &self.finding.location;
        let mut s = format!("clause: {}", self.finding.clause);
        if let Some(w) = &self.finding.waiver {
            s.push_str(&format!(
                "\nwaived until {} by {}: {}",
                w.expires, w.owner, w.reason
            ));
        }
        if let Some(orig) = self.finding.standard_severity {
            s.push_str(&format!(
                "\nseverity overridden by the standard (rule severity: {})",
                orig.as_str()
            ));
            if let Some(why) = &self.finding.override_reason {
                s.push_str(&format!(": {why}"));
            }
        }
        if let Some(p) = &loc.path {
            s.push_str(&format!("\nat: {p}"));
        }
        Some(Box::new(s))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let offset = self.offset?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some("here".into()),
            SourceSpan::from((offset, 0)),
        ))))
    }
}

/// Byte offset of a 1-based line and (character) column.
fn offset_of(text: &str, line: u32, column: u32) -> Option<usize> {
    let mut start = 0;
    for _ in 1..line {
        start += text[start..].find('\n')? + 1;
    }
    let line_text = &text[start..text[start..].find('\n').map_or(text.len(), |e| start + e)];
    let col = line_text
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(line_text.len(), |(i, _)| i);
    Some(start + col)
}

/// Writes the human rendering.
pub fn write(report: &Report, cfg: &WriteCfg, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let theme = if cfg.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    for r in &report.results {
        let mark = match r.verdict {
            Verdict::Conformant => "✔",
            Verdict::NonConformant => "✘",
            Verdict::Error => "!",
        };
        let mut what = Vec::new();
        if let Some(s) = &r.standard {
            what.push(s.clone());
        }
        if let Some(p) = &r.profile {
            what.push(format!("profile {p}"));
        }
        if let Some(v) = &r.variant {
            what.push(format!("variant {v}"));
        }
        writeln!(
            w,
            "{mark} {} — {} [{}]",
            r.document.name,
            r.verdict.as_str(),
            what.join(", ")
        )?;
        match (r.acceptance, &r.standard) {
            (Some(a), Some(_)) => writeln!(
                w,
                "  {} by the standard's acceptance rules",
                a.as_participle()
            )?,
            (Some(a), None) => writeln!(w, "  {}: no standard evaluated it", a.as_participle())?,
            (None, _) => {}
        }
        if let Some(e) = &r.error {
            writeln!(
                w,
                "  could not evaluate: {}",
                e.message.replace('\n', "\n  ")
            )?;
        }
        let text = cfg.sources.get(&r.document.name);
        for f in &r.findings {
            let source = text.map(|t| NamedSource::new(&r.document.name, t.to_string()));
            let offset = match (text, f.location.line, f.location.column) {
                (Some(t), Some(l), c) => offset_of(t, l, c.unwrap_or(1)),
                _ => None,
            };
            let d = FindingDiagnostic {
                finding: f,
                source,
                offset,
            };
            let mut out = String::new();
            if handler.render_report(&mut out, &d).is_err() {
                out = format!("{}: {}\n", f.rule, f.message);
            }
            if let (None, Some(l), Some(c)) = (offset, f.location.line, f.location.column) {
                out.push_str(&format!("    at {}:{l}:{c}\n", r.document.name));
            }
            w.write_all(out.as_bytes())?;
        }
    }
    if let Some(e) = &report.endpoint {
        writeln!(w)?;
        for line in super::endpoint_lines(e) {
            writeln!(w, "{line}")?;
        }
    }
    if let Some(p) = &report.probe {
        writeln!(w)?;
        for line in p.summary_lines() {
            writeln!(w, "{line}")?;
        }
        for u in &p.coverage.uncovered {
            writeln!(w, "  not covered: {} — {}", u.rule, u.reason)?;
        }
    }
    let s = &report.summary;
    writeln!(
        w,
        "\n{} document(s): {} conformant, {} non-conformant, {} not evaluated — {}",
        s.documents,
        s.conformant,
        s.non_conformant,
        s.errors,
        s.verdict.as_str()
    )
}
