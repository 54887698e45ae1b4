//! A read-only view of a SOAP 1.1 envelope and X-Road identifiers, built once per document and
//! shared by the protocol rules.

use crate::document::xml::XmlDoc;
use crate::report::model::Location;
use roxmltree::Node;

/// SOAP 1.1 envelope namespace.
pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// SOAP 1.2 envelope namespace (recognised only to say it is the wrong one).
pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
/// X-Road message header namespace.
pub const XROAD: &str = "http://x-road.eu/xsd/xroad.xsd";
/// X-Road identifiers namespace.
pub const IDENT: &str = "http://x-road.eu/xsd/identifiers";
/// Third-party representation extension namespace.
pub const REPR: &str = "http://x-road.eu/xsd/representation.xsd";
/// SOAP encoding namespace (RPC/encoded style).
pub const SOAP_ENCODING: &str = "http://schemas.xmlsoap.org/soap/encoding/";

/// The parts of an envelope rules look at.
pub struct SoapView<'d, 'a> {
    /// The document.
    pub doc: &'d XmlDoc<'a>,
    /// Root element.
    pub envelope: Node<'d, 'a>,
    /// `Header`, if present (in the envelope's namespace).
    pub header: Option<Node<'d, 'a>>,
    /// `Body`, if present (in the envelope's namespace).
    pub body: Option<Node<'d, 'a>>,
}

impl<'d, 'a> SoapView<'d, 'a> {
    /// Builds the view (never fails; missing parts are `None`).
    pub fn new(doc: &'d XmlDoc<'a>) -> SoapView<'d, 'a> {
        let envelope = doc.tree.root_element();
        let ns = envelope.tag_name().namespace();
        let child = |local: &str| {
            envelope.children().find(|c| {
                c.is_element() && c.tag_name().namespace() == ns && c.tag_name().name() == local
            })
        };
        SoapView {
            doc,
            envelope,
            header: child("Header"),
            body: child("Body"),
        }
    }

    /// Whether the root is a SOAP 1.1 `Envelope`.
    pub fn is_soap11(&self) -> bool {
        self.envelope.tag_name().namespace() == Some(SOAP11)
            && self.envelope.tag_name().name() == "Envelope"
    }

    /// Element children of the header, in order.
    pub fn header_fields(&self) -> Vec<Node<'d, 'a>> {
        self.header
            .map(|h| h.children().filter(Node::is_element).collect())
            .unwrap_or_default()
    }

    /// All header fields with this namespace and local name.
    pub fn header_all(&self, ns: &str, local: &str) -> Vec<Node<'d, 'a>> {
        self.header_fields()
            .into_iter()
            .filter(|n| n.tag_name().namespace() == Some(ns) && n.tag_name().name() == local)
            .collect()
    }

    /// The first header field with this namespace and local name.
    pub fn header_field(&self, ns: &str, local: &str) -> Option<Node<'d, 'a>> {
        self.header_all(ns, local).into_iter().next()
    }

    /// An X-Road header field (`xrd:<local>`).
    pub fn xroad(&self, local: &str) -> Option<Node<'d, 'a>> {
        self.header_field(XROAD, local)
    }

    /// Element children of the body, in order.
    pub fn body_children(&self) -> Vec<Node<'d, 'a>> {
        self.body
            .map(|b| b.children().filter(Node::is_element).collect())
            .unwrap_or_default()
    }

    /// The SOAP `Fault` in the body, if any.
    pub fn fault(&self) -> Option<Node<'d, 'a>> {
        let ns = self.envelope.tag_name().namespace();
        self.body_children()
            .into_iter()
            .find(|c| c.tag_name().namespace() == ns && c.tag_name().name() == "Fault")
    }

    /// Location of a node.
    pub fn loc(&self, node: Node<'_, '_>) -> Location {
        self.doc.location(node)
    }

    /// Location of the header if present, else of the envelope.
    pub fn header_loc(&self) -> Location {
        self.loc(self.header.unwrap_or(self.envelope))
    }
}

/// An X-Road identifier (`client`, `service`, `securityServer`, list entries) read from XML.
#[derive(Debug, Clone)]
pub struct XRoadId<'d, 'a> {
    /// The element.
    pub node: Node<'d, 'a>,
    /// `id:objectType`, if present.
    pub object_type: Option<String>,
    /// Child elements in the identifiers namespace, in order: (local name, trimmed text, node).
    pub parts: Vec<(String, String, Node<'d, 'a>)>,
}

impl<'d, 'a> XRoadId<'d, 'a> {
    /// Reads an identifier element.
    pub fn read(node: Node<'d, 'a>) -> XRoadId<'d, 'a> {
        let parts = node
            .children()
            .filter(|c| c.is_element())
            .map(|c| {
                (
                    c.tag_name().name().to_string(),
                    c.text().unwrap_or("").trim().to_string(),
                    c,
                )
            })
            .collect();
        XRoadId {
            node,
            object_type: node.attribute((IDENT, "objectType")).map(str::to_string),
            parts,
        }
    }

    /// The value of a part.
    pub fn get(&self, local: &str) -> Option<&str> {
        self.parts
            .iter()
            .find(|p| p.0 == local)
            .map(|p| p.1.as_str())
    }

    /// `TYPE:a/b/c` form, as X-Road writes identifiers in logs and errors.
    pub fn display(&self) -> String {
        let codes: Vec<&str> = self.parts.iter().map(|p| p.1.as_str()).collect();
        format!(
            "{}:{}",
            self.object_type.as_deref().unwrap_or("?"),
            codes.join("/")
        )
    }
}
