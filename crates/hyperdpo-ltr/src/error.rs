//! The crate's error type.

/// Everything that can go wrong in `hyperdpo-ltr`, with the file, line and field at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A line of a data file is malformed.
    #[error("{file}:{line}: field {field}: {reason}")]
    Parse {
        /// File name.
        file: String,
        /// 1-based line number.
        line: usize,
        /// 1-based whitespace-separated field number (1 = the label).
        field: usize,
        /// What is wrong.
        reason: String,
    },
    /// A whole-file problem (group sizes that do not add up, a missing `.query` file, …).
    #[error("{file}: {reason}")]
    File {
        /// File name.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// An I/O error.
    #[error("{file}: {source}")]
    Io {
        /// File name.
        file: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// An argument is outside its valid range.
    #[error("invalid argument `{name}`: {reason}")]
    Invalid {
        /// Argument name.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A loss-crate check failed (e.g. temperatures of eq. 23).
    #[cfg(feature = "tch")]
    #[error(transparent)]
    Loss(#[from] hyperdpo_losses::Error),
    /// libtorch reported an error.
    #[cfg(feature = "tch")]
    #[error("libtorch: {0}")]
    Torch(#[from] tch::TchError),
}

impl Error {
    pub(crate) fn io(file: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io {
            file: file.display().to_string(),
            source,
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
