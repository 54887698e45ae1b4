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
    /// 7.7 and earlier and `server.clientproxy.x` of 7.8 and later pass); a `faultDetail` inside
    /// `detail` is in no namespace.
    /// ## Why it matters
    /// PR-MESS §2.5 and Annex D.1: technical errors are SOAP 1.1 Faults in this form; clients
    /// classify errors by the faultcode class and log the faultDetail id.
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
        for detail in fault
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "detail")
        {
            for fd in detail
                .children()
                .filter(|c| c.is_element() && c.tag_name().name() == "faultDetail")
            {
                if let Some(ns) = namespace(fd) {
                    emit.at(
                        soap.loc(fd),
                        format!("detail/faultDetail is in the namespace {ns}; it must be in no namespace (xmlns=\"\")"),
                    );
                }
            }
        }
    }
}
