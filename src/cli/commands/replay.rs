//! `konform replay FAILURE.json`: re-sends a saved case and checks the response again with the
//! operation's description (when the recorded file is still there) and the standard.

use super::endpoint_report::emit;
use crate::cli::args::ReplayArgs;
use crate::cli::load_registry;
use crate::endpoint::case::CaseFile;
use crate::endpoint::checks::CheckKind;
use crate::endpoint::client::{Limits, Origin};
use crate::endpoint::compiled::CompiledOp;
use crate::endpoint::openapi::{self, Operation};
use crate::endpoint::{Config, Protocol, check_once, outcome_of_replay, xroad};
use crate::pipeline::{Options, Validator};
use crate::report::model::ExitStatus;
use miette::miette;
use std::time::Duration;

/// Runs `konform replay`.
pub fn run(a: ReplayArgs) -> miette::Result<ExitStatus> {
    let started = super::validate::report_time();
    let text = std::fs::read_to_string(&a.case)
        .map_err(|e| miette!("cannot read {}: {e}", a.case.display()))?;
    let case = CaseFile::parse(&text).map_err(|e| miette!("{}: {e}", a.case.display()))?;
    let url = a.url.clone().unwrap_or_else(|| case.url.clone());
    let origin = Origin::parse(&url).map_err(|e| miette!("{e}"))?;
    let registry = load_registry(&a.common)?;
    let package = case
        .standard
        .as_deref()
        .map(|s| crate::cli::errors::resolve(&registry, s, None))
        .transpose()?;
    let protocol = match package.as_ref().map(|p| p.spec.id.as_str()) {
        Some("xroad-rest") => Protocol::XroadRest,
        Some("xroad-soap") => Protocol::XroadSoap,
        _ => Protocol::None,
    };
    let op = operation(&case, protocol);
    let timeout = Duration::from_millis(a.timeout.max(1));
    let mut cfg = Config::new(url, origin, Vec::new());
    cfg.protocol = protocol;
    cfg.seed = case.seed;
    cfg.checks = CheckKind::ALL.to_vec();
    cfg.limits = Limits {
        connect: timeout,
        read: timeout,
        total: timeout * 3,
        ..Limits::default()
    };
    let validator = Validator::new(
        registry,
        Options {
            standard: package.clone(),
            // Metaservice answers have profiles of their own, detected from the body.
            profile: (protocol == Protocol::XroadRest
                && !["listMethods", "allowedMethods", "getOpenAPI"]
                    .contains(&case.operation.as_str()))
            .then(|| "response".to_string()),
            variant: case.variant.clone(),
            zero_durations: true,
            ..Default::default()
        },
    );
    let checked = check_once(
        &cfg,
        &op,
        case.kind,
        case.invalid_because.as_deref(),
        &case.request,
        package.is_some().then_some(&validator),
    );
    let (outcome, violations) = outcome_of_replay(&case, checked);
    let reproduced = violations.iter().any(|v| v.rule == case.rule);
    eprintln!(
        "{}: {} {}",
        a.case.display(),
        case.rule,
        if reproduced {
            "fails again"
        } else {
            "no longer fails"
        }
    );
    let mut cfg_ops = cfg;
    cfg_ops.operations = vec![op];
    let report = super::endpoint_report::build(
        &validator,
        &cfg_ops,
        &outcome,
        &[a.case.display().to_string()],
        super::endpoint_report::Description {
            name: case.description.clone(),
            checked: Vec::new(),
        },
        package.as_deref(),
        started,
    );
    emit(&report, a.format, &[])
}

/// The operation of the case: from the recorded OpenAPI file when it is still readable, the
/// synthetic X-Road operation, else a bare one (transport and protocol checks only).
fn operation(case: &CaseFile, protocol: Protocol) -> CompiledOp {
    if case.operation == xroad::OPERATION {
        let client = case
            .request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("X-Road-Client"))
            .map_or("", |(_, v)| v.as_str());
        return CompiledOp::new(xroad::operation(client));
    }
    if protocol != Protocol::XroadSoap
        && let Some(op) = case
            .description
            .as_ref()
            .and_then(|d| std::fs::read_to_string(d).ok())
            .and_then(|t| openapi::load(&t).ok())
            .and_then(|api| api.operations.into_iter().find(|o| o.id == case.operation))
    {
        return CompiledOp::new(op);
    }
    CompiledOp::new(Operation {
        method: case.request.method.clone(),
        path: String::new(),
        id: case.operation.clone(),
        params: Vec::new(),
        body: None,
        responses: Vec::new(),
    })
}
