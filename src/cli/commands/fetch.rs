//! `konform standards fetch`: places a standard's published artefacts in the artefact store,
//! downloaded from their publishers (the default), from an HTTP mirror (`--base-url`), or
//! copied from a mirror folder (`--from`). Every file's digest is checked before it is stored.

use crate::cli::args::{FetchArgs, StandardsArgs};
use crate::cli::errors::{OneLine, resolve};
use crate::cli::{load_registry, store};
use crate::report::model::ExitStatus;
use crate::standard::manifest::ArtefactSpec;
use crate::standard::package::sha256_hex;
use crate::standard::store::Store;
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Largest artefact a download may deliver (256 MiB).
const MAX_DOWNLOAD: u64 = 256 * 1024 * 1024;

/// Downloads running at once.
const PARALLEL_DOWNLOADS: usize = 4;

/// Where missing artefacts may come from, as the flags say.
struct Sources<'a> {
    mirror: Option<&'a Path>,
    /// `None`: no network. `Some(None)`: each artefact's publication URL.
    /// `Some(Some(base))`: `base/<file>`.
    network: Option<Option<&'a str>>,
}

impl<'a> Sources<'a> {
    fn of(args: &'a FetchArgs) -> Sources<'a> {
        let mirror = args.from.as_deref();
        let download = !args.offline && (mirror.is_none() || args.allow_net);
        Sources {
            mirror,
            network: download.then_some(args.base_url.as_deref()),
        }
    }

    fn url_of(&self, a: &ArtefactSpec) -> Option<String> {
        match self.network? {
            Some(base) => Some(format!("{}/{}", base.trim_end_matches('/'), a.file)),
            None => a.url.clone(),
        }
    }

    /// The artefact's bytes and where they came from, or why not.
    fn get(&self, a: &ArtefactSpec) -> Result<(String, Vec<u8>), String> {
        let mirrored = self.mirror.and_then(|d| from_mirror(d, a));
        if let Some((path, bytes)) = &mirrored
            && sha256_hex(bytes).eq_ignore_ascii_case(a.sha256.trim())
        {
            return Ok((path.display().to_string(), bytes.clone()));
        }
        if let Some(url) = self.url_of(a) {
            return download(&url)
                .map(|b| (url.clone(), b))
                .map_err(|e| format!("download from {url} failed: {e}"));
        }
        match (mirrored, self.mirror) {
            // A wrong copy in the mirror: hand it on, so the digest mismatch is what is reported.
            (Some((path, bytes)), _) => Ok((path.display().to_string(), bytes)),
            (None, Some(dir)) => Err(format!("not found in {}", dir.display())),
            (None, None) => Err("not in the store, and --offline forbids downloading".into()),
        }
    }
}

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

/// A bar over the artefacts on a terminal; hidden otherwise.
fn progress_bar(len: usize) -> indicatif::ProgressBar {
    if len == 0 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} artefacts  {wide_msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// Fetches and stores one artefact; `Err` says which file and why.
fn fetch_one(a: &ArtefactSpec, sources: &Sources, store: &Store) -> Result<(), String> {
    let (source, bytes) = sources.get(a).map_err(|e| format!("{}: {e}", a.file))?;
    store
        .put(&bytes, &a.sha256, &source)
        .map(|_| ())
        .map_err(|e| format!("{}: {e}", a.file))
}

/// What to run when some artefacts could not be fetched.
fn remedy(key: &str, args: &FetchArgs, sources: &Sources) -> String {
    match (sources.network, sources.mirror) {
        (Some(_), _) => format!(
            "check the network and run `konform standards fetch {key}` again, or copy them from a mirror with `konform standards fetch {key} --from DIR`"
        ),
        (None, Some(_)) if !args.offline => format!(
            "run `konform standards fetch {key}` to download them from their publishers, or add `--allow-net` to download what the mirror lacks"
        ),
        (None, _) => {
            format!("run `konform standards fetch {key}` to download them from their publishers")
        }
    }
}

/// `konform standards fetch`.
pub fn run(selector: &str, args: &FetchArgs, common: &StandardsArgs) -> miette::Result<ExitStatus> {
    let reg = load_registry(common)?;
    let p = resolve(&reg, selector, None)?;
    let key = p.spec.key();
    let store = store(common);
    let sources = Sources::of(args);
    let wanted: Vec<&ArtefactSpec> = p
        .spec
        .artefacts
        .iter()
        .filter(|a| p.missing.contains(&a.file))
        .collect();
    let published = p.spec.artefacts.iter().filter(|a| a.url.is_some()).count();

    let bar = progress_bar(wanted.len());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(PARALLEL_DOWNLOADS)
        .build()
        .map_err(|e| miette::miette!("cannot start download threads: {e}"))?;
    let outcomes: Vec<Result<(), String>> = pool.install(|| {
        wanted
            .par_iter()
            .map(|a| {
                bar.set_message(a.file.clone());
                let outcome = fetch_one(a, &sources, &store);
                bar.inc(1);
                outcome
            })
            .collect()
    });
    bar.finish_and_clear();

    let problems: Vec<String> = outcomes.into_iter().filter_map(Result::err).collect();
    let fetched = wanted.len() - problems.len();
    if problems.is_empty() {
        eprintln!(
            "{key}: {fetched} artefact(s) fetched into {}, {} already there ({published} published)",
            store.root().display(),
            published.saturating_sub(wanted.len())
        );
        return Ok(ExitStatus::Conformant);
    }
    let mut line = format!(
        "{key}: {} of {} missing artefact(s) could not be fetched ({fetched} fetched); first: {}; {}",
        problems.len(),
        wanted.len(),
        problems[0],
        remedy(&key, args, &sources)
    );
    if args.verbose {
        line.push_str("\n  ");
        line.push_str(&problems.join("\n  "));
    } else if problems.len() > 1 {
        line.push_str(" (`--verbose` lists every file)");
    }
    Err(OneLine::report(line))
}
