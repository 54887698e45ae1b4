//! Content-based detection: which standard and profile a document belongs to.
//!
//! Works on the [`Probe`] trait so that it needs nothing from the document module; zero or
//! several matches are reported with the reason each candidate did or did not match.

use super::manifest::{MatchSpec, ProfileSpec, Syntax};
use super::package::Package;
use std::sync::Arc;

/// What detection may ask of a document.
pub trait Probe {
    /// The document's syntax.
    fn syntax(&self) -> Syntax;
    /// Root element as (namespace, local name); `None` for JSON.
    fn root(&self) -> Option<(String, String)>;
    /// The first node selected by `path`: (local name, text). XML: child steps of Clark names or
    /// `*`; JSON: a JSON Pointer (local name is the last token).
    fn select(&self, path: &str) -> Option<(String, String)>;
    /// The side of the HTTP capture around the document, if it came in one.
    fn http_side(&self) -> Option<super::manifest::HttpSide> {
        None
    }
}

/// A (standard, profile) pair that matched.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The package.
    pub package: Arc<Package>,
    /// The matching profile's name.
    pub profile: String,
}

/// Outcome of detection.
#[derive(Debug)]
pub enum Detection {
    /// Exactly one match.
    One(Candidate),
    /// No profile matched; each entry explains why a near candidate failed.
    None(Vec<String>),
    /// Several matched.
    Several(Vec<Candidate>),
}

/// Checks one profile's match against a document; `Err` says why not.
pub fn check_profile(profile: &ProfileSpec, doc: &dyn Probe) -> Result<(), String> {
    check_syntax(profile, doc)?;
    check_match(&profile.matcher, doc, true)
}

/// Checks a profile the user named (`--profile`): as [`check_profile`], except that the text
/// tests on values (`equals`, `starts_with`, `matches`, `not_matches`: specification
/// identifiers, as a rule) do not apply; the root element and the structure still do.
pub fn check_named_profile(profile: &ProfileSpec, doc: &dyn Probe) -> Result<(), String> {
    check_syntax(profile, doc)?;
    check_match(&profile.matcher, doc, false)
}

/// Whether a document claims the standard family a profile belongs to (its `claims` test).
pub fn claims(profile: &ProfileSpec, doc: &dyn Probe) -> bool {
    match &profile.claims {
        Some(c) => check_syntax(profile, doc).is_ok() && check_match(c, doc, true).is_ok(),
        None => false,
    }
}

fn check_syntax(profile: &ProfileSpec, doc: &dyn Probe) -> Result<(), String> {
    if let Some(side) = profile.http {
        // One side of an HTTP exchange: the body may be of any syntax (or empty).
        if doc.http_side() != Some(side) {
            return Err(format!(
                "expects an HTTP {} capture",
                if side == super::manifest::HttpSide::Request {
                    "request"
                } else {
                    "response"
                }
            ));
        }
    } else if profile.format != doc.syntax() {
        return Err(format!(
            "expects {:?}, document is {:?}",
            profile.format,
            doc.syntax()
        )
        .to_lowercase());
    }
    Ok(())
}

fn check_match(m: &MatchSpec, doc: &dyn Probe, text_tests: bool) -> Result<(), String> {
    if let Some(root) = &m.root {
        let actual = doc.root().map(|(ns, l)| {
            if ns.is_empty() {
                l
            } else {
                format!("{{{ns}}}{l}")
            }
        });
        if actual.as_deref() != Some(root.as_str()) {
            return Err(format!(
                "root element is {}, expected {root}",
                actual.unwrap_or_else(|| "none".into())
            ));
        }
    }
    for p in &m.exists {
        if doc.select(p).is_none() {
            return Err(format!("{p} is missing"));
        }
    }
    for p in &m.absent {
        if doc.select(p).is_some() {
            return Err(format!("{p} is present"));
        }
    }
    for t in &m.values {
        if !text_tests && t.name_matches.is_none() && t.name_not_matches.is_none() {
            continue;
        }
        let Some((name, text)) = doc.select(&t.path) else {
            return Err(format!("{} is missing", t.path));
        };
        let text = text.trim();
        if let Some(e) = t.equals.as_ref().filter(|_| text_tests)
            && text != e
        {
            return Err(format!("{} is `{text}`, expected `{e}`", t.path));
        }
        if let Some(s) = t.starts_with.as_ref().filter(|_| text_tests)
            && !text.starts_with(s.as_str())
        {
            return Err(format!(
                "{} is `{text}`, expected it to start with `{s}`",
                t.path
            ));
        }
        if let Some(r) = t.matches.as_ref().filter(|_| text_tests)
            && !regex_is_match(r, text)?
        {
            return Err(format!(
                "{} is `{text}`, which does not match /{r}/",
                t.path
            ));
        }
        if let Some(r) = &t.name_matches
            && !regex_is_match(r, &name)?
        {
            return Err(format!(
                "{} is named `{name}`, which does not match /{r}/",
                t.path
            ));
        }
        if let Some(r) = t.not_matches.as_ref().filter(|_| text_tests)
            && regex_is_match(r, text)?
        {
            return Err(format!("{} is `{text}`, which matches /{r}/", t.path));
        }
        if let Some(r) = &t.name_not_matches
            && regex_is_match(r, &name)?
        {
            return Err(format!("{} is named `{name}`, which matches /{r}/", t.path));
        }
    }
    Ok(())
}

/// Compiled match regexes, shared by all threads (a package names a handful; compiling one per
/// document would dominate detection time).
fn regex_is_match(pattern: &str, text: &str) -> Result<bool, String> {
    use std::collections::HashMap;
    use std::sync::{OnceLock, RwLock};
    static CACHE: OnceLock<RwLock<HashMap<String, regex::Regex>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache
        .read()
        .ok()
        .and_then(|c| c.get(pattern).map(|re| re.is_match(text)))
    {
        return Ok(hit);
    }
    let re = regex::Regex::new(pattern)
        .map_err(|e| format!("invalid regex /{pattern}/ in package: {e}"))?;
    let matched = re.is_match(text);
    if let Ok(mut c) = cache.write() {
        c.insert(pattern.to_string(), re);
    }
    Ok(matched)
}

/// The profile of a standard whose family claim (`claims`) the document makes: `Ok(None)` when
/// none, `Err(names)` when several share the highest precedence.
pub fn claimed_profile(
    spec: &super::manifest::StandardSpec,
    doc: &dyn Probe,
) -> Result<Option<String>, Vec<String>> {
    let hits: Vec<&ProfileSpec> = spec
        .profiles
        .iter()
        .filter(|p| !p.fallback && claims(p, doc))
        .collect();
    let Some(best) = hits.iter().map(|p| p.precedence).max() else {
        return Ok(None);
    };
    let top: Vec<&&ProfileSpec> = hits.iter().filter(|p| p.precedence == best).collect();
    match top[..] {
        [one] => Ok(Some(one.name.clone())),
        _ => Err(top.iter().map(|p| p.name.clone()).collect()),
    }
}

/// Tries every profile of every package.
pub fn detect<'a>(
    packages: impl IntoIterator<Item = &'a Arc<Package>>,
    doc: &dyn Probe,
) -> Detection {
    let mut hits = Vec::new();
    let mut misses = Vec::new();
    for pkg in packages {
        if pkg.spec.status.state == super::manifest::State::Draft {
            continue;
        }
        for profile in pkg.spec.profiles.iter().filter(|p| !p.fallback) {
            match check_profile(profile, doc) {
                Ok(()) => hits.push(Candidate {
                    package: pkg.clone(),
                    profile: profile.name.clone(),
                }),
                Err(why) => misses.push(format!(
                    "{} profile {}: {why}",
                    pkg.spec.key(),
                    profile.name
                )),
            }
        }
    }
    match hits.len() {
        0 => Detection::None(misses),
        1 => Detection::One(hits.remove(0)),
        _ => {
            // A unique highest precedence declared by the packages settles it.
            let prec = |c: &Candidate| {
                c.package
                    .spec
                    .profile(&c.profile)
                    .map_or(0, |p| p.precedence)
            };
            let best = hits.iter().map(prec).max().unwrap_or(0);
            let top: Vec<usize> = (0..hits.len())
                .filter(|&i| prec(&hits[i]) == best)
                .collect();
            match top[..] {
                [i] => Detection::One(hits.swap_remove(i)),
                _ => Detection::Several(hits),
            }
        }
    }
}
