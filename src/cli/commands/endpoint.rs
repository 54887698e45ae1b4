//! `konform endpoint`: resolves the subject, runs the endpoint checks, saves the case files
//! and renders the report.

use super::endpoint_report::{self, emit};
use crate::cli::args::EndpointArgs;
use crate::cli::load_registry;
use crate::document::Document;
use crate::endpoint::checks::CheckKind;
use crate::endpoint::client::{Limits, Origin};
use crate::endpoint::compiled::CompiledOp;
use crate::endpoint::fetch::{self, FetchError};
use crate::endpoint::{self, Config, Protocol, openapi, soap, xroad};
use crate::pipeline::{Options, Validator};
use crate::report::model::ExitStatus;
use miette::miette;
use std::time::Duration;

/// Runs `konform endpoint`.
pub fn run(a: EndpointArgs) -> miette::Result<ExitStatus> {
    let started = super::validate::report_time();
    let targets = super::report_targets(&a.reports)?;
    let registry = load_registry(&a.common)?;
    let package = a
        .standard
        .as_deref()
        .map(|s| crate::cli::errors::resolve(&registry, s, None))
        .transpose()?;
    let protocol = match package.as_ref().map(|p| p.spec.id.as_str()) {
        None => Protocol::None,
        Some("xroad-rest") => Protocol::XroadRest,
        Some("xroad-soap") => Protocol::XroadSoap,
        Some(other) => {
            return Err(miette!(
                "konform endpoint tests xroad-rest and xroad-soap services (or any OpenAPI service without --standard); `{other}` has no endpoint profile"
            ));
        }
    };
    if let (Some(p), Some(v)) = (&package, &a.variant)
        && !p.spec.variants.iter().any(|x| &x.name == v)
    {
        return Err(miette!("{} has no variant `{v}`", p.spec.key()));
    }
    let origin = Origin::parse(&a.url).map_err(|e| miette!("--url {e}"))?;
    let checks = CheckKind::parse_list(&a.checks).map_err(|e| miette!("--checks: {e}"))?;
    let mut headers = Vec::new();
    for h in &a.headers {
        let (k, v) = h
            .split_once(':')
            .filter(|(k, _)| !k.trim().is_empty())
            .ok_or_else(|| miette!("--header takes K:V, got `{h}`"))?;
        if !crate::endpoint::wire::header_safe(v.trim()) && !v.trim().is_empty() {
            return Err(miette!(
                "--header `{k}`: the value has characters a header cannot carry"
            ));
        }
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let mut operations: Vec<CompiledOp> = Vec::new();
    let mut description = None;
    let mut wsdl = None;
    if protocol == Protocol::XroadSoap {
        let path = a
            .wsdl
            .as_ref()
            .ok_or_else(|| miette!("xroad-soap needs --wsdl FILE|URL"))?;
        let arg = path.to_string_lossy();
        let text = if fetch::is_url(&arg) {
            match fetch::fetch(
                &arg,
                &origin,
                &headers,
                &limits(a.timeout, a.max_response_bytes),
            ) {
                Ok(text) => text,
                Err(FetchError::Usage(why)) => return Err(miette!("--wsdl {why}")),
                Err(FetchError::Fetch(why)) => {
                    eprintln!("error: could not fetch --wsdl {why}");
                    return Ok(ExitStatus::CouldNotEvaluate);
                }
            }
        } else {
            std::fs::read_to_string(path)
                .map_err(|e| miette!("cannot read --wsdl {}: {e}", path.display()))?
        };
        let provider = a.service.clone().unwrap_or_else(|| a.client.clone());
        operations =
            soap::load(&text, &a.client, &provider).map_err(|e| miette!("--wsdl {arg}: {e}"))?;
        description = Some(arg.to_string());
        wsdl = Some(Document::from_bytes(arg.to_string(), text.into_bytes()));
    } else if let Some(path) = &a.openapi {
        let text = std::fs::read_to_string(path)
            .map_err(|e| miette!("cannot read --openapi {}: {e}", path.display()))?;
        let api = openapi::load(&text).map_err(|e| miette!("--openapi {}: {e}", path.display()))?;
        operations = api.operations.into_iter().map(CompiledOp::new).collect();
        description = Some(path.display().to_string());
    }
    if protocol == Protocol::XroadRest {
        operations.insert(0, CompiledOp::new(xroad::operation(&a.client)));
        headers.push(("X-Road-Client".into(), a.client.clone()));
    }
    if operations.is_empty() {
        return Err(miette!(
            "nothing to test: give --openapi SPEC, --wsdl FILE, or --standard xroad-rest"
        ));
    }
    let seed = a.seed.unwrap_or_else(crate::generate::fresh_seed);
    let mut cfg = Config::new(a.url.clone(), origin, operations);
    cfg.protocol = protocol;
    cfg.cases = a.cases;
    cfg.seed = seed;
    cfg.checks = checks;
    cfg.headers = headers;
    cfg.limits = limits(a.timeout, a.max_response_bytes);
    cfg.concurrency = a.concurrency.clamp(1, 64);
    cfg.rate = a.rate;
    cfg.max_duration = Duration::from_secs(a.max_duration.max(1));
    cfg.max_shrink = a.max_shrink;
    let validator = Validator::new(
        registry,
        Options {
            standard: package.clone(),
            profile: (protocol == Protocol::XroadRest).then(|| "response".to_string()),
            variant: a.variant.clone(),
            zero_durations: true,
            ..Default::default()
        },
    );
    let mut outcome = endpoint::run(&cfg, package.is_some().then_some(&validator));
    if protocol != Protocol::None
        && cfg.checks.contains(&CheckKind::Protocol)
        && outcome.responses > 0
        && outcome.stopped.is_none()
    {
        let meta = Validator::new(
            load_registry(&a.common)?,
            Options {
                standard: package.clone(),
                variant: a.variant.clone(),
                zero_durations: true,
                ..Default::default()
            },
        );
        metaservices(&mut cfg, &mut outcome, &meta);
    }
    if let Some(why) = &outcome.stopped {
        eprintln!("note: {why}");
    }
    let case_files = endpoint_report::save_cases(
        &a.cases_dir,
        &outcome,
        &endpoint_report::CaseContext {
            standard: package.as_ref().map(|p| p.spec.key()),
            variant: a.variant.clone(),
            url: a.url.clone(),
            description: description.clone(),
            seed,
        },
    )?;
    // The WSDL itself is checked with the standard's description rules (XRD-WSDL-*).
    let checked = match &wsdl {
        Some(doc) if cfg.checks.contains(&CheckKind::Protocol) => {
            vec![validator.session().validate(doc, None)]
        }
        _ => Vec::new(),
    };
    let report = endpoint_report::build(
        &validator,
        &cfg,
        &outcome,
        &case_files,
        endpoint_report::Description {
            name: description,
            checked,
        },
        package.as_deref(),
        started,
    );
    emit(&report, a.format, &targets)
}

/// The limits of every exchange: `--timeout` for connect and each read, three times it in all.
fn limits(timeout_ms: u64, max_bytes: usize) -> Limits {
    let timeout = Duration::from_millis(timeout_ms.max(1));
    Limits {
        connect: timeout,
        read: timeout,
        total: timeout * 3,
        max_bytes,
    }
}

/// Calls the provider's metaservices (REST: listMethods, allowedMethods, getOpenAPI; SOAP:
/// listMethods, allowedMethods), checks each answer with the profile detected from it, and
/// adds each call to the run as an operation of its own.
fn metaservices(cfg: &mut Config, outcome: &mut endpoint::Outcome, meta: &Validator) {
    let mut session = meta.session();
    let soap_op = cfg.operations.iter().find_map(|o| o.soap.clone());
    let requests = match &soap_op {
        Some(s) => {
            outcome
                .failures
                .extend(soap::metaservices(cfg, &mut session));
            let mut r = soap::metaservice_requests(&cfg.origin.base_path, s, &cfg.headers);
            r.extend(crate::endpoint::list_clients::requests(&cfg.headers));
            r
        }
        None => {
            outcome
                .failures
                .extend(xroad::metaservices(cfg, &mut session));
            xroad::metaservice_requests(cfg)
        }
    };
    for (name, req) in requests {
        cfg.operations.push(CompiledOp::new(openapi::Operation {
            method: req.method.clone(),
            path: format!("{}{}", cfg.origin.url(), req.target),
            id: name,
            params: Vec::new(),
            body: None,
            responses: Vec::new(),
        }));
    }
}
