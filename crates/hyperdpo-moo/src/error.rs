//! The crate's error type.

/// Everything that can go wrong in `hyperdpo-moo`, with enough context to fix the input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Points with zero objectives were given.
    #[error("points have no objectives (zero columns); at least one objective is needed")]
    NoObjectives,
    /// A coordinate is NaN or infinite.
    #[error("point {point}, objective {objective}: value {value} is not finite")]
    NonFinite {
        /// Row index of the point (0-based).
        point: usize,
        /// Objective index (0-based).
        objective: usize,
        /// The offending value.
        value: f64,
    },
    /// A coordinate of the reference point is NaN or infinite.
    #[error("reference point, objective {objective}: value {value} is not finite")]
    NonFiniteReference {
        /// Objective index (0-based).
        objective: usize,
        /// The offending value.
        value: f64,
    },
    /// A vector has the wrong number of entries.
    #[error("{what} has {got} entries, but the points have {expected} objectives")]
    LengthMismatch {
        /// What was too long or short ("reference point", "senses", …).
        what: &'static str,
        /// Expected length.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// A flat buffer's length is not a multiple of the number of objectives.
    #[error("a flat buffer of {len} values cannot hold points of {dim} objectives")]
    RaggedBuffer {
        /// Buffer length.
        len: usize,
        /// Number of objectives.
        dim: usize,
    },
    /// Rows of different lengths were given.
    #[error("point {point} has {got} objectives, but point 0 has {expected}")]
    RaggedRows {
        /// Row index of the odd point.
        point: usize,
        /// Length of row 0.
        expected: usize,
        /// Length of this row.
        got: usize,
    },
    /// A weight vector is not on the probability simplex.
    #[error("weight vector is not on the simplex: {reason}")]
    NotOnSimplex {
        /// What is wrong (negative entry, sum ≠ 1, …).
        reason: String,
    },
    /// An argument is outside its valid range.
    #[error("invalid argument `{name}`: {reason}")]
    InvalidArgument {
        /// Argument name.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A line of a points file could not be read.
    #[error("{source_name}:{line}: {reason}")]
    Parse {
        /// File name (or `<stdin>`).
        source_name: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong on that line.
        reason: String,
    },
    /// An I/O error while reading points.
    #[error("{source_name}: {message}")]
    Io {
        /// File name (or `<stdin>`).
        source_name: String,
        /// The I/O error's message.
        message: String,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
