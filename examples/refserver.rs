//! The endpoint reference servers as a program, for benchmarks and manual runs:
//! `cargo run --example refserver -- rest|soap [DEFECT] [PORT]` (DEFECT as in
//! `tests/support/refserver`, e.g. `schema-violating-body`; PORT 0 = random). Prints the URL.
#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "../tests/support/refserver/mod.rs"]
mod refserver;

use refserver::{Mode, Rest, Soap};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let kind = args.first().map_or("rest", String::as_str);
    let defect = args.get(1).map_or("good", String::as_str);
    let port: u16 = args.get(2).and_then(|p| p.parse().ok()).unwrap_or(0);
    let rest = [
        ("good", Rest::Good),
        ("no-xroad-id", Rest::NoXroadId),
        ("bad-request-hash", Rest::BadRequestHash),
        ("no-service-header", Rest::NoServiceHeader),
        ("error-without-header", Rest::ErrorWithoutHeader),
        ("wrong-error-body", Rest::WrongErrorBody),
        ("server-error-on-invalid", Rest::ServerErrorOnInvalid),
        ("accepts-invalid", Rest::AcceptsInvalid),
        ("schema-violating-body", Rest::SchemaViolatingBody),
        ("wrong-content-type", Rest::WrongContentType),
        ("undocumented-status", Rest::UndocumentedStatus),
        ("missing-response-header", Rest::MissingResponseHeader),
        ("rejects-valid", Rest::RejectsValid),
        ("lists-metaservices", Rest::ListsMetaservices),
        ("openapi-version-2", Rest::OpenApiVersion2),
        ("tag-not-string", Rest::TagNotString),
        ("slow", Rest::Slow),
        ("needs-api-key", Rest::NeedsApiKey),
    ];
    let soap = [
        ("good", Soap::Good),
        ("header-order", Soap::HeaderOrder),
        ("wrapper-name", Soap::WrapperName),
        ("fault-format", Soap::FaultFormat),
        ("content-type", Soap::ContentType),
        ("no-fault", Soap::NoFault),
        ("lists-metaservices", Soap::ListsMetaservices),
        ("returned-wsdl-rpc", Soap::ReturnedWsdlRpc),
        ("list-clients-xml-only", Soap::ListClientsXmlOnly),
        ("list-clients-camel-case", Soap::ListClientsCamelCase),
        ("wsdl-address", Soap::WsdlAddress),
    ];
    let mode = match kind {
        "soap" => soap
            .iter()
            .find(|(n, _)| *n == defect)
            .map(|(_, d)| Mode::Soap(*d)),
        _ => rest
            .iter()
            .find(|(n, _)| *n == defect)
            .map(|(_, d)| Mode::Rest(*d)),
    };
    let Some(mode) = mode else {
        eprintln!("unknown defect `{defect}`");
        std::process::exit(2);
    };
    let server = refserver::start_on(mode, port);
    println!(
        "{}",
        if kind == "soap" {
            server.soap_url()
        } else {
            server.rest_url()
        }
    );
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}
