//! A loaded package: the manifest plus its artefact bytes, every one checked against its digest.
//!
//! Owns reading a package from a folder or from the copy embedded in the binary. Files are
//! read into memory once; engines get them from here and never touch the file system.

pub use super::digest::sha256_hex;
use super::error::LoadError;
use super::manifest::StandardSpec;
use super::store::Store;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest `standard.toml` or artefact konform reads (64 MiB).
const MAX_FILE: u64 = 64 * 1024 * 1024;

/// Where a package came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into the binary from the source tree's `standards/`.
    Embedded,
    /// A folder on disk.
    Dir(PathBuf),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Embedded => f.write_str("built-in"),
            Origin::Dir(p) => write!(f, "{}", p.display()),
        }
    }
}

/// One standard version, ready to compile.
#[derive(Debug)]
pub struct Package {
    /// The manifest.
    pub spec: StandardSpec,
    /// Where it was loaded from.
    pub origin: Origin,
    /// Artefact bytes by path inside the package.
    pub files: BTreeMap<String, Arc<[u8]>>,
    /// Published artefacts (by file) the package references but neither contains nor finds in
    /// the artefact store: the package is listed, but cannot be compiled until they are fetched.
    pub missing: Vec<String>,
    /// sha256 over the manifest and every artefact (hex): the package's identity in reports.
    pub digest: String,
}

/// Reads file contents for a package, from disk or the embedded tree.
pub(crate) trait FileSource {
    fn read(&self, rel: &str) -> Result<Vec<u8>, String>;
    fn origin(&self) -> Origin;
    fn display(&self, rel: &str) -> String;
}

pub(crate) struct DirSource(pub PathBuf);

impl FileSource for DirSource {
    fn read(&self, rel: &str) -> Result<Vec<u8>, String> {
        let path = self.0.join(rel);
        let meta = std::fs::metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.len() > MAX_FILE {
            return Err(format!("{}: larger than {MAX_FILE} bytes", path.display()));
        }
        std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
    }
    fn origin(&self) -> Origin {
        Origin::Dir(self.0.clone())
    }
    fn display(&self, rel: &str) -> String {
        self.0.join(rel).display().to_string()
    }
}

pub(crate) struct EmbeddedSource(pub &'static include_dir::Dir<'static>);

impl FileSource for EmbeddedSource {
    fn read(&self, rel: &str) -> Result<Vec<u8>, String> {
        let full = self.0.path().join(rel);
        self.0
            .get_file(&full)
            .map(|f| f.contents().to_vec())
            .ok_or_else(|| format!("built-in {}: no such file", full.display()))
    }
    fn origin(&self) -> Origin {
        Origin::Embedded
    }
    fn display(&self, rel: &str) -> String {
        format!("<built-in>/{}/{rel}", self.0.path().display())
    }
}

/// A path inside a package: relative, no `..`, no absolute parts.
fn safe_relative(rel: &str) -> bool {
    let p = Path::new(rel);
    !rel.is_empty()
        && !rel.contains('\\')
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

impl Package {
    pub(crate) fn load(src: &dyn FileSource, store: Option<&Store>) -> Result<Package, LoadError> {
        let manifest_name = src.display("standard.toml");
        let text = src.read("standard.toml").map_err(|e| LoadError::Io {
            path: manifest_name.clone(),
            reason: e,
        })?;
        let text = String::from_utf8(text).map_err(|_| LoadError::Manifest {
            path: manifest_name.clone(),
            reason: "not valid UTF-8".into(),
        })?;
        let mut spec: StandardSpec = toml::from_str(&text).map_err(|e| LoadError::Manifest {
            path: manifest_name.clone(),
            reason: e.to_string(),
        })?;
        spec.check_consistency()
            .map_err(|reason| LoadError::Manifest {
                path: manifest_name.clone(),
                reason,
            })?;
        spec.attach_profile_rules();

        let mut hasher = Sha256::new();
        hasher.update(text.as_bytes());
        let mut files = BTreeMap::new();
        let mut missing = Vec::new();
        for a in &spec.artefacts {
            if !safe_relative(&a.file) {
                return Err(LoadError::Manifest {
                    path: manifest_name,
                    reason: format!(
                        "artefact `{}`: path `{}` leaves the package",
                        a.name, a.file
                    ),
                });
            }
            let bytes = match src.read(&a.file) {
                Ok(b) => b,
                // Published artefacts the package does not contain come from the store.
                Err(_) if a.url.is_some() => match store.and_then(|s| s.get(&a.sha256)) {
                    Some(b) => b,
                    None => {
                        missing.push(a.file.clone());
                        hasher.update(a.file.as_bytes());
                        hasher.update(a.sha256.trim().to_ascii_lowercase().as_bytes());
                        continue;
                    }
                },
                Err(e) => {
                    return Err(LoadError::Io {
                        path: src.display(&a.file),
                        reason: e,
                    });
                }
            };
            let actual = sha256_hex(&bytes);
            if !actual.eq_ignore_ascii_case(a.sha256.trim()) {
                return Err(LoadError::Digest {
                    standard: spec.key(),
                    file: src.display(&a.file),
                    expected: a.sha256.clone(),
                    actual,
                });
            }
            hasher.update(a.file.as_bytes());
            hasher.update(actual.as_bytes());
            files.insert(a.file.clone(), Arc::<[u8]>::from(bytes));
        }
        for (url, target) in &spec.catalog {
            if !files.contains_key(target) && !missing.contains(target) {
                return Err(LoadError::Manifest {
                    path: manifest_name,
                    reason: format!(
                        "catalog entry `{url}` points at `{target}`, which is not an artefact of the package"
                    ),
                });
            }
        }
        Ok(Package {
            spec,
            origin: src.origin(),
            files,
            missing,
            digest: hex::encode(hasher.finalize()),
        })
    }

    /// Loads the package in `dir` (the folder holding `standard.toml`).
    pub fn load_dir(dir: &Path) -> Result<Package, LoadError> {
        Package::load(&DirSource(dir.to_path_buf()), None)
    }

    /// The bytes of an artefact by its name.
    pub fn artefact(&self, name: &str) -> Option<(&super::manifest::ArtefactSpec, &Arc<[u8]>)> {
        let a = self.spec.artefacts.iter().find(|a| a.name == name)?;
        Some((a, self.files.get(&a.file)?))
    }
}
