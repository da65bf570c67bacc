//! # hyperdpo-moo — multi-objective optimisation utilities, pure Rust
//!
//! The measuring stick of every HyperDPO result: the **hypervolume** (HV) indicator (paper,
//! section 4, "Hypervolume Metric"; Table 1 with 5 objectives, Table 2 with 2), **Pareto
//! dominance** and non-dominated filtering/sorting (section 2.2, the definition of the Pareto
//! front), and **weights on the simplex** Δ^m (section 3.3: `w ∈ Δ^m`; eq. 14: `w ~ Dir(α)`;
//! the 11-point evaluation fronts of section 4).
//!
//! This crate never depends on libtorch (`tch`): downstream crates reuse it on its own.
