use super::common::name;
use crate::declare_rule;
use crate::engine::protocol::soap::XROAD;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// Reports (as information) a SOAP Fault whose Header carries at least one X-Road header
    /// field (`xrd:`).
    /// ## Why it matters
    /// PR-MESS §2.5: a fault MAY carry the X-Road headers of the request; security servers
    /// send faults without them, so clients must not rely on them.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/fault-with-xroad-headers.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/fault-technical.xml`
    pub FaultHasXroadHeaders { id: "XRD-SOAP-023" }
}

impl Check for FaultHasXroadHeaders {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(header) = soap.header else { return };
        let fields: Vec<String> = soap
            .header_fields()
            .into_iter()
            .filter(|f| f.tag_name().namespace() == Some(XROAD))
            .map(name)
            .collect();
        if !fields.is_empty() {
            emit.at(
                soap.loc(header),
                format!("the fault carries X-Road header fields ({}); this is allowed, but faults need not carry them", fields.join(", ")),
            );
        }
    }
}
