//! Why a package or a standard selection could not be loaded: the one error type of
//! `standard/`, a leaf every loader uses.

/// Why a package or a standard selection could not be loaded. Always a configuration error.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum LoadError {
    /// A file could not be read.
    #[error("cannot read {path}: {reason}")]
    #[diagnostic(code(konform::standard::io))]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        reason: String,
    },
    /// `standard.toml` is malformed or inconsistent.
    #[error("invalid package manifest {path}: {reason}")]
    #[diagnostic(code(konform::standard::manifest), help("see docs/standard-format.md"))]
    Manifest {
        /// The manifest.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// An artefact's bytes do not match the digest in the manifest.
    #[error(
        "artefact digest mismatch in {standard}: {file} has sha256 {actual}, the manifest pins {expected}"
    )]
    #[diagnostic(
        code(konform::standard::digest),
        help(
            "the file was changed after the package was pinned; restore it or update sha256 deliberately"
        )
    )]
    Digest {
        /// `id@version`.
        standard: String,
        /// The artefact.
        file: String,
        /// Pinned digest.
        expected: String,
        /// Actual digest.
        actual: String,
    },
    /// No installed standard matches the request.
    #[error("unknown standard `{requested}`")]
    #[diagnostic(code(konform::standard::unknown))]
    Unknown {
        /// What was asked for.
        requested: String,
        /// What is installed.
        #[help]
        available: Option<String>,
    },
    /// The selector is not of the form `id[@version]`.
    #[error("invalid standard selector `{0}`: use ID, ID@1, ID@1.2, ID@=1.2.3 or ID@latest")]
    #[diagnostic(code(konform::standard::selector))]
    Selector(String),
    /// A lock file cannot be honoured.
    #[error("{lock}: {reason}")]
    #[diagnostic(
        code(konform::standard::lock),
        help("run `konform lock` to re-lock deliberately")
    )]
    Locked {
        /// The lock file.
        lock: String,
        /// What does not match.
        reason: String,
    },
    /// Two packages claim the same `id@version`.
    #[error("standard {key} is defined twice: in {first} and in {second}")]
    #[diagnostic(code(konform::standard::duplicate))]
    Duplicate {
        /// `id@version`.
        key: String,
        /// First origin.
        first: String,
        /// Second origin.
        second: String,
    },
}
