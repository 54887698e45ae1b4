use super::view::{self, Wsdl};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// No message part of the WSDL names the element `xrd:requestHash`.
    /// ## Why it matters
    /// PR-MESS §2.2: the request hash is added to responses by the provider's Security Server; a service description that declares it suggests the provider sets it itself.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-request-hash.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-conformant.xml`
    pub NoRequestHash { id: "XRD-WSDL-008" }
}

impl Check for NoRequestHash {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(w) = Wsdl::of(ctx) else { return };
        for p in w.all(view::WSDL, "part") {
            let hash = p.attribute("element").is_some_and(|e| {
                let (ns, local) = view::resolve(p, e);
                ns.as_deref() == Some(view::XRD) && local == "requestHash"
            });
            if hash {
                emit.at(
                    w.loc(p),
                    format!(
                        "part `{}` declares xrd:requestHash: the Security Server adds it, the WSDL should not describe it",
                        p.attribute("name").unwrap_or("")
                    ),
                );
            }
        }
    }
}
