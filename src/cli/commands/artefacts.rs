//! `konform standards fetch|verify` and `konform lock`: the artefact store and the lock file.

use crate::cli::args::StandardsArgs;
use crate::cli::{load_registry, store};
use crate::report::model::ExitStatus;
use crate::standard::lock::LockFile;
use crate::standard::manifest::ArtefactSpec;
use crate::standard::package::sha256_hex;
use miette::miette;
use std::path::{Path, PathBuf};

/// Largest artefact a download may deliver (256 MiB).
const MAX_DOWNLOAD: u64 = 256 * 1024 * 1024;

/// Files below `dir` named `name` (depth-limited walk).
fn find_by_name(dir: &Path, name: &str, depth: usize, out: &mut Vec<PathBuf>) {
    if depth > 12 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            find_by_name(&p, name, depth + 1, out);
        } else if p.file_name().and_then(|n| n.to_str()) == Some(name) {
            out.push(p);
        }
    }
}

/// The mirror's copy of an artefact: `DIR/<file>` first, else any file of the same name whose
/// digest matches. Returns the bytes of the first candidate when none matches (so the digest
/// mismatch is reported rather than "not found").
fn from_mirror(dir: &Path, a: &ArtefactSpec) -> Option<(PathBuf, Vec<u8>)> {
    let mut candidates = vec![dir.join(&a.file)];
    let base = Path::new(&a.file)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("");
    find_by_name(dir, base, 0, &mut candidates);
    let mut first = None;
    for c in candidates {
        let Ok(bytes) = std::fs::read(&c) else {
            continue;
        };
        if sha256_hex(&bytes).eq_ignore_ascii_case(a.sha256.trim()) {
            return Some((c, bytes));
        }
        first.get_or_insert((c, bytes));
    }
    first
}

fn download(url: &str) -> Result<Vec<u8>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(120)))
        .max_redirects(5)
        .build()
        .into();
    let mut resp = agent.get(url).call().map_err(|e| e.to_string())?;
    resp.body_mut()
        .with_config()
        .limit(MAX_DOWNLOAD)
        .read_to_vec()
        .map_err(|e| e.to_string())
}

/// `konform standards fetch`.
pub fn fetch(
    selector: &str,
    from: Option<&Path>,
    allow_net: bool,
    common: &StandardsArgs,
) -> miette::Result<ExitStatus> {
    let reg = load_registry(common)?;
    let p = reg.resolve(selector)?;
    let store = store(common);
    let wanted: Vec<&ArtefactSpec> = p
        .spec
        .artefacts
        .iter()
        .filter(|a| p.missing.contains(&a.file))
        .collect();
    let external = p.spec.artefacts.iter().filter(|a| a.url.is_some()).count();
    let mut problems = Vec::new();
    let mut fetched = 0;
    for a in &wanted {
        let mut got = from
            .and_then(|d| from_mirror(d, a))
            .map(|(path, b)| (path.display().to_string(), b));
        let mirrored = got
            .as_ref()
            .is_some_and(|(_, b)| sha256_hex(b).eq_ignore_ascii_case(a.sha256.trim()));
        if let (false, true, Some(url)) = (mirrored, allow_net, &a.url) {
            match download(url) {
                Ok(b) => got = Some((url.clone(), b)),
                Err(e) => problems.push(format!("{}: download from {url} failed: {e}", a.file)),
            }
        }
        match got {
            Some((source, bytes)) => match store.put(&bytes, &a.sha256, &source) {
                Ok(_) => fetched += 1,
                Err(e) => problems.push(format!("{}: {e}", a.file)),
            },
            None if !allow_net => problems.push(format!(
                "{}: not found{}",
                a.file,
                from.map(|d| format!(" in {}", d.display()))
                    .unwrap_or_else(|| " (give --from DIR, or --allow-net)".into())
            )),
            None => {}
        }
    }
    eprintln!(
        "{}: {} published artefact(s), {} already in the store, {fetched} fetched into {}",
        p.spec.key(),
        external,
        external.saturating_sub(wanted.len()),
        store.root().display()
    );
    if problems.is_empty() {
        Ok(ExitStatus::Conformant)
    } else {
        Err(miette!(
            "could not fetch every artefact of {}:\n  {}",
            p.spec.key(),
            problems.join("\n  ")
        ))
    }
}

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
            .map(|s| reg.resolve(s))
            .collect::<Result<Vec<_>, _>>()?
    };
    for p in &packages {
        if !p.missing.is_empty() {
            return Err(miette!(
                "{} lacks artefacts in the store ({}); fetch them before locking",
                p.spec.key(),
                p.missing.join(", ")
            ));
        }
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
