use super::common::{expanded, name, namespace, shown};
use super::header_consistency;
use crate::declare_rule;
use crate::engine::protocol::soap::{SoapView, XROAD};
use crate::engine::protocol::{Check, Emit, RuleContext};
use roxmltree::Node;
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it checks
    /// Given the request (`konform validate --request REQ RESP`, or a `<name>.request.xml`
    /// beside `<name>.response.xml`), the response's header fields other than
    /// `xrd:requestHash` equal the request's header fields other than `xrd:requestHash`: the
    /// same number, in the same order, with the same expanded names (prefixes may differ), the
    /// same attributes (expanded name and value; namespace declarations do not count) and the
    /// same content, compared recursively (text trimmed; whitespace-only text, comments and
    /// processing instructions ignored).
    ///
    /// Runtime variant, as the client's Security Server decides it
    /// (`SoapUtils.checkConsistency`): the values of `client`, `service`, `userId`,
    /// `representedParty`, `issue` and `id` are equal (identifiers component by component,
    /// text as written); order and the other fields do not matter. Strict makes this check too.
    /// ## Why it matters
    /// PR-MESS §2.2: the provider MUST copy all request header fields to the response; the
    /// client security server compares them (`inconsistent_headers`).
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/response-headers-reordered.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/response-conformant.xml`
    pub ResponseCopiesRequestHeaders { id: "XRD-SOAP-010" }
}

type Key<'d> = (Option<&'d str>, &'d str);

fn key<'d>(n: Node<'d, '_>) -> Key<'d> {
    (namespace(n), n.tag_name().name())
}

/// Header fields other than `xrd:requestHash`.
fn compared<'d, 'a>(view: &SoapView<'d, 'a>) -> Vec<Node<'d, 'a>> {
    view.header_fields()
        .into_iter()
        .filter(|f| key(*f) != (Some(XROAD), "requestHash"))
        .collect()
}

impl Check for ResponseCopiesRequestHeaders {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let (Some(resp), Some(req)) = (&ctx.soap, &ctx.request_soap) else {
            return;
        };
        if ctx.strict() {
            check_pair(resp, req, emit);
            // Strict makes every check runtime makes: values as written (the copy check above
            // trims text).
            if emit.emitted() > 0 {
                return;
            }
        }
        header_consistency::check_values(resp, req, emit);
    }
}

fn check_pair(resp: &SoapView<'_, '_>, req: &SoapView<'_, '_>, emit: &mut Emit<'_>) {
    let req_fields = compared(req);
    let resp_fields = compared(resp);

    // Match the k-th request field of a name with the k-th response field of that name.
    let mut used = vec![false; resp_fields.len()];
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut missing: Vec<usize> = Vec::new();
    for (i, f) in req_fields.iter().enumerate() {
        let found = resp_fields
            .iter()
            .enumerate()
            .find(|(j, r)| !used.get(*j).copied().unwrap_or(true) && key(**r) == key(*f))
            .map(|(j, _)| j);
        match found {
            Some(j) => {
                if let Some(u) = used.get_mut(j) {
                    *u = true;
                }
                pairs.push((i, j));
            }
            None => missing.push(i),
        }
    }

    // Missing fields, or fields moved to another namespace.
    for i in missing {
        let Some(f) = req_fields.get(i) else { continue };
        let local = f.tag_name().name();
        let moved = resp_fields
            .iter()
            .enumerate()
            .find(|(j, r)| !used.get(*j).copied().unwrap_or(true) && r.tag_name().name() == local)
            .map(|(j, r)| (j, *r));
        match moved {
            Some((j, r)) => {
                if let Some(u) = used.get_mut(j) {
                    *u = true;
                }
                let ns = |n: Node<'_, '_>| namespace(n).map_or("no namespace".to_string(), |s| format!("the namespace {s}"));
                emit.at(
                    resp.loc(r),
                    format!(
                        "the response copies the request header field {} into {} instead of {}; the copy must keep the namespace",
                        name(*f),
                        ns(r),
                        ns(*f)
                    ),
                );
            }
            None => emit.at(
                resp.header_loc(),
                format!(
                    "the request header field {} is missing from the response; the response must copy every request header field (except xrd:requestHash)",
                    name(*f)
                ),
            ),
        }
    }
    for (j, r) in resp_fields.iter().enumerate() {
        if !used.get(j).copied().unwrap_or(true) {
            emit.at(
                resp.loc(*r),
                format!(
                    "the response has a header field {} that the request does not have; only xrd:requestHash may be added",
                    name(*r)
                ),
            );
        }
    }

    // Order: the fields outside a longest in-order run are out of place.
    let in_order = longest_increasing(&pairs);
    for (k, &(i, j)) in pairs.iter().enumerate() {
        if in_order.get(k).copied().unwrap_or(true) {
            continue;
        }
        let (Some(f), Some(r)) = (req_fields.get(i), resp_fields.get(j)) else {
            continue;
        };
        let other = pairs
            .iter()
            .enumerate()
            .filter(|(m, _)| in_order.get(*m).copied().unwrap_or(false))
            .find(|&(_, &(i2, j2))| (i2 < i) != (j2 < j))
            .and_then(|(_, &(i2, _))| req_fields.get(i2).map(|o| (i2 < i, *o)));
        let detail = match other {
            Some((true, o)) => format!(
                ": the request has it after {}, the response before it",
                name(o)
            ),
            Some((false, o)) => format!(
                ": the request has it before {}, the response after it",
                name(o)
            ),
            None => String::new(),
        };
        emit.at(
            resp.loc(*r),
            format!(
                "the header field {} is out of the request's order{detail}",
                name(*f)
            ),
        );
    }

    // Content.
    for &(i, j) in &pairs {
        let (Some(f), Some(r)) = (req_fields.get(i), resp_fields.get(j)) else {
            continue;
        };
        if let Some((at, why)) = diff(*f, *r, &name(*r)) {
            emit.at(
                resp.loc(at),
                format!(
                    "the response's {} is not a copy of the request's: {why}",
                    name(*r)
                ),
            );
        }
    }
}

/// For pairs (request index, response index) in request order, marks those in one longest
/// run whose response indexes increase.
fn longest_increasing(pairs: &[(usize, usize)]) -> Vec<bool> {
    let n = pairs.len();
    let mut len = vec![1usize; n];
    let mut prev: Vec<Option<usize>> = vec![None; n];
    for k in 0..n {
        for m in 0..k {
            if let (Some(a), Some(b)) = (pairs.get(m), pairs.get(k))
                && a.1 < b.1
                && len.get(m).copied().unwrap_or(0) + 1 > len.get(k).copied().unwrap_or(0)
            {
                let l = len.get(m).copied().unwrap_or(0) + 1;
                if let Some(x) = len.get_mut(k) {
                    *x = l;
                }
                if let Some(x) = prev.get_mut(k) {
                    *x = Some(m);
                }
            }
        }
    }
    let mut keep = vec![false; n];
    let mut cur = (0..n).max_by_key(|&k| (len.get(k).copied().unwrap_or(0), std::cmp::Reverse(k)));
    while let Some(k) = cur {
        if let Some(x) = keep.get_mut(k) {
            *x = true;
        }
        cur = prev.get(k).copied().flatten();
    }
    keep
}

/// Content of an element as compared: child elements and merged, trimmed, non-empty text.
enum Item<'d, 'a> {
    Element(Node<'d, 'a>),
    Text(String),
}

fn items<'d, 'a>(n: Node<'d, 'a>) -> Vec<Item<'d, 'a>> {
    let mut out = Vec::new();
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut Vec<Item<'d, 'a>>| {
        let t = super::common::xml_trim(text).to_string();
        if !t.is_empty() {
            out.push(Item::Text(t));
        }
        text.clear();
    };
    for c in n.children() {
        if c.is_element() {
            flush(&mut text, &mut out);
            out.push(Item::Element(c));
        } else if c.is_text() {
            text.push_str(c.text().unwrap_or(""));
        }
    }
    flush(&mut text, &mut out);
    out
}

fn attributes(n: Node<'_, '_>) -> BTreeMap<String, String> {
    n.attributes()
        .map(|a| {
            (
                expanded(a.namespace().filter(|s| !s.is_empty()), a.name()),
                a.value().to_string(),
            )
        })
        .collect()
}

/// The first difference between a request element and its copy: the response node to point
/// at and what differs.
fn diff<'d, 'a>(
    req: Node<'_, '_>,
    resp: Node<'d, 'a>,
    path: &str,
) -> Option<(Node<'d, 'a>, String)> {
    let (ra, sa) = (attributes(req), attributes(resp));
    for (k, v) in &ra {
        match sa.get(k) {
            None => {
                return Some((
                    resp,
                    format!("{path} lacks the attribute {k}={} of the request", shown(v)),
                ));
            }
            Some(w) if w != v => {
                return Some((
                    resp,
                    format!(
                        "{path}/@{k} is {} in the request but {} in the response",
                        shown(v),
                        shown(w)
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    if let Some((k, w)) = sa.iter().find(|(k, _)| !ra.contains_key(*k)) {
        return Some((
            resp,
            format!(
                "{path} has an attribute {k}={} that the request's does not have",
                shown(w)
            ),
        ));
    }
    let (ri, si) = (items(req), items(resp));
    for idx in 0..ri.len().max(si.len()) {
        match (ri.get(idx), si.get(idx)) {
            (Some(Item::Text(a)), Some(Item::Text(b))) if a != b => {
                return Some((
                    resp,
                    format!(
                        "{path} is {} in the request but {} in the response",
                        shown(a),
                        shown(b)
                    ),
                ));
            }
            (Some(Item::Element(a)), Some(Item::Element(b))) => {
                if key(*a) != key(*b) {
                    return Some((
                        *b,
                        format!(
                            "{path} has {} in the request where the response has {}",
                            name(*a),
                            name(*b)
                        ),
                    ));
                }
                if let Some(d) = diff(*a, *b, &format!("{path}/{}", name(*b))) {
                    return Some(d);
                }
            }
            (Some(Item::Text(a)), Some(Item::Element(b))) => {
                return Some((
                    *b,
                    format!(
                        "{path} has the text {} in the request where the response has the element {}",
                        shown(a),
                        name(*b)
                    ),
                ));
            }
            (Some(Item::Element(a)), Some(Item::Text(b))) => {
                return Some((
                    resp,
                    format!(
                        "{path} has the element {} in the request where the response has the text {}",
                        name(*a),
                        shown(b)
                    ),
                ));
            }
            (Some(Item::Element(a)), None) => {
                return Some((
                    resp,
                    format!("{path} lacks the element {} of the request", name(*a)),
                ));
            }
            (Some(Item::Text(a)), None) => {
                return Some((
                    resp,
                    format!("{path} lacks the text {} of the request", shown(a)),
                ));
            }
            (None, Some(Item::Element(b))) => {
                return Some((
                    *b,
                    format!(
                        "{path} has an element {} that the request's does not have",
                        name(*b)
                    ),
                ));
            }
            (None, Some(Item::Text(b))) => {
                return Some((
                    resp,
                    format!(
                        "{path} has a text {} that the request's does not have",
                        shown(b)
                    ),
                ));
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::longest_increasing;

    #[test]
    fn one_moved_field_is_out_of_order() {
        // Request A B C D; response B C D A.
        assert_eq!(
            longest_increasing(&[(0, 3), (1, 0), (2, 1), (3, 2)]),
            vec![false, true, true, true]
        );
        assert_eq!(longest_increasing(&[(0, 0), (1, 1)]), vec![true, true]);
        assert!(longest_increasing(&[]).is_empty());
    }
}
