//! SVRL (Schematron Validation Report Language, ISO/IEC 19757-3 Annex D) from one run.
//!
//! A view on [`SchematronRun`]: active patterns, fired rules, failed asserts and successful
//! reports, in the order the engine produced them. Evaluation errors appear as
//! `failed-assert` with `flag="konform-evaluation-error"`, so SVRL consumers see them as
//! failures rather than passes.

use super::{SchematronEngine, SchematronRun};
use std::fmt::Write;

/// SVRL namespace.
pub const SVRL_NS: &str = "http://purl.oclc.org/dsdl/svrl";

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn opt_attr(out: &mut String, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        let _ = write!(out, " {name}=\"{}\"", esc(v));
    }
}

/// Renders one document's results as an SVRL `schematron-output` document.
pub fn svrl(engine: &SchematronEngine, run: &SchematronRun, document: &str) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(out, "<svrl:schematron-output xmlns:svrl=\"{SVRL_NS}\"");
    opt_attr(&mut out, "title", engine.title());
    opt_attr(&mut out, "phase", engine.phase());
    out.push_str(" schemaVersion=\"ISO19757-3\">\n");
    for (prefix, uri) in &engine.compiled.namespaces {
        let _ = writeln!(
            out,
            "  <svrl:ns-prefix-in-attribute-values prefix=\"{}\" uri=\"{}\"/>",
            esc(prefix),
            esc(uri)
        );
    }
    for p in &run.patterns {
        out.push_str("  <svrl:active-pattern");
        opt_attr(&mut out, "id", p.as_deref());
        opt_attr(&mut out, "name", p.as_deref());
        let _ = writeln!(out, " document=\"{}\"/>", esc(document));
    }
    // Fired rules and their results interleave in SVRL; records follow the rule that fired.
    let mut records = run.records.iter().peekable();
    for (i, f) in run.fired.iter().enumerate() {
        out.push_str("  <svrl:fired-rule");
        opt_attr(&mut out, "id", f.rule_id.as_deref());
        let _ = write!(out, " context=\"{}\"", esc(&f.context));
        opt_attr(&mut out, "document", Some(document));
        out.push_str("/>\n");
        while let Some(r) = records.peek() {
            if r.fired != Some(i) {
                break;
            }
            write_record(&mut out, r);
            records.next();
        }
    }
    for r in records {
        write_record(&mut out, r); // context errors, not tied to a firing
    }
    out.push_str("</svrl:schematron-output>\n");
    out
}

fn write_record(out: &mut String, r: &super::CheckRecord) {
    let element = if r.kind == "successful-report" {
        "successful-report"
    } else {
        "failed-assert"
    };
    let _ = write!(
        out,
        "  <svrl:{element} id=\"{}\" test=\"{}\"",
        esc(&r.id),
        esc(&r.test)
    );
    let flag = if r.kind == "error" {
        Some("konform-evaluation-error")
    } else {
        r.flag.as_deref()
    };
    opt_attr(out, "flag", flag);
    opt_attr(out, "role", r.role.as_deref());
    opt_attr(out, "see", r.see.as_deref());
    let _ = writeln!(
        out,
        " location=\"{}\">",
        esc(r.location.path.as_deref().unwrap_or(""))
    );
    for (id, text) in &r.diagnostics {
        let _ = writeln!(
            out,
            "    <svrl:diagnostic-reference diagnostic=\"{}\">{}</svrl:diagnostic-reference>",
            esc(id),
            esc(text)
        );
    }
    let _ = writeln!(out, "    <svrl:text>{}</svrl:text>", esc(&r.text));
    let _ = writeln!(out, "  </svrl:{element}>");
}
