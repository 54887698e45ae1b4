//! Standard selectors: `id`, `id@latest`, `id@1`, `id@1.2`, `id@1.2.3`, `id@=1.2.3`.

use super::error::LoadError;

/// A parsed `id[@version]` selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// Latest active version.
    Latest(String),
    /// Latest active version within a semver requirement (`id@1`, `id@1.2`).
    Req(String, semver::VersionReq),
    /// Exactly this version (`id@=1.2.3` or `id@1.2.3`), whatever its state.
    Exact(String, semver::Version),
}

impl Selector {
    /// Parses `id`, `id@latest`, `id@1`, `id@1.2`, `id@1.2.3`, `id@=1.2.3`.
    pub fn parse(s: &str) -> Result<Selector, LoadError> {
        let bad = || LoadError::Selector(s.to_string());
        let (id, ver) = match s.split_once('@') {
            None => {
                return if s.is_empty() {
                    Err(bad())
                } else {
                    Ok(Selector::Latest(s.into()))
                };
            }
            Some((id, v)) => (id.to_string(), v.trim()),
        };
        if id.is_empty() {
            return Err(bad());
        }
        if ver == "latest" {
            return Ok(Selector::Latest(id));
        }
        let exact = ver.strip_prefix('=').unwrap_or(ver);
        if let Ok(v) = semver::Version::parse(exact) {
            return Ok(Selector::Exact(id, v));
        }
        if ver.starts_with('=')
            || ver.is_empty()
            || !ver.chars().all(|c| c.is_ascii_digit() || c == '.')
        {
            return Err(bad());
        }
        let req = semver::VersionReq::parse(&format!("={ver}")).map_err(|_| bad())?;
        Ok(Selector::Req(id, req))
    }

    /// The standard id the selector names.
    pub fn id(&self) -> &str {
        match self {
            Selector::Latest(id) | Selector::Req(id, _) | Selector::Exact(id, _) => id,
        }
    }
}
