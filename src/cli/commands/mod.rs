//! One file per command.

pub mod artefacts;
pub mod standards;
pub mod validate;
pub mod vectors;
