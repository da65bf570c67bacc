//! Exact hypervolume, exclusive contributions and normalised hypervolume.
//!
//! # Definition
//! For minimisation, the hypervolume of a set `P` w.r.t. a reference point `r` is the Lebesgue
//! measure of `{x : x < r and ∃ p ∈ P, p ≤ x}` (paper, section 4). For maximisation the
//! inequalities flip (the paper's NDCG fronts use `r = 0` and maximise). Senses can be mixed per
//! objective. Points that do not strictly dominate `r` in every objective add nothing; duplicate
//! and dominated points are allowed and change nothing.
//!
//! # How it is computed
//! Every point `p` that strictly dominates `r` becomes the box `[0, a]` with
//! `a_j = sign_j · (r_j − p_j) > 0` (one subtraction per coordinate, so translating points and
//! reference together changes nothing, and huge offsets cost no precision beyond that one
//! rounding). The hypervolume is the volume of the union of these boxes, computed by:
//!
//! | objectives | algorithm | time |
//! |---|---|---|
//! | 1 | maximum | O(n) |
//! | 2 | sweep over the first objective | O(n log n) |
//! | 3 | sweep over the third objective with a 2-D staircase (HV3D-style) | O(n log n + n·s) |
//! | 4 | sweep over the fourth objective; each point's exclusive 3-D contribution by a bounded 3-D sweep (HV4D-style) | O(n² + n·s·log s) |
//! | ≥ 5 | WFG: exclusive contributions of points sorted by the last objective, whose limited sets lose that objective, recursing down to the 4-D code | exponential in d, fast in practice |
//!
//! `s` is the size of the 2-D staircase (the non-dominated points of a slice), at most `n`.
//! Every area and volume is accumulated as a sum of non-negative products of differences, never
//! as a difference of large volumes.
//!
//! # Choosing a reference point
//! The reference point must be strictly worse than every point you want counted. Common choices:
//! the nadir point (the worst value of each objective over the front) plus a margin (e.g. 10 % of
//! the range, as moocore users often do), or a fixed point with meaning — the paper uses `0` for
//! NDCG (maximised) and `(1.1, 1.1)` for cross-entropy errors (minimised). Compare hypervolumes
//! only when they share a reference point; to compare fronts of objectives with different scales,
//! use [`normalized_hypervolume`].

use crate::pareto::{nondominated_rows, Duplicates};
use crate::{Error, IntoPoints, Points, Result, Senses};

/// Exact hypervolume of `points` w.r.t. `reference`, for any number of objectives.
///
/// ```
/// use hyperdpo_moo::{hypervolume, Sense, Senses};
/// use ndarray::array;
/// // Two points minimised against (3, 3): boxes of area 2 and 2 overlapping in 1.
/// let front = array![[1.0, 2.0], [2.0, 1.0]];
/// assert_eq!(hypervolume(front.view(), &[3.0, 3.0], Sense::Minimize).unwrap(), 3.0);
/// // The paper's convention: maximise NDCG, reference 0.
/// let ndcg = array![[0.4, 0.1], [0.2, 0.3]];
/// let hv = hypervolume(ndcg.view(), &[0.0, 0.0], Sense::Maximize).unwrap();
/// assert!((hv - (0.4 * 0.1 + 0.2 * 0.2)).abs() < 1e-15);
/// // Mixed senses: minimise the first objective, maximise the second.
/// let s = Senses::per_objective(vec![Sense::Minimize, Sense::Maximize]);
/// assert_eq!(hypervolume(&[[1.0, 2.0]][..], &[2.0, 0.0], s).unwrap(), 2.0);
/// ```
///
/// # Errors
/// [`Error::LengthMismatch`] if `reference` (or per-objective senses) does not match the number
/// of objectives, [`Error::NonFinite`]/[`Error::NonFiniteReference`] for NaN/inf,
/// [`Error::NoObjectives`] for zero-dimensional points. The empty set has hypervolume 0.
pub fn hypervolume<'a>(
    points: impl IntoPoints<'a>,
    reference: &[f64],
    senses: impl Into<Senses>,
) -> Result<f64> {
    let points = points.into_points()?;
    let senses = senses.into();
    let (mut boxes, _) = to_boxes(&points, reference, &senses)?;
    let d = reference.len();
    Ok(union_volume(&mut boxes, d))
}

/// Exclusive hypervolume contribution of every point: the volume dominated by that point and by
/// no other point of the set.
///
/// * `ignore_dominated = true` (moocore's default): dominated points are removed first and get
///   contribution 0; the others' contributions are computed among the non-dominated points.
/// * `ignore_dominated = false`: every point's contribution is measured against all others; a
///   point with a dominated neighbour inside its box loses that neighbour's volume.
///
/// Duplicates cover each other, so each copy contributes 0 in both modes. Points that do not
/// strictly dominate the reference contribute 0. Contributions are computed directly, not as
/// differences of total hypervolumes, so tiny contributions keep their relative precision in 2-D
/// and 3-D (every value is a sum of non-negative products of coordinate differences); in 4-D and
/// above a contribution is `vol(box) − hv(limited set)`, exact to the rounding of the box volume.
///
/// ```
/// use hyperdpo_moo::{hv_contributions, Sense};
/// let pts = [[1.0, 3.0], [2.0, 2.0], [3.0, 1.0], [2.5, 2.5]];
/// let c = hv_contributions(&pts[..], &[4.0, 4.0], Sense::Minimize, true).unwrap();
/// assert_eq!(c, vec![1.0, 1.0, 1.0, 0.0]);
/// let c = hv_contributions(&pts[..], &[4.0, 4.0], Sense::Minimize, false).unwrap();
/// assert_eq!(c, vec![1.0, 0.75, 1.0, 0.0]);
/// ```
///
/// # Errors
/// As [`hypervolume`].
pub fn hv_contributions<'a>(
    points: impl IntoPoints<'a>,
    reference: &[f64],
    senses: impl Into<Senses>,
    ignore_dominated: bool,
) -> Result<Vec<f64>> {
    let points = points.into_points()?;
    let senses = senses.into();
    let (boxes, index) = to_boxes(&points, reference, &senses)?;
    let mut out = vec![0.0; points.len()];
    let d = reference.len();
    let k = index.len();
    if k == 0 {
        return Ok(out);
    }
    // Which boxes take part: with ignore_dominated, only the non-dominated ones (duplicates kept,
    // so that they cover each other).
    let active: Vec<usize> = if ignore_dominated {
        box_nondominated(&boxes, d, true)
    } else {
        (0..k).collect()
    };
    let mut limited = Vec::with_capacity(active.len() * d);
    for (ai, &i) in active.iter().enumerate() {
        let p = &boxes[i * d..(i + 1) * d];
        let c = if d == 2 && ignore_dominated {
            // handled below in one sweep
            continue;
        } else {
            limited.clear();
            for (aj, &j) in active.iter().enumerate() {
                if aj != ai {
                    let q = &boxes[j * d..(j + 1) * d];
                    limited.extend(q.iter().zip(p).map(|(a, b)| a.min(*b)));
                }
            }
            exclusive(p, &mut limited, d)
        };
        out[index[i]] = c;
    }
    if d == 2 && ignore_dominated {
        // Widths and heights as differences of the caller's coordinates (exact for close values
        // by Sterbenz's lemma), not of the reference-shifted ones.
        let min_form: Vec<f64> = index
            .iter()
            .flat_map(|&i| {
                let p = points.row(i);
                [senses.get(0).sign() * p[0], senses.get(1).sign() * p[1]]
            })
            .collect();
        contributions_2d(&boxes, &min_form, &active, &index, &mut out);
    }
    Ok(out)
}

/// Hypervolume of the front after mapping `ideal → 0` and `nadir → 1` in every objective, with
/// reference point `nadir` (so the result lies in `[0, 1]`; 1 means a point at the ideal).
///
/// For minimised objectives `ideal_j < nadir_j`, for maximised ones `ideal_j > nadir_j`. Use it
/// to compare fronts of objectives on different scales.
///
/// ```
/// use hyperdpo_moo::{normalized_hypervolume, Sense};
/// let front = [[2.0, 30.0], [4.0, 10.0]];
/// let hv = normalized_hypervolume(&front[..], &[0.0, 0.0], &[4.0, 40.0], Sense::Minimize).unwrap();
/// // normalised points (0.5, 0.75) and (1.0, 0.25): only the first strictly dominates (1, 1)
/// assert!((hv - 0.5 * 0.25).abs() < 1e-15);
/// ```
///
/// # Errors
/// As [`hypervolume`]; [`Error::InvalidArgument`] when `ideal_j` is not strictly better than
/// `nadir_j` under objective `j`'s sense.
pub fn normalized_hypervolume<'a>(
    points: impl IntoPoints<'a>,
    ideal: &[f64],
    nadir: &[f64],
    senses: impl Into<Senses>,
) -> Result<f64> {
    let points = points.into_points()?;
    let senses = senses.into();
    let d = nadir.len();
    if ideal.len() != d {
        return Err(Error::LengthMismatch {
            what: "ideal point",
            expected: d,
            got: ideal.len(),
        });
    }
    for j in 0..d {
        if !(ideal[j].is_finite() && senses.get(j).better(ideal[j], nadir[j])) {
            return Err(Error::InvalidArgument {
                name: "ideal",
                reason: format!(
                    "objective {j}: ideal {} must be finite and strictly better than nadir {}",
                    ideal[j], nadir[j]
                ),
            });
        }
    }
    let (mut boxes, _) = to_boxes(&points, nadir, &senses)?;
    for b in boxes.chunks_exact_mut(d) {
        for j in 0..d {
            b[j] /= (nadir[j] - ideal[j]).abs();
        }
    }
    Ok(union_volume(&mut boxes, d))
}

/// Validates the reference against the points and returns the boxes `[0, a]` of the points that
/// strictly dominate it (flat, row-major) with their original indices.
fn to_boxes(
    points: &Points<'_>,
    reference: &[f64],
    senses: &Senses,
) -> Result<(Vec<f64>, Vec<usize>)> {
    let d = reference.len();
    if let Some(j) = reference.iter().position(|v| !v.is_finite()) {
        return Err(Error::NonFiniteReference {
            objective: j,
            value: reference[j],
        });
    }
    if points.is_empty() && points.dim() == 0 {
        if d == 0 {
            return Err(Error::NoObjectives);
        }
        return Ok((Vec::new(), Vec::new()));
    }
    if points.dim() != d {
        return Err(Error::LengthMismatch {
            what: "reference point",
            expected: points.dim(),
            got: d,
        });
    }
    senses.check(d)?;
    let signs: Vec<f64> = (0..d).map(|j| senses.get(j).sign()).collect();
    let mut boxes = Vec::with_capacity(points.as_flat().len());
    let mut index = Vec::with_capacity(points.len());
    let mut a = vec![0.0; d];
    'points: for i in 0..points.len() {
        let p = points.row(i);
        for j in 0..d {
            let v = signs[j] * (reference[j] - p[j]);
            if v.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                continue 'points;
            }
            a[j] = v;
        }
        boxes.extend_from_slice(&a);
        index.push(i);
    }
    Ok((boxes, index))
}

/// Volume of the union of the boxes `[0, a_i]` (flat rows of `d > 0` positive values). The
/// buffer is reordered.
pub(crate) fn union_volume(boxes: &mut [f64], d: usize) -> f64 {
    let n = boxes.len() / d;
    match (n, d) {
        (0, _) => 0.0,
        (1, _) => boxes.iter().product(),
        (_, 1) => boxes.iter().copied().fold(0.0, f64::max),
        (_, 2) => hv2(boxes),
        (_, 3) => hv3(boxes),
        (_, 4) => hv4(boxes),
        _ => wfg(boxes, d),
    }
}

/// Exclusive volume of box `p` given other boxes already limited to `p` (flat rows of `d`).
fn exclusive(p: &[f64], limited: &mut [f64], d: usize) -> f64 {
    let vol: f64 = p.iter().product();
    match d {
        1 => {
            if limited.iter().any(|&q| q >= p[0]) {
                0.0
            } else {
                vol - limited.iter().copied().fold(0.0, f64::max)
            }
        }
        3 => {
            let mut pts: Vec<[f64; 3]> = limited
                .chunks_exact(3)
                .map(|c| [c[0], c[1], c[2]])
                .collect();
            pts.sort_unstable_by(|a, b| b[2].total_cmp(&a[2]));
            contribution_3d([p[0], p[1], p[2]], &pts, &mut Staircase::default())
        }
        _ => {
            let keep = box_nondominated(limited, d, false);
            let mut nd = Vec::with_capacity(keep.len() * d);
            for &i in &keep {
                nd.extend_from_slice(&limited[i * d..(i + 1) * d]);
            }
            (vol - union_volume(&mut nd, d)).max(0.0)
        }
    }
}

/// Exclusive contributions in 2-D among non-dominated boxes (`active`), written to `out` at the
/// original indices: `(x_i − x_next) · (y_i − y_prev)` along the staircase, with each difference
/// taken between the points' own (minimisation-form) coordinates `m`.
fn contributions_2d(boxes: &[f64], m: &[f64], active: &[usize], index: &[usize], out: &mut [f64]) {
    let mut order: Vec<usize> = active.to_vec();
    // x descending, then y descending: along this order y ascends on a staircase.
    order.sort_unstable_by(|&i, &j| {
        boxes[2 * j]
            .total_cmp(&boxes[2 * i])
            .then(boxes[2 * j + 1].total_cmp(&boxes[2 * i + 1]))
    });
    for (k, &i) in order.iter().enumerate() {
        let (x, y) = (boxes[2 * i], boxes[2 * i + 1]);
        let dup =
            |o: Option<&usize>| o.is_some_and(|&j| boxes[2 * j] == x && boxes[2 * j + 1] == y);
        if dup(order.get(k + 1)) || (k > 0 && dup(order.get(k - 1))) {
            continue; // duplicates cover each other: 0
        }
        let width = order.get(k + 1).map_or(x, |&j| m[2 * j] - m[2 * i]);
        let height = if k > 0 {
            m[2 * order[k - 1] + 1] - m[2 * i + 1]
        } else {
            y
        };
        out[index[i]] = width * height;
    }
}

/// Indices (ascending) of the boxes `[0, a]` not strictly dominated by another (larger is
/// better): [`crate::pareto`]'s filter on the negated corners. With `keep_duplicates = false`
/// only the first of equal boxes is kept.
pub(crate) fn box_nondominated(boxes: &[f64], d: usize, keep_duplicates: bool) -> Vec<usize> {
    let negated: Vec<f64> = boxes.iter().map(|v| -v).collect();
    let duplicates = if keep_duplicates {
        Duplicates::KeepAll
    } else {
        Duplicates::KeepFirst
    };
    nondominated_rows(&negated, d, duplicates)
}

fn hv2(boxes: &mut [f64]) -> f64 {
    let (pts, _) = boxes.as_chunks_mut::<2>();
    sort_by_x_desc(pts);
    let mut area = 0.0;
    let mut ymax = 0.0;
    for p in pts.iter() {
        if p[1] > ymax {
            area += p[0] * (p[1] - ymax);
            ymax = p[1];
        }
    }
    area
}

/// Sorts 2-D boxes by `x`, largest first. Box coordinates are positive, so their IEEE bit
/// patterns order like the values: an LSD radix sort on those bits (11-bit digits; a pass whose
/// digit is the same for every box is skipped) beats comparison sorting for large inputs.
fn sort_by_x_desc(v: &mut [[f64; 2]]) {
    if v.len() < 4096 {
        v.sort_unstable_by(|a, b| b[0].total_cmp(&a[0]));
        return;
    }
    const BITS: u32 = 11;
    const MASK: u64 = (1 << BITS) - 1;
    let key = |p: &[f64; 2], shift: u32| ((!p[0].to_bits() >> shift) & MASK) as usize;
    let mut buf: Vec<[f64; 2]> = v.to_vec();
    let mut counts = [0usize; 1 << BITS];
    let mut in_buf = false;
    for shift in (0..64).step_by(BITS as usize) {
        let (src, dst): (&[[f64; 2]], &mut [[f64; 2]]) =
            if in_buf { (&buf, v) } else { (v, &mut buf) };
        counts.iter_mut().for_each(|c| *c = 0);
        for p in src {
            counts[key(p, shift)] += 1;
        }
        if counts.contains(&src.len()) {
            continue;
        }
        let mut sum = 0;
        for c in counts.iter_mut() {
            let k = *c;
            *c = sum;
            sum += k;
        }
        for p in src {
            let k = key(p, shift);
            dst[counts[k]] = *p;
            counts[k] += 1;
        }
        in_buf = !in_buf;
    }
    if in_buf {
        v.copy_from_slice(&buf);
    }
}

/// A 2-D staircase of non-dominated points (larger is better), sorted by `x` ascending and so
/// by `y` descending, with the area of the union of their boxes `[0, x] × [0, y]`.
#[derive(Default)]
struct Staircase {
    pts: Vec<(f64, f64)>,
    area: f64,
}

impl Staircase {
    fn clear(&mut self) {
        self.pts.clear();
        self.area = 0.0;
    }

    /// Inserts `(x, y)` and returns the area it adds (0 if it is dominated).
    fn insert(&mut self, x: f64, y: f64) -> f64 {
        let s = &self.pts;
        let j = s.partition_point(|q| q.0 < x);
        if j < s.len() && s[j].1 >= y {
            return 0.0;
        }
        // s[j] (if x equal) is dominated by (x, y); the first point right of x bounds from below.
        let r = if j < s.len() && s[j].0 == x { j + 1 } else { j };
        let mut cur_h = if j < r {
            s[j].1
        } else if r < s.len() {
            s[r].1
        } else {
            0.0
        };
        let mut cur_u = x;
        let mut gain = 0.0;
        let mut lo = j;
        while lo > 0 {
            let q = s[lo - 1];
            gain += (cur_u - q.0) * (y - cur_h);
            if q.1 > y {
                break;
            }
            cur_u = q.0;
            cur_h = q.1;
            lo -= 1;
        }
        if lo == 0 {
            gain += cur_u * (y - cur_h);
        }
        self.pts.splice(lo..r, std::iter::once((x, y)));
        self.area += gain;
        gain
    }
}

fn hv3(boxes: &mut [f64]) -> f64 {
    let mut pts: Vec<[f64; 3]> = boxes.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
    pts.sort_unstable_by(|a, b| b[2].total_cmp(&a[2]));
    let mut st = Staircase::default();
    let mut vol = 0.0;
    let mut z_prev = pts[0][2];
    for p in &pts {
        vol += st.area * (z_prev - p[2]);
        z_prev = p[2];
        st.insert(p[0], p[1]);
    }
    vol + st.area * z_prev
}

/// Exclusive 3-D volume of box `p` given boxes `others` sorted by `z` descending (not limited).
/// Sweeps `z` from `p_z` down, accumulating the uncovered part of `p`'s `x·y` face.
fn contribution_3d(p: [f64; 3], others: &[[f64; 3]], st: &mut Staircase) -> f64 {
    st.clear();
    let face = p[0] * p[1];
    let mut uncovered = 0.0;
    let mut z_prev = p[2];
    for q in others {
        let z = q[2].min(p[2]);
        uncovered += (face - st.area) * (z_prev - z);
        z_prev = z;
        st.insert(q[0].min(p[0]), q[1].min(p[1]));
        if st.area >= face {
            return uncovered;
        }
    }
    uncovered + (face - st.area) * z_prev
}

fn hv4(boxes: &mut [f64]) -> f64 {
    let mut pts: Vec<[f64; 4]> = boxes
        .chunks_exact(4)
        .map(|c| [c[0], c[1], c[2], c[3]])
        .collect();
    pts.sort_unstable_by(|a, b| b[3].total_cmp(&a[3]));
    // Non-dominated 3-D projections seen so far, sorted by z descending.
    let mut front: Vec<[f64; 3]> = Vec::new();
    let mut st = Staircase::default();
    let mut v3 = 0.0;
    let mut vol = 0.0;
    let mut w_prev = pts[0][3];
    for p4 in &pts {
        vol += v3 * (w_prev - p4[3]);
        w_prev = p4[3];
        let p = [p4[0], p4[1], p4[2]];
        let c = contribution_3d(p, &front, &mut st);
        if c > 0.0 {
            v3 += c;
            front.retain(|q| !(q[0] <= p[0] && q[1] <= p[1] && q[2] <= p[2]));
            let at = front.partition_point(|q| q[2] > p[2]);
            front.insert(at, p);
        }
    }
    vol + v3 * w_prev
}

/// WFG (While, Bradstreet, Barone 2012) for d ≥ 5: boxes sorted by the last coordinate
/// ascending; each box's exclusive volume w.r.t. the boxes after it needs only the first d − 1
/// coordinates of the limited set (their last coordinate is ≥ its own).
fn wfg(boxes: &mut [f64], d: usize) -> f64 {
    let n = boxes.len() / d;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&i, &j| boxes[i * d + d - 1].total_cmp(&boxes[j * d + d - 1]));
    let sorted: Vec<f64> = order
        .iter()
        .flat_map(|&i| boxes[i * d..(i + 1) * d].iter().copied())
        .collect();
    let e = d - 1;
    let mut limited: Vec<f64> = Vec::with_capacity(n * e);
    let mut nd: Vec<f64> = Vec::with_capacity(n * e);
    let mut total = 0.0;
    for i in 0..n {
        let p = &sorted[i * d..(i + 1) * d];
        let vol_e: f64 = p[..e].iter().product();
        limited.clear();
        let mut covered = false;
        for q in sorted[(i + 1) * d..].chunks_exact(d) {
            let mut all_ge = true;
            for k in 0..e {
                let v = q[k].min(p[k]);
                all_ge &= q[k] >= p[k];
                limited.push(v);
            }
            if all_ge {
                covered = true;
                break;
            }
        }
        if covered {
            continue;
        }
        let keep = box_nondominated(&limited, e, false);
        nd.clear();
        for &k in &keep {
            nd.extend_from_slice(&limited[k * e..(k + 1) * e]);
        }
        let excl = (vol_e - union_volume(&mut nd, e)).max(0.0);
        total += excl * p[e];
    }
    total
}
