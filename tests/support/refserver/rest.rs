//! The pet register behind an X-Road Security Server (`pets.openapi.yaml`), with seeded defects.

use super::{Rest, View, send};
use serde_json::{Value, json};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};

const PROVIDER: &str = "/r1/DEV/GOV/1234/PETS";
const PREFIX: &str = "/r1/DEV/GOV/1234/PETS/register";
const SERVICE: &str = "DEV/GOV/1234/PETS/register";

static COUNTER: AtomicU64 = AtomicU64::new(1);

fn uuid() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("6f1c2a3b-0000-4000-8000-{n:012x}")
}

/// The headers a provider Security Server adds to every response.
fn xroad_headers(client: &str, d: Rest) -> Vec<(&'static str, String)> {
    let mut h = vec![("X-Road-Client", client.to_string())];
    if d != Rest::NoServiceHeader {
        h.push(("X-Road-Service", SERVICE.to_string()));
    }
    if d != Rest::NoXroadId {
        h.push(("X-Road-Id", uuid()));
    }
    h.push(("X-Road-Request-Id", uuid()));
    let hash = if d == Rest::BadRequestHash {
        "4c519cf0-0e5e-4ccf-b72b-8ed6fe289e6e".to_string()
    } else {
        format!("{}==", "Q".repeat(86))
    };
    h.push(("X-Road-Request-Hash", hash));
    h
}

fn valid_client(c: Option<&str>) -> bool {
    c.is_some_and(|c| {
        let parts: Vec<&str> = c.split('/').collect();
        (3..=4).contains(&parts.len()) && parts.iter().all(|p| !p.is_empty())
    })
}

/// Handles one request.
pub fn handle(s: &mut TcpStream, r: &View<'_>, d: Rest) {
    if d == Rest::Slow {
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    if let Some(meta) = r
        .path
        .strip_prefix(PROVIDER)
        .and_then(|m| m.strip_prefix('/'))
        && ["listMethods", "allowedMethods", "getOpenAPI"].contains(&meta)
    {
        return metaservice(s, r, meta, d);
    }
    let Some(rest) = r.path.strip_prefix(PREFIX) else {
        return send(
            s,
            "404 Not Found",
            &[("Content-Type", "application/json".into())],
            b"{\"error\":\"unknown service\"}",
        );
    };
    if !valid_client(r.header("X-Road-Client")) {
        return security_server_error(s, d);
    }
    let client = r.header("X-Road-Client").unwrap_or("").to_string();
    let mut headers = xroad_headers(&client, d);
    if d == Rest::NeedsApiKey && r.header("X-Api-Key") != Some("s3cret") {
        headers.push(("Content-Type", "application/json; charset=utf-8".into()));
        return send(
            s,
            "401 Unauthorized",
            &headers,
            b"{\"error\":\"no api key\"}",
        );
    }
    let ct = if d == Rest::WrongContentType {
        "text/plain"
    } else {
        "application/json; charset=utf-8"
    };
    headers.push(("Content-Type", ct.into()));
    let (status, body) = route(r, rest, d, &mut headers);
    send(s, status, &headers, body.to_string().as_bytes());
}

fn security_server_error(s: &mut TcpStream, d: Rest) {
    let t = "Client.InvalidClientIdentifier";
    let body = if d == Rest::WrongErrorBody {
        json!({"error": "invalid client"})
    } else {
        json!({"type": t, "message": "X-Road-Client is missing or malformed", "detail": uuid()})
    };
    let mut headers = vec![("Content-Type", "application/json;charset=utf-8".to_string())];
    if d != Rest::ErrorWithoutHeader {
        headers.push(("X-Road-Error", t.to_string()));
    }
    send(s, "400 Bad Request", &headers, body.to_string().as_bytes());
}

fn invalid(d: Rest, why: &str) -> (&'static str, Value) {
    match d {
        Rest::ServerErrorOnInvalid => (
            "500 Internal Server Error",
            json!({"error": "internal error"}),
        ),
        _ => ("400 Bad Request", json!({"error": why})),
    }
}

fn route(
    r: &View<'_>,
    rest: &str,
    d: Rest,
    headers: &mut Vec<(&'static str, String)>,
) -> (&'static str, Value) {
    if rest.is_empty() || rest == "/" {
        return ("200 OK", json!({"service": "pets", "status": "ok"}));
    }
    if let Some(id) = rest.strip_prefix("/pets/").filter(|_| r.method == "GET") {
        return get_pet(r, id, d, headers);
    }
    if rest == "/pets" && r.method == "POST" {
        return add_pet(r.body, d);
    }
    ("404 Not Found", json!({"error": "not found"}))
}

fn get_pet(
    r: &View<'_>,
    id: &str,
    d: Rest,
    headers: &mut Vec<(&'static str, String)>,
) -> (&'static str, Value) {
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|i| (1..=1_000_000).contains(i));
    let verbose_ok =
        r.query
            .split('&')
            .filter(|q| !q.is_empty())
            .all(|q| match q.split_once('=') {
                Some(("verbose", v)) => v == "true" || v == "false",
                _ => true,
            });
    let trace_ok = r.header("X-Trace").is_none_or(|t| {
        t.len() == 8
            && t.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    let (Some(id), true, true) = (id, verbose_ok, trace_ok) else {
        if d == Rest::AcceptsInvalid {
            headers.push(("X-Rate-Limit", "100".into()));
            return ("200 OK", json!({"id": 1, "name": "Rex"}));
        }
        return invalid(d, "invalid id, verbose or X-Trace");
    };
    if d != Rest::MissingResponseHeader {
        headers.push(("X-Rate-Limit", "100".into()));
    }
    if id > 500 && d == Rest::UndocumentedStatus {
        return ("418 I'm a teapot", json!({"error": "teapot"}));
    }
    let name = if id > 500 && d == Rest::SchemaViolatingBody {
        ""
    } else {
        "Rex"
    };
    let tag = match (id > 500 && d == Rest::TagNotString, id % 2 == 0) {
        (true, _) => json!(7),
        (false, true) => Value::Null,
        (false, false) => json!("dog"),
    };
    ("200 OK", json!({"id": id, "name": name, "tag": tag}))
}

fn valid_date(s: &str) -> bool {
    let p: Vec<&str> = s.split('-').collect();
    let [y, m, d] = p.as_slice() else {
        return false;
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    s.len() == 10 && (1..=12).contains(&m) && d >= 1 && d <= days[(m - 1) as usize]
}

fn add_pet(body: &str, d: Rest) -> (&'static str, Value) {
    let pet: Option<serde_json::Map<String, Value>> = match serde_json::from_str(body) {
        Ok(Value::Object(o)) => Some(o),
        _ => None,
    };
    let ok = pet.as_ref().is_some_and(|p| {
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| (1..=20).contains(&n.chars().count()));
        let age = p
            .get("age")
            .is_none_or(|a| a.as_i64().is_some_and(|a| (0..=30).contains(&a)));
        let born = p
            .get("born")
            .is_none_or(|b| b.as_str().is_some_and(valid_date));
        name && age && born
    });
    let Some(p) = pet.filter(|_| ok) else {
        if d == Rest::AcceptsInvalid {
            return ("201 Created", json!({"id": 1, "name": "Rex"}));
        }
        return invalid(d, "invalid pet");
    };
    if d == Rest::RejectsValid && p.get("age").and_then(Value::as_i64).is_some_and(|a| a > 20) {
        return ("400 Bad Request", json!({"error": "too old"}));
    }
    (
        "201 Created",
        json!({"id": 1, "name": p.get("name").cloned().unwrap_or(json!("Rex"))}),
    )
}

fn service(code: &str) -> Value {
    json!({"xroad_instance": "DEV", "member_class": "GOV", "member_code": "1234",
           "subsystem_code": "PETS", "service_code": code, "object_type": "SERVICE",
           "service_type": "OPENAPI", "endpoint_list": [{"method": "GET", "path": "/pets/*"},
           {"method": "POST", "path": "/pets"}]})
}

fn metaservice(s: &mut TcpStream, r: &View<'_>, name: &str, d: Rest) {
    if !valid_client(r.header("X-Road-Client")) {
        return security_server_error(s, d);
    }
    let mut headers = xroad_headers(r.header("X-Road-Client").unwrap_or(""), d);
    headers.push(("Content-Type", "application/json; charset=utf-8".into()));
    let body = match name {
        "getOpenAPI" => {
            if !r.query.split('&').any(|q| q == "serviceCode=register") {
                return send(
                    s,
                    "404 Not Found",
                    &headers,
                    b"{\"error\":\"no such service\"}",
                );
            }
            let mut api: Value =
                serde_norway::from_str(include_str!("../../fixtures/endpoint/pets.openapi.yaml"))
                    .unwrap_or(Value::Null);
            if d == Rest::OpenApiVersion2 {
                api["openapi"] = json!("2.0");
            }
            api
        }
        _ if d == Rest::ListsMetaservices => {
            json!({"service": [service("register"), service("listMethods")]})
        }
        _ => json!({"service": [service("register")]}),
    };
    send(s, "200 OK", &headers, body.to_string().as_bytes());
}
