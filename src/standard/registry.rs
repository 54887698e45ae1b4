//! The set of installed standards and `id@version` resolution.
//!
//! Sources, in order: packages embedded in the binary, then each `--standards DIR` (and
//! `KONFORM_STANDARDS`, resolved by the CLI). A folder package replaces an embedded package of
//! the same `id@version` (so a user can pin a local copy); two folders defining the same
//! `id@version` are an error.

use super::error::LoadError;
use super::manifest::State;
use super::package::{DirSource, EmbeddedSource, Origin, Package};
pub use super::selector::Selector;
use super::store::Store;
use std::path::Path;
use std::sync::Arc;

static EMBEDDED: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/standards");

/// All installed standards, sorted by id then version.
#[derive(Debug, Default)]
pub struct Registry {
    packages: Vec<Arc<Package>>,
}

/// A calendar date (year, month, day), as `--at` gives it.
pub type Date = (i32, u8, u8);

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<Date> {
    let mut it = s.trim().splitn(3, '-');
    let y = it.next()?.parse().ok()?;
    let m: u8 = it.next()?.parse().ok()?;
    let d: u8 = it.next()?.get(..2)?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

fn toml_date(d: &Option<toml::value::Datetime>) -> Option<Date> {
    let date = d.as_ref()?.date?;
    Some((i32::from(date.year), date.month, date.day))
}

/// Whether a standard version's validity period covers a date (open ends count as covering).
pub fn in_force(spec: &super::manifest::StandardSpec, at: Date) -> bool {
    toml_date(&spec.status.valid_from).is_none_or(|from| from <= at)
        && toml_date(&spec.status.valid_until).is_none_or(|until| at <= until)
}

impl Registry {
    /// The embedded packages plus those found under `dirs` (each a package folder, a folder of
    /// `<id>/<version>/` packages, or a folder of `<version>/` packages).
    pub fn load(dirs: &[&Path], include_embedded: bool) -> Result<Registry, LoadError> {
        Registry::load_with_store(dirs, include_embedded, None)
    }

    /// Like [`Registry::load`], taking published artefacts a package does not contain from
    /// the artefact store.
    pub fn load_with_store(
        dirs: &[&Path],
        include_embedded: bool,
        store: Option<&Store>,
    ) -> Result<Registry, LoadError> {
        let mut reg = Registry::default();
        if include_embedded {
            for id_dir in EMBEDDED.dirs() {
                for ver_dir in id_dir.dirs() {
                    if ver_dir
                        .get_file(ver_dir.path().join("standard.toml"))
                        .is_some()
                    {
                        reg.insert(Package::load(&EmbeddedSource(ver_dir), store)?)?;
                    }
                }
            }
        }
        for dir in dirs {
            let mut found = Vec::new();
            find_packages(dir, 0, &mut found)?;
            if found.is_empty() {
                return Err(LoadError::Io {
                    path: dir.display().to_string(),
                    reason: "no standard.toml found in it (or two levels below)".into(),
                });
            }
            for p in found {
                reg.insert(Package::load(&DirSource(p), store)?)?;
            }
        }
        reg.packages
            .sort_by(|a, b| (&a.spec.id, &a.spec.version).cmp(&(&b.spec.id, &b.spec.version)));
        Ok(reg)
    }

    fn insert(&mut self, pkg: Package) -> Result<(), LoadError> {
        let key = pkg.spec.key();
        if let Some(i) = self.packages.iter().position(|p| p.spec.key() == key) {
            let old = &self.packages[i];
            if old.origin == Origin::Embedded {
                self.packages[i] = Arc::new(pkg);
                return Ok(());
            }
            return Err(LoadError::Duplicate {
                key,
                first: old.origin.to_string(),
                second: pkg.origin.to_string(),
            });
        }
        self.packages.push(Arc::new(pkg));
        Ok(())
    }

    /// A registry of exactly these packages.
    pub fn from_packages(mut packages: Vec<Arc<Package>>) -> Registry {
        packages.sort_by(|a, b| (&a.spec.id, &a.spec.version).cmp(&(&b.spec.id, &b.spec.version)));
        Registry { packages }
    }

    /// Every installed package.
    pub fn packages(&self) -> &[Arc<Package>] {
        &self.packages
    }

    /// Resolves a selector string.
    pub fn resolve(&self, selector: &str) -> Result<Arc<Package>, LoadError> {
        self.resolve_at(selector, None)
    }

    /// Resolves a selector; with `at` (a date), `latest` and ranges pick the newest version that
    /// was in force on that day (its validity covers the date and it was not a draft), whatever
    /// its state today.
    pub fn resolve_at(&self, selector: &str, at: Option<Date>) -> Result<Arc<Package>, LoadError> {
        let sel = Selector::parse(selector)?;
        let eligible = |p: &Package| match at {
            None => p.spec.status.state == State::Active,
            Some(d) => p.spec.status.state != State::Draft && in_force(&p.spec, d),
        };
        let same_id: Vec<&Arc<Package>> = self
            .packages
            .iter()
            .filter(|p| p.spec.id == sel.id())
            .collect();
        let pick = match &sel {
            Selector::Exact(_, v) => same_id.iter().find(|p| &p.spec.version == v).copied(),
            Selector::Latest(_) => same_id.iter().rev().find(|p| eligible(p)).copied(),
            Selector::Req(_, req) => same_id
                .iter()
                .rev()
                .find(|p| eligible(p) && req.matches(&p.spec.version))
                .copied(),
        };
        pick.cloned().ok_or_else(|| LoadError::Unknown {
            requested: selector.to_string(),
            available: self.describe_available(sel.id()),
        })
    }

    fn describe_available(&self, id: &str) -> Option<String> {
        let same: Vec<String> = self
            .packages
            .iter()
            .filter(|p| p.spec.id == id)
            .map(|p| format!("{} ({:?})", p.spec.key(), p.spec.status.state).to_lowercase())
            .collect();
        if !same.is_empty() {
            return Some(format!("installed versions of {id}: {}", same.join(", ")));
        }
        let all: Vec<String> = self.packages.iter().map(|p| p.spec.key()).collect();
        if all.is_empty() {
            Some("no standards are installed; add some with --standards DIR".into())
        } else {
            Some(format!("installed standards: {}", all.join(", ")))
        }
    }
}

fn find_packages(
    dir: &Path,
    depth: usize,
    out: &mut Vec<std::path::PathBuf>,
) -> Result<(), LoadError> {
    if dir.join("standard.toml").is_file() {
        out.push(dir.to_path_buf());
        return Ok(());
    }
    if depth >= 2 {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| LoadError::Io {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut subdirs: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    subdirs.sort();
    for sub in subdirs {
        find_packages(&sub, depth + 1, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_parse() {
        assert_eq!(Selector::parse("x").unwrap(), Selector::Latest("x".into()));
        assert_eq!(
            Selector::parse("x@latest").unwrap(),
            Selector::Latest("x".into())
        );
        assert!(
            matches!(Selector::parse("x@=1.2.3").unwrap(), Selector::Exact(_, v) if v == semver::Version::new(1,2,3))
        );
        assert!(matches!(
            Selector::parse("x@1.2.3").unwrap(),
            Selector::Exact(..)
        ));
        let Selector::Req(_, r) = Selector::parse("x@1.2").unwrap() else {
            panic!()
        };
        assert!(r.matches(&semver::Version::new(1, 2, 9)));
        assert!(!r.matches(&semver::Version::new(1, 3, 0)));
        let Selector::Req(_, r) = Selector::parse("x@1").unwrap() else {
            panic!()
        };
        assert!(r.matches(&semver::Version::new(1, 9, 0)));
        assert!(!r.matches(&semver::Version::new(2, 0, 0)));
        for bad in ["", "@1", "x@", "x@=1.2", "x@>1", "x@abc"] {
            assert!(Selector::parse(bad).is_err(), "{bad}");
        }
    }
}
