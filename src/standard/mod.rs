//! Standards as data: package manifests, the registry and content-based detection.
//!
//! Imports none of konform's other modules; everything else builds on it.

pub mod accept_match;
pub mod builtin;
mod consistency;
pub mod detect;
pub mod digest;
mod error;
pub mod kosit;
pub mod lock;
pub mod manifest;
pub mod package;
pub mod policy;
pub mod registry;
pub mod selector;
pub mod server_behaviour;
pub mod store;

pub use error::LoadError;
pub use manifest::{EngineKind, Level, RuleSpec, Severity, StandardSpec};
pub use package::Package;
pub use registry::Registry;
