//! JSON Schema -> proptest strategies: [`valid`] values (types, formats, patterns, enums,
//! required, lengths, ranges) and [`invalid`] candidates (one deliberate violation each).
//!
//! Candidates are only *likely* valid or invalid: callers confirm each value with a compiled
//! [`Checker`] before relying on it, so a schema feature the generator does not understand
//! never turns into a false claim about the subject.

use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Just, Union};
use serde_json::{Map, Value, json};

const MAX_DEPTH: usize = 6;

/// A compiled schema with format assertions on: the judge of every generated value.
pub struct Checker {
    validator: Option<jsonschema::Validator>,
}

impl Checker {
    /// Compiles a schema; a schema that does not compile accepts everything (and
    /// [`Checker::usable`] says so, so no negative cases are built from it).
    pub fn new(schema: &Value) -> Checker {
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(schema)
            .ok();
        Checker { validator }
    }
    /// Whether the schema compiled.
    pub fn usable(&self) -> bool {
        self.validator.is_some()
    }
    /// Whether a value is valid (true when the schema did not compile).
    pub fn is_valid(&self, v: &Value) -> bool {
        self.validator.as_ref().is_none_or(|x| x.is_valid(v))
    }
    /// The first validation error, as `message at pointer`.
    pub fn first_error(&self, v: &Value) -> Option<String> {
        let e = self.validator.as_ref()?.iter_errors(v).next()?;
        Some(format!("{e} at `{}`", e.instance_path()))
    }
}

fn types(s: &Value) -> Vec<&str> {
    match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ if s.get("properties").is_some() || s.get("required").is_some() => vec!["object"],
        _ if s.get("items").is_some() => vec!["array"],
        _ if s.get("pattern").is_some() || s.get("format").is_some() => vec!["string"],
        _ if s.get("minimum").is_some() || s.get("maximum").is_some() => vec!["number"],
        _ => vec![],
    }
}

fn num(s: &Value, k: &str) -> Option<f64> {
    s.get(k).and_then(Value::as_f64)
}

fn usize_of(s: &Value, k: &str) -> Option<usize> {
    s.get(k).and_then(Value::as_u64).map(|v| v as usize)
}

/// A strategy for values the schema (very probably) accepts.
pub fn valid(schema: &Value) -> BoxedStrategy<Value> {
    valid_at(schema, 0)
}

fn valid_at(s: &Value, depth: usize) -> BoxedStrategy<Value> {
    match s {
        Value::Bool(false) => return Just(Value::Null).boxed(),
        Value::Object(_) => {}
        _ => return any_scalar(),
    }
    if let Some(c) = s.get("const") {
        return Just(c.clone()).boxed();
    }
    if let Some(Value::Array(e)) = s.get("enum")
        && !e.is_empty()
    {
        return proptest::sample::select(e.clone()).boxed();
    }
    if let Some(Value::Array(all)) = s.get("allOf") {
        return valid_at(&merge_all(s, all), depth);
    }
    for k in ["oneOf", "anyOf"] {
        if let Some(Value::Array(alts)) = s
            .get(k)
            .filter(|a| a.as_array().is_some_and(|a| !a.is_empty()))
        {
            return Union::new(
                alts.iter()
                    .map(|a| valid_at(&merge_all(s, std::slice::from_ref(a)), depth + 1)),
            )
            .boxed();
        }
    }
    let ts = types(s);
    if ts.is_empty() {
        return any_scalar();
    }
    Union::new(ts.into_iter().map(|t| typed(t, s, depth))).boxed()
}

/// The schema's own keywords with `extra` schemas' keywords merged in (properties and
/// required are unioned; other keywords: the first occurrence wins).
fn merge_all(base: &Value, extra: &[Value]) -> Value {
    let mut out: Map<String, Value> = base.as_object().cloned().unwrap_or_default();
    for k in ["allOf", "oneOf", "anyOf"] {
        out.remove(k);
    }
    for e in extra.iter().filter_map(Value::as_object) {
        for (k, v) in e {
            match (k.as_str(), out.get_mut(k)) {
                ("properties", Some(Value::Object(p))) => {
                    for (pk, pv) in v.as_object().into_iter().flatten() {
                        p.entry(pk.clone()).or_insert_with(|| pv.clone());
                    }
                }
                ("required", Some(Value::Array(r))) => {
                    r.extend(v.as_array().into_iter().flatten().cloned());
                }
                (_, Some(_)) => {}
                (_, None) => {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
    }
    Value::Object(out)
}

fn any_scalar() -> BoxedStrategy<Value> {
    prop_oneof![
        "[a-z]{0,8}".prop_map(Value::String),
        (-100i64..100).prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
    ]
    .boxed()
}

fn typed(t: &str, s: &Value, depth: usize) -> BoxedStrategy<Value> {
    match t {
        "null" => Just(Value::Null).boxed(),
        "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
        "integer" => integer(s).prop_map(Value::from).boxed(),
        "number" => number(s),
        "string" => string(s).prop_map(Value::String).boxed(),
        "array" => array(s, depth),
        "object" => object(s, depth),
        _ => any_scalar(),
    }
}

fn integer(s: &Value) -> BoxedStrategy<i64> {
    // Bounds from `minimum` / `exclusiveMinimum` (the 2020-12 numeric form) and their upper
    // counterparts; an open side is 2000 values wide from the other one.
    let lower = [
        num(s, "minimum").map(|v| v.ceil() as i64),
        num(s, "exclusiveMinimum").map(|x| (x.floor() as i64).saturating_add(1)),
    ]
    .into_iter()
    .flatten()
    .max();
    let upper = [
        num(s, "maximum").map(|v| v.floor() as i64),
        num(s, "exclusiveMaximum").map(|x| (x.ceil() as i64).saturating_sub(1)),
    ]
    .into_iter()
    .flatten()
    .min();
    let (lo, hi) = match (lower, upper) {
        (Some(lo), Some(hi)) => (lo, hi),
        (Some(lo), None) => (lo, lo.saturating_add(2000)),
        (None, Some(hi)) => (hi.saturating_sub(2000), hi),
        (None, None) => (-1000, 1000),
    };
    if hi < lo {
        return Just(lo).boxed();
    }
    let m = num(s, "multipleOf")
        .filter(|m| *m >= 1.0 && m.fract() == 0.0)
        .map(|m| m as i64);
    match m {
        Some(m) if hi / m > lo.div_euclid(m) => ((lo + m - 1).div_euclid(m)..=hi.div_euclid(m))
            .prop_map(move |k| k * m)
            .boxed(),
        _ => (lo..=hi).boxed(),
    }
}

fn number(s: &Value) -> BoxedStrategy<Value> {
    if s.get("multipleOf").is_some() {
        return integer(s).prop_map(Value::from).boxed();
    }
    let lo = num(s, "minimum")
        .or(num(s, "exclusiveMinimum").map(|x| x + 0.5))
        .unwrap_or(-1e3);
    let hi = num(s, "maximum")
        .or(num(s, "exclusiveMaximum").map(|x| x - 0.5))
        .unwrap_or(lo + 2e3);
    if hi <= lo {
        return Just(json!(lo)).boxed();
    }
    prop_oneof![
        integer(s).prop_map(Value::from),
        (lo..hi).prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
    .boxed()
}

fn string(s: &Value) -> BoxedStrategy<String> {
    let min = usize_of(s, "minLength").unwrap_or(0);
    let max = usize_of(s, "maxLength").unwrap_or(min + 16).max(min);
    if let Some(st) = s.get("format").and_then(Value::as_str).and_then(format) {
        return st;
    }
    if let Some(st) = s.get("pattern").and_then(Value::as_str).and_then(|p| {
        proptest::string::string_regex(p.trim_start_matches('^').trim_end_matches('$')).ok()
    }) {
        if s.get("minLength").is_none() && s.get("maxLength").is_none() {
            return st.boxed();
        }
        let hi = usize_of(s, "maxLength").unwrap_or(usize::MAX);
        return st
            .prop_filter("length bounds", move |x| {
                (min..=hi).contains(&x.chars().count())
            })
            .boxed();
    }
    proptest::collection::vec(
        proptest::char::ranges(vec!['a'..='z', 'A'..='Z', '0'..='9'].into()),
        min..=max.min(min + 64),
    )
    .prop_map(|v| v.into_iter().collect())
    .boxed()
}

fn format(f: &str) -> Option<BoxedStrategy<String>> {
    let date =
        (1970u32..2100, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
    Some(match f {
        "date" => date.boxed(),
        "date-time" => (date, 0u32..24, 0u32..60, 0u32..60)
            .prop_map(|(d, h, m, s)| format!("{d}T{h:02}:{m:02}:{s:02}Z"))
            .boxed(),
        "uuid" => "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}".boxed(),
        "email" => "[a-z]{1,8}@[a-z]{1,8}\\.(ee|fi|de)".boxed(),
        "ipv4" => (0u8..=255, 0u8..=255, 0u8..=255, 0u8..=255)
            .prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}"))
            .boxed(),
        "uri" => "https://[a-z]{1,10}\\.example/[a-z]{0,8}".boxed(),
        _ => return None,
    })
}

fn array(s: &Value, depth: usize) -> BoxedStrategy<Value> {
    let min = usize_of(s, "minItems").unwrap_or(0);
    let max = usize_of(s, "maxItems").unwrap_or(min + 3).max(min);
    let max = if depth >= MAX_DEPTH {
        min
    } else {
        max.min(min + 5)
    };
    let items = s.get("items").cloned().unwrap_or(json!({}));
    proptest::collection::vec(valid_at(&items, depth + 1), min..=max)
        .prop_map(Value::Array)
        .boxed()
}

fn object(s: &Value, depth: usize) -> BoxedStrategy<Value> {
    let required: Vec<&str> = s
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let props = s.get("properties").and_then(Value::as_object);
    let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
    for (name, ps) in props.into_iter().flatten() {
        let name = name.clone();
        let st = valid_at(ps, depth + 1);
        if required.contains(&name.as_str()) {
            fields.push(st.prop_map(move |v| Some((name.clone(), v))).boxed());
        } else if depth < MAX_DEPTH {
            fields.push(proptest::option::of(st.prop_map(move |v| (name.clone(), v))).boxed());
        }
    }
    for name in required
        .iter()
        .filter(|r| props.is_none_or(|p| !p.contains_key(**r)))
    {
        let name = name.to_string();
        fields.push(
            any_scalar()
                .prop_map(move |v| Some((name.clone(), v)))
                .boxed(),
        );
    }
    fields
        .prop_map(|f| Value::Object(f.into_iter().flatten().collect()))
        .boxed()
}

mod invalid;
pub use invalid::invalid;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;

    fn schema() -> Value {
        json!({"type": "object", "required": ["id", "name"], "additionalProperties": false,
               "properties": {
                 "id": {"type": "integer", "minimum": 1, "maximum": 99},
                 "name": {"type": "string", "minLength": 2, "maxLength": 5, "pattern": "^[a-z]+$"},
                 "born": {"type": "string", "format": "date"},
                 "kind": {"enum": ["cat", "dog"]},
                 "tags": {"type": "array", "maxItems": 2, "items": {"type": "string", "format": "uuid"}}}})
    }

    #[test]
    fn valid_values_are_valid() {
        let s = schema();
        let check = Checker::new(&s);
        let st = valid(&s);
        let mut r = crate::generate::runner(3);
        for _ in 0..300 {
            let v = st.new_tree(&mut r).unwrap().current();
            assert!(
                check.is_valid(&v),
                "{v} is not valid: {:?}",
                check.first_error(&v)
            );
        }
    }

    #[test]
    fn integer_bounds_take_the_numeric_exclusive_forms() {
        let mut r = crate::generate::runner(5);
        for (s, lo, hi) in [
            (
                json!({"exclusiveMinimum": 0, "maximum": 1_000_000}),
                1,
                1_000_000,
            ),
            (json!({"minimum": 3, "exclusiveMaximum": 5}), 3, 4),
            (json!({"maximum": 10}), -1990, 10),
        ] {
            let st = integer(&s);
            let mut seen = (i64::MAX, i64::MIN);
            for _ in 0..300 {
                let v = st.new_tree(&mut r).unwrap().current();
                seen = (seen.0.min(v), seen.1.max(v));
            }
            assert!(seen.0 >= lo && seen.1 <= hi, "{s}: {seen:?}");
            // The whole range is used, not only its top.
            assert!(seen.0 <= lo + (hi - lo) / 2, "{s}: {seen:?}");
        }
    }

    #[test]
    fn invalid_candidates_are_mostly_invalid_and_varied() {
        let s = schema();
        let check = Checker::new(&s);
        let st = invalid(&s).unwrap();
        let mut r = crate::generate::runner(4);
        let mut invalid = 0;
        let mut reasons = std::collections::BTreeSet::new();
        for _ in 0..300 {
            let v = st.new_tree(&mut r).unwrap().current();
            if let Some(e) = check.first_error(&v) {
                invalid += 1;
                reasons.insert(
                    e.split(" at ")
                        .next()
                        .unwrap_or("")
                        .chars()
                        .take(12)
                        .collect::<String>(),
                );
            }
        }
        assert!(invalid > 250, "only {invalid} of 300 invalid");
        assert!(reasons.len() >= 5, "{reasons:?}");
        assert!(invalid_for_any(&json!({})).is_none());
    }

    fn invalid_for_any(s: &Value) -> Option<BoxedStrategy<Value>> {
        invalid(s)
    }
}
