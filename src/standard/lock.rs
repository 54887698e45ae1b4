//! `konform.lock`: the exact standards (id@version, package digest) and artefact digests a
//! project validates with. With a lock, validation uses exactly these packages and fails
//! clearly when one has changed or an artefact is missing from the store.

use super::error::LoadError;
use super::package::Package;
use super::registry::Registry;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Lock file format version.
pub const LOCK_VERSION: u32 = 1;

/// The lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockFile {
    /// Format version.
    pub version: u32,
    /// Locked standards, sorted by id and version.
    #[serde(rename = "standard", default)]
    pub standards: Vec<LockedStandard>,
}

/// One locked standard version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedStandard {
    /// Id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Package digest (manifest + artefacts).
    pub digest: String,
    /// Every artefact with its digest.
    #[serde(default)]
    pub artefacts: Vec<LockedArtefact>,
}

/// One locked artefact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedArtefact {
    /// Path in the package.
    pub file: String,
    /// sha256.
    pub sha256: String,
}

impl LockFile {
    /// A lock of the given packages.
    pub fn of(packages: &[Arc<Package>]) -> LockFile {
        let mut standards: Vec<LockedStandard> = packages
            .iter()
            .map(|p| LockedStandard {
                id: p.spec.id.clone(),
                version: p.spec.version.to_string(),
                digest: p.digest.clone(),
                artefacts: p
                    .spec
                    .artefacts
                    .iter()
                    .map(|a| LockedArtefact {
                        file: a.file.clone(),
                        sha256: a.sha256.trim().to_ascii_lowercase(),
                    })
                    .collect(),
            })
            .collect();
        standards.sort_by(|a, b| (&a.id, &a.version).cmp(&(&b.id, &b.version)));
        LockFile {
            version: LOCK_VERSION,
            standards,
        }
    }

    /// Parses a lock file.
    pub fn parse(text: &str, name: &str) -> Result<LockFile, LoadError> {
        let lock: LockFile = toml::from_str(text).map_err(|e| LoadError::Manifest {
            path: name.into(),
            reason: e.to_string(),
        })?;
        if lock.version != LOCK_VERSION {
            return Err(LoadError::Manifest {
                path: name.into(),
                reason: format!(
                    "lock format version {} is not supported (expected {LOCK_VERSION})",
                    lock.version
                ),
            });
        }
        Ok(lock)
    }

    /// TOML text.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(self).unwrap_or_default();
        format!("# konform.lock: written by `konform lock`; do not edit by hand.\n{body}")
    }

    /// The registry restricted to exactly the locked packages; fails when one is absent, has
    /// changed, or lacks artefacts in the store.
    pub fn apply(&self, registry: &Registry, name: &str) -> Result<Registry, LoadError> {
        let mut kept = Vec::new();
        for l in &self.standards {
            let key = format!("{}@{}", l.id, l.version);
            let p = registry
                .packages()
                .iter()
                .find(|p| p.spec.key() == key)
                .ok_or_else(|| LoadError::Locked {
                    lock: name.into(),
                    reason: format!("{key} is locked but not installed"),
                })?;
            if p.digest != l.digest {
                return Err(LoadError::Locked {
                    lock: name.into(),
                    reason: format!(
                        "{key} has changed since it was locked (package digest {} , locked {})",
                        p.digest, l.digest
                    ),
                });
            }
            if !p.missing.is_empty() {
                return Err(LoadError::Locked {
                    lock: name.into(),
                    reason: super::store::missing_artefacts_line(
                        &key,
                        p.missing.len(),
                        p.spec.artefacts.iter().filter(|a| a.url.is_some()).count(),
                    ),
                });
            }
            kept.push(p.clone());
        }
        Ok(Registry::from_packages(kept))
    }
}
