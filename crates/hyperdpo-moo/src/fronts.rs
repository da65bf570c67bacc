//! Seeded test fronts for benchmarks and tests.

use crate::{Error, Result};
use rand::rngs::StdRng;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

/// `n` points on the positive orthant of the unit sphere in `d` dimensions (row-major):
/// every point has `‖p‖₂ = 1` and `p > 0`, so for minimisation all points are mutually
/// non-dominated (a concave front) — the standard hard case for exact hypervolume algorithms.
/// Use a reference point such as `1.1` in every objective.
///
/// ```
/// use hyperdpo_moo::fronts::sphere_front;
/// use hyperdpo_moo::{nondominated, Duplicates, Points, Sense};
/// let f = sphere_front(100, 3, 1).unwrap();
/// assert_eq!(f.len(), 300);
/// let nd = nondominated(Points::from_flat(&f, 3).unwrap(), Sense::Minimize, Duplicates::KeepAll).unwrap();
/// assert_eq!(nd.len(), 100);
/// assert_eq!(f, sphere_front(100, 3, 1).unwrap()); // seeded
/// ```
///
/// # Errors
/// [`Error::NoObjectives`] for `d = 0`.
pub fn sphere_front(n: usize, d: usize, seed: u64) -> Result<Vec<f64>> {
    if d == 0 {
        return Err(Error::NoObjectives);
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(n * d);
    let mut row = vec![0.0f64; d];
    for _ in 0..n {
        loop {
            for v in row.iter_mut() {
                let g: f64 = StandardNormal.sample(&mut rng);
                *v = g.abs();
            }
            let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
            if norm > 1e-12 && row.iter().all(|&v| v / norm > 0.0) {
                out.extend(row.iter().map(|v| v / norm));
                break;
            }
        }
    }
    Ok(out)
}
