//! Generated values -> HTTP requests, and back: parameters are text on the wire, so a value
//! is judged valid or invalid only after the round trip a server does (text, then coerced to
//! the schema's type). That is what keeps negative cases really invalid (no false positives
//! from a `12345` that a string parameter receives as the text "12345").

use super::client::Request;
use super::compiled::CompiledOp;
use super::openapi::ParamIn;
use serde_json::Value;

/// The text form of a parameter value (arrays comma-separated, the `simple` style).
pub fn to_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(a) => a.iter().map(to_text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// The value a server sees for parameter text, coerced to the schema's type(s).
pub fn coerce(text: &str, schema: &Value) -> Value {
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    for t in &types {
        match *t {
            "integer" => {
                if let Ok(i) = text.parse::<i64>() {
                    return Value::from(i);
                }
            }
            "number" => {
                if let Some(n) = text
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                {
                    return Value::Number(n);
                }
            }
            "boolean" if text == "true" || text == "false" => return Value::Bool(text == "true"),
            "null" if text.is_empty() => return Value::Null,
            "array" => {
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                let parts: Vec<Value> = if text.is_empty() {
                    vec![]
                } else {
                    text.split(',').map(|p| coerce(p, &items)).collect()
                };
                return Value::Array(parts);
            }
            _ => {}
        }
    }
    Value::String(text.to_string())
}

/// Whether text can be sent as a header value unchanged (visible ASCII and inner spaces).
pub fn header_safe(s: &str) -> bool {
    !s.is_empty() && s.trim() == s && s.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Why a case is not what it claims to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unfit {
    /// A value cannot be sent as it is (an empty path segment, a header with line breaks).
    Unsendable,
    /// A positive case has an invalid value, or a negative case turned out valid.
    WrongValidity,
}

/// Confirms a case against the compiled schemas, after the wire round trip. Positive
/// (`target` None): every value is valid. Negative: the target slot is invalid (the reason is
/// returned) and every other value valid.
pub fn confirm(
    op: &CompiledOp,
    values: &[Option<Value>],
    target: Option<usize>,
) -> Result<Option<String>, Unfit> {
    let mut why = None;
    for (i, (slot, value)) in op.slots.iter().zip(values).enumerate() {
        // An empty array in the query sends nothing: the parameter is then absent.
        let absent = matches!((value, slot.location), (Some(Value::Array(a)), Some(ParamIn::Query)) if a.is_empty());
        let value = if absent { &None } else { value };
        let seen = match (value, slot.location) {
            (None, _) if slot.required => {
                if target == Some(i) {
                    why = Some(format!(
                        "required {} `{}` missing",
                        kind(slot.location),
                        slot.name
                    ));
                    continue;
                }
                return Err(Unfit::WrongValidity);
            }
            (None, _) => continue,
            (Some(v), None) => v.clone(),
            (Some(v), Some(loc)) => {
                if v.is_object() {
                    return Err(Unfit::Unsendable);
                }
                let text = to_text(v);
                match loc {
                    ParamIn::Header if !header_safe(&text) => return Err(Unfit::Unsendable),
                    ParamIn::Path if text.is_empty() => return Err(Unfit::Unsendable),
                    ParamIn::XmlElement if text.chars().any(char::is_control) => {
                        return Err(Unfit::Unsendable);
                    }
                    _ => {}
                }
                coerce(&text, &slot.schema)
            }
        };
        let error = slot.checker.first_error(&seen);
        match (target == Some(i), error) {
            (true, Some(e)) => {
                why = Some(format!("{} `{}`: {e}", kind(slot.location), slot.name));
            }
            (false, None) => {}
            _ => return Err(Unfit::WrongValidity),
        }
    }
    if target.is_some() && why.is_none() {
        // The value meant to be invalid is absent or turned out valid.
        return Err(Unfit::WrongValidity);
    }
    Ok(why)
}

fn kind(loc: Option<ParamIn>) -> &'static str {
    match loc {
        Some(ParamIn::Path) => "path parameter",
        Some(ParamIn::Query) => "query parameter",
        Some(ParamIn::Header) => "header",
        Some(ParamIn::XmlElement) => "element",
        None => "body",
    }
}

/// Builds the request of a case below `base_path`.
pub fn build(
    base_path: &str,
    op: &CompiledOp,
    values: &[Option<Value>],
    extra_headers: &[(String, String)],
) -> Request {
    let mut path = op.op.path.clone();
    let mut query = Vec::new();
    // A generated header replaces a fixed one of the same name (and leaving it out leaves it out).
    let mut headers: Vec<(String, String)> = extra_headers
        .iter()
        .filter(|(n, _)| {
            !op.slots
                .iter()
                .any(|s| s.location == Some(ParamIn::Header) && s.name.eq_ignore_ascii_case(n))
        })
        .cloned()
        .collect();
    let mut body = String::new();
    for (slot, value) in op.slots.iter().zip(values) {
        let Some(v) = value else { continue };
        match slot.location {
            Some(ParamIn::Path) => {
                path = path.replace(&format!("{{{}}}", slot.name), &pct(&to_text(v)));
            }
            Some(ParamIn::Query) => match v {
                Value::Array(items) => {
                    for item in items {
                        query.push(format!("{}={}", pct(&slot.name), pct(&to_text(item))));
                    }
                }
                _ => query.push(format!("{}={}", pct(&slot.name), pct(&to_text(v)))),
            },
            Some(ParamIn::Header) => headers.push((slot.name.clone(), to_text(v))),
            Some(ParamIn::XmlElement) => {}
            None => {
                headers.push(("Content-Type".into(), "application/json".into()));
                body = v.to_string();
            }
        }
    }
    let mut target = format!("{base_path}{path}");
    if !query.is_empty() {
        target.push('?');
        target.push_str(&query.join("&"));
    }
    Request {
        method: op.op.method.clone(),
        target,
        headers,
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_decides_validity() {
        let int = json!({"type": "integer"});
        assert_eq!(coerce("12", &int), json!(12));
        assert_eq!(coerce("x", &int), json!("x"));
        let s = json!({"type": "string"});
        // 12345 sent to a string parameter arrives as the valid text "12345".
        assert_eq!(coerce(&to_text(&json!(12345)), &s), json!("12345"));
        assert_eq!(
            coerce("1,2", &json!({"type": "array", "items": int})),
            json!([1, 2])
        );
        assert!(!header_safe("a\r\nb") && !header_safe(" a") && header_safe("a b"));
        assert_eq!(pct("a b/ü"), "a%20b%2F%C3%BC");
    }
}
