//! X-Road SOAP providers: operations from a WSDL 1.1 (document/literal wrappers whose children
//! are simple-typed; XSD facets become JSON Schema so the same generators, confirmation and
//! shrinking apply), request envelopes with the X-Road headers, and the check of each response
//! with the `xroad-soap` package paired with its request (XRD-SOAP-010 header copy, 017
//! wrapper name, 022 fault format, 024 content type). An invalid request must get a fault.

use super::checks::{TRANSPORT, Violation};
use super::client::{Request, Response};
use super::compiled::CompiledOp;
use super::openapi::{Operation, Param, ParamIn};
use crate::document::Document;
use crate::pipeline::Session;
use serde_json::{Value, json};

const XS: &str = "http://www.w3.org/2001/XMLSchema";
const WSDL: &str = "http://schemas.xmlsoap.org/wsdl/";

/// What a SOAP operation needs beyond its slots.
#[derive(Debug, Clone)]
pub struct SoapOp {
    /// Namespace of the wrapper.
    pub namespace: String,
    /// Wrapper (= operation = service code) name.
    pub wrapper: String,
    /// Whether children are qualified.
    pub qualified: bool,
    /// Client identifier parts (instance/class/member[/subsystem]).
    pub client: Vec<String>,
    /// Service provider identifier parts.
    pub provider: Vec<String>,
}

/// Reads the operations of a WSDL: `(operation, soap details)` for each portType operation
/// whose input wrapper is found.
pub fn load(text: &str, client: &str, provider: &str) -> Result<Vec<CompiledOp>, String> {
    let doc = roxmltree::Document::parse(text).map_err(|e| format!("not well-formed XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().namespace() != Some(WSDL) || root.tag_name().name() != "definitions" {
        return Err("not a WSDL 1.1 document (root is not wsdl:definitions)".into());
    }
    let schemas: Vec<_> = root
        .descendants()
        .filter(|n| n.tag_name().namespace() == Some(XS) && n.tag_name().name() == "schema")
        .collect();
    let parts = |s: &str| s.split('/').map(String::from).collect::<Vec<_>>();
    let mut out = Vec::new();
    for op in root.descendants().filter(|n| {
        is(n, WSDL, "operation") && n.parent().is_some_and(|p| is(&p, WSDL, "portType"))
    }) {
        let Some(name) = op.attribute("name") else {
            continue;
        };
        let Some(msg) = op
            .children()
            .find(|c| is(c, WSDL, "input"))
            .and_then(|i| i.attribute("message"))
        else {
            continue;
        };
        let msg_local = local(msg);
        let Some(element) = root
            .children()
            .find(|m| is(m, WSDL, "message") && m.attribute("name") == Some(msg_local))
            .and_then(|m| m.children().find(|p| is(p, WSDL, "part")))
            .and_then(|p| p.attribute("element"))
        else {
            continue;
        };
        let Some((schema, decl)) = schemas.iter().find_map(|s| {
            s.children()
                .find(|e| is(e, XS, "element") && e.attribute("name") == Some(local(element)))
                .map(|e| (*s, e))
        }) else {
            continue;
        };
        let namespace = schema
            .attribute("targetNamespace")
            .unwrap_or("")
            .to_string();
        let qualified = schema.attribute("elementFormDefault") == Some("qualified");
        let params = children(schema, decl)
            .into_iter()
            .map(|(n, required, s)| Param {
                name: n,
                location: ParamIn::XmlElement,
                required,
                schema: s,
            })
            .collect();
        let operation = Operation {
            method: "POST".into(),
            path: String::new(),
            id: name.to_string(),
            params,
            body: None,
            responses: Vec::new(),
        };
        let mut c = CompiledOp::new(operation);
        c.soap = Some(SoapOp {
            namespace,
            wrapper: local(element).to_string(),
            qualified,
            client: parts(client),
            provider: parts(provider),
        });
        out.push(c);
    }
    if out.is_empty() {
        return Err("the WSDL has no operation with a document/literal input wrapper".into());
    }
    Ok(out)
}

fn is(n: &roxmltree::Node<'_, '_>, ns: &str, name: &str) -> bool {
    n.is_element() && n.tag_name().namespace() == Some(ns) && n.tag_name().name() == name
}

fn local(qname: &str) -> &str {
    qname.rsplit(':').next().unwrap_or(qname)
}

/// The simple-typed children of a wrapper declaration (inline or named complexType).
fn children(
    schema: roxmltree::Node<'_, '_>,
    decl: roxmltree::Node<'_, '_>,
) -> Vec<(String, bool, Value)> {
    let ct = decl
        .children()
        .find(|c| is(c, XS, "complexType"))
        .or_else(|| {
            let t = local(decl.attribute("type")?);
            schema
                .children()
                .find(|c| is(c, XS, "complexType") && c.attribute("name") == Some(t))
        });
    let Some(seq) = ct.and_then(|c| c.children().find(|s| is(s, XS, "sequence"))) else {
        return Vec::new();
    };
    seq.children()
        .filter(|e| is(e, XS, "element"))
        .filter_map(|e| {
            let name = e.attribute("name")?.to_string();
            let required = e.attribute("minOccurs") != Some("0");
            let s = match e.attribute("type") {
                Some(t) => simple(schema, t),
                None => e
                    .children()
                    .find(|c| is(c, XS, "simpleType"))
                    .map(restriction)?,
            };
            Some((name, required, s))
        })
        .collect()
}

/// An XSD built-in or named simple type as JSON Schema.
fn simple(schema: roxmltree::Node<'_, '_>, t: &str) -> Value {
    let l = local(t);
    match l {
        "int" | "integer" | "long" | "short" => {
            json!({"type": "integer", "minimum": -2147483648i64, "maximum": 2147483647})
        }
        "nonNegativeInteger" | "unsignedInt" => {
            json!({"type": "integer", "minimum": 0, "maximum": 2147483647})
        }
        "positiveInteger" => json!({"type": "integer", "minimum": 1, "maximum": 2147483647}),
        "boolean" => json!({"type": "boolean"}),
        "decimal" | "double" | "float" => json!({"type": "number"}),
        "date" => json!({"type": "string", "format": "date"}),
        "dateTime" => json!({"type": "string", "format": "date-time"}),
        "string" | "normalizedString" | "token" => {
            json!({"type": "string", "pattern": "^[A-Za-z0-9 ]*$"})
        }
        _ => schema
            .children()
            .find(|c| is(c, XS, "simpleType") && c.attribute("name") == Some(l))
            .map(restriction)
            .unwrap_or_else(|| json!({"type": "string", "pattern": "^[A-Za-z0-9]*$"})),
    }
}

fn restriction(st: roxmltree::Node<'_, '_>) -> Value {
    let Some(r) = st.children().find(|c| is(c, XS, "restriction")) else {
        return json!({"type": "string"});
    };
    let mut s = match r.attribute("base").map(local) {
        Some("int" | "integer" | "long" | "short") => json!({"type": "integer"}),
        Some("decimal" | "double") => json!({"type": "number"}),
        _ => json!({"type": "string"}),
    };
    let enums: Vec<Value> = r
        .children()
        .filter(|c| is(c, XS, "enumeration"))
        .filter_map(|c| c.attribute("value"))
        .map(|v| json!(v))
        .collect();
    if !enums.is_empty() {
        s["enum"] = Value::Array(enums);
    }
    for facet in r.children().filter(|c| c.is_element()) {
        let (Some(v), name) = (facet.attribute("value"), facet.tag_name().name()) else {
            continue;
        };
        let num = v.parse::<i64>().ok().map(Value::from);
        match (name, num) {
            ("minLength", Some(n)) => s["minLength"] = n,
            ("maxLength", Some(n)) => s["maxLength"] = n,
            ("length", Some(n)) => {
                s["minLength"] = n.clone();
                s["maxLength"] = n;
            }
            ("minInclusive", Some(n)) => s["minimum"] = n,
            ("maxInclusive", Some(n)) => s["maximum"] = n,
            ("pattern", _) => s["pattern"] = json!(format!("^(?:{v})$")),
            _ => {}
        }
    }
    s
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn ident(tag: &str, object_type: &str, parts: &[String], service: Option<&str>) -> String {
    let names = [
        "xRoadInstance",
        "memberClass",
        "memberCode",
        "subsystemCode",
    ];
    let mut x = format!("<xrd:{tag} id:objectType=\"{object_type}\">");
    for (n, p) in names.iter().zip(parts) {
        x.push_str(&format!("<id:{n}>{}</id:{n}>", esc(p)));
    }
    if let Some(s) = service {
        x.push_str(&format!("<id:serviceCode>{}</id:serviceCode>", esc(s)));
    }
    x.push_str(&format!("</xrd:{tag}>"));
    x
}

/// The request envelope of a case (POST to the base path).
pub fn build(
    base_path: &str,
    s: &SoapOp,
    op: &CompiledOp,
    values: &[Option<Value>],
    extra: &[(String, String)],
) -> Request {
    let client_type = if s.client.len() > 3 {
        "SUBSYSTEM"
    } else {
        "MEMBER"
    };
    let id = uuid_of(values);
    let mut body = String::new();
    for (slot, v) in op.slots.iter().zip(values) {
        let Some(v) = v else { continue };
        let tag = if s.qualified {
            format!("ns1:{}", slot.name)
        } else {
            slot.name.clone()
        };
        body.push_str(&format!("<{tag}>{}</{tag}>", esc(&super::wire::to_text(v))));
    }
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xrd=\"http://x-road.eu/xsd/xroad.xsd\" xmlns:id=\"http://x-road.eu/xsd/identifiers\" xmlns:ns1=\"{}\"><SOAP-ENV:Header>{}{}<xrd:id>{id}</xrd:id><xrd:protocolVersion>4.0</xrd:protocolVersion></SOAP-ENV:Header><SOAP-ENV:Body><ns1:{w}>{body}</ns1:{w}></SOAP-ENV:Body></SOAP-ENV:Envelope>\n",
        esc(&s.namespace),
        ident("client", client_type, &s.client, None),
        ident("service", "SERVICE", &s.provider, Some(&s.wrapper)),
        w = s.wrapper,
    );
    let mut headers = vec![
        (
            "Content-Type".to_string(),
            "text/xml; charset=UTF-8".to_string(),
        ),
        ("SOAPAction".to_string(), "\"\"".to_string()),
    ];
    headers.extend(
        extra
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("X-Road-Client"))
            .cloned(),
    );
    Request {
        method: "POST".into(),
        target: if base_path.is_empty() {
            "/".into()
        } else {
            base_path.into()
        },
        headers,
        body: xml,
    }
}

/// A UUID derived from the case values (stable for a case, different between cases).
fn uuid_of(values: &[Option<Value>]) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(serde_json::to_vec(values).unwrap_or_default());
    let h = hex::encode(&d[..16]);
    format!(
        "{}-{}-4{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// Checks a response with the package's rules, paired with its request.
pub fn check(
    session: &mut Session<'_>,
    req: &Request,
    resp: &Response,
    negative: bool,
) -> Vec<Violation> {
    let request = Document::from_bytes("request.xml", req.body.clone().into_bytes());
    let doc = Document::from_bytes("response.http", resp.capture());
    let result = session.validate(&doc, Some(&request));
    let mut out = super::xroad::violations(&result);
    let profile = result.profile.as_deref();
    if let Some(e) = &result.error {
        out.push(Violation {
            rule: if resp.body.is_empty() {
                TRANSPORT.into()
            } else {
                "XRD-SOAP-001".into()
            },
            message: format!("the response is not an X-Road SOAP message: {}", e.message),
        });
    } else if profile == Some("request") {
        out.push(Violation {
            rule: "XRD-SOAP-017".into(),
            message:
                "the response body's wrapper does not end in `Response` (it reads as a request)"
                    .into(),
        });
    }
    if negative && profile != Some("fault") {
        out.push(Violation {
            rule: "KONFORM-ENDPOINT-002".into(),
            message: format!(
                "a request that violates the schema was answered {} without a SOAP fault",
                resp.status
            ),
        });
    }
    out
}

/// The `listMethods`, `allowedMethods` and `getWsdl` (for the operation of `s`) metaservice
/// requests to the provider of `s`.
pub fn metaservice_requests(
    base_path: &str,
    s: &SoapOp,
    extra: &[(String, String)],
) -> Vec<(String, Request)> {
    ["listMethods", "allowedMethods", "getWsdl"]
        .into_iter()
        .map(|name| {
            let meta = SoapOp {
                namespace: XROAD_NS.into(),
                wrapper: name.into(),
                qualified: false,
                client: s.client.clone(),
                provider: s.provider.clone(),
            };
            let op = CompiledOp::new(Operation {
                method: "POST".into(),
                path: String::new(),
                id: name.into(),
                params: Vec::new(),
                body: None,
                responses: Vec::new(),
            });
            let mut req = build(base_path, &meta, &op, &[], extra);
            // listMethods/allowedMethods: the empty element; getWsdl: names the service.
            let body = if name == "getWsdl" {
                format!(
                    "<ns1:getWsdl><ns1:serviceCode>{}</ns1:serviceCode></ns1:getWsdl>",
                    esc(&s.wrapper)
                )
            } else {
                format!("<ns1:{name}/>")
            };
            req.body = req
                .body
                .replace(&format!("<ns1:{name}></ns1:{name}>"), &body);
            (name.to_string(), req)
        })
        .collect()
}

const XROAD_NS: &str = "http://x-road.eu/xsd/xroad.xsd";

/// Calls the metaservices of the provider and checks each answer with the package.
pub fn metaservices(cfg: &super::Config, session: &mut Session<'_>) -> Vec<super::Failure> {
    let Some(s) = cfg.operations.iter().find_map(|o| o.soap.as_ref()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, req) in metaservice_requests(&cfg.origin.base_path, s, &cfg.headers) {
        out.extend(super::xroad::fixed_call(cfg, &name, &req, |resp| {
            let mut found = check(session, &req, resp, false);
            if name == "getWsdl" {
                found.extend(super::returned_wsdl::check(session, resp));
            }
            found
        }));
    }
    for (name, req) in super::list_clients::requests(&cfg.headers) {
        out.extend(super::xroad::fixed_call(cfg, &name, &req, |resp| {
            super::list_clients::check(session, &name, resp)
        }));
    }
    out
}
