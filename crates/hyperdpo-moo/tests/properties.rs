//! Property tests (proptest) for hypervolume and Pareto invariants.

mod common;
use common::dominates;
use hyperdpo_moo::{
    hv_contributions, hypervolume, nondominated, nondominated_sort, Duplicates, Sense,
};
use proptest::prelude::*;

fn hv(p: &[Vec<f64>], r: &[f64]) -> f64 {
    hypervolume(p, r, Sense::Minimize).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-10 * a.abs().max(b.abs()).max(1e-12)
}

/// 1..=40 points in d = 1..=6 with coordinates on a coarse grid (ties and duplicates happen).
fn point_set() -> impl Strategy<Value = (Vec<Vec<f64>>, usize)> {
    (1usize..=6).prop_flat_map(|d| {
        let n_max = if d >= 5 { 14 } else { 40 };
        (
            prop::collection::vec(
                prop::collection::vec((0u8..20).prop_map(|v| v as f64 / 4.0), d),
                1..n_max,
            ),
            Just(d),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn permutation_invariant((pts, d) in point_set(), seed in any::<u64>()) {
        let r = vec![5.0; d];
        let mut shuffled = pts.clone();
        let n = shuffled.len();
        let mut s = seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        prop_assert!(close(hv(&pts, &r), hv(&shuffled, &r)));
    }

    #[test]
    fn dominated_points_and_duplicates_change_nothing((pts, d) in point_set(), k in any::<prop::sample::Index>(), bump in 0.0f64..1.0) {
        let r = vec![5.0; d];
        let base = hv(&pts, &r);
        let p = pts[k.index(pts.len())].clone();
        let mut with_dup = pts.clone();
        with_dup.push(p.clone());
        prop_assert!(close(base, hv(&with_dup, &r)));
        let mut with_dominated = pts.clone();
        with_dominated.push(p.iter().map(|v| v + bump).collect());
        prop_assert!(close(base, hv(&with_dominated, &r)));
    }

    #[test]
    fn monotone_under_adding_points((pts, d) in point_set(), extra in prop::collection::vec(0.0f64..5.0, 6)) {
        let r = vec![5.0; d];
        let mut more = pts.clone();
        more.push(extra[..d].to_vec());
        prop_assert!(hv(&more, &r) >= hv(&pts, &r) * (1.0 - 1e-12));
    }

    #[test]
    fn scaling_an_objective_scales_hv((pts, d) in point_set(), j in any::<prop::sample::Index>(), c in 0.1f64..10.0) {
        let r = vec![5.0; d];
        let j = j.index(d);
        let scaled: Vec<Vec<f64>> = pts.iter().map(|p| { let mut q = p.clone(); q[j] *= c; q }).collect();
        let mut rs = r.clone();
        rs[j] *= c;
        prop_assert!(close(hv(&scaled, &rs), c * hv(&pts, &r)));
    }

    #[test]
    fn translation_with_reference_is_invariant((pts, d) in point_set(), t in prop::collection::vec(-100i32..100, 6)) {
        // integer translations keep the grid values exact
        let r = vec![5.0; d];
        let moved: Vec<Vec<f64>> = pts.iter().map(|p| p.iter().zip(&t).map(|(v, s)| v + *s as f64).collect()).collect();
        let rm: Vec<f64> = r.iter().zip(&t).map(|(v, s)| v + *s as f64).collect();
        prop_assert!(close(hv(&moved, &rm), hv(&pts, &r)));
    }

    #[test]
    fn contributions_sum_to_at_most_hv((pts, d) in point_set()) {
        let r = vec![5.0; d];
        let total = hv(&pts, &r);
        for ignore in [true, false] {
            let c = hv_contributions(&pts[..], &r, Sense::Minimize, ignore).unwrap();
            prop_assert!(c.iter().all(|&v| v >= 0.0));
            prop_assert!(c.iter().sum::<f64>() <= total * (1.0 + 1e-12) + 1e-12);
        }
    }

    #[test]
    fn nondominated_matches_pairwise_check((pts, _d) in point_set()) {
        let want: Vec<usize> = (0..pts.len()).filter(|&i| !pts.iter().any(|q| dominates(q, &pts[i]))).collect();
        prop_assert_eq!(nondominated(&pts[..], Sense::Minimize, Duplicates::KeepAll).unwrap(), want.clone());
        let first: Vec<usize> = want.iter().copied().filter(|&i| !(0..i).any(|j| pts[j] == pts[i])).collect();
        prop_assert_eq!(nondominated(&pts[..], Sense::Minimize, Duplicates::KeepFirst).unwrap(), first);
    }

    #[test]
    fn nondominated_sort_matches_peeling((pts, _d) in point_set()) {
        let ranks = nondominated_sort(&pts[..], Sense::Minimize).unwrap();
        // reference: peel fronts with the quadratic check
        let n = pts.len();
        let mut want = vec![usize::MAX; n];
        let mut r = 0;
        while want.contains(&usize::MAX) {
            let left: Vec<usize> = (0..n).filter(|&i| want[i] == usize::MAX).collect();
            let front: Vec<usize> = left.iter().copied().filter(|&i| !left.iter().any(|&j| dominates(&pts[j], &pts[i]))).collect();
            for i in front { want[i] = r; }
            r += 1;
        }
        prop_assert_eq!(ranks, want);
    }
}

#[test]
fn staircase_contributions_closed_form() {
    // (i, n−1−i) with r = (n, n): every point owns exactly one unit cell; HV = n(n+1)/2.
    let n = 12;
    let pts: Vec<Vec<f64>> = (0..n).map(|i| vec![i as f64, (n - 1 - i) as f64]).collect();
    let r = [n as f64, n as f64];
    let c = hv_contributions(&pts[..], &r, Sense::Minimize, true).unwrap();
    assert_eq!(c, vec![1.0; n]);
    assert_eq!(hv(&pts, &r), (n * (n + 1) / 2) as f64);
}

#[test]
fn large_2d_and_3d_fronts_sort_fast_and_correctly() {
    // n = 10^5 in 2-D and 3-D: spot-check against the definition on a sample.
    let mut rng = common::Rng(9);
    for d in [2usize, 3] {
        let n = 100_000;
        let pts: Vec<Vec<f64>> = (0..n)
            .map(|_| (0..d).map(|_| (rng.uniform() * 1000.0).floor()).collect())
            .collect();
        let ranks = nondominated_sort(&pts[..], Sense::Minimize).unwrap();
        let nd = nondominated(&pts[..], Sense::Minimize, Duplicates::KeepAll).unwrap();
        assert_eq!(nd, (0..n).filter(|&i| ranks[i] == 0).collect::<Vec<_>>());
        for i in (0..n).step_by(997) {
            let dominated = pts.iter().any(|q| dominates(q, &pts[i]));
            assert_eq!(ranks[i] == 0, !dominated, "point {i}");
            if ranks[i] > 0 {
                // some point of rank − 1 dominates it
                assert!((0..n).any(|j| ranks[j] == ranks[i] - 1 && dominates(&pts[j], &pts[i])));
            }
        }
    }
}
