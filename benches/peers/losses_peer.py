#!/usr/bin/env python3
"""PyTorch eager peer of benches/losses.rs: forward + backward of ListNet-DPO + ICOS,
B = 64, n = 128, m = 5, float32 on CPU, the same thread count as libtorch's default.

Run:  cargo bench --bench losses
      ~/.cache/hyperdpo/torch-2.13.0/bin/python benches/peers/losses_peer.py
Prints PyTorch's mean time per iteration, criterion's mean for ours, and the ratio.
"""
import json
import os
import statistics
import time

import torch

torch.manual_seed(0)
B, n, m = 64, 128, 5
policy = torch.randn(B, n, requires_grad=True)
base = torch.randn(B, n)
labels = (torch.rand(B, m, n) * 4).floor()
lengths = torch.randint(32, 129, (B, 1))
mask = torch.arange(n)[None, :] < lengths
l1 = torch.tensor([True, True, True, False, False])
beta = torch.ones(m)
w = torch.tensor([0.1, 0.2, 0.3, 0.25, 0.15])
lam = 0.05


def step():
    m3 = mask[:, None, :].expand(B, m, n)
    z = torch.where(m3, labels, torch.zeros(()))
    # targets: L1 for the first three objectives, softmax for the others
    s = z.sum(-1, keepdim=True)
    t_l1 = torch.where(s > 0, z / torch.where(s > 0, s, torch.ones(())), torch.zeros(()))
    t_sm = torch.softmax(z.masked_fill(~m3, float("-inf")), -1)
    t = torch.where(l1[None, :, None], t_l1, t_sm)
    count_ok = mask.sum(-1, keepdim=True) >= 2
    active = count_ok & torch.where(l1[None, :], s.squeeze(-1) > 0, torch.ones((), dtype=torch.bool))
    logits = beta[None, :, None] * (policy - base)[:, None, :]
    logp = torch.log_softmax(logits.masked_fill(~m3, float("-inf")), -1)
    logp = torch.where(m3, logp, torch.zeros(()))
    per_list = -(t * logp).sum(-1) * active
    L = per_list.sum(0) / active.sum(0).clamp_min(1)
    cos = (w * L).sum() / (w.norm() * L.norm())
    total = (w * L).sum() + lam * cos
    policy.grad = None
    total.backward()


for _ in range(20):
    step()
times = []
for _ in range(300):
    t0 = time.perf_counter()
    step()
    times.append(time.perf_counter() - t0)
mean = statistics.mean(times)
print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
print(f"PyTorch eager : mean {mean*1e3:.3f} ms, median {statistics.median(times)*1e3:.3f} ms")
path = "target/criterion/losses/listnet_icos_fwd_bwd_B64_n128_m5_f32/new/estimates.json"
if os.path.exists(path):
    ours = json.load(open(path))["mean"]["point_estimate"] * 1e-9
    print(f"hyperdpo (tch): mean {ours*1e3:.3f} ms (criterion)")
    print(f"ratio ours / PyTorch = {ours/mean:.3f}")
else:
    print("no criterion result yet: run `cargo bench --bench losses` first")
