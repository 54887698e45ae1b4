//! One file per command.

pub mod standards;
pub mod validate;
pub mod vectors;
