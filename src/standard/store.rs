//! The artefact store: a local content-addressed cache of artefacts that packages reference but
//! do not contain (official XSDs, Schematron, code lists published by their owners).
//!
//! Files live at `<root>/sha256/<first two hex>/<hex>`. Nothing enters the store unless its
//! sha256 equals the digest the package pins, and it is written to a temporary file first and
//! renamed into place, so a store never holds a half-written or wrong artefact. Reads verify the
//! digest again. The CLI chooses the root (`$KONFORM_HOME`, else the user's cache folder).

use super::digest::sha256_hex;
use std::path::{Path, PathBuf};

/// A content-addressed artefact cache.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// Why an artefact could not be stored or read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum StoreError {
    /// The bytes do not have the pinned digest; nothing was written.
    #[error(
        "{source_name} has sha256 {actual}, but the package pins {expected}; refused, nothing written"
    )]
    #[diagnostic(code(konform::store::digest))]
    Digest {
        /// Where the bytes came from.
        source_name: String,
        /// Pinned digest.
        expected: String,
        /// Actual digest.
        actual: String,
    },
    /// I/O failure.
    #[error("artefact store {path}: {reason}")]
    #[diagnostic(code(konform::store::io))]
    Io {
        /// Path involved.
        path: String,
        /// OS error.
        reason: String,
    },
}

/// One line for a standard whose published artefacts are not all in the store: how many are
/// missing, and the command that fetches them. The file list is left to the caller (verbose).
pub fn missing_artefacts_line(standard: &str, missing: usize, published: usize) -> String {
    let verb = if missing == 1 { "is" } else { "are" };
    format!(
        "{standard}: {missing} of its {published} published artefacts {verb} not in the artefact store; run `konform standards fetch {standard}` to download them (`--from DIR` copies them from a mirror)"
    )
}

impl Store {
    /// A store rooted at `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    /// The root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where an artefact with this digest lives.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let hex = sha256.trim().to_ascii_lowercase();
        let prefix = hex.get(..2).unwrap_or("xx").to_string();
        self.root.join("sha256").join(prefix).join(hex)
    }

    /// The bytes stored under `sha256`, if present and intact.
    pub fn get(&self, sha256: &str) -> Option<Vec<u8>> {
        let bytes = std::fs::read(self.path_of(sha256)).ok()?;
        sha256_hex(&bytes)
            .eq_ignore_ascii_case(sha256.trim())
            .then_some(bytes)
    }

    /// Whether an intact copy is present.
    pub fn contains(&self, sha256: &str) -> bool {
        self.get(sha256).is_some()
    }

    /// Stores bytes that must have digest `expected` (atomic; refused on mismatch).
    pub fn put(
        &self,
        bytes: &[u8],
        expected: &str,
        source_name: &str,
    ) -> Result<PathBuf, StoreError> {
        let actual = sha256_hex(bytes);
        if !actual.eq_ignore_ascii_case(expected.trim()) {
            return Err(StoreError::Digest {
                source_name: source_name.into(),
                expected: expected.into(),
                actual,
            });
        }
        let target = self.path_of(expected);
        let io = |p: &Path, e: std::io::Error| StoreError::Io {
            path: p.display().to_string(),
            reason: e.to_string(),
        };
        let dir = target.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| io(dir, e))?;
        std::io::Write::write_all(&mut tmp, bytes).map_err(|e| io(&target, e))?;
        tmp.as_file().sync_all().map_err(|e| io(&target, e))?;
        tmp.persist(&target).map_err(|e| io(&target, e.error))?;
        Ok(target)
    }

    /// Re-hashes every stored file; returns (path, problem) for each damaged one.
    pub fn verify(&self) -> Result<(usize, Vec<(PathBuf, String)>), StoreError> {
        let base = self.root.join("sha256");
        let mut bad = Vec::new();
        let mut count = 0;
        if !base.is_dir() {
            return Ok((0, bad));
        }
        let io = |p: &Path, e: std::io::Error| StoreError::Io {
            path: p.display().to_string(),
            reason: e.to_string(),
        };
        for prefix in std::fs::read_dir(&base).map_err(|e| io(&base, e))? {
            let prefix = prefix.map_err(|e| io(&base, e))?.path();
            if !prefix.is_dir() {
                continue;
            }
            for f in std::fs::read_dir(&prefix).map_err(|e| io(&prefix, e))? {
                let p = f.map_err(|e| io(&prefix, e))?.path();
                let name = p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("")
                    .to_string();
                if name.starts_with(".tmp") {
                    continue;
                }
                count += 1;
                match std::fs::read(&p) {
                    Ok(b) if sha256_hex(&b) == name => {}
                    Ok(b) => bad.push((p, format!("content has sha256 {}", sha256_hex(&b)))),
                    Err(e) => bad.push((p, e.to_string())),
                }
            }
        }
        bad.sort();
        Ok((count, bad))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_get_verify_and_refuse() {
        let d = tempfile::tempdir().unwrap();
        let store = Store::new(d.path());
        let sha = sha256_hex(b"hello");
        assert!(!store.contains(&sha));
        store.put(b"hello", &sha, "t").unwrap();
        assert_eq!(store.get(&sha).unwrap(), b"hello");
        let wrong = sha256_hex(b"other");
        assert!(matches!(
            store.put(b"hello", &wrong, "t"),
            Err(StoreError::Digest { .. })
        ));
        assert!(!store.path_of(&wrong).exists(), "nothing half-written");
        std::fs::write(store.path_of(&sha), b"tampered").unwrap();
        assert!(store.get(&sha).is_none());
        let (n, bad) = store.verify().unwrap();
        assert_eq!((n, bad.len()), (1, 1));
    }

    #[test]
    fn missing_artefacts_line_counts_and_names_the_command() {
        let line = missing_artefacts_line("x@1.0.0", 85, 85);
        assert!(line.starts_with("x@1.0.0: 85 of its 85 published artefacts are not in"));
        assert!(line.contains("`konform standards fetch x@1.0.0`"), "{line}");
        assert!(
            missing_artefacts_line("x@1.0.0", 1, 3)
                .contains("1 of its 3 published artefacts is not")
        );
        assert!(!line.contains('\n'));
    }
}
