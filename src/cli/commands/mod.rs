//! One file per command.

pub mod artefacts;
pub mod endpoint;
pub mod endpoint_report;
pub mod replay;
pub mod standards;
pub mod validate;
pub mod vectors;
