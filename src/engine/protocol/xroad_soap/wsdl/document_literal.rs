use super::view::{self, Wsdl};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// Every `soap:binding` and `soap:operation` has `style="document"` (or no style, which is document), and every `soap:body` of a binding has `use="literal"` (or no use).
    /// ## Why it matters
    /// PR-MESS §3: X-Road services are described in WSDL 1.1 with the document/literal style; X-Road messages are document/literal (XRD-SOAP-018), so an RPC or encoded binding describes messages the Security Server rejects.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-rpc-style.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-conformant.xml`
    pub DocumentLiteral { id: "XRD-WSDL-001" }
}

impl Check for DocumentLiteral {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(w) = Wsdl::of(ctx) else { return };
        for n in w
            .all(view::WSDL_SOAP, "binding")
            .chain(w.all(view::WSDL_SOAP, "operation"))
        {
            if let Some(style) = n.attribute("style").filter(|s| s.trim() != "document") {
                emit.at(
                    w.loc(n),
                    format!(
                        "soap:{} has style=\"{style}\": X-Road services must be described with the document style",
                        n.tag_name().name()
                    ),
                );
            }
        }
        for n in w.all(view::WSDL_SOAP, "body") {
            if let Some(u) = n.attribute("use").filter(|u| u.trim() != "literal") {
                emit.at(
                    w.loc(n),
                    format!("soap:body has use=\"{u}\": X-Road services must use literal"),
                );
            }
        }
    }
}
