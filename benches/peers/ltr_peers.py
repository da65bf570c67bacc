#!/usr/bin/env python3
"""Peers of benches/ltr.rs: scikit-learn's load_svmlight_file on the same ≈100 MB LETOR file,
and NDCG@10 over the same 10 000 lists with scikit-learn's ndcg_score and ranx.

    cargo run --release --example write_ltr_bench_data
    cargo bench --bench ltr
    benches/peers/.venv/bin/python benches/peers/ltr_peers.py   # pip install scikit-learn ranx
"""
import json
import os
import time

import numpy as np

D = "target/bench-data"
CRIT = "target/criterion"


def crit(group, name):
    p = os.path.join(CRIT, group, name, "new", "estimates.json")
    return json.load(open(p))["mean"]["point_estimate"] * 1e-9 if os.path.exists(p) else None


def best(fn, reps):
    b = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        b = min(b, time.perf_counter() - t)
    return b


from sklearn.datasets import load_svmlight_file
from sklearn.metrics import ndcg_score

letor = os.path.join(D, "mslr_like_100mb.txt")
size = os.path.getsize(letor)
t_sk = best(lambda: load_svmlight_file(letor, query_id=True), 3)
ours = crit("ltr_parse", "letor_100mb")
print(f"parse {size/1e6:.1f} MB: scikit-learn {t_sk:.3f} s ({size/t_sk/1e6:.1f} MB/s)", end="")
if ours:
    print(f", hyperdpo {ours:.3f} s ({size/ours/1e6:.1f} MB/s), speed-up {t_sk/ours:.2f}x")
else:
    print()

raw = np.loadtxt(os.path.join(D, "ndcg_10k.txt"))
q, lab, sc = raw[:, 0].astype(int), raw[:, 1], raw[:, 2]
labels = lab.reshape(10000, 100)
scores = sc.reshape(10000, 100)
t_skn = best(lambda: ndcg_score(labels, scores, k=10), 3)
v_sk = ndcg_score(labels, scores, k=10)

from ranx import Qrels, Run, evaluate

qd = {str(i): {str(j): int(labels[i, j]) for j in range(100) if labels[i, j] > 0} for i in range(10000)}
rd = {str(i): {str(j): float(scores[i, j]) for j in range(100)} for i in range(10000)}
qrels, run = Qrels(qd), Run(rd)
evaluate(qrels, run, "ndcg@10")  # numba compilation
t_ranx = best(lambda: evaluate(qrels, run, "ndcg@10"), 3)
v_ranx = evaluate(qrels, run, "ndcg@10")
ours_st = crit("ltr_ndcg", "ndcg10_10k_stable")
ours_av = crit("ltr_ndcg", "ndcg10_10k_average")
print(f"NDCG@10, 10k lists: scikit-learn {t_skn*1e3:.2f} ms (value {v_sk:.6f}), ranx {t_ranx*1e3:.2f} ms (value {v_ranx:.6f})")
if ours_st:
    print(f"  hyperdpo stable ties {ours_st*1e3:.2f} ms, average ties {ours_av*1e3:.2f} ms")
    print(f"  speed-up vs scikit-learn {t_skn/ours_av:.2f}x (average ties, same definition), vs ranx {t_ranx/ours_st:.2f}x")
