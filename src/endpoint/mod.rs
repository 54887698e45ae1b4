//! `konform endpoint`: conformance and property-based checks of a live HTTP service.
//!
//! Generates requests from the service's description (OpenAPI, WSDL, or the X-Road request
//! headers alone) with seeded proptest strategies, sends them with a bounded client to the one
//! origin given, checks each response against the standard's rules and the description,
//! shrinks every distinct failure and returns it as a replayable case. Imports `generate`,
//! `pipeline` and below; never prints, never writes files (the CLI saves the cases).

pub mod case;
pub mod cases;
pub mod checks;
pub mod client;
pub mod compiled;
pub mod fetch;
pub mod gzip;
pub mod list_clients;
pub mod openapi;
pub mod returned_wsdl;
mod run;
pub mod soap;
pub mod wire;
pub mod xroad;

pub use run::{Failure, Outcome, check_once, outcome_of_replay, run};

use checks::CheckKind;
use client::{Limits, Origin};
use std::time::Duration;

/// What the subject speaks, beyond its description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// Plain OpenAPI checks only.
    None,
    /// X-Road REST (r1): the synthetic X-Road operation is added and every response is
    /// checked with the `xroad-rest` package.
    XroadRest,
    /// X-Road SOAP: operations come from the WSDL; responses are checked with `xroad-soap`.
    XroadSoap,
}

/// A run's settings, resolved by the CLI.
pub struct Config {
    /// Base URL as given.
    pub url: String,
    /// Parsed origin.
    pub origin: Origin,
    /// The operations to test.
    pub operations: Vec<compiled::CompiledOp>,
    /// Protocol of the subject.
    pub protocol: Protocol,
    /// Cases to generate.
    pub cases: u64,
    /// Seed.
    pub seed: u64,
    /// Enabled checks.
    pub checks: Vec<CheckKind>,
    /// Headers sent with every request (`--header`, `X-Road-Client`).
    pub headers: Vec<(String, String)>,
    /// Per-exchange limits.
    pub limits: Limits,
    /// Parallel connections.
    pub concurrency: usize,
    /// Requests per second at most.
    pub rate: Option<f64>,
    /// Longest run (shrinking included).
    pub max_duration: Duration,
    /// Shrinking steps per failure.
    pub max_shrink: usize,
    /// Stop after this many transport errors.
    pub max_transport_errors: u64,
}

impl Config {
    /// Defaults for everything but the subject.
    pub fn new(url: String, origin: Origin, operations: Vec<compiled::CompiledOp>) -> Config {
        Config {
            url,
            origin,
            operations,
            protocol: Protocol::None,
            cases: 100,
            seed: 0,
            checks: CheckKind::ALL.to_vec(),
            headers: Vec::new(),
            limits: Limits::default(),
            concurrency: 1,
            rate: None,
            max_duration: Duration::from_secs(300),
            max_shrink: 200,
            max_transport_errors: 3,
        }
    }
}
