//! konform: conformance testing and validation for open interface standards.
//!
//! A **standard** is data (a package: `standard.toml` plus artefacts), checks are **engines**
//! (`xsd`, `jsonschema`, `protocol`, …), and results are one **report** model that every output
//! format renders. See `DESIGN.md` for the vocabulary.
//!
//! ```
//! use konform::{pipeline, standard::Registry, document::Document};
//! let registry = Registry::load(&[], true).unwrap();
//! let package = registry.resolve("xroad-soap@4.0.0").unwrap();
//! let validator = pipeline::Validator::new(registry, pipeline::Options {
//!     standard: Some(package),
//!     ..Default::default()
//! });
//! let doc = Document::from_bytes("msg.xml", b"<not-soap/>".to_vec());
//! let result = validator.session().validate(&doc, None);
//! assert_ne!(result.verdict, konform::report::model::Verdict::Conformant);
//! ```

#![deny(missing_docs)]
#![warn(clippy::print_stdout, clippy::print_stderr, clippy::exit)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod document;
pub mod endpoint;
pub mod engine;
pub mod generate;
pub mod pipeline;
pub mod probe;
pub mod report;
pub mod standard;
pub mod vectors;

#[doc(hidden)]
pub mod cli;

/// Entry point of the `konform` binary.
pub fn cli_run() -> report::model::ExitStatus {
    cli::run()
}
