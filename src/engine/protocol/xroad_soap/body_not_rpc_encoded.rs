use super::common::{name, shown, xml_trim};
use crate::declare_rule;
use crate::engine::protocol::soap::SOAP11;
use crate::engine::protocol::{Check, Emit, RuleContext};
use roxmltree::Node;

declare_rule! {
    /// ## What it checks
    /// No `SOAP-ENV:encodingStyle` attribute with a non-empty value appears on the Envelope,
    /// the Body or any element inside the Body.
    /// ## Why it matters
    /// PR-MESS §2.3: X-Road messages are document/literal. The Security Server treats an
    /// `encodingStyle` as an RPC/encoded message (`SoapUtils.isRpcMessage`) and rejects it.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-rpc-encoded.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub BodyNotRpcEncoded { id: "XRD-SOAP-018" }
}

impl Check for BodyNotRpcEncoded {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let mut nodes: Vec<Node<'_, '_>> = vec![soap.envelope];
        if let Some(body) = soap.body {
            nodes.extend(body.descendants().filter(Node::is_element));
        }
        for n in nodes {
            if let Some(style) = n.attribute((SOAP11, "encodingStyle"))
                && !xml_trim(style).is_empty()
            {
                emit.at(
                    soap.loc(n),
                    format!(
                        "{} has SOAP-ENV:encodingStyle={}: an RPC/encoded message; X-Road messages must be document/literal without encodingStyle",
                        name(n),
                        shown(style)
                    ),
                );
            }
        }
    }
}
