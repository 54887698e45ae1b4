use super::common::{name, namespace};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};
use crate::report::model::Location;

declare_rule! {
    /// ## What it checks
    /// Runtime variant: no two SOAP header fields have the same expanded name (namespace and
    /// local name).
    /// ## Why it matters
    /// The Security Server rejects a header with a repeated field (`duplicate_header_field`,
    /// `SoapParserImpl.validateSOAPHeader`); the specification text itself does not forbid it.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-duplicate-userid-runtime.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant-runtime.xml`
    pub NoDuplicateHeaderFields { id: "XRD-SOAP-031" }
}

impl Check for NoDuplicateHeaderFields {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let fields = soap.header_fields();
        for (i, f) in fields.iter().enumerate() {
            let Some(first) = fields.iter().take(i).find(|p| {
                namespace(**p) == namespace(*f) && p.tag_name().name() == f.tag_name().name()
            }) else {
                continue;
            };
            let line = match soap.loc(*first) {
                Location {
                    line: Some(l),
                    column: Some(c),
                    ..
                } => {
                    format!(" (first at line {l}, column {c})")
                }
                _ => String::new(),
            };
            emit.at(
                soap.loc(*f),
                format!("the header field {} occurs more than once{line}; the Security Server rejects duplicate header fields (duplicate_header_field)", name(*f)),
            );
        }
    }
}
