//! `konform standards verify|import` and `konform lock`: the artefact store, imported
//! configurations and the lock file (`standards fetch` is in `fetch.rs`).

use crate::cli::args::StandardsArgs;
use crate::cli::errors::{OneLine, resolve};
use crate::cli::{load_registry, store};
use crate::report::model::ExitStatus;
use crate::standard::lock::LockFile;
use crate::standard::store::missing_artefacts_line;
use miette::miette;
use std::path::Path;

/// `konform standards verify`.
pub fn verify(common: &StandardsArgs) -> miette::Result<ExitStatus> {
    let store = store(common);
    let (count, bad) = store.verify()?;
    for (path, why) in &bad {
        println!("DAMAGED {}: {why}", path.display());
    }
    println!(
        "{count} artefact(s) in {}, {} damaged",
        store.root().display(),
        bad.len()
    );
    Ok(if bad.is_empty() {
        ExitStatus::Conformant
    } else {
        ExitStatus::NonConformant
    })
}

/// `konform lock`.
pub fn lock(
    selectors: &[String],
    output: &Path,
    common: &StandardsArgs,
) -> miette::Result<ExitStatus> {
    let reg = load_registry(common)?;
    let packages = if selectors.is_empty() {
        reg.packages().to_vec()
    } else {
        selectors
            .iter()
            .map(|s| resolve(&reg, s, None))
            .collect::<miette::Result<Vec<_>>>()?
    };
    if let Some(p) = packages.iter().find(|p| !p.missing.is_empty()) {
        let published = p.spec.artefacts.iter().filter(|a| a.url.is_some()).count();
        return Err(OneLine::report(format!(
            "cannot lock: {}",
            missing_artefacts_line(&p.spec.key(), p.missing.len(), published)
        )));
    }
    let lock = LockFile::of(&packages);
    crate::report::write::atomic(output, |w| w.write_all(lock.to_toml().as_bytes()))
        .map_err(|e| miette!("cannot write {}: {e}", output.display()))?;
    eprintln!(
        "locked {} standard(s) in {}",
        lock.standards.len(),
        output.display()
    );
    Ok(ExitStatus::Conformant)
}

/// `konform standards import kosit`.
pub fn import_kosit(
    config: &Path,
    out: &Path,
    id: Option<&str>,
    version: &semver::Version,
    recipe: Option<&Path>,
) -> miette::Result<ExitStatus> {
    if out.join("standard.toml").exists() {
        return Err(miette!(
            "{} already holds a standard.toml; choose an empty folder",
            out.display()
        ));
    }
    let derived;
    let id = match id {
        Some(i) => i,
        None => {
            let folder = std::fs::canonicalize(config)
                .ok()
                .and_then(|p| {
                    p.parent()
                        .and_then(|d| d.file_name())
                        .map(|n| n.to_string_lossy().to_lowercase())
                })
                .unwrap_or_else(|| "imported".into());
            derived = folder
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect::<String>();
            derived.trim_matches('-')
        }
    };
    let recipe = match recipe {
        Some(p) => {
            let name = p.display().to_string();
            let text =
                std::fs::read_to_string(p).map_err(|e| miette!("cannot read {name}: {e}"))?;
            Some(
                crate::standard::kosit::Recipe::parse(&text, &name)
                    .map_err(|e| miette!("invalid recipe {e}"))?,
            )
        }
        None => None,
    };
    let imported = crate::standard::kosit::import(config, id, version, recipe.as_ref())
        .map_err(|e| miette!("cannot import {}: {e}", config.display()))?;
    for (rel, src) in &imported.files {
        let dst = out.join(rel);
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent).map_err(|e| miette!("{}: {e}", parent.display()))?;
        }
        std::fs::copy(src, &dst)
            .map_err(|e| miette!("cannot copy {} to {}: {e}", src.display(), dst.display()))?;
    }
    std::fs::create_dir_all(out).map_err(|e| miette!("{}: {e}", out.display()))?;
    crate::report::write::atomic(&out.join("standard.toml"), |w| {
        w.write_all(imported.manifest.as_bytes())
    })
    .map_err(|e| miette!("cannot write {}: {e}", out.join("standard.toml").display()))?;
    for n in &imported.notes {
        eprintln!("note: {n}");
    }
    let pkg = crate::standard::Package::load_dir(out)?;
    eprintln!(
        "imported {} into {}: {} profile(s), {} artefact(s), {} override(s)",
        pkg.spec.key(),
        out.display(),
        pkg.spec.profiles.len(),
        pkg.spec.artefacts.len(),
        pkg.spec.overrides.len()
    );
    Ok(ExitStatus::Conformant)
}
