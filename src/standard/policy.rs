//! Project policy: waivers from `konform.toml`.
//!
//! A waiver names a rule (optionally only for documents matching a glob), a reason, an owner
//! and an expiry date. A waived finding stays in the report, marked; it no longer makes its
//! document non-conformant or rejected. An expired waiver stops applying and is itself reported.

use super::registry::Date;
use serde::{Deserialize, Serialize};

/// `konform.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectConfig {
    /// Waivers.
    #[serde(default)]
    pub waivers: Vec<Waiver>,
}

/// One waiver.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// Rule id.
    pub rule: String,
    /// Glob over document names (default: every document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<String>,
    /// Why the finding is accepted.
    pub reason: String,
    /// Who answers for it.
    pub owner: String,
    /// Last day it applies (`YYYY-MM-DD`; a TOML date or a string).
    #[serde(deserialize_with = "date_or_string")]
    pub expires: String,
}

fn date_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum DateOrString {
        Date(toml::value::Datetime),
        Text(String),
    }
    Ok(match DateOrString::deserialize(d)? {
        DateOrString::Date(dt) => dt.to_string(),
        DateOrString::Text(s) => s,
    })
}

impl Waiver {
    /// The expiry as a date.
    pub fn expiry(&self) -> Option<Date> {
        super::registry::parse_date(&self.expires)
    }

    /// Whether it names this rule and document.
    pub fn covers(&self, rule: &str, document: &str) -> bool {
        self.rule == rule
            && self.documents.as_deref().is_none_or(|g| {
                glob::Pattern::new(g).is_ok_and(|p| {
                    p.matches(document) || p.matches(document.trim_start_matches("./"))
                })
            })
    }

    /// Whether it has expired on `today`.
    pub fn expired(&self, today: Date) -> bool {
        self.expiry().is_none_or(|e| e < today)
    }
}

impl ProjectConfig {
    /// Parses `konform.toml`; every waiver needs a valid expiry date and a glob that parses.
    pub fn parse(text: &str, name: &str) -> Result<ProjectConfig, super::error::LoadError> {
        let bad = |reason: String| super::error::LoadError::Manifest {
            path: name.into(),
            reason,
        };
        let cfg: ProjectConfig = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        for w in &cfg.waivers {
            if w.expiry().is_none() {
                return Err(bad(format!(
                    "waiver for {}: `expires` must be a date (YYYY-MM-DD)",
                    w.rule
                )));
            }
            if let Some(g) = &w.documents {
                glob::Pattern::new(g)
                    .map_err(|e| bad(format!("waiver for {}: invalid glob `{g}`: {e}", w.rule)))?;
            }
        }
        Ok(cfg)
    }
}
