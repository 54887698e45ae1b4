//! Reference servers for the endpoint tests and benchmarks, on `std::net` only: a conforming
//! X-Road REST provider (the pet register of `tests/fixtures/endpoint/pets.openapi.yaml`, as
//! seen through a Security Server), a conforming X-Road SOAP provider (`pets.wsdl`), one
//! switch per seeded defect, and hostile modes (slow drip, endless body, gzip bomb, invalid
//! HTTP, connection reset). Each connection serves one request and is closed.
#![allow(dead_code)]

mod rest;
mod soap;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// What the server does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// X-Road REST provider, with at most one defect.
    Rest(Rest),
    /// X-Road SOAP provider, with at most one defect.
    Soap(Soap),
    /// A broken or hostile server.
    Hostile(Hostile),
    /// Redirects every request to another port on 127.0.0.1.
    Redirect(u16),
}

/// Seeded defects of the REST provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rest {
    /// Conforming.
    Good,
    /// No X-Road-Id on responses (XRD-REST-010).
    NoXroadId,
    /// X-Road-Request-Hash not a SHA-512 (XRD-REST-011).
    BadRequestHash,
    /// No X-Road-Service on responses (XRD-RESTX-001).
    NoServiceHeader,
    /// Security Server errors without the X-Road-Error header (XRD-REST-030).
    ErrorWithoutHeader,
    /// Security Server error body without type/message/detail (XRD-REST-031).
    WrongErrorBody,
    /// 500 for invalid input (KONFORM-OAS-001).
    ServerErrorOnInvalid,
    /// Accepts invalid input with 200 (KONFORM-OAS-006).
    AcceptsInvalid,
    /// Pets with id above 500 come back without a name (KONFORM-OAS-005).
    SchemaViolatingBody,
    /// Answers text/plain (KONFORM-OAS-003).
    WrongContentType,
    /// Answers 418 for ids above 500 (KONFORM-OAS-002).
    UndocumentedStatus,
    /// Leaves out the required X-Rate-Limit header (KONFORM-OAS-004).
    MissingResponseHeader,
    /// Rejects valid pets older than 20 (KONFORM-OAS-007).
    RejectsValid,
    /// listMethods lists the metaservices too (XRD-META-012).
    ListsMetaservices,
    /// getOpenAPI returns a Swagger 2.0 version (XRD-META-015).
    OpenApiVersion2,
    /// Pets with id above 500 come back with a numeric tag (string or null is documented).
    TagNotString,
    /// Conforming, but every response is 300 ms late (for `--max-duration`).
    Slow,
    /// Conforming for requests with `X-Api-Key: s3cret`; 401 (undocumented) without it.
    NeedsApiKey,
}

/// Seeded defects of the SOAP provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Soap {
    /// Conforming.
    Good,
    /// Response headers in another order (XRD-SOAP-010).
    HeaderOrder,
    /// Response wrapper `getPetResult` (XRD-SOAP-017).
    WrapperName,
    /// Fault without faultstring (XRD-SOAP-022).
    FaultFormat,
    /// Content-Type without charset (XRD-SOAP-024).
    ContentType,
    /// Invalid requests answered normally (KONFORM-ENDPOINT-002).
    NoFault,
    /// listMethods lists the metaservices too (XRD-META-006).
    ListsMetaservices,
    /// getWsdl returns the WSDL with the provider's real address (XRD-META-010).
    WsdlAddress,
    /// getWsdl returns an RPC-style WSDL (XRD-WSDL-001).
    ReturnedWsdlRpc,
    /// listClients answers XML even when asked for JSON (XRD-META-001).
    ListClientsXmlOnly,
    /// listClients JSON with camelCase identifier fields (XRD-META-001).
    ListClientsCamelCase,
}

/// Hostile behaviours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hostile {
    /// One byte every 200 ms, forever.
    SlowDrip,
    /// A chunked body that never ends.
    EndlessBody,
    /// 50 MB of zeros, gzipped.
    GzipBomb,
    /// Not HTTP at all.
    InvalidHttp,
    /// Connection reset after reading the request.
    Reset,
}

/// A running server; stops when dropped.
pub struct Server {
    /// Port on 127.0.0.1.
    pub port: u16,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Base URL of the X-Road REST service.
    pub fn rest_url(&self) -> String {
        format!(
            "http://127.0.0.1:{}/r1/DEV/GOV/1234/PETS/register",
            self.port
        )
    }
    /// URL of the SOAP service.
    pub fn soap_url(&self) -> String {
        format!("http://127.0.0.1:{}/soap", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Starts a server on a random port.
pub fn start(mode: Mode) -> Server {
    start_on(mode, 0)
}

/// Starts a server on a given port (0: random).
pub fn start_on(mode: Mode, port: u16) -> Server {
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            if flag.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = conn else { continue };
            let flag = flag.clone();
            std::thread::spawn(move || serve(stream, mode, &flag));
        }
    });
    Server { port, stop }
}

struct Req {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Req {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn read_request(s: &mut TcpStream) -> Option<Req> {
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
    };
    let head = String::from_utf8_lossy(&buf[..end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[end + 4..].to_vec();
    while body.len() < len {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    Some(Req {
        method,
        path: path.to_string(),
        query: query.to_string(),
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    })
}

fn respond(s: &mut TcpStream, status: &str, headers: &[(&str, String)], body: &[u8]) {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (n, v) in headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    let _ = s.write_all(&bytes);
    // Let the client close first (it has the whole response by Content-Length), so the
    // TIME_WAIT state stays on the client side and fast loops do not stall on port reuse.
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let mut sink = [0u8; 512];
    while matches!(s.read(&mut sink), Ok(n) if n > 0) {}
    let _ = s.shutdown(Shutdown::Both);
}

fn serve(mut s: TcpStream, mode: Mode, stop: &AtomicBool) {
    if mode == Mode::Hostile(Hostile::Reset) {
        // Closing with the request unread makes the kernel send a reset.
        std::thread::sleep(Duration::from_millis(30));
        return;
    }
    let Some(req) = read_request(&mut s) else {
        return;
    };
    match mode {
        Mode::Rest(d) => rest::handle(&mut s, &req_view(&req), d),
        Mode::Soap(d) if req.method == "GET" && req.path == "/listClients" => {
            list_clients(&mut s, &req, d)
        }
        Mode::Soap(_) if req.method == "GET" => wsdl(&mut s, &req),
        Mode::Soap(d) => soap::handle(&mut s, &req.body, d),
        Mode::Hostile(h) => hostile(&mut s, h, stop),
        Mode::Redirect(port) => respond(
            &mut s,
            "302 Found",
            &[("Location", format!("http://127.0.0.1:{port}{}", req.path))],
            b"",
        ),
    }
}

/// `GET /soap?wsdl`: the provider's WSDL, as providers commonly publish it.
fn wsdl(s: &mut TcpStream, req: &Req) {
    if req.path == "/soap" && req.query == "wsdl" {
        let text = include_str!("../../fixtures/endpoint/pets.wsdl");
        respond(
            s,
            "200 OK",
            &[("Content-Type", "text/xml; charset=UTF-8".into())],
            text.as_bytes(),
        );
    } else {
        respond(s, "404 Not Found", &[], b"");
    }
}

/// `GET /listClients` of the Security Server: JSON (PR-META Annex B) when asked for, else the
/// xroad clientList.
fn list_clients(s: &mut TcpStream, req: &Req, d: Soap) {
    let json = req
        .header("Accept")
        .is_some_and(|a| a.contains("application/json"));
    if json && d != Soap::ListClientsXmlOnly {
        let mut body = "{\"member\":[{\"id\":{\"member_class\":\"GOV\",\"member_code\":\"1234\",\"subsystem_code\":\"PETS\",\"object_type\":\"SUBSYSTEM\",\"xroad_instance\":\"DEV\"},\"name\":\"Pets\",\"subsystem_name\":\"Pet register\"}]}".to_string();
        if d == Soap::ListClientsCamelCase {
            body = body.replace("member_class", "memberClass");
        }
        return respond(
            s,
            "200 OK",
            &[("Content-Type", "application/json;charset=UTF-8".into())],
            body.as_bytes(),
        );
    }
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ns2:clientList xmlns:ns1=\"http://x-road.eu/xsd/identifiers\" xmlns:ns2=\"http://x-road.eu/xsd/xroad.xsd\"><ns2:member><ns2:id ns1:objectType=\"SUBSYSTEM\"><ns1:xRoadInstance>DEV</ns1:xRoadInstance><ns1:memberClass>GOV</ns1:memberClass><ns1:memberCode>1234</ns1:memberCode><ns1:subsystemCode>PETS</ns1:subsystemCode></ns2:id><ns2:name>Pets</ns2:name></ns2:member></ns2:clientList>";
    respond(
        s,
        "200 OK",
        &[("Content-Type", "text/xml;charset=UTF-8".into())],
        xml.as_bytes(),
    );
}

/// The parts of a request the handlers look at.
pub struct View<'a> {
    /// Method.
    pub method: &'a str,
    /// Path.
    pub path: &'a str,
    /// Query string.
    pub query: &'a str,
    /// Headers.
    pub headers: &'a [(String, String)],
    /// Body.
    pub body: &'a str,
}

impl View<'_> {
    /// A header by name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn req_view(r: &Req) -> View<'_> {
    View {
        method: &r.method,
        path: &r.path,
        query: &r.query,
        headers: &r.headers,
        body: &r.body,
    }
}

/// Writes a response (for the handlers).
pub fn send(s: &mut TcpStream, status: &str, headers: &[(&str, String)], body: &[u8]) {
    respond(s, status, headers, body);
}

fn hostile(s: &mut TcpStream, h: Hostile, stop: &AtomicBool) {
    match h {
        Hostile::SlowDrip => {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\n");
            while !stop.load(Ordering::SeqCst) && s.write_all(b"X").is_ok() {
                std::thread::sleep(Duration::from_millis(200));
            }
        }
        Hostile::EndlessBody => {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            let chunk = format!("{:x}\r\n{}\r\n", 4096, "a".repeat(4096));
            while !stop.load(Ordering::SeqCst) && s.write_all(chunk.as_bytes()).is_ok() {}
        }
        Hostile::GzipBomb => {
            let bomb = konform::endpoint::gzip::encode(&vec![0u8; 50 << 20]);
            respond(
                s,
                "200 OK",
                &[
                    ("Content-Type", "application/json".into()),
                    ("Content-Encoding", "gzip".into()),
                ],
                &bomb,
            );
        }
        Hostile::InvalidHttp => {
            let _ = s.write_all(b"SSH-2.0-OpenSSH_9.6\r\nnot http at all\r\n\r\n");
        }
        Hostile::Reset => {}
    }
}
