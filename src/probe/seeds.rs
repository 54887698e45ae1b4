//! Seed messages for generation: the standard's own valid vectors, or files the user names.

use crate::generate::tree::{Element, parse};
use std::path::Path;

/// A valid message to vary.
#[derive(Debug, Clone)]
pub struct Seed {
    /// Where it comes from.
    pub name: String,
    /// The message.
    pub tree: Element,
}

impl Seed {
    /// A seed from message bytes.
    pub fn parse(name: &str, bytes: &[u8]) -> Result<Seed, String> {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("{name}: {e}"))?;
        Ok(Seed {
            name: name.to_string(),
            tree: parse(text).map_err(|e| format!("{name}: {e}"))?,
        })
    }
}

/// Reads seed files (a folder: its `*.xml` files, sorted).
pub fn seed_files(paths: &[std::path::PathBuf]) -> Result<Vec<Seed>, String> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut v: Vec<_> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "xml"))
                .collect();
            v.sort();
            files.extend(v);
        } else {
            files.push(p.clone());
        }
    }
    files
        .iter()
        .map(|f| read_seed(f))
        .collect::<Result<Vec<_>, _>>()
}

fn read_seed(f: &Path) -> Result<Seed, String> {
    let bytes = std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?;
    Seed::parse(&f.display().to_string(), &bytes)
}
