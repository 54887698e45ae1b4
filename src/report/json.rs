//! The JSON report: the model serialised as is (format described by
//! `reports/konform-report.schema.json`, version [`super::model::FORMAT_VERSION`]).

use super::WriteCfg;
use super::model::Report;

/// Writes the report as pretty-printed JSON followed by a newline.
pub fn write(report: &Report, _cfg: &WriteCfg, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, report)?;
    w.write_all(b"\n")
}
