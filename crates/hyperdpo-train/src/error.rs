//! The crate's error type.

/// Everything that can go wrong while training or evaluating.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value is invalid; `field` is its path in the config file.
    #[error("config `{field}`: {reason}")]
    Config {
        /// Dotted path of the field, e.g. `icos.alpha`.
        field: String,
        /// What is wrong and what is allowed.
        reason: String,
    },
    /// A config file could not be parsed.
    #[error("{file}: {reason}")]
    ConfigFile {
        /// File name.
        file: String,
        /// The parser's message (with line and column where it gives them).
        reason: String,
    },
    /// The loss became NaN or infinite; the last good checkpoint (if any) is kept.
    #[error("non-finite loss at step {step} (epoch {epoch}), objective {objective}: {value}")]
    NonFinite {
        /// Global step.
        step: usize,
        /// Epoch.
        epoch: usize,
        /// Objective index (or `m` for the total).
        objective: usize,
        /// The value.
        value: f64,
    },
    /// An I/O error on a file.
    #[error("{file}: {source}")]
    Io {
        /// File name.
        file: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A checkpoint does not match the run (different config or shapes).
    #[error("checkpoint {file}: {reason}")]
    Checkpoint {
        /// File name.
        file: String,
        /// What does not match.
        reason: String,
    },
    /// An error from the losses.
    #[error(transparent)]
    Loss(#[from] hyperdpo_losses::Error),
    /// An error from the LTR crate.
    #[error(transparent)]
    Ltr(#[from] hyperdpo_ltr::Error),
    /// An error from the language-model crate.
    #[error(transparent)]
    Hpt(#[from] hyperdpo_hpt::Error),
    /// An error from the MOO crate.
    #[error(transparent)]
    Moo(#[from] hyperdpo_moo::Error),
    /// libtorch reported an error.
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

    pub(crate) fn config(field: &str, reason: impl Into<String>) -> Self {
        Error::Config {
            field: field.to_string(),
            reason: reason.into(),
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
