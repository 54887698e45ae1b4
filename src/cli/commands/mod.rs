//! One file per command.

pub mod artefacts;
pub mod generate;
pub mod probe;
pub mod standards;
pub mod validate;
pub mod vectors;
