use super::view::{self, Wsdl};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// Every operation of a binding states the service version in `xrd:version`.
    /// ## Why it matters
    /// PR-MESS §3 Table 2: the binding's `xrd:version` is the version X-Road publishes for the service (the `serviceVersion` of the service identifier); without it clients cannot address a version.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-no-version.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-conformant.xml`
    pub ServiceVersion { id: "XRD-WSDL-009" }
}

impl Check for ServiceVersion {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(w) = Wsdl::of(ctx) else { return };
        for op in w.all(view::WSDL, "binding").flat_map(|b| {
            b.children()
                .filter(|n| view::is(*n, view::WSDL, "operation"))
        }) {
            if !op.children().any(|n| view::is(n, view::XRD, "version")) {
                emit.at(
                    w.loc(op),
                    format!(
                        "binding operation `{}` has no xrd:version",
                        op.attribute("name").unwrap_or("")
                    ),
                );
            }
        }
    }
}
