use super::common::{shown, text, xml_trim};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The value of `xrd:protocolVersion`, wherever the field occurs (also in fault headers):
    /// the strict variant requires the trimmed value to be exactly `4.0`; the runtime variant
    /// accepts any value that, as written (untrimmed), starts with `4.`, as
    /// `ProtocolVersion.validate` of the Security Server does; strict checks that too.
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
        let written = text(node);
        let value = xml_trim(&written);
        if ctx.strict() && value != "4.0" {
            emit.at(
                soap.loc(node),
                format!("xrd:protocolVersion is {}, expected \"4.0\"", shown(value)),
            );
        } else if !written.starts_with("4.") {
            // What the Security Server checks (ProtocolVersion.validate), on the value as
            // written; strict checks it too.
            emit.at(
                soap.loc(node),
                format!("xrd:protocolVersion is {} as written; the Security Server accepts only versions starting with \"4.\" (expected \"4.0\")", shown(&written)),
            );
        }
    }
}
