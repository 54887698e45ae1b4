use crate::declare_rule;
use crate::engine::protocol::soap::SoapView;
use crate::engine::protocol::{Check, Emit, RuleContext};
use roxmltree::Node;

declare_rule! {
    /// ## What it checks
    /// Given the request (`konform validate --request REQ RESP`, or a `<name>.request.xml`
    /// beside `<name>.response.xml`), the response header holds every request header field,
    /// in the same order, with the same namespace, local name and content. Prefixes may differ.
    /// Fields the response adds (such as `requestHash`) may follow or sit between them.
    /// ## Why it matters
    /// PR-MESS §2.2: the provider MUST copy all request header fields to the response; the
    /// client security server compares them (`inconsistent_headers`).
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/response-header-order-changed.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/response-conformant.xml`
    pub ResponseCopiesRequestHeaders { id: "XRD-SOAP-010" }
}

/// Namespace, local name and normalised content of an element (its subtree, prefix-free).
fn signature(n: Node<'_, '_>) -> String {
    let mut s = String::new();
    for d in n.descendants() {
        if d.is_element() {
            s.push_str(&format!("<{{{}}}{}", d.tag_name().namespace().unwrap_or(""), d.tag_name().name()));
            let mut attrs: Vec<String> = d
                .attributes()
                .map(|a| format!(" {{{}}}{}={:?}", a.namespace().unwrap_or(""), a.name(), a.value()))
                .collect();
            attrs.sort();
            s.push_str(&attrs.concat());
            s.push('>');
        } else if d.is_text() {
            s.push_str(d.text().unwrap_or("").trim());
        }
    }
    s
}

fn qname(n: Node<'_, '_>) -> String {
    format!("{{{}}}{}", n.tag_name().namespace().unwrap_or(""), n.tag_name().name())
}

impl Check for ResponseCopiesRequestHeaders {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let (Some(resp), Some(req)) = (&ctx.soap, &ctx.request_soap) else { return };
        check_pair(resp, req, emit);
    }
}

fn check_pair(resp: &SoapView<'_, '_>, req: &SoapView<'_, '_>, emit: &mut Emit<'_>) {
    let resp_fields = resp.header_fields();
    let mut cursor = 0;
    for field in req.header_fields() {
        let name = qname(field);
        let want = signature(field);
        match resp_fields.iter().position(|r| qname(*r) == name) {
            None => {
                emit.at(resp.header_loc(), format!("the request header field {} is missing from the response", field.tag_name().name()));
            }
            Some(at) => {
                let got = resp_fields[at];
                if signature(got) != want {
                    emit.at(resp.loc(got), format!("header field {} differs from the request's", field.tag_name().name()));
                }
                if at < cursor {
                    emit.at(resp.loc(got), format!("header field {} is out of the request's order", field.tag_name().name()));
                }
                cursor = cursor.max(at);
            }
        }
    }
}
