use super::view::{self, Wsdl};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// No binding describes attachments with the classic MIME binding (`mime:multipartRelated`).
    /// ## Why it matters
    /// PR-MESS §3.2 and Annex C: attachments are described with `ref:swaRef` elements or MTOM (`xmime:expectedContentTypes`); the WSDL MIME binding is legacy and poorly supported by client generators.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-mime-binding.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/wsdl-conformant.xml`
    pub AttachmentsSwarefOrMtom { id: "XRD-WSDL-010" }
}

impl Check for AttachmentsSwarefOrMtom {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(w) = Wsdl::of(ctx) else { return };
        for n in w.all(view::WSDL_MIME, "multipartRelated") {
            emit.at(
                w.loc(n),
                "attachments described with mime:multipartRelated (legacy): describe them with ref:swaRef or MTOM",
            );
        }
    }
}
