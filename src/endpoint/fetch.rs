//! A service description given as a URL (`--wsdl http://…`): fetched once with the limits of
//! the endpoint requests, and only from the origin of `--url` (the one origin a run contacts).

use super::client::{self, Limits, Origin, Request};

/// Why a description URL could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The URL is not acceptable (another origin, https, malformed): a usage error.
    Usage(String),
    /// The origin could not deliver it (transport error, status, encoding): not evaluable.
    Fetch(String),
}

/// Whether a description argument is a URL rather than a file path.
pub fn is_url(arg: &str) -> bool {
    let lower = arg.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Fetches `url` with GET, if it is on `origin`; the body must be UTF-8 and the status 200.
pub fn fetch(
    url: &str,
    origin: &Origin,
    headers: &[(String, String)],
    limits: &Limits,
) -> Result<String, FetchError> {
    let same = format!(
        "konform contacts only the origin of --url ({}), so a description URL must be on it",
        origin.url()
    );
    if url.to_ascii_lowercase().starts_with("https://") {
        return Err(FetchError::Usage(format!(
            "`{url}` is https, not the http origin of --url: {same}"
        )));
    }
    let there = Origin::parse(url).map_err(FetchError::Usage)?;
    if !there.host.eq_ignore_ascii_case(&origin.host) || there.port != origin.port {
        return Err(FetchError::Usage(format!(
            "`{url}` is on another origin ({}): {same}",
            there.url()
        )));
    }
    let req = Request {
        method: "GET".into(),
        target: target(url),
        headers: headers.to_vec(),
        body: String::new(),
    };
    let resp =
        client::send(origin, &req, limits).map_err(|e| FetchError::Fetch(format!("{url}: {e}")))?;
    if resp.status != 200 {
        return Err(FetchError::Fetch(format!(
            "{url} answered with status {}",
            resp.status
        )));
    }
    String::from_utf8(resp.body).map_err(|_| FetchError::Fetch(format!("{url}: not UTF-8")))
}

/// Path and query of an `http://` URL (no fragment), `/` when it has none.
fn target(url: &str) -> String {
    let rest = &url["http://".len()..];
    let rest = rest.split('#').next().unwrap_or("");
    match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('/') => rest[i..].to_string(),
        Some(i) => format!("/{}", &rest[i..]),
        None => "/".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_keep_path_and_query() {
        assert_eq!(target("http://h:1/soap?wsdl"), "/soap?wsdl");
        assert_eq!(target("http://h:1?wsdl"), "/?wsdl");
        assert_eq!(target("http://h:1"), "/");
        assert_eq!(target("http://h:1/a#frag"), "/a");
    }

    #[test]
    fn other_origins_are_refused_without_a_connection() {
        let o = Origin::parse("http://127.0.0.1:9/soap").unwrap();
        let l = Limits::default();
        for url in [
            "http://127.0.0.1:10/soap?wsdl",
            "http://localhost:9/soap?wsdl",
            "https://127.0.0.1:9/soap?wsdl",
        ] {
            assert!(
                matches!(fetch(url, &o, &[], &l), Err(FetchError::Usage(_))),
                "{url}"
            );
        }
    }
}
