//! The report model and its writers. Writers only map fields of [`model::Report`]: they never
//! filter, re-sort or decide verdicts.

pub mod human;
pub mod json;
pub mod model;
pub mod write;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable text with source snippets.
    Human,
    /// konform's JSON report (`reports/konform-report.schema.json`).
    Json,
}

impl Format {
    /// Renders a report in this format.
    pub fn render(
        self,
        report: &model::Report,
        cfg: &WriteCfg,
        w: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        match self {
            Format::Human => human::write(report, cfg, w),
            Format::Json => json::write(report, cfg, w),
        }
    }
}

/// Rendering options shared by writers.
#[derive(Debug, Clone, Default)]
pub struct WriteCfg {
    /// Use ANSI colours.
    pub color: bool,
    /// Document sources for snippets (name -> text), when available.
    pub sources: std::collections::BTreeMap<String, std::sync::Arc<str>>,
}
