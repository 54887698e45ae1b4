//! Saving shrunk failures as konform vectors (`docs/vector-format.md`), laid out as
//! `<out>/<id>/<version>/<name>.xml` + `<name>.expected.toml`, so that
//! `konform vectors run --vectors <out>` replays them.

use crate::report::model::DocumentResult;
use std::path::{Path, PathBuf};

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Writes a message and its expectation (konform's own judgement of it); returns the path of
/// the message file.
pub fn save_vector(
    out: &Path,
    standard: (&str, &str),
    name: &str,
    bytes: &[u8],
    judged: &DocumentResult,
    description: &str,
) -> Result<PathBuf, String> {
    let dir = out.join(standard.0).join(standard.1);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let file = dir.join(format!("{name}.xml"));
    std::fs::write(&file, bytes).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut fired: Vec<String> = judged
        .findings
        .iter()
        // Vectors are replayed with the default threshold: errors make a message non-conformant.
        .filter(|f| f.fails(crate::standard::Severity::Error))
        .map(|f| quoted(&f.rule))
        .collect();
    fired.dedup();
    let mut toml = format!(
        "description = {}\nverdict = {}\n",
        quoted(description),
        quoted(judged.verdict.as_str())
    );
    if let Some(p) = &judged.profile {
        toml.push_str(&format!("profile = {}\n", quoted(p)));
    }
    if let Some(v) = &judged.variant {
        toml.push_str(&format!("variant = {}\n", quoted(v)));
    }
    toml.push_str(&format!("must_fire = [{}]\n", fired.join(", ")));
    let exp = dir.join(format!("{name}.expected.toml"));
    std::fs::write(&exp, toml).map_err(|e| format!("{}: {e}", exp.display()))?;
    Ok(file)
}
