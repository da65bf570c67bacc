//! Non-dominated filtering and non-dominated sorting (paper, section 2.2).
//!
//! | objectives | [`nondominated`] | [`nondominated_sort`] |
//! |---|---|---|
//! | 1 | O(n) | O(n log n) |
//! | 2 | O(n log n) sweep | O(n log n) (one binary search over fronts per point) |
//! | 3 | O(n log n) sweep with an ordered staircase | O(R · n log n), R = number of fronts |
//! | ≥ 4 | O(n log n + n·k·d), k = front size | O(R · (n log n + n·k·d)) |

use crate::{IntoPoints, Points, Result, Senses};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// What [`nondominated`] does with points that are equal in every objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Duplicates {
    /// Keep every copy (equal points do not dominate each other). The default, and what
    /// [`nondominated_sort`] does: copies share a rank.
    #[default]
    KeepAll,
    /// Keep only the copy with the smallest index.
    KeepFirst,
}

/// Indices (ascending) of the points not dominated by any other point.
///
/// ```
/// use hyperdpo_moo::{nondominated, Duplicates, Sense};
/// let pts = [[1.0, 3.0], [2.0, 2.0], [2.0, 3.0], [1.0, 3.0], [3.0, 1.0]];
/// let nd = nondominated(&pts[..], Sense::Minimize, Duplicates::KeepAll).unwrap();
/// assert_eq!(nd, vec![0, 1, 3, 4]);
/// let nd = nondominated(&pts[..], Sense::Minimize, Duplicates::KeepFirst).unwrap();
/// assert_eq!(nd, vec![0, 1, 4]);
/// ```
///
/// # Errors
/// [`crate::Error::NonFinite`], [`crate::Error::NoObjectives`], or [`crate::Error::LengthMismatch`] for
/// per-objective senses of the wrong length.
pub fn nondominated<'a>(
    points: impl IntoPoints<'a>,
    senses: impl Into<Senses>,
    duplicates: Duplicates,
) -> Result<Vec<usize>> {
    let (data, _, d) = minimisation_form(points.into_points()?, &senses.into())?;
    Ok(nondominated_rows(&data, d, duplicates))
}

/// Non-dominated indices (ascending) of validated row-major `data` with `d > 0` objectives, all
/// minimised: the filter behind [`nondominated`], also used by the hypervolume code.
pub(crate) fn nondominated_rows(data: &[f64], d: usize, duplicates: Duplicates) -> Vec<usize> {
    let all: Vec<usize> = (0..data.len() / d).collect();
    let keep = filter(data, d, &all, duplicates);
    match duplicates {
        // The general (d ≥ 4) filter drops later copies in its single pass (a second pass over
        // the kept points costs the WFG recursion about 25 % in 8-D); the 1-D to 3-D sweeps keep
        // every copy, so they are thinned here.
        Duplicates::KeepFirst if d <= 3 => first_of_duplicates(data, d, keep),
        _ => keep,
    }
}

/// Non-dominated sorting: the rank of every point (0 = the non-dominated front, 1 = the front
/// of what remains without it, …). Equal points share a rank.
///
/// ```
/// use hyperdpo_moo::{nondominated_sort, Sense};
/// let pts = [[1.0, 3.0], [2.0, 2.0], [2.0, 3.0], [3.0, 3.0], [1.0, 3.0]];
/// assert_eq!(nondominated_sort(&pts[..], Sense::Minimize).unwrap(), vec![0, 0, 1, 2, 0]);
/// ```
///
/// # Errors
/// As [`nondominated`].
pub fn nondominated_sort<'a>(
    points: impl IntoPoints<'a>,
    senses: impl Into<Senses>,
) -> Result<Vec<usize>> {
    let (data, n, d) = minimisation_form(points.into_points()?, &senses.into())?;
    let mut rank = vec![0usize; n];
    if d == 2 {
        sort_2d(&data, &mut rank);
        return Ok(rank);
    }
    let mut remaining: Vec<usize> = (0..n).collect();
    let mut r = 0;
    while !remaining.is_empty() {
        let front = filter(&data, d, &remaining, Duplicates::KeepAll);
        for &i in &front {
            rank[i] = r;
        }
        // `front` and `remaining` are both ascending.
        let mut f = front.iter().peekable();
        remaining.retain(|i| {
            if f.peek() == Some(&i) {
                f.next();
                false
            } else {
                true
            }
        });
        r += 1;
    }
    Ok(rank)
}

/// Row-major data with every objective turned into one to minimise.
fn minimisation_form(points: Points<'_>, senses: &Senses) -> Result<(Vec<f64>, usize, usize)> {
    let d = points.dim();
    let n = points.len();
    if d == 0 {
        return Ok((Vec::new(), 0, 1));
    }
    senses.check(d)?;
    let mut data = points.as_flat().to_vec();
    for row in data.chunks_exact_mut(d) {
        for (j, v) in row.iter_mut().enumerate() {
            *v *= senses.get(j).sign();
        }
    }
    Ok((data, n, d))
}

fn lex(a: &[f64], b: &[f64]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        match x.total_cmp(y) {
            Ordering::Equal => continue,
            o => return o,
        }
    }
    Ordering::Equal
}

/// Non-dominated members of `subset` (ascending indices). Duplicates are all kept, except by
/// the general (d ≥ 4) filter under [`Duplicates::KeepFirst`], which keeps the first copy
/// (the lowest index: ties are sorted by index).
fn filter(data: &[f64], d: usize, subset: &[usize], duplicates: Duplicates) -> Vec<usize> {
    let row = |i: usize| &data[i * d..(i + 1) * d];
    let mut order = subset.to_vec();
    // Lexicographic ascending: a point can only be dominated by points before it.
    order.sort_by(|&i, &j| lex(row(i), row(j)).then(i.cmp(&j)));
    let mut keep = Vec::with_capacity(order.len());
    match d {
        1 => {
            if let Some(&first) = order.first() {
                let best = data[first];
                keep.extend(order.iter().copied().filter(|&i| data[i] == best));
            }
        }
        2 => {
            // Track the first point reaching the smallest y so far (it has the smallest x).
            let mut best: Option<usize> = None;
            for &i in &order {
                let (x, y) = (data[2 * i], data[2 * i + 1]);
                let dominated = best.is_some_and(|b| {
                    let (bx, by) = (data[2 * b], data[2 * b + 1]);
                    by < y || (by == y && bx < x)
                });
                if !dominated {
                    keep.push(i);
                    if best.is_none_or(|b| y < data[2 * b + 1]) {
                        best = Some(i);
                    }
                }
            }
        }
        3 => {
            // Staircase over (y, z) of the kept points: y ascending, z strictly descending.
            let mut st: BTreeMap<OrdF64, (f64, f64)> = BTreeMap::new(); // y -> (z, x)
            for &i in &order {
                let p = row(i);
                let (x, y, z) = (p[0], p[1], p[2]);
                if let Some((&OrdF64(sy), &(sz, sx))) = st.range(..=OrdF64(y)).next_back() {
                    if sz <= z && !(sy == y && sz == z && sx == x) {
                        continue;
                    }
                    if sy == y && sz == z {
                        keep.push(i); // exact duplicate of a kept point
                        continue;
                    }
                }
                keep.push(i);
                // Remove staircase points with y' >= y and z' >= z, then insert.
                let doomed: Vec<OrdF64> = st
                    .range(OrdF64(y)..)
                    .take_while(|(_, &(qz, _))| qz >= z)
                    .map(|(k, _)| *k)
                    .collect();
                for k in doomed {
                    st.remove(&k);
                }
                st.insert(OrdF64(y), (z, x));
            }
        }
        _ => {
            for &i in &order {
                let p = row(i);
                // one pass per kept point: stop at the first objective where it is worse
                let dominated = keep.iter().rev().any(|&j: &usize| {
                    let mut equal = true;
                    for (a, b) in row(j).iter().zip(p) {
                        if a > b {
                            return false;
                        }
                        equal &= a == b;
                    }
                    !equal || duplicates == Duplicates::KeepFirst
                });
                if !dominated {
                    keep.push(i);
                }
            }
        }
    }
    keep.sort_unstable();
    keep
}

fn first_of_duplicates(data: &[f64], d: usize, keep: Vec<usize>) -> Vec<usize> {
    let row = |i: usize| &data[i * d..(i + 1) * d];
    let mut order = keep.clone();
    order.sort_by(|&i, &j| lex(row(i), row(j)).then(i.cmp(&j)));
    let mut out: Vec<usize> = Vec::with_capacity(keep.len());
    let mut last: Option<usize> = None;
    for i in order {
        if last.is_some_and(|l| row(l) == row(i)) {
            continue;
        }
        out.push(i);
        last = Some(i);
    }
    out.sort_unstable();
    out
}

/// 2-D non-dominated sorting in O(n log n): points in lexicographic order; front `k` remembers
/// its point with the smallest y (the first to reach it, so also the smallest x among those).
fn sort_2d(data: &[f64], rank: &mut [usize]) {
    let n = rank.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| lex(&data[2 * i..2 * i + 2], &data[2 * j..2 * j + 2]).then(i.cmp(&j)));
    let mut fronts: Vec<(f64, f64)> = Vec::new(); // (x, y) of each front's lowest point
    for i in order {
        let (x, y) = (data[2 * i], data[2 * i + 1]);
        // front k dominates p iff its lowest point does: by < y, or by == y and bx < x.
        let k = fronts.partition_point(|&(bx, by)| by < y || (by == y && bx < x));
        if k == fronts.len() {
            fronts.push((x, y));
        } else if y < fronts[k].1 {
            fronts[k] = (x, y);
        }
        rank[i] = k;
    }
}

/// `f64` with a total order, for finite values (validated upstream).
#[derive(Debug, Clone, Copy, PartialEq)]
struct OrdF64(f64);
impl Eq for OrdF64 {}
impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}
