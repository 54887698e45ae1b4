use super::common::{shown, trimmed};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The trimmed value of `xrd:protocolVersion`, wherever the field occurs (also in fault
    /// headers): the strict variant requires exactly `4.0`; the runtime variant accepts any
    /// value starting with `4.` (as `ProtocolVersion.java` of the Security Server does).
    /// A missing field is XRD-SOAP-006.
    /// ## Why it matters
    /// PR-MESS Table 1: the value MUST be `4.0`. Security servers reject other major versions;
    /// older clients speaking protocol 3.x are not understood.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-protocolversion-3.0.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub ProtocolVersionValue { id: "XRD-SOAP-007" }
}

impl Check for ProtocolVersionValue {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(node) = soap.xroad("protocolVersion") else {
            return;
        };
        let value = trimmed(node);
        if ctx.strict() {
            if value != "4.0" {
                emit.at(
                    soap.loc(node),
                    format!("xrd:protocolVersion is {}, expected \"4.0\"", shown(&value)),
                );
            }
        } else if !value.starts_with("4.") {
            emit.at(
                soap.loc(node),
                format!("xrd:protocolVersion is {}; the Security Server accepts only versions starting with \"4.\" (expected \"4.0\")", shown(&value)),
            );
        }
    }
}
