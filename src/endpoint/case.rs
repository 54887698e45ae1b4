//! The replayable case file: everything `konform replay` needs to re-send one minimal failing
//! request to the same endpoint and re-check it (JSON, format `konform-case/1`).

use super::checks::CaseKind;
use super::client::Request;
use serde::{Deserialize, Serialize};

/// Format marker of case files.
pub const FORMAT: &str = "konform-case/1";

/// One saved failing case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// `id@version` of the standard, if the run had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<String>,
    /// Rule variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Base URL of the run.
    pub url: String,
    /// Service description (OpenAPI / WSDL path as given), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Operation id.
    pub operation: String,
    /// Positive, negative or fixed.
    pub kind: CaseKind,
    /// Why a negative case is invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_because: Option<String>,
    /// The rule that failed.
    pub rule: String,
    /// What failed.
    pub message: String,
    /// Seed of the run.
    pub seed: u64,
    /// The minimal request.
    pub request: Request,
    /// Status it got, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

impl CaseFile {
    /// Parses a case file, checking its format marker.
    pub fn parse(text: &str) -> Result<CaseFile, String> {
        let c: CaseFile =
            serde_json::from_str(text).map_err(|e| format!("not a konform case file: {e}"))?;
        if c.format != FORMAT {
            return Err(format!(
                "case file format `{}` is not supported ({FORMAT} is)",
                c.format
            ));
        }
        if !c.request.target.starts_with('/') {
            return Err("the request target must start with `/`".into());
        }
        Ok(c)
    }

    /// A file name: rule, operation and a short digest of the request.
    pub fn file_name(&self) -> String {
        use sha2::Digest;
        let d = sha2::Sha256::digest(serde_json::to_vec(&self.request).unwrap_or_default());
        let op: String = self
            .operation
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!(
            "{}-{}-{}.json",
            self.rule,
            op.trim_matches('-'),
            &hex::encode(d)[..8]
        )
    }
}
