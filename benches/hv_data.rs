//! The hypervolume benchmark cases, shared by `benches/hypervolume.rs` and
//! `examples/write_fronts.rs` so that the peers read exactly the fronts we time.

/// (objectives, points) of every case: seeded points on the positive unit sphere
/// (`hyperdpo::moo::fronts::sphere_front(n, d, 42)`), minimised, reference 1.1.
pub const CASES: &[(usize, usize)] = &[
    (2, 100_000),
    (3, 30_000),
    (4, 5_000),
    (5, 1_000),
    (6, 200),
    (7, 60),
    (8, 60),
    (8, 200),
];

/// Seed of the fronts.
pub const SEED: u64 = 42;
