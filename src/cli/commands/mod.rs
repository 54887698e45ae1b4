//! One file per command.

pub mod artefacts;
pub mod completions;
pub mod endpoint;
pub mod endpoint_report;
pub mod fetch;
pub mod generate;
pub mod man;
pub mod probe;
pub mod replay;
pub mod standards;
pub mod validate;
pub mod vectors;

/// Parses `--report FORMAT=PATH` values.
pub fn report_targets(
    reports: &[String],
) -> miette::Result<Vec<(crate::report::Format, std::path::PathBuf)>> {
    reports
        .iter()
        .map(|r| {
            let (fmt, path) = r
                .split_once('=')
                .ok_or_else(|| miette::miette!("--report takes FORMAT=PATH, got `{r}`"))?;
            let fmt =
                <crate::report::Format as clap::ValueEnum>::from_str(fmt, true).map_err(|_| {
                    let names: Vec<&str> = crate::report::Format::ALL
                        .iter()
                        .map(|f| f.name())
                        .collect();
                    miette::miette!("unknown report format `{fmt}` ({})", names.join(", "))
                })?;
            Ok((fmt, std::path::PathBuf::from(path)))
        })
        .collect()
}
