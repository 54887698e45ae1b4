//! Errors a person can act on: one line saying what is wrong (with a count where there is one)
//! and the exact command that fixes it. Longer detail (file lists) is for `--verbose`.

use crate::standard::registry::Date;
use crate::standard::{LoadError, Package, Registry};
use std::sync::Arc;

/// A problem stated in one line, printed as `error: …` without a diagnostic frame.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct OneLine(pub String);

impl miette::Diagnostic for OneLine {}

impl OneLine {
    /// As a `miette::Report`.
    pub(crate) fn report(text: impl Into<String>) -> miette::Report {
        miette::Report::new(OneLine(text.into()))
    }
}

/// Resolves `selector`; an unknown standard becomes one line naming how many are installed and
/// the command that works (the same command line with a standard that exists, when one is
/// close), never the whole catalogue.
pub(crate) fn resolve(
    registry: &Registry,
    selector: &str,
    at: Option<Date>,
) -> miette::Result<Arc<Package>> {
    registry.resolve_at(selector, at).map_err(|e| match e {
        LoadError::Unknown { .. } => OneLine::report(unknown_standard(
            registry,
            selector,
            &std::env::args().collect::<Vec<_>>(),
        )),
        other => other.into(),
    })
}

/// The one-line explanation of an unknown standard, with `argv` (the command line as typed)
/// rewritten to a selector that exists where one is close.
pub(crate) fn unknown_standard(registry: &Registry, selector: &str, argv: &[String]) -> String {
    let id = selector.split('@').next().unwrap_or(selector);
    let installed = registry.packages();
    let same_id: Vec<&Arc<Package>> = installed.iter().filter(|p| p.spec.id == id).collect();
    if let Some(newest) = same_id.last() {
        let versions: Vec<String> = same_id
            .iter()
            .map(|p| {
                format!(
                    "{} ({})",
                    p.spec.version,
                    format!("{:?}", p.spec.status.state).to_lowercase()
                )
            })
            .collect();
        return format!(
            "no installed version of {id} matches `{selector}` ({} installed: {}); run: {}",
            same_id.len(),
            versions.join(", "),
            with_selector(argv, selector, &newest.spec.key())
        );
    }
    let mut ids: Vec<&str> = installed.iter().map(|p| p.spec.id.as_str()).collect();
    ids.dedup();
    let close = ids
        .iter()
        .map(|known| (edit_distance(id, known), *known))
        .filter(|(d, known)| *d <= 2usize.max(known.len() / 4))
        .min();
    let count = match installed.len() {
        0 => "no standards are installed".to_string(),
        1 => "1 standard is installed".to_string(),
        n => format!("{n} standards are installed"),
    };
    match close {
        Some((_, known)) => {
            let suggestion = match selector.split_once('@') {
                Some((_, version)) => format!("{known}@{version}"),
                None => known.to_string(),
            };
            format!(
                "unknown standard `{selector}` ({count}); did you mean {known}? run: {}",
                with_selector(argv, selector, &suggestion)
            )
        }
        None => {
            let keys: Vec<String> = installed.iter().map(|p| p.spec.key()).collect();
            let listed = if keys.is_empty() || keys.len() > 6 {
                String::new()
            } else {
                format!(": {}", keys.join(", "))
            };
            format!(
                "unknown standard `{selector}` ({count}{listed}); run `konform standards list` to see them, or add a package folder with `--standards DIR`"
            )
        }
    }
}

/// The command line with `old` (a standard selector, alone or as `--standard=old`) replaced by
/// `new`, quoted for a POSIX shell where needed. Without a command line: `--standard new`.
fn with_selector(argv: &[String], old: &str, new: &str) -> String {
    let mut replaced = false;
    let words: Vec<String> = argv
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let word = if i == 0 {
                "konform".to_string()
            } else if a == old && !replaced {
                replaced = true;
                new.to_string()
            } else if let Some((flag, value)) = a.split_once('=')
                && value == old
                && flag.starts_with('-')
                && !replaced
            {
                replaced = true;
                format!("{flag}={new}")
            } else {
                a.clone()
            };
            shell_quote(&word)
        })
        .collect();
    if replaced {
        format!("`{}`", words.join(" "))
    } else {
        format!("`--standard {new}`")
    }
}

fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./@=:,+%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_string()).collect()
    }

    #[test]
    fn a_near_miss_suggests_the_same_command_with_the_installed_id() {
        let reg = Registry::load(&[], true).expect("built-in standards");
        let line = unknown_standard(
            &reg,
            "xroad-sop@4",
            &argv(&[
                "/usr/bin/konform",
                "validate",
                "-s",
                "xroad-sop@4",
                "my msg.xml",
            ]),
        );
        assert!(
            line.starts_with("unknown standard `xroad-sop@4` (")
                && line.ends_with(
                    "did you mean xroad-soap? run: `konform validate -s xroad-soap@4 'my msg.xml'`"
                ),
            "{line}"
        );
        assert!(!line.contains('\n'), "{line}");
    }

    #[test]
    fn a_version_not_installed_names_the_installed_ones() {
        let reg = Registry::load(&[], true).expect("built-in standards");
        let line = unknown_standard(
            &reg,
            "xroad-soap@9",
            &argv(&["konform", "validate", "--standard=xroad-soap@9", "m.xml"]),
        );
        assert!(
            line.starts_with("no installed version of xroad-soap matches `xroad-soap@9` (1 installed: 4.0.0 (active)); run: `konform validate --standard=xroad-soap@4.0.0 m.xml`"),
            "{line}"
        );
    }

    #[test]
    fn nothing_close_points_at_the_list_and_counts() {
        let reg = Registry::load(&[], true).expect("built-in standards");
        let n = reg.packages().len();
        let line = unknown_standard(&reg, "peppol", &argv(&["konform", "rule", "X"]));
        assert!(
            line.contains(&format!("({n} standards are installed"))
                && line.contains("konform standards list"),
            "{line}"
        );
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("xrechnug", "xrechnung"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
