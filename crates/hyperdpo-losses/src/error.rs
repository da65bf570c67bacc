//! The crate's error type.

/// Everything that can go wrong in `hyperdpo-losses`, with the argument and value at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A tensor has the wrong shape.
    #[error("`{name}` has shape {got:?}, expected {expected}")]
    Shape {
        /// Argument name.
        name: &'static str,
        /// What was expected, e.g. `[B, n] = [4, 7]`.
        expected: String,
        /// The shape given.
        got: Vec<i64>,
    },
    /// A tensor is on another device than the policy scores.
    #[error("`{name}` is on {got:?}, but the policy scores are on {expected:?}")]
    Device {
        /// Argument name.
        name: &'static str,
        /// Device of the policy scores.
        expected: tch::Device,
        /// Device of this tensor.
        got: tch::Device,
    },
    /// A tensor has another kind than expected.
    #[error("`{name}` has kind {got:?}, expected {expected}")]
    Kind {
        /// Argument name.
        name: &'static str,
        /// What was expected.
        expected: String,
        /// The kind given.
        got: tch::Kind,
    },
    /// A temperature is not finite and positive.
    #[error("temperature beta[{index}] = {value} must be finite and > 0")]
    Temperature {
        /// Objective index.
        index: usize,
        /// The value.
        value: f64,
    },
    /// A weight vector is not on the simplex.
    #[error("weights{row}: {reason}", row = .list.map(|b| format!(" of list {b}")).unwrap_or_default())]
    Weights {
        /// The list (row of a `[B, m]` weight tensor), if per-list.
        list: Option<usize>,
        /// What is wrong.
        reason: String,
    },
    /// A temperature scale `c` is not finite and positive.
    #[error("temperature scale c = {0} must be finite and > 0")]
    Scale(f64),
    /// A label is negative under L1 normalisation.
    #[error("label of list {list}, objective {objective}, item {item} is {value}; L1 normalisation needs labels >= 0")]
    NegativeLabel {
        /// List index.
        list: usize,
        /// Objective index.
        objective: usize,
        /// Item index.
        item: usize,
        /// The label.
        value: f64,
    },
    /// A label or score is NaN or infinite.
    #[error("`{name}` contains a non-finite value at index {index:?}")]
    NonFinite {
        /// Argument name.
        name: &'static str,
        /// Index of the first offending entry.
        index: Vec<i64>,
    },
    /// The MO-DPO anchor weight is too small to divide by.
    #[error("MO-DPO anchor objective {objective} has weight {weight}; it must be >= {min} (eq. 22 divides by it)")]
    AnchorWeight {
        /// Anchor objective.
        objective: usize,
        /// Its weight.
        weight: f64,
        /// The smallest weight accepted.
        min: f64,
    },
    /// Another argument is invalid.
    #[error("invalid argument `{name}`: {reason}")]
    Invalid {
        /// Argument name.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// libtorch reported an error.
    #[error("libtorch: {0}")]
    Torch(#[from] tch::TchError),
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
