//! The `xsd` engine: W3C XML Schema 1.0 validation with libxml2.
//!
//! Safety properties:
//! - Schema imports and includes resolve only to files of the package (relative locations
//!   against the importing file, absolute ones through the package `[catalog]`). A process-wide
//!   libxml2 entity loader refuses every other URL, so neither compilation nor validation can
//!   read the file system or the network. A refused import, or any compile warning, fails the
//!   compilation (libxml2 would otherwise skip the import and validate less).
//! - Documents are parsed with `XML_PARSE_NONET`, without entity substitution, DTD loading or
//!   recovery; they have already passed konform's own safe parse (no DOCTYPE at all).
//! - The compiled `xmlSchema` is shared read-only by all workers; each worker owns its
//!   validation context.

use super::{Body, CheckInput, Engine, EngineError, RawFinding, Worker};
use crate::document::xml::{XmlDoc, step_matches};
use crate::standard::{EngineKind, Package};
use libxml::bindings as x;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::sync::{Arc, Once};

/// Base URL under which package files are addressed while compiling (never fetched: `.invalid`).
const PACKAGE_BASE: &str = "https://konform.invalid/pkg/";

/// What the entity loader may serve on this thread while a schema compiles.
struct LoaderScope {
    prefix: String,
    files: BTreeMap<String, Arc<[u8]>>,
    catalog: BTreeMap<String, String>,
    refused: Vec<String>,
}

thread_local! {
    static SCOPE: RefCell<Option<LoaderScope>> = const { RefCell::new(None) };
}

static INIT: Once = Once::new();

fn init_libxml() {
    INIT.call_once(|| {
        // SAFETY: called once before any other libxml2 use by this module; installs a loader
        // that only reads the thread-local scope.
        unsafe {
            x::xmlInitParser();
            x::xmlSetExternalEntityLoader(Some(package_only_loader));
        }
    });
}

/// libxml2 entity loader: serves package files in the current thread's scope, refuses the rest.
unsafe extern "C" fn package_only_loader(
    url: *const c_char,
    _id: *const c_char,
    ctxt: x::xmlParserCtxtPtr,
) -> x::xmlParserInputPtr {
    if url.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: libxml2 passes a NUL-terminated string.
    let url = unsafe { CStr::from_ptr(url) }
        .to_string_lossy()
        .into_owned();
    let bytes = SCOPE.with(|s| {
        let mut s = s.borrow_mut();
        let scope = s.as_mut()?;
        let rel = match url.strip_prefix(&scope.prefix) {
            Some(rel) => Some(rel.to_string()),
            None => scope.catalog.get(&url).cloned(),
        };
        let found = rel.and_then(|r| scope.files.get(&r).cloned());
        if found.is_none() {
            scope.refused.push(url.clone());
        }
        found
    });
    let Some(bytes) = bytes else {
        return std::ptr::null_mut();
    };
    let Ok(len) = c_int::try_from(bytes.len()) else {
        return std::ptr::null_mut();
    };
    let Ok(curl) = CString::new(url) else {
        return std::ptr::null_mut();
    };
    // SAFETY: CreateMem copies the bytes; the input stream takes ownership of the buffer; the
    // filename is allocated with libxml2's allocator (xmlStrdup) as xmlFreeInputStream expects.
    unsafe {
        let buf = x::xmlParserInputBufferCreateMem(
            bytes.as_ptr().cast(),
            len,
            x::xmlCharEncoding_XML_CHAR_ENCODING_NONE,
        );
        if buf.is_null() {
            return std::ptr::null_mut();
        }
        let input = x::xmlNewIOInputStream(ctxt, buf, x::xmlCharEncoding_XML_CHAR_ENCODING_NONE);
        if !input.is_null() {
            (*input).filename = x::xmlStrdup(curl.as_ptr().cast()).cast();
        }
        input
    }
}

/// One libxml2 error, copied out of the callback.
#[derive(Debug, Clone)]
struct LibxmlError {
    message: String,
    line: u32,
    column: u32,
    level: u32,
    file: Option<String>,
    /// Child-element indexes from the root to the node the error is about.
    node_path: Option<Vec<usize>>,
}

unsafe extern "C" fn collect_error(user: *mut c_void, err: x::xmlErrorPtr) {
    if user.is_null() || err.is_null() {
        return;
    }
    // SAFETY: `user` is the `Vec<LibxmlError>` registered with this context, alive for the call
    // that triggers the callback; `err` is valid for the duration of the callback.
    unsafe {
        let sink = &mut *user.cast::<Vec<LibxmlError>>();
        let e = &*err;
        let text = |p: *const c_char| {
            (!p.is_null()).then(|| CStr::from_ptr(p).to_string_lossy().trim().to_string())
        };
        sink.push(LibxmlError {
            message: text(e.message).unwrap_or_default(),
            line: u32::try_from(e.line).unwrap_or(0),
            column: u32::try_from(e.int2).unwrap_or(0),
            level: e.level,
            file: text(e.file),
            node_path: node_index_path(e.node.cast()),
        });
    }
}

/// Indexes of element children from the root element down to `node` (or its owner element).
unsafe fn node_index_path(mut node: *const x::xmlNode) -> Option<Vec<usize>> {
    // SAFETY: libxml2 nodes of a live document; only parent/sibling links are read.
    unsafe {
        if node.is_null() {
            return None;
        }
        if (*node).type_ == x::xmlElementType_XML_ATTRIBUTE_NODE {
            node = (*node).parent;
        }
        let mut path = Vec::new();
        while !node.is_null() && (*node).type_ == x::xmlElementType_XML_ELEMENT_NODE {
            let parent = (*node).parent;
            if parent.is_null() || (*parent).type_ != x::xmlElementType_XML_ELEMENT_NODE {
                break; // the root element
            }
            let mut i = 0;
            let mut c = (*parent).children as *const x::xmlNode;
            while !c.is_null() && c != node {
                if (*c).type_ == x::xmlElementType_XML_ELEMENT_NODE {
                    i += 1;
                }
                c = (*c).next;
            }
            path.push(i);
            node = parent;
        }
        path.reverse();
        Some(path)
    }
}

/// A compiled schema, shared by all workers.
struct SharedSchema(x::xmlSchemaPtr);

// SAFETY: after xmlSchemaParse returns, libxml2 never writes to an xmlSchema: validation keeps
// all mutable state in the xmlSchemaValidCtxt (one per worker here), and reads the schema's
// component tables only (see xmlschemas.c: xmlSchemaValidateDoc -> xmlSchemaVStart, which takes
// the schema as `vctxt->schema` and looks components up). The concurrency test
// `xsd_shared_schema_agrees_across_threads` validates the same documents on many threads and
// compares the results with a sequential run.
unsafe impl Send for SharedSchema {}
// SAFETY: see above: shared access is read-only.
unsafe impl Sync for SharedSchema {}

impl Drop for SharedSchema {
    fn drop(&mut self) {
        // SAFETY: the schema was returned by xmlSchemaParse and is freed once; workers borrow
        // the engine, so none outlives it.
        unsafe { x::xmlSchemaFree(self.0) }
    }
}

/// An XSD rule's scope, resolved at compile time.
#[derive(Debug, Clone)]
struct Scope {
    rule: String,
    element: Option<String>,
}

/// The compiled engine for one XSD artefact.
pub struct XsdEngine {
    schema: SharedSchema,
    file: String,
    scopes: Vec<Scope>,
    profiles_of: BTreeMap<String, (Vec<String>, Vec<String>)>,
}

impl XsdEngine {
    /// Compiles the artefact `name` of `package` (imports from the package only).
    pub fn compile(package: &Package, name: &str) -> Result<XsdEngine, EngineError> {
        init_libxml();
        let spec = &package.spec;
        let (artefact, _) = package
            .artefact(name)
            .ok_or_else(|| EngineError::Catalogue {
                standard: spec.key(),
                message: format!("unknown artefact {name}"),
            })?;
        let fail = |message: String| EngineError::Compile {
            standard: spec.key(),
            artefact: artefact.file.clone(),
            message,
        };
        let prefix = format!("{PACKAGE_BASE}{}/{}/", spec.id, spec.version);
        let main_url =
            CString::new(format!("{prefix}{}", artefact.file)).map_err(|e| fail(e.to_string()))?;
        SCOPE.with(|s| {
            *s.borrow_mut() = Some(LoaderScope {
                prefix: prefix.clone(),
                files: package.files.clone(),
                catalog: spec.catalog.clone(),
                refused: Vec::new(),
            });
        });
        let mut errors: Vec<LibxmlError> = Vec::new();
        // SAFETY: parser context created, used and freed here; `errors` outlives every callback.
        let schema = unsafe {
            let pctxt = x::xmlSchemaNewParserCtxt(main_url.as_ptr());
            if pctxt.is_null() {
                None
            } else {
                x::xmlSchemaSetParserStructuredErrors(
                    pctxt,
                    Some(collect_error),
                    (&raw mut errors).cast(),
                );
                let schema = x::xmlSchemaParse(pctxt);
                x::xmlSchemaFreeParserCtxt(pctxt);
                Some(schema)
            }
        };
        let refused = SCOPE.with(|s| s.borrow_mut().take().map(|s| s.refused).unwrap_or_default());
        let schema = schema.filter(|p| !p.is_null()).map(SharedSchema);
        if !refused.is_empty() || !errors.is_empty() || schema.is_none() {
            let mut lines: Vec<String> = refused
                .iter()
                .map(|u| format!("import/include of `{u}` does not resolve inside the package (add it to [catalog])"))
                .collect();
            lines.extend(errors.iter().map(|e| {
                let at = e
                    .file
                    .as_deref()
                    .map(|f| f.strip_prefix(&prefix).unwrap_or(f).to_string());
                let kind = if e.level == x::xmlErrorLevel_XML_ERR_WARNING {
                    "warning"
                } else {
                    "error"
                };
                format!(
                    "{kind}: {}{}",
                    e.message,
                    at.map(|f| format!(" ({f}:{})", e.line)).unwrap_or_default()
                )
            }));
            if lines.is_empty() {
                lines.push("libxml2 could not compile the schema".into());
            }
            return Err(fail(lines.join("; ")));
        }
        let scopes: Vec<Scope> = spec
            .rules
            .iter()
            .filter(|r| r.engine.contains(&EngineKind::Xsd))
            .map(|r| Scope {
                rule: r.id.clone(),
                element: r.xsd_scope.clone(),
            })
            .collect();
        if !scopes.iter().any(|s| s.element.is_none()) {
            return Err(EngineError::Catalogue {
                standard: spec.key(),
                message: "the package has an XSD artefact but no xsd rule without xsd_scope to report its errors".into(),
            });
        }
        let profiles_of = spec
            .rules
            .iter()
            .map(|r| (r.id.clone(), (r.profiles.clone(), r.variants.clone())))
            .collect();
        let schema = schema.ok_or_else(|| fail("libxml2 could not compile the schema".into()))?;
        Ok(XsdEngine {
            schema,
            file: artefact.file.clone(),
            scopes,
            profiles_of,
        })
    }

    fn applies(&self, rule: &str, profile: &str, variant: &str) -> bool {
        self.profiles_of.get(rule).is_some_and(|(p, v)| {
            (p.is_empty() || p.iter().any(|x| x == profile))
                && (v.is_empty() || v.iter().any(|x| x == variant))
        })
    }

    /// The rule an error at `path` belongs to: the scoped rule of the nearest enclosing element,
    /// else the unscoped rule.
    fn rule_for(
        &self,
        doc: &XmlDoc<'_>,
        path: Option<&[usize]>,
        profile: &str,
        variant: &str,
    ) -> Option<String> {
        let scoped: Vec<&Scope> = self
            .scopes
            .iter()
            .filter(|s| s.element.is_some() && self.applies(&s.rule, profile, variant))
            .collect();
        if let Some(path) = path {
            let mut node = doc.element_at(path);
            while let Some(n) = node {
                if let Some(s) = scoped
                    .iter()
                    .find(|s| s.element.as_deref().is_some_and(|e| step_matches(e, n)))
                {
                    return Some(s.rule.clone());
                }
                node = n.parent_element();
            }
        }
        self.scopes
            .iter()
            .find(|s| s.element.is_none() && self.applies(&s.rule, profile, variant))
            .map(|s| s.rule.clone())
    }
}

impl Engine for XsdEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Xsd
    }

    fn worker(&self) -> Result<Box<dyn Worker + '_>, EngineError> {
        // SAFETY: the schema is alive as long as `self`; the context is freed in Drop.
        let vctxt = unsafe { x::xmlSchemaNewValidCtxt(self.schema.0) };
        if vctxt.is_null() {
            return Err(EngineError::Evaluate {
                message: "libxml2 could not create a validation context".into(),
            });
        }
        Ok(Box::new(XsdWorker {
            engine: self,
            vctxt,
        }))
    }
}

struct XsdWorker<'e> {
    engine: &'e XsdEngine,
    vctxt: x::xmlSchemaValidCtxtPtr,
}

impl Drop for XsdWorker<'_> {
    fn drop(&mut self) {
        // SAFETY: created in `worker`, freed once.
        unsafe { x::xmlSchemaFreeValidCtxt(self.vctxt) }
    }
}

/// A libxml2 document, freed on drop.
struct LibxmlDoc(x::xmlDocPtr);

impl Drop for LibxmlDoc {
    fn drop(&mut self) {
        // SAFETY: returned by xmlReadMemory and freed once.
        unsafe { x::xmlFreeDoc(self.0) }
    }
}

impl Worker for XsdWorker<'_> {
    fn check(
        &mut self,
        input: &CheckInput<'_>,
        out: &mut Vec<RawFinding>,
    ) -> Result<(), EngineError> {
        let Body::Xml(doc) = input.body else {
            return Ok(());
        };
        let len = c_int::try_from(doc.text.len()).map_err(|_| EngineError::Evaluate {
            message: "document too large for libxml2".into(),
        })?;
        // konform's own limits (size, depth) were enforced before libxml2 sees the text, so
        // libxml2's built-in ones (256 levels) are lifted to follow them.
        let options = (x::xmlParserOption_XML_PARSE_NONET
            | x::xmlParserOption_XML_PARSE_NOWARNING
            | x::xmlParserOption_XML_PARSE_HUGE) as c_int;
        let mut parse_errors: Vec<LibxmlError> = Vec::new();
        let mut errors: Vec<LibxmlError> = Vec::new();
        // SAFETY: the text outlives the call; "UTF-8" overrides any declared encoding because
        // konform has already decoded the document. The structured error handler is per thread.
        let parsed = unsafe {
            x::xmlSetStructuredErrorFunc((&raw mut parse_errors).cast(), Some(collect_error));
            let d = x::xmlReadMemory(
                doc.text.as_ptr().cast(),
                len,
                std::ptr::null(),
                c"UTF-8".as_ptr(),
                options,
            );
            x::xmlSetStructuredErrorFunc(std::ptr::null_mut(), None);
            d
        };
        if parsed.is_null() {
            let why = parse_errors
                .first()
                .map_or("unknown error".to_string(), |e| {
                    format!("{} (line {})", e.message, e.line)
                });
            return Err(EngineError::Evaluate {
                message: format!("libxml2 could not parse the document: {why}"),
            });
        }
        let parsed = LibxmlDoc(parsed);
        // SAFETY: vctxt and document are alive; `errors` outlives the validation call.
        let rc = unsafe {
            x::xmlSchemaSetValidStructuredErrors(
                self.vctxt,
                Some(collect_error),
                (&raw mut errors).cast(),
            );
            let rc = x::xmlSchemaValidateDoc(self.vctxt, parsed.0);
            x::xmlSchemaSetValidStructuredErrors(self.vctxt, None, std::ptr::null_mut());
            rc
        };
        drop(parsed);
        if rc < 0 {
            return Err(EngineError::Evaluate {
                message: format!("libxml2 internal validation error ({rc})"),
            });
        }
        if rc > 0 && errors.is_empty() {
            errors.push(LibxmlError {
                message: "the document is not valid against the schema".into(),
                line: 0,
                column: 0,
                level: 2,
                file: None,
                node_path: None,
            });
        }
        for e in errors {
            let Some(rule) =
                self.engine
                    .rule_for(doc, e.node_path.as_deref(), input.profile, input.variant)
            else {
                continue;
            };
            let location = match e.node_path.as_deref().and_then(|p| doc.element_at(p)) {
                Some(node) => doc.location(node),
                None => doc.line_location(e.line.max(1), (e.column > 0).then_some(e.column)),
            };
            let mut f = RawFinding::new(rule, e.message, location);
            f.artefact = Some(self.engine.file.clone());
            out.push(f);
        }
        Ok(())
    }
}
