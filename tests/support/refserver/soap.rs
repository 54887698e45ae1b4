//! The `getPet` X-Road SOAP provider of `pets.wsdl`, with seeded defects.

use super::{Soap, send};
use std::net::TcpStream;

const ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const XROAD: &str = "http://x-road.eu/xsd/xroad.xsd";

/// Handles one request body.
pub fn handle(s: &mut TcpStream, body: &str, d: Soap) {
    let ct = if d == Soap::ContentType {
        "text/xml"
    } else {
        "text/xml; charset=UTF-8"
    };
    let Ok(doc) = roxmltree::Document::parse(body) else {
        return fault(s, ct, "request is not well-formed XML", d);
    };
    let header = doc
        .root_element()
        .children()
        .find(|n| n.tag_name().name() == "Header" && n.tag_name().namespace() == Some(ENV));
    let wrapper = doc
        .root_element()
        .children()
        .find(|n| n.tag_name().name() == "Body")
        .and_then(|b| b.children().find(|n| n.is_element()));
    let (Some(header), Some(wrapper)) = (header, wrapper) else {
        return fault(s, ct, "missing header or body", d);
    };
    let meta = wrapper.tag_name().name();
    if wrapper.tag_name().namespace() == Some(XROAD) && meta == "getWsdl" {
        return get_wsdl(s, body, header, d);
    }
    if wrapper.tag_name().namespace() == Some(XROAD)
        && ["listMethods", "allowedMethods"].contains(&meta)
    {
        return list_methods(s, body, header, meta, ct, d);
    }
    let child = |name: &str| {
        wrapper
            .children()
            .find(|n| n.tag_name().name() == name)
            .map(|n| n.text().unwrap_or(""))
    };
    let id_ok = child("petId")
        .and_then(|t| t.trim().parse::<i32>().ok())
        .is_some_and(|i| (1..=1000).contains(&i));
    let name_ok = child("name")
        .is_none_or(|n| (1..=10).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_alphabetic()));
    let unknown = wrapper
        .children()
        .filter(|n| n.is_element())
        .any(|n| !["petId", "name"].contains(&n.tag_name().name()));
    if !(id_ok && name_ok && !unknown) && d != Soap::NoFault {
        return fault(s, ct, "invalid getPet request", d);
    }
    let mut fields: Vec<&str> = header
        .children()
        .filter(|n| n.is_element())
        .map(|n| &body[n.range()])
        .collect();
    if d == Soap::HeaderOrder && fields.len() > 1 {
        fields.swap(0, 1);
    }
    let name = if d == Soap::WrapperName {
        "getPetResult"
    } else {
        "getPetResponse"
    };
    let ns = wrapper.tag_name().namespace().unwrap_or("");
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"{ENV}\" xmlns:xrd=\"http://x-road.eu/xsd/xroad.xsd\" xmlns:id=\"http://x-road.eu/xsd/identifiers\" xmlns:ns1=\"{ns}\"><SOAP-ENV:Header>{}</SOAP-ENV:Header><SOAP-ENV:Body><ns1:{name}><name>Rex</name></ns1:{name}></SOAP-ENV:Body></SOAP-ENV:Envelope>\n",
        fields.join("")
    );
    send(s, "200 OK", &[("Content-Type", ct.into())], xml.as_bytes());
}

fn fault(s: &mut TcpStream, ct: &str, why: &str, d: Soap) {
    let string = if d == Soap::FaultFormat {
        String::new()
    } else {
        format!("<faultstring>{why}</faultstring>")
    };
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"{ENV}\"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode>{string}</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>\n"
    );
    send(
        s,
        "500 Internal Server Error",
        &[("Content-Type", ct.into())],
        xml.as_bytes(),
    );
}

fn list_methods(
    s: &mut TcpStream,
    body: &str,
    header: roxmltree::Node<'_, '_>,
    name: &str,
    ct: &str,
    d: Soap,
) {
    let service = |code: &str| {
        format!(
            "<xrd:service id:objectType=\"SERVICE\"><id:xRoadInstance>DEV</id:xRoadInstance><id:memberClass>GOV</id:memberClass><id:memberCode>1234</id:memberCode><id:subsystemCode>PETS</id:subsystemCode><id:serviceCode>{code}</id:serviceCode></xrd:service>"
        )
    };
    let mut list = service("getPet");
    if d == Soap::ListsMetaservices {
        list.push_str(&service("listMethods"));
    }
    let fields: String = header
        .children()
        .filter(|n| n.is_element())
        .map(|n| &body[n.range()])
        .collect();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"{ENV}\" xmlns:xrd=\"{XROAD}\" xmlns:id=\"http://x-road.eu/xsd/identifiers\"><SOAP-ENV:Header>{fields}</SOAP-ENV:Header><SOAP-ENV:Body><xrd:{name}Response>{list}</xrd:{name}Response></SOAP-ENV:Body></SOAP-ENV:Envelope>\n"
    );
    send(s, "200 OK", &[("Content-Type", ct.into())], xml.as_bytes());
}

fn get_wsdl(s: &mut TcpStream, body: &str, header: roxmltree::Node<'_, '_>, d: Soap) {
    let fields: String = header
        .children()
        .filter(|n| n.is_element())
        .map(|n| &body[n.range()])
        .collect();
    let root = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"{ENV}\" xmlns:xrd=\"{XROAD}\" xmlns:id=\"http://x-road.eu/xsd/identifiers\"><SOAP-ENV:Header>{fields}</SOAP-ENV:Header><SOAP-ENV:Body><xrd:getWsdlResponse><xrd:serviceCode>getPet</xrd:serviceCode></xrd:getWsdlResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    );
    let mut wsdl = include_str!("../../fixtures/endpoint/pets.wsdl").to_string();
    if d == Soap::WsdlAddress {
        wsdl = wsdl.replace(
            "http://example.org/xroad-endpoint",
            "http://10.0.0.7:8080/pets",
        );
    }
    if d == Soap::ReturnedWsdlRpc {
        wsdl = wsdl.replace("style=\"document\"", "style=\"rpc\"");
    }
    let b = "konformBoundary1";
    let multipart = format!(
        "--{b}\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\nContent-ID: <root@pets>\r\n\r\n{root}\r\n--{b}\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\nContent-ID: <wsdl@pets>\r\n\r\n{wsdl}\r\n--{b}--\r\n"
    );
    let ct =
        format!("multipart/related; type=\"text/xml\"; start=\"<root@pets>\"; boundary=\"{b}\"");
    send(s, "200 OK", &[("Content-Type", ct)], multipart.as_bytes());
}
