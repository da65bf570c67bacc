//! The crate's error type.

/// Everything that can go wrong in `hyperdpo-hpt`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A checkpoint file is missing a tensor or has one of another shape.
    #[error("{file}: tensor `{name}`: {reason}")]
    Checkpoint {
        /// File.
        file: String,
        /// Tensor name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A config file is invalid.
    #[error("{file}: {reason}")]
    Config {
        /// File.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// An argument is invalid.
    #[error("invalid argument `{name}`: {reason}")]
    Invalid {
        /// Argument name.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// An I/O error.
    #[error("{file}: {source}")]
    Io {
        /// File.
        file: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// libtorch reported an error.
    #[error("libtorch: {0}")]
    Torch(#[from] tch::TchError),
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
