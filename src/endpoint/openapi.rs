//! OpenAPI 3.0 / 3.1 loader: YAML or JSON, local `$ref`s only (`#/...`, inlined with a depth
//! cap so recursive schemas stay finite), 3.0 schema dialect normalised to JSON Schema
//! (`nullable`, boolean `exclusiveMinimum`/`exclusiveMaximum`). Produces the operations the
//! endpoint command tests; it never fetches anything.

use serde_json::{Map, Value};

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamIn {
    /// Path segment.
    Path,
    /// Query string.
    Query,
    /// Header.
    Header,
    /// A child element of a SOAP body wrapper.
    XmlElement,
}

/// One parameter of an operation.
#[derive(Debug, Clone)]
pub struct Param {
    /// Name.
    pub name: String,
    /// Location.
    pub location: ParamIn,
    /// Required.
    pub required: bool,
    /// JSON Schema of the value.
    pub schema: Value,
}

/// A documented response.
#[derive(Debug, Clone, Default)]
pub struct ResponseSpec {
    /// Media type -> schema (`{}` when none is given).
    pub content: Vec<(String, Value)>,
    /// Header name -> (required, schema).
    pub headers: Vec<(String, bool, Value)>,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Upper-case method.
    pub method: String,
    /// Path template, e.g. `/pets/{id}`.
    pub path: String,
    /// `operationId` or `METHOD path`.
    pub id: String,
    /// Parameters (path, query, header).
    pub params: Vec<Param>,
    /// JSON request body schema and whether it is required.
    pub body: Option<(Value, bool)>,
    /// Status key (`200`, `2XX`, `default`) -> response.
    pub responses: Vec<(String, ResponseSpec)>,
}

impl Operation {
    /// The documented response for a status (exact code, then range, then default).
    pub fn response_for(&self, status: u16) -> Option<&ResponseSpec> {
        let code = status.to_string();
        let range = format!("{}XX", status / 100);
        ["exact", "range", "default"].iter().find_map(|kind| {
            self.responses.iter().find_map(|(k, r)| {
                let hit = match *kind {
                    "exact" => *k == code,
                    "range" => k.eq_ignore_ascii_case(&range),
                    _ => k == "default",
                };
                hit.then_some(r)
            })
        })
    }
}

/// A loaded description.
#[derive(Debug, Clone)]
pub struct Api {
    /// `openapi` version string.
    pub version: String,
    /// Operations in document order.
    pub operations: Vec<Operation>,
}

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "patch", "head", "options"];
const MAX_REF_DEPTH: usize = 8;

/// Parses an OpenAPI description (JSON or YAML text).
pub fn load(text: &str) -> Result<Api, String> {
    let doc: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?
    } else {
        serde_norway::from_str(text).map_err(|e| format!("not valid YAML: {e}"))?
    };
    let version = doc
        .get("openapi")
        .and_then(Value::as_str)
        .ok_or("no `openapi` version field (only OpenAPI 3.0 and 3.1 are supported)")?
        .to_string();
    let v30 = version.starts_with("3.0");
    if !v30 && !version.starts_with("3.1") {
        return Err(format!(
            "OpenAPI {version} is not supported (3.0 and 3.1 are)"
        ));
    }
    let mut operations = Vec::new();
    let paths = doc.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let item = resolve(&doc, item, 0);
        let shared = item.get("parameters").cloned().unwrap_or(Value::Null);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let op = resolve(&doc, op, 0);
            operations.push(operation(&doc, v30, path, method, &op, &shared));
        }
    }
    Ok(Api {
        version,
        operations,
    })
}

fn operation(
    doc: &Value,
    v30: bool,
    path: &str,
    method: &str,
    op: &Value,
    shared: &Value,
) -> Operation {
    let mut params: Vec<Param> = Vec::new();
    for p in [shared, op.get("parameters").unwrap_or(&Value::Null)]
        .into_iter()
        .filter_map(Value::as_array)
        .flatten()
    {
        let p = resolve(doc, p, 0);
        let location = match p.get("in").and_then(Value::as_str) {
            Some("path") => ParamIn::Path,
            Some("query") => ParamIn::Query,
            Some("header") => ParamIn::Header,
            _ => continue,
        };
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if name.is_empty() {
            continue;
        }
        let schema = p
            .get("schema")
            .map_or(Value::Object(Map::new()), |s| schema(doc, v30, s));
        params.retain(|q| !(q.name == name && q.location == location));
        params.push(Param {
            required: location == ParamIn::Path
                || p.get("required").and_then(Value::as_bool).unwrap_or(false),
            name,
            location,
            schema,
        });
    }
    let body = op
        .get("requestBody")
        .map(|b| resolve(doc, b, 0))
        .and_then(|b| {
            let s = b
                .get("content")?
                .as_object()?
                .iter()
                .find(|(k, _)| is_json(k))?
                .1;
            let required = b.get("required").and_then(Value::as_bool).unwrap_or(false);
            Some((
                s.get("schema")
                    .map_or(Value::Object(Map::new()), |s| schema(doc, v30, s)),
                required,
            ))
        });
    let mut responses = Vec::new();
    for (code, r) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let r = resolve(doc, r, 0);
        let mut spec = ResponseSpec::default();
        for (mt, m) in r
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let s = m
                .get("schema")
                .map_or(Value::Object(Map::new()), |s| schema(doc, v30, s));
            spec.content.push((mt.to_ascii_lowercase(), s));
        }
        for (name, h) in r
            .get("headers")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let h = resolve(doc, h, 0);
            let s = h
                .get("schema")
                .map_or(Value::Object(Map::new()), |s| schema(doc, v30, s));
            let req = h.get("required").and_then(Value::as_bool).unwrap_or(false);
            spec.headers.push((name.clone(), req, s));
        }
        responses.push((code.clone(), spec));
    }
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .map_or_else(|| format!("{} {path}", method.to_uppercase()), String::from);
    Operation {
        method: method.to_uppercase(),
        path: path.to_string(),
        id,
        params,
        body,
        responses,
    }
}

/// Whether a media type is JSON (`application/json`, `application/*+json`).
pub fn is_json(media_type: &str) -> bool {
    let mt = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mt == "application/json" || mt.ends_with("+json")
}

/// Follows a local `$ref` (non-local or broken ones become `{}`: anything goes).
fn resolve(doc: &Value, v: &Value, depth: usize) -> Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) if depth < MAX_REF_DEPTH => {
            match r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
                Some(target) => resolve(doc, target, depth + 1),
                None => Value::Object(Map::new()),
            }
        }
        Some(_) => Value::Object(Map::new()),
        None => v.clone(),
    }
}

/// A self-contained JSON Schema: refs inlined, 3.0 keywords normalised.
pub fn schema(doc: &Value, v30: bool, s: &Value) -> Value {
    inline(doc, v30, s, 0)
}

fn inline(doc: &Value, v30: bool, s: &Value, depth: usize) -> Value {
    if depth > MAX_REF_DEPTH * 4 {
        return Value::Object(Map::new());
    }
    let Some(obj) = s.as_object() else {
        return s.clone();
    };
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        let target = r.strip_prefix('#').and_then(|p| doc.pointer(p));
        return match target {
            Some(t) if depth < MAX_REF_DEPTH * 2 => inline(doc, v30, t, depth + 2),
            _ => Value::Object(Map::new()),
        };
    }
    let mut out = Map::new();
    for (k, v) in obj {
        let nv = match k.as_str() {
            "properties" | "patternProperties" | "$defs" | "definitions" => Value::Object(
                v.as_object()
                    .into_iter()
                    .flatten()
                    .map(|(pk, pv)| (pk.clone(), inline(doc, v30, pv, depth + 1)))
                    .collect(),
            ),
            "items" | "additionalProperties" | "not" | "contains" | "propertyNames" => {
                inline(doc, v30, v, depth + 1)
            }
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => Value::Array(
                v.as_array()
                    .into_iter()
                    .flatten()
                    .map(|x| inline(doc, v30, x, depth + 1))
                    .collect(),
            ),
            "discriminator" | "xml" | "externalDocs" | "example" | "examples" => continue,
            _ => v.clone(),
        };
        out.insert(k.clone(), nv);
    }
    if v30 {
        normalise_30(&mut out);
    }
    Value::Object(out)
}

fn normalise_30(out: &mut Map<String, Value>) {
    if out.remove("nullable") == Some(Value::Bool(true)) {
        if let Some(Value::String(t)) = out.get("type").cloned() {
            out.insert("type".into(), serde_json::json!([t, "null"]));
        }
        if let Some(Value::Array(e)) = out.get_mut("enum") {
            e.push(Value::Null);
        }
    }
    for (excl, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match out.get(excl) {
            Some(Value::Bool(true)) => {
                if let Some(b) = out.remove(bound) {
                    out.insert(excl.into(), b);
                } else {
                    out.remove(excl);
                }
            }
            Some(Value::Bool(false)) => {
                out.remove(excl);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /pets/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer, minimum: 1}}
    get:
      operationId: getPet
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
        default: {description: error}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string, nullable: true}
        age: {type: integer, minimum: 0, exclusiveMinimum: true}
        parent: {$ref: "#/components/schemas/Pet"}
"##;

    #[test]
    fn loads_refs_and_normalises_30() {
        let api = load(SPEC).unwrap();
        let op = &api.operations[0];
        assert_eq!((op.method.as_str(), op.id.as_str()), ("GET", "getPet"));
        assert_eq!(op.params[0].location, ParamIn::Path);
        let pet = &op.response_for(200).unwrap().content[0].1;
        assert_eq!(
            pet["properties"]["name"]["type"],
            serde_json::json!(["string", "null"])
        );
        assert_eq!(pet["properties"]["age"]["exclusiveMinimum"], 0);
        assert!(pet["properties"]["parent"]["properties"].is_object());
        assert!(op.response_for(404).is_some());
        assert!(load("openapi: 2.0\n").is_err());
        assert!(load("swagger: '2.0'\n").is_err());
    }
}
