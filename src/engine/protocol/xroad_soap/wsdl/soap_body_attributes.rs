use super::view::{self, Wsdl};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// No `soap:body` of a binding carries a `namespace` or `encodingStyle` attribute (use is checked by XRD-WSDL-001).
    /// ## Why it matters
    /// PR-MESS §3: both attributes belong to RPC/encoded bindings; with document/literal the wrapper element's own namespace applies.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-body-namespace.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-conformant.xml`
    pub SoapBodyAttributes { id: "XRD-WSDL-007" }
}

impl Check for SoapBodyAttributes {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(w) = Wsdl::of(ctx) else { return };
        for n in w.all(view::WSDL_SOAP, "body") {
            for a in ["namespace", "encodingStyle"] {
                if let Some(v) = n.attribute(a) {
                    emit.at(
                        w.loc(n),
                        format!("soap:body has {a}=\"{v}\": not allowed in an X-Road WSDL"),
                    );
                }
            }
        }
    }
}
