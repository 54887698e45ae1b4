//! One self-contained HTML page for people who are not developers: the verdict at a glance,
//! summary charts (documents by verdict, findings by severity and by rule, as CSS bars), and
//! every document with its findings, each with its source snippet and the clause it comes from.
//!
//! Self-contained: inline CSS and JavaScript, no fetches (a Content-Security-Policy of
//! `default-src 'none'` forbids them). The summary is static HTML; the document list is
//! rendered by the page's script from the report data embedded as JSON, a page of
//! [`PAGE_SIZE`] collapsed documents at a time, with filters by verdict, severity, rule and
//! name (also presettable in the address: `report.html#verdict=error&rule=R-1&sev=error`),
//! so a run of 10,000 documents stays quick. All untrusted text reaches the page as JSON
//! and is inserted with `textContent`, never as markup.

use super::model::{DocumentResult, Report, Verdict};
use super::{WriteCfg, xml_attr, xml_text};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

/// Documents per page.
pub const PAGE_SIZE: usize = 50;
/// Lines of context around a finding's line.
const CONTEXT: usize = 2;
/// Characters of a snippet line (longer lines show a window around the column).
const WIDTH: usize = 160;
/// Rules in the "findings by rule" chart.
const TOP_RULES: usize = 12;

const STYLE: &str = r#"
:root{--ok:#1a7f37;--bad:#cf222e;--err:#9a6700;--info:#0969da;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:#fff}
main{max-width:1100px;margin:0 auto;padding:0 20px 40px}
#verdict{padding:28px 0;color:#fff}
#verdict .inner{max-width:1100px;margin:0 auto;padding:0 20px}
#verdict h1{margin:0;font-size:32px}
#verdict p{margin:6px 0 0;opacity:.95}
.v-conformant{background:var(--ok)}.v-non-conformant{background:var(--bad)}.v-error{background:var(--err)}
h2{font-size:20px;margin:28px 0 12px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:20px}
.card{flex:1 1 150px;border:1px solid var(--line);border-radius:8px;padding:12px 16px;background:var(--bg)}
.card b{display:block;font-size:26px}
.card span{color:var(--muted);font-size:13px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:20px}
.chart{border:1px solid var(--line);border-radius:8px;padding:12px 16px}
.chart h3{margin:0 0 10px;font-size:15px}
.stack{display:flex;height:22px;border-radius:4px;overflow:hidden;background:var(--bg)}
.stack div{height:100%}
.legend{display:flex;flex-wrap:wrap;gap:12px;margin-top:8px;font-size:13px}
.dot{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:middle}
.bar{display:grid;grid-template-columns:minmax(90px,34%) 1fr 48px;gap:8px;align-items:center;font-size:13px;margin:4px 0;width:100%;border:0;background:none;padding:0;text-align:left;font-family:inherit;color:inherit}
button.bar{cursor:pointer}button.bar:hover .fill{filter:brightness(1.15)}
.track{background:var(--bg);height:14px;border-radius:3px;overflow:hidden}
.fill{height:100%;background:var(--info)}
.fill.error,.dot.error{background:var(--bad)}.fill.warning,.dot.warning{background:var(--err)}.fill.info,.dot.info{background:var(--info)}
.num{text-align:right;font-variant-numeric:tabular-nums}
#filters{display:flex;flex-wrap:wrap;gap:14px;align-items:center;padding:12px 16px;border:1px solid var(--line);border-radius:8px;background:var(--bg)}
#filters label{font-size:14px}
#filters select,#filters input[type=search]{font:inherit;padding:3px 6px}
#pager{display:flex;gap:10px;align-items:center;margin:12px 0;font-size:14px}
#pager button{font:inherit;padding:3px 10px}
details.doc{border:1px solid var(--line);border-left-width:6px;border-radius:6px;margin:8px 0;background:#fff}
details.doc.v-conformant{border-left-color:var(--ok);background:#fff}
details.doc.v-non-conformant{border-left-color:var(--bad)}
details.doc.v-error{border-left-color:var(--err)}
details.doc>summary{cursor:pointer;padding:8px 12px;display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.name{font-weight:600;word-break:break-all}
.chip{font-size:12px;border:1px solid var(--line);border-radius:10px;padding:0 8px;color:var(--muted)}
.badge{font-size:12px;border-radius:10px;padding:0 8px;color:#fff}
.badge.error{background:var(--bad)}.badge.warning{background:var(--err)}.badge.info{background:var(--info)}
.badge.ok{background:var(--ok)}
.finding{border-top:1px solid var(--line);padding:10px 14px}
.finding .head{display:flex;flex-wrap:wrap;gap:8px;align-items:baseline}
.rule{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-weight:600}
.msg{margin:4px 0}
.where,.clause{font-size:13px;color:var(--muted);word-break:break-all}
pre.snippet{background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:6px 0;overflow-x:auto;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:6px 0 0}
pre.snippet span{display:block;padding:0 10px;white-space:pre}
pre.snippet .hit{background:#ffebe9}
pre.snippet .ln{color:var(--muted);user-select:none}
.caret{color:var(--bad);font-weight:700}
.error-text{padding:10px 14px;color:var(--err)}
.empty{color:var(--muted);padding:10px 14px}
.more{color:var(--muted);font-size:13px;margin:8px 0 0}
footer{color:var(--muted);font-size:12px;margin-top:30px}
"#;

const SCRIPT: &str = r#"
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var docs = data.docs, rules = data.rules, PAGE = data.page;
  var state = { verdict: "", rule: "", q: "", sev: { error: true, warning: true, info: true }, page: 0 };
  var list = document.getElementById("doc-list");
  var info = document.getElementById("page-info");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function visibleFindings(d) {
    return d.f.filter(function (f) {
      return state.sev[f.sv] && (!state.rule || f.r === state.rule);
    });
  }
  function narrowed() {
    return state.rule !== "" || !state.sev.error || !state.sev.warning || !state.sev.info;
  }
  function shown(d) {
    if (state.verdict && d.v !== state.verdict) return false;
    if (state.q && d.n.toLowerCase().indexOf(state.q) < 0) return false;
    if (narrowed() && visibleFindings(d).length === 0) return false;
    return true;
  }
  function snippet(f) {
    var s = f.sn, pre = el("pre", "snippet");
    for (var i = 0; i < s.lines.length; i++) {
      var no = s.first + i, line = el("span", no === f.l ? "hit" : "");
      line.appendChild(el("b", "ln", String(no).padStart(5, " ") + "  "));
      line.appendChild(document.createTextNode(s.lines[i]));
      pre.appendChild(line);
      if (no === f.l && f.c) {
        var caret = el("span", "");
        caret.appendChild(el("b", "ln", "       "));
        caret.appendChild(el("b", "caret", " ".repeat(Math.max(0, f.c - 1 - s.cut)) + "^ here"));
        pre.appendChild(caret);
      }
    }
    return pre;
  }
  function finding(d, f) {
    var box = el("div", "finding"), head = el("div", "head");
    var meta = rules[(d.s || "") + " " + f.r] || {};
    head.appendChild(el("span", "badge " + f.sv, f.sv));
    head.appendChild(el("span", "rule", f.r));
    if (meta.t) head.appendChild(el("span", "", meta.t));
    head.appendChild(el("span", "chip", f.lv));
    if (!f.fails) head.appendChild(el("span", "chip", "does not fail the document"));
    box.appendChild(head);
    box.appendChild(el("div", "msg", f.m));
    var where = [];
    if (f.l) where.push("line " + f.l + (f.c ? ", column " + f.c : ""));
    if (f.x) where.push(f.x);
    if (where.length) box.appendChild(el("div", "where", "Where: " + where.join(" · ")));
    var clause = el("div", "clause", "Clause: ");
    if (meta.u) {
      var a = el("a", "", f.cl);
      a.href = meta.u; a.rel = "noreferrer"; a.target = "_blank";
      clause.appendChild(a);
    } else clause.appendChild(document.createTextNode(f.cl));
    box.appendChild(clause);
    if (f.sn) box.appendChild(snippet(f));
    return box;
  }
  function docView(d, open) {
    var det = el("details", "doc v-" + d.v), sum = el("summary", "");
    det.dataset.verdict = d.v;
    sum.appendChild(el("span", "badge " + (d.v === "conformant" ? "ok" : d.v === "error" ? "warning" : "error"),
      d.v === "error" ? "not evaluated" : d.v));
    sum.appendChild(el("span", "name", d.n));
    if (d.s) sum.appendChild(el("span", "chip", d.s + (d.p ? " · " + d.p : "")));
    if (d.a) sum.appendChild(el("span", "chip", d.a));
    var c = d.k;
    if (c[0]) sum.appendChild(el("span", "chip", c[0] + " error" + (c[0] > 1 ? "s" : "")));
    if (c[1]) sum.appendChild(el("span", "chip", c[1] + " warning" + (c[1] > 1 ? "s" : "")));
    if (c[2]) sum.appendChild(el("span", "chip", c[2] + " info"));
    det.appendChild(sum);
    det.addEventListener("toggle", function () {
      if (!det.open || det.dataset.filled) return;
      det.dataset.filled = "1";
      if (d.e) det.appendChild(el("div", "error-text", "Could not evaluate: " + d.e));
      var fs = visibleFindings(d);
      for (var i = 0; i < fs.length; i++) det.appendChild(finding(d, fs[i]));
      if (!d.e && fs.length === 0) det.appendChild(el("div", "empty", d.f.length ? "No finding matches the filters." : "No findings: every rule checked passed."));
    });
    if (open) det.open = true;
    return det;
  }
  function render() {
    var hits = docs.filter(shown), pages = Math.max(1, Math.ceil(hits.length / PAGE));
    if (state.page >= pages) state.page = pages - 1;
    var from = state.page * PAGE, slice = hits.slice(from, from + PAGE);
    list.textContent = "";
    var openAll = hits.length <= 5;
    var frag = document.createDocumentFragment();
    for (var i = 0; i < slice.length; i++) frag.appendChild(docView(slice[i], openAll && slice[i].v !== "conformant"));
    list.appendChild(frag);
    if (!slice.length) list.appendChild(el("p", "empty", "No document matches the filters."));
    info.textContent = hits.length ? "Documents " + (from + 1) + "–" + (from + slice.length) + " of " + hits.length +
      (hits.length !== docs.length ? " (filtered from " + docs.length + ")" : "") + " · page " + (state.page + 1) + " of " + pages : "";
    document.getElementById("prev").disabled = state.page === 0;
    document.getElementById("next").disabled = state.page >= pages - 1;
  }
  function on(id, ev, fn) { document.getElementById(id).addEventListener(ev, fn); }
  on("f-verdict", "change", function (e) { state.verdict = e.target.value; state.page = 0; render(); });
  on("f-rule", "change", function (e) { state.rule = e.target.value; state.page = 0; render(); });
  on("f-q", "input", function (e) { state.q = e.target.value.toLowerCase(); state.page = 0; render(); });
  ["error", "warning", "info"].forEach(function (s) {
    on("f-" + s, "change", function (e) { state.sev[s] = e.target.checked; state.page = 0; render(); });
  });
  on("prev", "click", function () { state.page--; render(); });
  on("next", "click", function () { state.page++; render(); });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-rule]"), function (b) {
    b.addEventListener("click", function () {
      var sel = document.getElementById("f-rule");
      sel.value = b.dataset.rule; state.rule = b.dataset.rule; state.page = 0; render();
      document.getElementById("documents").scrollIntoView();
    });
  });
  // Filters can be preset in the address: report.html#verdict=error&rule=R-1&sev=error,warning&q=name
  try {
    var h = new URLSearchParams(location.hash.slice(1));
    if (h.has("verdict")) { state.verdict = h.get("verdict"); document.getElementById("f-verdict").value = state.verdict; }
    if (h.has("rule")) { state.rule = h.get("rule"); document.getElementById("f-rule").value = state.rule; }
    if (h.has("q")) { state.q = h.get("q").toLowerCase(); document.getElementById("f-q").value = h.get("q"); }
    if (h.has("sev")) {
      var want = h.get("sev").split(",");
      ["error", "warning", "info"].forEach(function (s) {
        state.sev[s] = want.indexOf(s) >= 0;
        document.getElementById("f-" + s).checked = state.sev[s];
      });
    }
  } catch (e) { /* no preset */ }
  var t0 = performance.now();
  render();
  document.body.dataset.renderMs = String(Math.round(performance.now() - t0));
  document.body.dataset.rendered = "ok";
})();
"#;

/// `2024-01-01T10:00:00Z` as `2024-01-01 10:00:00 UTC`.
fn human_time(rfc3339: &str) -> String {
    match rfc3339.strip_suffix('Z') {
        Some(t) => format!("{} UTC", t.replacen('T', " ", 1)),
        None => rfc3339.replacen('T', " ", 1),
    }
}

/// Lines around a finding, with long lines cut to a window around the column.
fn snippet(lines: &[&str], line: u32, column: Option<u32>) -> Option<Value> {
    let idx = (line as usize).checked_sub(1)?;
    lines.get(idx)?;
    let first = idx.saturating_sub(CONTEXT);
    let last = (idx + CONTEXT).min(lines.len().saturating_sub(1));
    let col = column.unwrap_or(1).saturating_sub(1) as usize;
    let cut = if col + 20 > WIDTH {
        col.saturating_sub(WIDTH / 2)
    } else {
        0
    };
    let shown: Vec<String> = lines[first..=last]
        .iter()
        .map(|l| {
            let l = l.trim_end_matches('\r');
            let part: String = l.chars().skip(cut).take(WIDTH).collect();
            let more = l.chars().count() > cut + WIDTH;
            match (cut > 0, more) {
                (false, false) => part,
                (true, false) => format!("…{part}"),
                (false, true) => format!("{part}…"),
                (true, true) => format!("…{part}…"),
            }
        })
        .collect();
    // The caret counts the leading ellipsis as one character of the cut.
    let cut = if cut > 0 { cut - 1 } else { 0 };
    Some(json!({ "first": first + 1, "lines": shown, "cut": cut }))
}

fn doc_data(r: &DocumentResult, report: &Report, cfg: &WriteCfg) -> Value {
    let source = cfg.sources.get(&r.document.name);
    let lines: Vec<&str> = match source {
        Some(s) if !r.findings.is_empty() => s.split('\n').collect(),
        _ => Vec::new(),
    };
    let mut k = [0usize; 3];
    let findings: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            k[match f.severity {
                crate::standard::Severity::Error => 0,
                crate::standard::Severity::Warning => 1,
                crate::standard::Severity::Info => 2,
            }] += 1;
            let sn = f
                .location
                .line
                .and_then(|l| snippet(&lines, l, f.location.column));
            json!({
                "r": f.rule, "sv": f.severity.as_str(), "lv": f.level.as_str(), "m": f.message,
                "l": f.location.line, "c": f.location.column, "x": f.location.path,
                "cl": f.clause, "fails": f.fails(report.run.fail_on), "sn": sn,
            })
        })
        .collect();
    json!({
        "n": r.document.name, "v": r.verdict.as_str(), "s": r.standard, "p": r.profile,
        "e": r.error.as_ref().map(|e| e.message.as_str()), "k": k, "f": findings,
        "a": r.acceptance.map(|a| a.as_participle()),
    })
}

fn bar(o: &mut String, label: &str, n: usize, max: usize, class: &str, rule: Option<&str>) {
    let pct = if max == 0 {
        0.0
    } else {
        n as f64 * 100.0 / max as f64
    };
    let (open, close) = match rule {
        Some(r) => (
            format!(
                "<button type=\"button\" class=\"bar\" data-rule=\"{}\" title=\"Show documents with {}\">",
                xml_attr(r),
                xml_attr(r)
            ),
            "</button>",
        ),
        None => ("<div class=\"bar\">".to_string(), "</div>"),
    };
    let _ = writeln!(
        o,
        "{open}<span>{}</span><span class=\"track\"><span class=\"fill {class}\" style=\"display:block;width:{pct:.1}%\"></span></span><span class=\"num\">{n}</span>{close}",
        xml_text(label)
    );
}

/// Writes the HTML page.
pub fn write(report: &Report, cfg: &WriteCfg, w: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    let (class, headline) = match s.verdict {
        Verdict::Conformant => ("v-conformant", "✔ Conformant"),
        Verdict::NonConformant => ("v-non-conformant", "✘ Not conformant"),
        Verdict::Error => ("v-error", "⚠ Not every document could be evaluated"),
    };
    let standards: Vec<String> = report
        .standards
        .iter()
        .map(|x| format!("{} ({})", x.key(), x.title))
        .collect();
    let findings: usize = s.by_severity.values().sum();
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"generator\" content=\"{} {}\">\n<title>konform report: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        xml_attr(&report.tool.name),
        xml_attr(&report.tool.version),
        xml_text(s.verdict.as_str()),
    );
    let _ = write!(
        o,
        "<header id=\"verdict\" class=\"{class}\" data-verdict=\"{}\"><div class=\"inner\">\n<h1>{headline}</h1>\n\
         <p>{} document(s) checked: {} conformant, {} non-conformant, {} not evaluated.</p>\n\
         <p>Standard: {} · checked {} · a finding of severity <b>{}</b> or above makes a document non-conformant</p>\n</div></header>\n<main>\n",
        s.verdict.as_str(),
        s.documents,
        s.conformant,
        s.non_conformant,
        s.errors,
        xml_text(&if standards.is_empty() {
            "none applied".to_string()
        } else {
            standards.join(", ")
        }),
        xml_text(&human_time(&report.run.finished)),
        report.run.fail_on.as_str(),
    );
    // Summary cards and charts.
    let by = |k: &str| s.by_severity.get(k).copied().unwrap_or(0);
    let _ = write!(
        o,
        "<section id=\"summary\">\n<div class=\"cards\">\
         <div class=\"card\"><b>{}</b><span>documents</span></div>\
         <div class=\"card\"><b style=\"color:var(--ok)\">{}</b><span>conformant</span></div>\
         <div class=\"card\"><b style=\"color:var(--bad)\">{}</b><span>non-conformant</span></div>\
         <div class=\"card\"><b style=\"color:var(--err)\">{}</b><span>not evaluated</span></div>\
         <div class=\"card\"><b>{findings}</b><span>findings</span></div></div>\n<h2>Summary</h2>\n<div class=\"charts\">\n",
        s.documents, s.conformant, s.non_conformant, s.errors,
    );
    let pct = |n: usize| {
        if s.documents == 0 {
            0.0
        } else {
            n as f64 * 100.0 / s.documents as f64
        }
    };
    let _ = writeln!(
        o,
        "<div class=\"chart\" id=\"chart-verdicts\"><h3>Documents by verdict</h3><div class=\"stack\">\
         <div style=\"width:{:.2}%;background:var(--ok)\"></div><div style=\"width:{:.2}%;background:var(--bad)\"></div>\
         <div style=\"width:{:.2}%;background:var(--err)\"></div></div><div class=\"legend\">\
         <span><i class=\"dot\" style=\"background:var(--ok)\"></i>conformant {}</span>\
         <span><i class=\"dot\" style=\"background:var(--bad)\"></i>non-conformant {}</span>\
         <span><i class=\"dot\" style=\"background:var(--err)\"></i>not evaluated {}</span></div></div>",
        pct(s.conformant),
        pct(s.non_conformant),
        pct(s.errors),
        s.conformant,
        s.non_conformant,
        s.errors,
    );
    o.push_str("<div class=\"chart\" id=\"chart-severity\"><h3>Findings by severity</h3>\n");
    let max_sev = ["error", "warning", "info"]
        .iter()
        .map(|k| by(k))
        .max()
        .unwrap_or(0);
    for k in ["error", "warning", "info"] {
        bar(&mut o, k, by(k), max_sev, k, None);
    }
    o.push_str("</div>\n<div class=\"chart\" id=\"chart-rules\"><h3>Findings by rule</h3>\n");
    let top = s.top_rules(TOP_RULES);
    let max_rule = top.first().map_or(0, |t| t.1);
    if top.is_empty() {
        o.push_str("<p class=\"empty\">No findings.</p>\n");
    }
    let mut rule_info: BTreeMap<String, Value> = BTreeMap::new();
    for st in &report.standards {
        for r in &st.rules {
            rule_info.insert(
                format!("{} {}", st.key(), r.id),
                json!({ "t": r.title, "u": r.clause_url }),
            );
        }
    }
    for (rule, n) in &top {
        let sev = report
            .standards
            .iter()
            .flat_map(|x| x.rules.iter())
            .find(|x| x.id == *rule)
            .map_or("info", |x| x.severity.as_str());
        bar(&mut o, rule, *n, max_rule, sev, Some(rule));
    }
    if s.by_rule.len() > top.len() {
        let _ = writeln!(
            o,
            "<p class=\"more\">and {} more rule(s): choose one under Rule below</p>",
            s.by_rule.len() - top.len()
        );
    }
    o.push_str("</div>\n</div>\n</section>\n");
    if let Some(p) = &report.probe {
        o.push_str("<section id=\"probe\">\n<h2>Probe</h2>\n<ul>\n");
        for line in p.summary_lines() {
            let _ = writeln!(o, "<li>{}</li>", xml_text(&line));
        }
        for u in &p.coverage.uncovered {
            let _ = writeln!(
                o,
                "<li>not covered: {} — {}</li>",
                xml_text(&u.rule),
                xml_text(&u.reason)
            );
        }
        o.push_str("</ul>\n</section>\n");
    }
    // Filters and the document list.
    o.push_str(
        "<section id=\"documents\">\n<h2>Documents</h2>\n<div id=\"filters\">\
         <label>Verdict <select id=\"f-verdict\"><option value=\"\">all</option>\
         <option value=\"non-conformant\">non-conformant</option><option value=\"error\">not evaluated</option>\
         <option value=\"conformant\">conformant</option></select></label>\
         <label>Rule <select id=\"f-rule\"><option value=\"\">all rules</option>",
    );
    for rule in s.by_rule.keys() {
        let _ = write!(
            o,
            "<option value=\"{}\">{}</option>",
            xml_attr(rule),
            xml_text(rule)
        );
    }
    o.push_str(
        "</select></label>\
         <label><input type=\"checkbox\" id=\"f-error\" checked> errors</label>\
         <label><input type=\"checkbox\" id=\"f-warning\" checked> warnings</label>\
         <label><input type=\"checkbox\" id=\"f-info\" checked> info</label>\
         <label>Name <input type=\"search\" id=\"f-q\" placeholder=\"filter by file name\"></label></div>\n\
         <nav id=\"pager\"><button type=\"button\" id=\"prev\">‹ previous</button><span id=\"page-info\"></span>\
         <button type=\"button\" id=\"next\">next ›</button></nav>\n<div id=\"doc-list\"></div>\n\
         <noscript><p>The document list needs JavaScript; the summary above covers the whole run.</p></noscript>\n</section>\n",
    );
    if let Some(e) = &report.endpoint {
        let _ = writeln!(
            o,
            "<section id=\"endpoint\"><h2>Endpoint run</h2><pre>{}</pre></section>",
            xml_text(&super::endpoint_lines(e).join("\n"))
        );
    }
    let _ = write!(
        o,
        "<footer>Generated by {} {} · run {} · started {} · finished {}</footer>\n</main>\n<script type=\"application/json\" id=\"report-data\">",
        xml_text(&report.tool.name),
        xml_text(&report.tool.version),
        xml_text(&report.run.id),
        xml_text(&report.run.started),
        xml_text(&report.run.finished),
    );
    w.write_all(o.as_bytes())?;
    // The data, streamed one document at a time; '<' is escaped so no text can close the script.
    let mut esc = EscapeLt(w);
    esc.write_all(b"{\"page\":")?;
    esc.write_all(PAGE_SIZE.to_string().as_bytes())?;
    esc.write_all(b",\"rules\":")?;
    serde_json::to_writer(&mut esc, &rule_info)?;
    esc.write_all(b",\"docs\":[")?;
    for (i, r) in report.results.iter().enumerate() {
        if i > 0 {
            esc.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut esc, &doc_data(r, report, cfg))?;
    }
    esc.write_all(b"]}")?;
    let w = esc.0;
    write!(
        w,
        "</script>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
}

/// Replaces `<` by its JSON escape `\u003c` (only ever inside JSON strings).
struct EscapeLt<'a>(&'a mut dyn Write);

impl Write for EscapeLt<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut start = 0;
        for (i, b) in buf.iter().enumerate() {
            if *b == b'<' {
                self.0.write_all(&buf[start..i])?;
                self.0.write_all(b"\\u003c")?;
                start = i + 1;
            }
        }
        self.0.write_all(&buf[start..])?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_show_a_window_around_the_column() {
        let long = "x".repeat(1000);
        let lines = vec!["a", long.as_str(), "c"];
        let s = snippet(&lines, 2, Some(500)).unwrap();
        let shown = s["lines"][1].as_str().unwrap();
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert!(shown.chars().count() <= WIDTH + 2);
        assert_eq!(s["first"], 1);
        assert!(snippet(&lines, 9, None).is_none());
    }

    #[test]
    fn script_data_cannot_close_the_script_element() {
        let mut out = Vec::new();
        EscapeLt(&mut out)
            .write_all(br#"{"m":"</script><script>alert(1)</script>"}"#)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("</script"));
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["m"], "</script><script>alert(1)</script>");
    }
}
