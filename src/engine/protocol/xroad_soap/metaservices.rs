//! SOAP metaservices (PR-META): `listMethods`, `allowedMethods` and `getWsdl` requests and their
//! answers.

use super::common::trimmed;
use crate::declare_rule;
use crate::engine::protocol::soap::{IDENT, SoapView, XROAD, XRoadId};
use crate::engine::protocol::{Check, Emit, RuleContext};

const LISTS: [&str; 2] = ["listMethods", "allowedMethods"];
const METASERVICES: [&str; 3] = ["listMethods", "allowedMethods", "getWsdl"];

/// The trimmed `xrd:service/iden:serviceCode` of a message.
fn service_code(soap: &SoapView<'_, '_>) -> Option<String> {
    let service = soap.xroad("service")?;
    let code = service.children().find(|c| {
        c.tag_name().namespace() == Some(IDENT) && c.tag_name().name() == "serviceCode"
    })?;
    Some(trimmed(code))
}

declare_rule! {
    /// ## What it checks
    /// A `listMethods` / `allowedMethods` request (service code of that name) has as its body
    /// the empty element `xrd:listMethods` / `xrd:allowedMethods` (X-Road namespace, no child
    /// elements).
    /// ## Why it matters
    /// PR-META §3: the metaservice request carries no parameters; another body is refused.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-listmethods-wrong-body.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-listmethods.xml`
    pub ListRequestBody { id: "XRD-META-004" }
}

impl Check for ListRequestBody {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(code) = service_code(soap).filter(|c| LISTS.contains(&c.as_str())) else {
            return;
        };
        let Some(wrapper) = soap.body_children().into_iter().next() else {
            return;
        };
        let named =
            wrapper.tag_name().namespace() == Some(XROAD) && wrapper.tag_name().name() == code;
        if !named || wrapper.children().any(|c| c.is_element()) {
            emit.at(
                soap.loc(wrapper),
                format!("the {code} request body must be the empty element xrd:{code}"),
            );
        }
    }
}

/// Checks that a request whose body is the metaservice element `xrd:{names}` calls that
/// metaservice: its service header's `serviceCode` is the element's name.
fn body_names_header(ctx: &RuleContext<'_>, emit: &mut Emit<'_>, names: &[&str]) {
    let Some(soap) = &ctx.soap else { return };
    let Some(wrapper) = soap.body_children().into_iter().next() else {
        return;
    };
    let name = wrapper.tag_name().name();
    if wrapper.tag_name().namespace() != Some(XROAD) || !names.contains(&name) {
        return;
    }
    match service_code(soap) {
        Some(code) if code == name => {}
        Some(code) => emit.at(
            soap.loc(wrapper),
            format!(
                "the body is an xrd:{name} request, but the service header names service code `{code}`; it must be `{name}`"
            ),
        ),
        None => emit.at(
            soap.loc(wrapper),
            format!(
                "the body is an xrd:{name} request, but there is no service header with serviceCode `{name}`"
            ),
        ),
    }
}

declare_rule! {
    /// ## What it checks
    /// A request whose body is `xrd:listMethods` or `xrd:allowedMethods` carries, in its
    /// `xrd:service` header, the service code of that name (the identifier of the provider
    /// whose services are listed, with `serviceCode` `listMethods` / `allowedMethods`).
    /// ## Why it matters
    /// PR-META §3: the metaservice is invoked as a regular X-Road service; the Security Server
    /// routes by the service header, so a body that asks for a list under another service code
    /// reaches that service instead.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-listmethods-wrong-service-code.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-listmethods.xml`
    pub ListRequestHeader { id: "XRD-META-003" }
}

impl Check for ListRequestHeader {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        body_names_header(ctx, emit, &LISTS);
    }
}

declare_rule! {
    /// ## What it checks
    /// A request whose body is `xrd:getWsdl` carries the service code `getWsdl` in its
    /// `xrd:service` header.
    /// ## Why it matters
    /// PR-META §4: `getWsdl` is invoked as a regular X-Road service of the provider; with
    /// another service code the request goes to that service.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-getwsdl-wrong-service-code.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-getwsdl.xml`
    pub GetWsdlRequestHeader { id: "XRD-META-007" }
}

impl Check for GetWsdlRequestHeader {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        body_names_header(ctx, emit, &["getWsdl"]);
    }
}

/// The `xrd:listMethodsResponse` / `xrd:allowedMethodsResponse` wrapper of a response.
fn list_response<'d, 'a>(soap: &SoapView<'d, 'a>) -> Option<roxmltree::Node<'d, 'a>> {
    let wrapper = soap.body_children().into_iter().next()?;
    let local = wrapper.tag_name().name();
    (wrapper.tag_name().namespace() == Some(XROAD)
        && LISTS
            .iter()
            .any(|l| local.strip_suffix("Response") == Some(l)))
    .then_some(wrapper)
}

declare_rule! {
    /// ## What it checks
    /// A `listMethodsResponse` / `allowedMethodsResponse` (X-Road namespace) holds only
    /// `xrd:service` elements, each an identifier of object type `SERVICE` with a service code.
    /// ## Why it matters
    /// PR-META §3: the answer is a list of XRoadServiceIdentifierType; clients read it to
    /// discover the provider's services.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/response-listmethods-not-services.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/response-listmethods.xml`
    pub ListResponseServices { id: "XRD-META-005" }
}

impl Check for ListResponseServices {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(list) = list_response(soap) else {
            return;
        };
        for c in list.children().filter(|c| c.is_element()) {
            let is_service =
                c.tag_name().namespace() == Some(XROAD) && c.tag_name().name() == "service";
            let id = XRoadId::read(c);
            if !is_service
                || id.object_type.as_deref() != Some("SERVICE")
                || id.get("serviceCode").is_none_or(str::is_empty)
            {
                emit.at(
                    soap.loc(c),
                    format!("`{}` in the service list is not an xrd:service identifier of type SERVICE with a serviceCode", c.tag_name().name()),
                );
            }
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// The services of a `listMethodsResponse` / `allowedMethodsResponse` do not include the
    /// metaservices `listMethods`, `allowedMethods` and `getWsdl`.
    /// ## Why it matters
    /// PR-META §3: the list SHALL NOT contain the metaservices themselves.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/response-listmethods-with-metaservices.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/response-listmethods.xml`
    pub ListWithoutMetaservices { id: "XRD-META-006" }
}

impl Check for ListWithoutMetaservices {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(list) = list_response(soap) else {
            return;
        };
        for c in list.children().filter(|c| c.is_element()) {
            let id = XRoadId::read(c);
            if let Some(code) = id.get("serviceCode").filter(|c| METASERVICES.contains(c)) {
                emit.at(
                    soap.loc(c),
                    format!("the service list contains the metaservice {code}"),
                );
            }
        }
    }
}

/// The getWsdl wrapper of a message body, if it is one (`xrd:getWsdl` / `xrd:getWsdlResponse`).
fn get_wsdl<'d, 'a>(soap: &SoapView<'d, 'a>, local: &str) -> Option<roxmltree::Node<'d, 'a>> {
    let wrapper = soap.body_children().into_iter().next()?;
    (wrapper.tag_name().namespace() == Some(XROAD) && wrapper.tag_name().name() == local)
        .then_some(wrapper)
}

declare_rule! {
    /// ## What it checks
    /// A `getWsdl` request body (`xrd:getWsdl`) names the service: it has a non-empty
    /// `xrd:serviceCode` child (`xrd:serviceVersion` is optional).
    /// ## Why it matters
    /// PR-META §4: the Security Server returns the WSDL of the named service; without a
    /// service code there is nothing to return.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-getwsdl-no-service-code.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-getwsdl.xml`
    pub GetWsdlNamesService { id: "XRD-META-008" }
}

impl Check for GetWsdlNamesService {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(w) = get_wsdl(soap, "getWsdl") else {
            return;
        };
        let named = w.children().any(|c| {
            c.tag_name().namespace() == Some(XROAD)
                && c.tag_name().name() == "serviceCode"
                && !trimmed(c).is_empty()
        });
        if !named {
            emit.at(soap.loc(w), "the getWsdl request has no xrd:serviceCode");
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// A `getWsdlResponse` comes as a MIME multipart message whose attachment (a part after
    /// the SOAP part) holds the WSDL.
    /// ## Why it matters
    /// PR-META §4: the WSDL is returned as a SOAP attachment; clients look for it there.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/http-response-getwsdl-inline.http`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/http-response-getwsdl.http`
    pub GetWsdlAttachment { id: "XRD-META-009" }
}

impl Check for GetWsdlAttachment {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let (Some(soap), Some(http)) = (&ctx.soap, ctx.input.http) else {
            return;
        };
        let Some(w) = get_wsdl(soap, "getWsdlResponse") else {
            return;
        };
        if http.parts.len() < 2 {
            emit.at(
                soap.loc(w),
                "the getWsdl response has no MIME attachment with the WSDL",
            );
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// The WSDL attached to a `getWsdlResponse` has every `soap:address/@location` replaced
    /// by `http://example.org/xroad-endpoint`.
    /// ## Why it matters
    /// PR-META §4: the Security Server MUST NOT reveal the provider's internal address.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/http-response-getwsdl-real-address.http`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/http-response-getwsdl.http`
    pub GetWsdlAddressHidden { id: "XRD-META-010" }
}

const WSDL_SOAP: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
const HIDDEN: &str = "http://example.org/xroad-endpoint";

impl Check for GetWsdlAddressHidden {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let (Some(soap), Some(http)) = (&ctx.soap, ctx.input.http) else {
            return;
        };
        if get_wsdl(soap, "getWsdlResponse").is_none() {
            return;
        }
        for (i, part) in http
            .parts
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != http.root)
        {
            let Some(bytes) = ctx.input.raw.get(part.body.clone()) else {
                continue;
            };
            let base64 =
                crate::document::http::find_header(&part.headers, "Content-Transfer-Encoding")
                    .is_some_and(|h| h.value.trim().eq_ignore_ascii_case("base64"));
            let decoded;
            let bytes = if base64 {
                let Ok(d) = super::common::decode_base64(&String::from_utf8_lossy(bytes)) else {
                    continue;
                };
                decoded = d;
                &decoded[..]
            } else {
                bytes
            };
            let Ok(text) = std::str::from_utf8(bytes) else {
                continue;
            };
            let Ok(doc) = roxmltree::Document::parse(text) else {
                continue;
            };
            for a in doc.descendants().filter(|n| {
                n.tag_name().namespace() == Some(WSDL_SOAP) && n.tag_name().name() == "address"
            }) {
                let loc = a.attribute("location").unwrap_or("");
                if loc != HIDDEN {
                    emit.at(
                        super::common::part_loc(part),
                        format!("attachment {i}: soap:address location `{loc}` is not {HIDDEN}"),
                    );
                }
            }
        }
    }
}
