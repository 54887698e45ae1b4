//! Generated producer inputs from a JSON Schema (objects with properties and `required`,
//! strings with `enum`/`const`/`pattern`/length bounds, integers and numbers with bounds,
//! booleans, arrays). A small stand-in until the shared JSON Schema generator
//! (`generate::json`) is available; optional properties shrink away first.

use proptest::prelude::*;
use serde_json::{Map, Value};

/// A strategy of JSON values satisfying the schema (as far as the keywords above go).
pub fn strategy(schema: &Value) -> Result<BoxedStrategy<Value>, String> {
    strategy_at(schema, 0)
}

fn strategy_at(schema: &Value, depth: usize) -> Result<BoxedStrategy<Value>, String> {
    if depth > 8 {
        return Err("the input schema nests deeper than 8 levels".into());
    }
    if let Some(c) = schema.get("const") {
        return Ok(Just(c.clone()).boxed());
    }
    if let Some(Value::Array(e)) = schema.get("enum") {
        if e.is_empty() {
            return Err("an empty enum admits no value".into());
        }
        return Ok(proptest::sample::select(e.clone()).boxed());
    }
    let ty = schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("object");
    let int = |k: &str| schema.get(k).and_then(Value::as_i64);
    Ok(match ty {
        "string" => {
            let min = int("minLength").unwrap_or(1).max(0) as usize;
            let max = int("maxLength")
                .map_or(min.max(12), |m| m as usize)
                .max(min);
            match schema.get("pattern").and_then(Value::as_str) {
                Some(p) => {
                    let p = p.trim_start_matches('^').trim_end_matches('$');
                    proptest::string::string_regex(p)
                        .map_err(|e| format!("pattern {p}: {e}"))?
                        .prop_filter("length bounds", move |s| {
                            (min..=max).contains(&s.chars().count())
                        })
                        .prop_map(Value::String)
                        .boxed()
                }
                None => proptest::string::string_regex(&format!("[A-Za-z0-9]{{{min},{max}}}"))
                    .map_err(|e| e.to_string())?
                    .prop_map(Value::String)
                    .boxed(),
            }
        }
        "integer" => {
            let lo = int("minimum").unwrap_or(0);
            let hi = int("maximum").unwrap_or(lo.saturating_add(10_000)).max(lo);
            (lo..=hi).prop_map(Value::from).boxed()
        }
        "number" => {
            let lo = schema.get("minimum").and_then(Value::as_f64).unwrap_or(0.0);
            let hi = schema
                .get("maximum")
                .and_then(Value::as_f64)
                .unwrap_or(lo + 10_000.0)
                .max(lo);
            (0u32..=10_000)
                .prop_map(move |k| {
                    let x = lo + (hi - lo) * f64::from(k) / 10_000.0;
                    Value::from((x * 100.0).round() / 100.0)
                })
                .boxed()
        }
        "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
        "array" => {
            let items = strategy_at(schema.get("items").unwrap_or(&Value::Null), depth + 1)?;
            let min = int("minItems").unwrap_or(0).max(0) as usize;
            let max = int("maxItems").map_or(min + 3, |m| m as usize).max(min);
            proptest::collection::vec(items, min..=max)
                .prop_map(Value::Array)
                .boxed()
        }
        "object" => object(schema, depth)?,
        other => return Err(format!("input schema type `{other}` is not supported")),
    })
}

fn object(schema: &Value, depth: usize) -> Result<BoxedStrategy<Value>, String> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields = Vec::new();
    if let Some(Value::Object(props)) = schema.get("properties") {
        for (name, sub) in props {
            let s = strategy_at(sub, depth + 1)?;
            let s = if required.contains(&name.as_str()) {
                s.prop_map(Some).boxed()
            } else {
                proptest::option::of(s).boxed()
            };
            let name = name.clone();
            fields.push(s.prop_map(move |v| (name.clone(), v)).boxed());
        }
    }
    Ok(fields
        .prop_map(|kv| {
            let mut m = Map::new();
            for (k, v) in kv {
                if let Some(v) = v {
                    m.insert(k, v);
                }
            }
            Value::Object(m)
        })
        .boxed())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;

    #[test]
    fn generated_inputs_respect_the_schema() {
        let schema = serde_json::json!({
            "type": "object", "required": ["code"],
            "properties": {
                "code": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{3}$"},
                "kind": {"enum": ["a", "b"]},
                "n": {"type": "integer", "minimum": 1, "maximum": 9},
                "tags": {"type": "array", "items": {"type": "string", "maxLength": 4}}
            }
        });
        let s = strategy(&schema).unwrap();
        let mut r = crate::generate::runner(3);
        let re = regex::Regex::new("^[A-Z]{2}[0-9]{3}$").unwrap();
        for _ in 0..200 {
            let v = s.new_tree(&mut r).unwrap().current();
            assert!(re.is_match(v["code"].as_str().unwrap()), "{v}");
            if let Some(n) = v.get("n") {
                assert!((1..=9).contains(&n.as_i64().unwrap()));
            }
            if let Some(k) = v.get("kind") {
                assert!(k == "a" || k == "b");
            }
        }
        assert!(strategy(&serde_json::json!({"type": "null"})).is_err());
    }
}
