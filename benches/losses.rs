//! Criterion benchmark: forward + backward of ListNet-DPO + ICOS for B = 64 lists of n = 128
//! items, m = 5 objectives, f32 on CPU (the shapes of the paper's LTR runs). The PyTorch eager
//! peer is `benches/peers/losses_peer.py`.
//!
//! ```text
//! cargo bench --bench losses
//! ```

use criterion::{criterion_group, criterion_main, Criterion};
use hyperdpo::losses::{icos, LabelNorm, ListNetDpo, Lists, Penalty, Weights};
use hyperdpo::tch::{self, Device, Kind, Tensor};
use std::time::Duration;

fn bench_losses(c: &mut Criterion) {
    tch::manual_seed(0);
    let (b, n, m) = (64, 128, 5);
    let opts = (Kind::Float, Device::Cpu);
    let mut policy = Tensor::randn([b, n], opts).set_requires_grad(true);
    let base = Tensor::randn([b, n], opts);
    let labels = (Tensor::rand([b, m, n], opts) * 4.0).floor();
    // list lengths 32..=128
    let lengths = Tensor::randint_low(32, 129, [b, 1], (Kind::Int64, Device::Cpu));
    let mask = Tensor::arange(n, (Kind::Int64, Device::Cpu))
        .unsqueeze(0)
        .lt_tensor(&lengths);
    let loss = ListNetDpo::new(
        vec![1.0; m as usize],
        vec![
            LabelNorm::L1,
            LabelNorm::L1,
            LabelNorm::L1,
            LabelNorm::Softmax,
            LabelNorm::Softmax,
        ],
    )
    .expect("valid");
    let w = [0.1, 0.2, 0.3, 0.25, 0.15];
    let mut g = c.benchmark_group("losses");
    g.sample_size(50).measurement_time(Duration::from_secs(4));
    g.bench_function("listnet_icos_fwd_bwd_B64_n128_m5_f32", |bch| {
        bch.iter(|| {
            let parts = loss
                .parts(Lists {
                    policy: &policy,
                    base: &base,
                    labels: &labels,
                    mask: &mask,
                })
                .expect("valid batch");
            let out = icos(&parts, Weights::Shared(&w), 0.05, Penalty::AsWritten).expect("valid w");
            policy.zero_grad();
            out.total.backward();
        })
    });
    g.finish();
}

criterion_group!(benches, bench_losses);
criterion_main!(benches);
