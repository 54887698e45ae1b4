//! A read-only view of a WSDL 1.1 document for the XRD-WSDL rules: the operations of its port
//! types with their input and output messages, the body parts of a message (parts bound as
//! `soap:header` left out), and the global schema element a part names.

use crate::document::xml::XmlDoc;
use crate::engine::protocol::RuleContext;
use crate::report::model::Location;
use roxmltree::Node;

/// WSDL 1.1.
pub const WSDL: &str = "http://schemas.xmlsoap.org/wsdl/";
/// WSDL 1.1 SOAP 1.1 binding.
pub const WSDL_SOAP: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
/// WSDL 1.1 MIME binding.
pub const WSDL_MIME: &str = "http://schemas.xmlsoap.org/wsdl/mime/";
/// XML Schema.
pub const XS: &str = "http://www.w3.org/2001/XMLSchema";
/// The X-Road namespace.
pub const XRD: &str = "http://x-road.eu/xsd/xroad.xsd";

/// One `portType/operation`.
pub struct Operation<'d> {
    /// Its name.
    pub name: &'d str,
    /// The input message, if declared and found.
    pub input: Option<Node<'d, 'd>>,
    /// The output message, if declared and found.
    pub output: Option<Node<'d, 'd>>,
}

/// A WSDL 1.1 document.
pub struct Wsdl<'d> {
    doc: &'d XmlDoc<'d>,
    root: Node<'d, 'd>,
}

impl<'d> Wsdl<'d> {
    /// The document under check, if its root is `wsdl:definitions`.
    pub fn of(ctx: &RuleContext<'d>) -> Option<Wsdl<'d>> {
        let soap = ctx.soap.as_ref()?;
        let root = soap.envelope;
        (is(root, WSDL, "definitions")).then_some(Wsdl {
            doc: soap.doc,
            root,
        })
    }

    /// Location of a node.
    pub fn loc(&self, n: Node<'_, '_>) -> Location {
        self.doc.location(n)
    }

    /// Every element of a name in the document.
    pub fn all(&self, ns: &'static str, local: &'static str) -> impl Iterator<Item = Node<'d, 'd>> {
        self.root.descendants().filter(move |n| is(*n, ns, local))
    }

    /// The operations of every port type.
    pub fn operations(&self) -> Vec<Operation<'d>> {
        self.root
            .children()
            .filter(|n| is(*n, WSDL, "portType"))
            .flat_map(|pt| pt.children().filter(|n| is(*n, WSDL, "operation")))
            .map(|op| {
                let msg = |dir: &str| {
                    let io = op.children().find(|n| is(*n, WSDL, dir))?;
                    self.message(io, io.attribute("message")?)
                };
                Operation {
                    name: op.attribute("name").unwrap_or(""),
                    input: msg("input"),
                    output: msg("output"),
                }
            })
            .collect()
    }

    /// The `wsdl:message` a QName (resolved at `at`) names.
    fn message(&self, at: Node<'_, '_>, qname: &str) -> Option<Node<'d, 'd>> {
        let (_, local) = resolve(at, qname);
        self.root
            .children()
            .find(|m| is(*m, WSDL, "message") && m.attribute("name") == Some(local))
    }

    /// The parts of a message that go into the SOAP body: all but those some binding maps to
    /// a `soap:header`, or to a MIME part (`mime:content part="…"`, a classic attachment).
    pub fn body_parts(&self, message: Node<'d, 'd>) -> Vec<Node<'d, 'd>> {
        let name = message.attribute("name").unwrap_or("");
        let elsewhere = |part: &str| {
            self.all(WSDL_SOAP, "header").any(|h| {
                h.attribute("part") == Some(part)
                    && h.attribute("message").map(|m| resolve(h, m).1) == Some(name)
            }) || self
                .all(WSDL_MIME, "content")
                .any(|c| c.attribute("part") == Some(part))
        };
        message
            .children()
            .filter(|p| is(*p, WSDL, "part"))
            .filter(|p| !elsewhere(p.attribute("name").unwrap_or("")))
            .collect()
    }

    /// The global `xs:element` of `wsdl:types` a part's `element` QName names, if declared here.
    pub fn element_decl(&self, part: Node<'_, '_>) -> Option<Node<'d, 'd>> {
        let (ns, local) = resolve(part, part.attribute("element")?);
        self.schemas(ns).find_map(|s| {
            s.children()
                .find(|e| is(*e, XS, "element") && e.attribute("name") == Some(local))
        })
    }

    /// The named `xs:complexType` a QName (resolved at `at`) names, if declared here.
    pub fn complex_type(&self, at: Node<'_, '_>, qname: &str) -> Option<Node<'d, 'd>> {
        let (ns, local) = resolve(at, qname);
        self.schemas(ns).find_map(|s| {
            s.children()
                .find(|e| is(*e, XS, "complexType") && e.attribute("name") == Some(local))
        })
    }

    fn schemas(&self, ns: Option<String>) -> impl Iterator<Item = Node<'d, 'd>> {
        self.all(XS, "schema")
            .filter(move |s| s.attribute("targetNamespace").map(str::to_string) == ns)
    }
}

/// Whether a node is the element `{ns}local`.
pub fn is(n: Node<'_, '_>, ns: &str, local: &str) -> bool {
    n.is_element() && n.tag_name().namespace() == Some(ns) && n.tag_name().name() == local
}

/// A QName's namespace (by the prefixes in scope at `at`) and local name.
pub fn resolve<'q>(at: Node<'_, '_>, qname: &'q str) -> (Option<String>, &'q str) {
    let qname = qname.trim();
    match qname.split_once(':') {
        Some((prefix, local)) => (
            at.lookup_namespace_uri(Some(prefix)).map(str::to_string),
            local,
        ),
        None => (at.lookup_namespace_uri(None).map(str::to_string), qname),
    }
}

/// The only body part of a message and the local name of the element it names (None when
/// the message has no body part, several, or a part without `element`).
pub fn wrapper<'d>(wsdl: &Wsdl<'d>, message: Node<'d, 'd>) -> Option<(Node<'d, 'd>, &'d str)> {
    let parts = wsdl.body_parts(message);
    let [part] = parts.as_slice() else {
        return None;
    };
    let element = part.attribute("element")?;
    Some((*part, resolve(*part, element).1))
}
