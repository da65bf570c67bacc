//! # hyperdpo-moo — multi-objective optimisation utilities, pure Rust
//!
//! The measuring stick of every HyperDPO result: the **hypervolume** (HV) indicator (paper,
//! section 4, "Hypervolume Metric"; Table 1 with 5 objectives, Table 2 with 2), **Pareto
//! dominance** and non-dominated filtering/sorting (section 2.2, the definition of the Pareto
//! front), and **weights on the simplex** Δ^m (section 3.3: `w ∈ Δ^m`; eq. 14: `w ~ Dir(α)`;
//! the 11-point evaluation fronts of section 4).
//!
//! This crate never depends on libtorch (`tch`): downstream crates reuse it on its own.
//!
//! ```
//! use hyperdpo_moo::{hypervolume, Sense};
//! let front = [[0.30, 0.10], [0.20, 0.25], [0.05, 0.40]];
//! let hv = hypervolume(&front[..], &[0.0, 0.0], Sense::Maximize).unwrap();
//! assert!((hv - (0.30 * 0.10 + 0.20 * 0.15 + 0.05 * 0.15)).abs() < 1e-15);
//! ```
//!
//! See [`hv`] for the algorithms and their complexity, and for how to choose a reference point.

mod error;
pub mod fronts;
pub mod hv;
pub mod io;
pub mod pareto;
mod points;
mod sense;
pub mod simplex;

pub use error::{Error, Result};
pub use hv::{hv_contributions, hypervolume, normalized_hypervolume};
pub use pareto::{nondominated, nondominated_sort, Duplicates};
pub use points::{IntoPoints, Points};
pub use sense::{dominance, Dominance, Sense, Senses};
