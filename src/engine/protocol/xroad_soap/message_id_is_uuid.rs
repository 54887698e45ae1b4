use super::common::{shown, trimmed};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// A non-empty `xrd:id` (trimmed) is a UUID: 8-4-4-4-12 hexadecimal digits separated by
    /// hyphens, in any case and of any version. An empty or missing id is XRD-SOAP-004.
    /// ## Why it matters
    /// PR-MESS Table 1 recommends a UUID so that message ids are unique across all clients of
    /// an X-Road instance; the security servers log and look up messages by this id.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-id-not-uuid.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub MessageIdIsUuid { id: "XRD-SOAP-005" }
}

/// Whether `s` is `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hexadecimal digits.
pub(in crate::engine::protocol) fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl Check for MessageIdIsUuid {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(id) = soap.xroad("id") else { return };
        let value = trimmed(id);
        if !value.is_empty() && !is_uuid(&value) {
            emit.at(
                soap.loc(id),
                format!(
                    "xrd:id {} is not a UUID; a UUID (8-4-4-4-12 hexadecimal digits, e.g. 4894e35d-bf0f-44a6-867a-8e51f1daa7e0) is recommended",
                    shown(&value)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuids() {
        assert!(super::is_uuid("4894e35d-bf0f-44a6-867a-8e51f1daa7e0"));
        assert!(super::is_uuid("4894E35D-BF0F-44A6-867A-8E51F1DAA7E0"));
        assert!(!super::is_uuid("ID11234"));
        assert!(!super::is_uuid("4894e35d-bf0f-44a6-867a-8e51f1daa7eg"));
        assert!(!super::is_uuid("4894e35dbf0f44a6867a8e51f1daa7e0"));
    }
}
