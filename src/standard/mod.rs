//! Standards as data: package manifests, the registry and content-based detection.
//!
//! Imports none of konform's other modules; everything else builds on it. Inside, a module
//! imports only modules listed before it (`tests/module_layering.rs` checks there is no circle):
//!
//! - leaves: `error` (why loading failed), `digest` (sha256), `selector` (`id@version`);
//! - `manifest`: `standard.toml` as types, with the checks that need nothing else;
//! - what parts of a manifest mean: `accept_match` (KoSIT `acceptMatch`), `server_behaviour`
//!   (the `runtime` entries), `builtin` (konform's own rules); then `consistency`, the whole
//!   manifest check that asks them;
//! - `store` (published artefacts on disk), `package` (one standard version loaded, digests
//!   verified), `kosit` (packages generated from a KoSIT configuration);
//! - `registry` (the installed set, `id@version` resolution), `detect` (which profile a
//!   document is), `lock` (`konform.lock`), `policy` (waivers of `konform.toml`).

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
