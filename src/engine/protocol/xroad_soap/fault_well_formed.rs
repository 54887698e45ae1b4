use super::common::{name, namespace, shown, trimmed};
use crate::declare_rule;
use crate::engine::protocol::soap::SoapView;
use crate::engine::protocol::{Check, Emit, RuleContext};
use roxmltree::Node;

declare_rule! {
    /// ## What it checks
    /// A SOAP Fault has unqualified `faultcode` and `faultstring` children with non-empty
    /// (trimmed) text; the faultcode, without an optional `prefix:`, starts with a
    /// dot-separated segment that is, case-insensitively, `Client`, `Server`,
    /// `VersionMismatch` or `MustUnderstand` (so both `Server.ClientProxy.X` of Security Server
    /// 7.7 and earlier and `server.clientproxy.x` of 7.8 and later pass). The namespace of a
    /// `faultDetail` is not checked: it comes from Annex D.1, which is informative (PR-MESS
    /// names chapters 2-3 and Annexes A-B normative), SOAP 1.1 allows namespaced detail
    /// entries, and the Security Server reads `faultDetail` by local name. The runtime variant
    /// reports the findings as information: the Security Server passes a fault on without
    /// validating it (`SaxSoapParserImpl.SoapFaultHandler`).
    /// ## Why it matters
    /// PR-MESS §2.5 and SOAP 1.1 §4.4: technical errors are SOAP 1.1 Faults with a faultcode
    /// and a faultstring; clients classify errors by the faultcode class.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/fault-missing-faultcode.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/fault-technical.xml`
    pub FaultWellFormed { id: "XRD-SOAP-022" }
}

const CODE_CLASSES: [&str; 4] = ["Client", "Server", "VersionMismatch", "MustUnderstand"];

/// Finds the unqualified child `local`, reporting a missing, qualified or empty one.
fn required<'d, 'a>(
    soap: &SoapView<'d, 'a>,
    fault: Node<'d, 'a>,
    local: &str,
    emit: &mut Emit<'_>,
) -> Option<(Node<'d, 'a>, String)> {
    let children: Vec<Node<'d, 'a>> = fault
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == local)
        .collect();
    let Some(node) = children.iter().copied().find(|c| namespace(*c).is_none()) else {
        match children.first() {
            Some(q) => emit.at(
                soap.loc(*q),
                format!(
                    "{} is namespace-qualified ({}); the SOAP 1.1 Fault requires an unqualified {local} element (in no namespace)",
                    name(*q),
                    namespace(*q).unwrap_or("")
                ),
            ),
            None => emit.at(soap.loc(fault), format!("the SOAP Fault has no {local} element; SOAP 1.1 requires faultcode and faultstring")),
        }
        return None;
    };
    let value = trimmed(node);
    if value.is_empty() {
        emit.at(
            soap.loc(node),
            format!("{local} is empty; it must have a value"),
        );
        return None;
    }
    Some((node, value))
}

impl Check for FaultWellFormed {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(fault) = soap.fault() else { return };
        if let Some((node, code)) = required(soap, fault, "faultcode", emit) {
            let local = code.split_once(':').map_or(code.as_str(), |(_, rest)| rest);
            let class = local.split('.').next().unwrap_or("");
            if !CODE_CLASSES.iter().any(|c| c.eq_ignore_ascii_case(class)) {
                emit.at(
                    soap.loc(node),
                    format!(
                        "faultcode {} does not start with a SOAP 1.1 fault code class ({}), e.g. Server.ClientProxy.NetworkError or server.clientproxy.network_error",
                        shown(&code),
                        CODE_CLASSES.join(", ")
                    ),
                );
            }
        }
        let _ = required(soap, fault, "faultstring", emit);
    }
}
