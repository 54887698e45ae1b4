//! Invalid candidates: one deliberate violation per value. Callers confirm each with a
//! [`super::Checker`] before relying on it.

use super::{MAX_DEPTH, merge_all, num, object, types, usize_of, valid_at};
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Just, Union};
use serde_json::{Value, json};

/// A strategy for values that violate the schema in one way each (wrong type, out of range,
/// wrong length, pattern, format, enum, missing required member, unexpected member, …), or
/// `None` when the schema accepts everything. Confirm every value with a [`Checker`].
pub fn invalid(schema: &Value) -> Option<BoxedStrategy<Value>> {
    let v = violations(schema, 0);
    (!v.is_empty()).then(|| Union::new(v).boxed())
}

fn violations(s: &Value, depth: usize) -> Vec<BoxedStrategy<Value>> {
    let mut out: Vec<BoxedStrategy<Value>> = Vec::new();
    if !s.is_object() || depth > MAX_DEPTH {
        return out;
    }
    if let Some(Value::Array(all)) = s.get("allOf") {
        return violations(&merge_all(s, all), depth);
    }
    let ts = types(s);
    if !ts.is_empty() {
        let wrong: Vec<Value> = [
            json!("konform"),
            json!(12345),
            json!(true),
            json!({}),
            json!([]),
            Value::Null,
        ]
        .into_iter()
        .filter(|v| !ts.iter().any(|t| fits(t, v)))
        .collect();
        if !wrong.is_empty() {
            out.push(proptest::sample::select(wrong).boxed());
        }
    }
    if s.get("enum").is_some() {
        out.push(
            "[A-Z]{3,8}"
                .prop_map(|x| Value::String(format!("not-{x}")))
                .boxed(),
        );
    }
    if let Some(min) = usize_of(s, "minLength").filter(|m| *m > 0) {
        out.push(Just(Value::String("a".repeat(min - 1))).boxed());
    }
    if let Some(max) = usize_of(s, "maxLength") {
        out.push(
            (1usize..4)
                .prop_map(move |k| Value::String("z".repeat(max + k)))
                .boxed(),
        );
    }
    if s.get("pattern").is_some() {
        out.push(
            proptest::sample::select(vec!["", "!", "~ ~", "0", "Z"])
                .prop_map(|x| json!(x))
                .boxed(),
        );
    }
    if let Some(f) = s.get("format").and_then(Value::as_str) {
        let bad = match f {
            "date" => Some("2021-13-45"),
            "date-time" => Some("yesterday at noon"),
            "uuid" => Some("not-a-uuid"),
            "email" => Some("no-at-sign"),
            "ipv4" => Some("999.1.1.1"),
            _ => None,
        };
        out.extend(bad.map(|b| Just(json!(b)).boxed()));
    }
    for (k, d) in [
        ("minimum", -1.0),
        ("exclusiveMinimum", 0.0),
        ("maximum", 1.0),
        ("exclusiveMaximum", 0.0),
    ] {
        if let Some(b) = num(s, k) {
            let integral = ts.contains(&"integer");
            out.push(
                (1i64..100)
                    .prop_map(move |k| {
                        let v = b + d * k as f64;
                        if integral { json!(v as i64) } else { json!(v) }
                    })
                    .boxed(),
            );
        }
    }
    if ts.contains(&"object") {
        object_violations(s, depth, &mut out);
    }
    if ts.contains(&"array") {
        let items = s.get("items").cloned().unwrap_or(json!({}));
        let bad_items = violations(&items, depth + 1);
        if !bad_items.is_empty() {
            out.push(Union::new(bad_items).prop_map(|v| json!([v])).boxed());
        }
        if let Some(max) = usize_of(s, "maxItems") {
            out.push(
                proptest::collection::vec(valid_at(&items, depth + 1), max + 1..=max + 2)
                    .prop_map(Value::Array)
                    .boxed(),
            );
        }
        if usize_of(s, "minItems").is_some_and(|m| m > 0) {
            out.push(Just(json!([])).boxed());
        }
    }
    out
}

fn object_violations(s: &Value, depth: usize, out: &mut Vec<BoxedStrategy<Value>>) {
    let base = object(s, depth);
    let required: Vec<String> = s
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    if !required.is_empty() {
        out.push(
            (base.clone(), proptest::sample::select(required))
                .prop_map(|(mut v, k)| {
                    if let Some(o) = v.as_object_mut() {
                        o.remove(&k);
                    }
                    v
                })
                .boxed(),
        );
    }
    if s.get("additionalProperties") == Some(&Value::Bool(false)) {
        out.push(
            base.clone()
                .prop_map(|mut v| {
                    if let Some(o) = v.as_object_mut() {
                        o.insert("konformUnexpected".into(), json!(1));
                    }
                    v
                })
                .boxed(),
        );
    }
    for (name, ps) in s
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let bad = violations(ps, depth + 1);
        if bad.is_empty() {
            continue;
        }
        let name = name.clone();
        out.push(
            (base.clone(), Union::new(bad))
                .prop_map(move |(mut v, b)| {
                    if let Some(o) = v.as_object_mut() {
                        o.insert(name.clone(), b);
                    }
                    v
                })
                .boxed(),
        );
    }
}

fn fits(t: &str, v: &Value) -> bool {
    match t {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "null" => v.is_null(),
        _ => true,
    }
}
