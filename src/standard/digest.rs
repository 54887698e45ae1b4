//! Artefact digests: sha256 as lower-case hex, as manifests pin them.

use sha2::{Digest, Sha256};

/// sha256 as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
