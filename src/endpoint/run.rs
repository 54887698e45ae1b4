//! The run loop: cases handed to worker threads in index order, each built from its own seed
//! and sent within the rate cap; failures collected per (operation, rule), and the first of
//! each shrunk afterwards on one thread, so the outcome does not depend on `--concurrency`.

use super::Config;
use super::case::CaseFile;
use super::cases::{self, Values};
use super::checks::{self, CaseKind, CheckKind, Violation};
use super::client::{self, Request, Response, TransportError};
use super::compiled::CompiledOp;
use super::{Protocol, soap, wire, xroad};
use crate::pipeline::{Session, Validator};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// One distinct failure after shrinking.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Rule id.
    pub rule: String,
    /// Operation id.
    pub operation: String,
    /// What failed on the minimal case.
    pub message: String,
    /// The minimal request.
    pub request: Request,
    /// Its status (None: transport error).
    pub status: Option<u16>,
    /// Kind of case.
    pub kind: CaseKind,
    /// Why a negative case is invalid.
    pub invalid_because: Option<String>,
    /// Shrinking steps.
    pub shrink_steps: u64,
    /// How many cases failed this way.
    pub occurrences: u64,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Cases sent.
    pub cases: u64,
    /// Requests sent in all.
    pub requests: u64,
    /// Responses received.
    pub responses: u64,
    /// Distinct failures, by operation then rule.
    pub failures: Vec<Failure>,
    /// Wall-clock time.
    pub elapsed: Duration,
    /// Why the run stopped early, if it did.
    pub stopped: Option<String>,
}

struct Shared<'c> {
    cfg: &'c Config,
    validator: Option<&'c Validator>,
    start: Instant,
    requests: AtomicU64,
    responses: AtomicU64,
    transport: AtomicU64,
    next_slot: Mutex<Instant>,
}

impl Shared<'_> {
    fn over_time(&self) -> bool {
        self.start.elapsed() >= self.cfg.max_duration
    }

    /// Waits for the next slot under `--rate`.
    fn throttle(&self) {
        let Some(rate) = self.cfg.rate.filter(|r| *r > 0.0) else {
            return;
        };
        let gap = Duration::from_secs_f64(1.0 / rate);
        let wait = {
            let Ok(mut next) = self.next_slot.lock() else {
                return;
            };
            let now = Instant::now();
            let at = (*next).max(now);
            *next = at + gap;
            at - now
        };
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
    }

    fn send(&self, req: &Request) -> Result<Response, TransportError> {
        self.throttle();
        self.requests.fetch_add(1, Ordering::Relaxed);
        let r = client::send(&self.cfg.origin, req, &self.cfg.limits);
        match &r {
            Ok(_) => self.responses.fetch_add(1, Ordering::Relaxed),
            Err(_) => self.transport.fetch_add(1, Ordering::Relaxed),
        };
        r
    }
}

/// The request of a case.
fn request(cfg: &Config, op: &CompiledOp, values: &Values) -> Request {
    match &op.soap {
        Some(s) => soap::build(&cfg.origin.base_path, s, op, values, &cfg.headers),
        None => wire::build(&cfg.origin.base_path, op, values, &cfg.headers),
    }
}

/// Every violation of one exchange.
fn evaluate(
    cfg: &Config,
    op: &CompiledOp,
    kind: CaseKind,
    why: Option<&str>,
    req: &Request,
    resp: &Response,
    session: Option<&mut Session<'_>>,
) -> Vec<Violation> {
    // SOAP answers invalid requests with a fault (HTTP 500): the OpenAPI checks do not apply.
    let mut out = if cfg.protocol == Protocol::XroadSoap {
        Vec::new()
    } else {
        checks::check(&cfg.checks, op, kind, why, resp)
    };
    if !cfg.checks.contains(&CheckKind::Protocol) {
        return out;
    }
    match (cfg.protocol, session) {
        (Protocol::XroadRest, Some(s)) => out.extend(xroad::check(
            s,
            resp,
            xroad::synthetic_negative(&op.op.id, kind),
        )),
        (Protocol::XroadSoap, Some(s)) => {
            out.extend(soap::check(s, req, resp, kind == CaseKind::Negative));
        }
        _ => {}
    }
    out
}

struct Hit {
    case: u64,
    op: usize,
    rule: String,
    message: String,
    status: Option<u16>,
}

/// Runs the cases of a configuration. `validator` carries the standard for protocol checks.
pub fn run(cfg: &Config, validator: Option<&Validator>) -> Outcome {
    let shared = Shared {
        cfg,
        validator,
        start: Instant::now(),
        requests: AtomicU64::new(0),
        responses: AtomicU64::new(0),
        transport: AtomicU64::new(0),
        next_slot: Mutex::new(Instant::now()),
    };
    let targets: Vec<Vec<usize>> = cfg
        .operations
        .iter()
        .map(|op| {
            if op.op.id == xroad::OPERATION {
                vec![0]
            } else {
                cases::negative_targets(op)
            }
        })
        .collect();
    let negative = cfg.checks.contains(&CheckKind::NegativeDataRejection);
    let next = AtomicU64::new(0);
    let sent = AtomicU64::new(0);
    let hits: Mutex<Vec<Hit>> = Mutex::new(Vec::new());
    let stopped: Mutex<Option<String>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..cfg.concurrency.max(1) {
            scope.spawn(|| {
                let mut session = shared.validator.map(Validator::session);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= cfg.cases || cfg.operations.is_empty() {
                        break;
                    }
                    if shared.over_time() {
                        set_once(
                            &stopped,
                            format!("the run reached --max-duration {:?}", cfg.max_duration),
                        );
                        break;
                    }
                    if shared.transport.load(Ordering::Relaxed) >= cfg.max_transport_errors {
                        set_once(
                            &stopped,
                            format!(
                                "stopped after {} transport errors",
                                cfg.max_transport_errors
                            ),
                        );
                        break;
                    }
                    let plan = cases::plan(i, cfg.seed, &cfg.operations, &targets, negative);
                    let op = &cfg.operations[plan.op];
                    let Some((tree, why)) = cases::tree(op, &plan, 16) else {
                        continue;
                    };
                    let req = request(cfg, op, &tree.current());
                    sent.fetch_add(1, Ordering::Relaxed);
                    let found: Vec<(String, String, Option<u16>)> = match shared.send(&req) {
                        Ok(resp) => evaluate(
                            cfg,
                            op,
                            plan.kind,
                            why.as_deref(),
                            &req,
                            &resp,
                            session.as_mut(),
                        )
                        .into_iter()
                        .map(|v| (v.rule, v.message, Some(resp.status)))
                        .collect(),
                        Err(e) => vec![(checks::TRANSPORT.to_string(), e.to_string(), None)],
                    };
                    if !found.is_empty()
                        && let Ok(mut h) = hits.lock()
                    {
                        h.extend(found.into_iter().map(|(rule, message, status)| Hit {
                            case: i,
                            op: plan.op,
                            rule,
                            message,
                            status,
                        }));
                    }
                }
            });
        }
    });
    let hits = hits.into_inner().unwrap_or_default();
    let mut first: BTreeMap<(usize, String), (Hit, u64)> = BTreeMap::new();
    for h in hits {
        let key = (h.op, h.rule.clone());
        match first.get_mut(&key) {
            Some((best, n)) => {
                *n += 1;
                if h.case < best.case {
                    *best = h;
                }
            }
            None => {
                first.insert(key, (h, 1));
            }
        }
    }
    let mut session = validator.map(Validator::session);
    let failures = first
        .into_values()
        .map(|(hit, n)| minimise(&shared, &targets, negative, hit, n, session.as_mut()))
        .collect();
    Outcome {
        cases: sent.into_inner(),
        requests: shared.requests.load(Ordering::Relaxed),
        responses: shared.responses.load(Ordering::Relaxed),
        failures,
        elapsed: shared.start.elapsed(),
        stopped: stopped.into_inner().unwrap_or_default(),
    }
}

fn set_once(slot: &Mutex<Option<String>>, why: String) {
    if let Ok(mut s) = slot.lock() {
        s.get_or_insert(why);
    }
}

/// Shrinks the first failing case of a (operation, rule) pair. Transport errors are not
/// shrunk (a hanging server would make each step cost a timeout).
fn minimise(
    shared: &Shared<'_>,
    targets: &[Vec<usize>],
    negative: bool,
    hit: Hit,
    occurrences: u64,
    mut session: Option<&mut Session<'_>>,
) -> Failure {
    let cfg = shared.cfg;
    let plan = cases::plan(hit.case, cfg.seed, &cfg.operations, targets, negative);
    let op = &cfg.operations[plan.op];
    let tree = cases::tree(op, &plan, 16);
    let mut failure = Failure {
        rule: hit.rule.clone(),
        operation: op.op.id.clone(),
        message: hit.message,
        request: tree
            .as_ref()
            .map(|(t, _)| request(cfg, op, &t.current()))
            .unwrap_or_else(|| request(cfg, op, &vec![None; op.slots.len()])),
        status: hit.status,
        kind: plan.kind,
        invalid_because: tree.as_ref().and_then(|(_, w)| w.clone()),
        shrink_steps: 0,
        occurrences,
    };
    let Some((mut tree, _)) = tree else {
        return failure;
    };
    if hit.rule == checks::TRANSPORT || shared.over_time() {
        return failure;
    }
    let mut last: Option<(Request, u16, String, Option<String>)> = None;
    let shrunk = crate::generate::shrink(&mut tree, cfg.max_shrink, |values| {
        if shared.over_time() {
            return false;
        }
        let Ok(why) = wire::confirm(op, values, plan.target) else {
            return false;
        };
        let req = request(cfg, op, values);
        let Ok(resp) = shared.send(&req) else {
            return false;
        };
        let vs = evaluate(
            cfg,
            op,
            plan.kind,
            why.as_deref(),
            &req,
            &resp,
            session.as_deref_mut(),
        );
        match vs.into_iter().find(|v| v.rule == hit.rule) {
            Some(v) => {
                last = Some((req, resp.status, v.message, why));
                true
            }
            None => false,
        }
    });
    failure.shrink_steps = shrunk.steps as u64;
    let final_req = request(cfg, op, &shrunk.value);
    if let Some((req, status, message, why)) = last.filter(|l| l.0 == final_req) {
        failure.request = req;
        failure.status = Some(status);
        failure.message = message;
        failure.invalid_because = why;
    }
    failure
}

/// Sends one saved request and checks the response as a run would (`konform replay`).
pub fn check_once(
    cfg: &Config,
    op: &CompiledOp,
    kind: CaseKind,
    why: Option<&str>,
    req: &Request,
    validator: Option<&Validator>,
) -> Result<(Response, Vec<Violation>), TransportError> {
    let resp = client::send(&cfg.origin, req, &cfg.limits)?;
    let mut session = validator.map(Validator::session);
    let v = evaluate(cfg, op, kind, why, req, &resp, session.as_mut());
    Ok((resp, v))
}

/// The outcome of a replay: one case, its violations as failures of the recorded operation.
pub fn outcome_of_replay(
    case: &CaseFile,
    checked: Result<(Response, Vec<Violation>), TransportError>,
) -> (Outcome, Vec<Violation>) {
    let (status, violations) = match checked {
        Ok((resp, v)) => (Some(resp.status), v),
        Err(e) => (
            None,
            vec![Violation {
                rule: checks::TRANSPORT.into(),
                message: e.to_string(),
            }],
        ),
    };
    let failures = violations
        .iter()
        .map(|v| Failure {
            rule: v.rule.clone(),
            operation: case.operation.clone(),
            message: v.message.clone(),
            request: case.request.clone(),
            status,
            kind: case.kind,
            invalid_because: case.invalid_because.clone(),
            shrink_steps: 0,
            occurrences: 1,
        })
        .collect();
    let outcome = Outcome {
        cases: 1,
        requests: 1,
        responses: u64::from(status.is_some()),
        failures,
        elapsed: Duration::ZERO,
        stopped: None,
    };
    (outcome, violations)
}
