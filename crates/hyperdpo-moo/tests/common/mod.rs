//! Independent reference implementations used by the tests: inclusion–exclusion for the
//! hypervolume and quadratic pairwise checks for dominance.
#![allow(dead_code)]

/// Hypervolume (minimisation) by inclusion–exclusion over all non-empty subsets: the volume of
/// an intersection of boxes `[p, r]` is `Π_j (r_j − max_i p_ij)`. Exponential: n ≤ 14.
pub fn hv_inclusion_exclusion(points: &[Vec<f64>], r: &[f64]) -> f64 {
    let pts: Vec<&Vec<f64>> = points
        .iter()
        .filter(|p| p.iter().zip(r).all(|(a, b)| a < b))
        .collect();
    let n = pts.len();
    assert!(n <= 16);
    let d = r.len();
    let mut total = 0.0;
    for mask in 1u32..(1u32 << n) {
        let mut vol = 1.0;
        for j in 0..d {
            let mut m = f64::NEG_INFINITY;
            for (i, p) in pts.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    m = m.max(p[j]);
                }
            }
            vol *= r[j] - m;
        }
        if mask.count_ones() % 2 == 1 {
            total += vol;
        } else {
            total -= vol;
        }
    }
    total
}

/// Hypervolume of integer points (minimisation) by counting unit cells of the grid
/// `[lo, r)^d` that are dominated. Exact for integer input.
pub fn hv_grid_count(points: &[Vec<i64>], r: &[i64], lo: i64) -> u64 {
    let d = r.len();
    let mut cell = vec![lo; d];
    let mut count = 0;
    loop {
        // cell [c, c+1) is dominated iff some p <= c componentwise
        if points
            .iter()
            .any(|p| p.iter().zip(&cell).all(|(a, c)| a <= c))
        {
            count += 1;
        }
        let mut j = 0;
        loop {
            if j == d {
                return count;
            }
            cell[j] += 1;
            if cell[j] < r[j] {
                break;
            }
            cell[j] = lo;
            j += 1;
        }
    }
}

/// `a` dominates `b` (minimisation).
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x <= y) && a != b
}

/// A tiny deterministic generator (SplitMix64) so the tests need no RNG crate state.
pub struct Rng(pub u64);
impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn int(&mut self, n: u64) -> i64 {
        (self.next_u64() % n) as i64
    }
}
