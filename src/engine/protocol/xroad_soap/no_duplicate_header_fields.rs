use super::common::{name, namespace};
use super::server_reading;
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};
use crate::report::model::Location;

declare_rule! {
    /// ## What it checks
    /// No header field the Security Server reads occurs twice, decided per parsing path (both
    /// variants: the text does not forbid a repeat, and strict makes every check runtime
    /// makes). The proxy's SAX parser, which reads every message, rejects a repeated `xrd:id`,
    /// `userId`, `issue`, `protocolVersion`, `client`, `service`, `securityServer`,
    /// `requestHash` or `repr:representedParty` and skips other repeated fields; the JAXB
    /// parser, which also reads metaservice and operational monitoring requests, rejects any
    /// repeated field (same expanded name).
    /// ## Why it matters
    /// The Security Server rejects such a header (`duplicate_header_field`:
    /// `SaxSoapParserImpl.validateDuplicateHeader`, `SoapParserImpl.validateSOAPHeader`).
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
        let any_field = server_reading::on_jaxb_path(ctx, soap);
        for (i, f) in fields.iter().enumerate() {
            let read = server_reading::SAX_FIELDS.iter().any(|(ns, local)| {
                f.tag_name().namespace() == Some(*ns) && f.tag_name().name() == *local
            });
            if !read && !any_field {
                continue;
            }
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
