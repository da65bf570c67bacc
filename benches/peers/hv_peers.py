#!/usr/bin/env python3
"""Compare hyperdpo-moo's hypervolume with moocore and pygmo on the same fronts.

Usage (from the repository root):
    cargo run --release --example write_fronts          # writes target/fronts/*.txt
    cargo build --release -p hyperdpo-moo --bin hv
    cargo bench --bench hypervolume                      # in-process times (criterion)
    benches/peers/run.sh                                 # venv with moocore + pygmo, then this

Prints, per front: our in-process time (criterion's mean), the whole `hv` process time
(parsing included), moocore's and pygmo's in-process times (best of several runs), the ratio
ours / best peer, and the relative difference of the values (ours vs moocore).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np


def best_time(fn, budget_s=3.0, max_reps=20):
    """Best wall time of fn() over repeats within a time budget (at least one run)."""
    best, total, reps, value = float("inf"), 0.0, 0, None
    while reps < max_reps and (reps == 0 or total + best <= budget_s):
        t0 = time.perf_counter()
        value = fn()
        dt = time.perf_counter() - t0
        best, total, reps = min(best, dt), total + dt, reps + 1
    return best, value


def criterion_mean(crit_dir, case):
    path = os.path.join(crit_dir, "hypervolume", case, "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["mean"]["point_estimate"] * 1e-9
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fronts", default="target/fronts")
    ap.add_argument("--hv", default="target/release/hv")
    ap.add_argument("--criterion", default="target/criterion")
    ap.add_argument("--budget", type=float, default=3.0, help="seconds per peer and front")
    ap.add_argument("--json", help="also write the table as JSON here")
    args = ap.parse_args()

    import moocore
    import pygmo

    rows = []
    files = sorted(
        (f for f in os.listdir(args.fronts) if f.startswith("sphere_") and f.endswith(".txt")),
        key=lambda f: (int(f.split("_")[1][:-1]), int(f.split("_")[2][:-4])),
    )
    for name in files:
        path = os.path.join(args.fronts, name)
        case = name[len("sphere_"):-len(".txt")]
        pts = np.loadtxt(path)
        d = pts.shape[1]
        ref = np.full(d, 1.1)
        t_moo, v_moo = best_time(lambda: moocore.hypervolume(pts, ref=ref), args.budget)
        t_pg, v_pg = best_time(lambda: pygmo.hypervolume(pts).compute(ref), args.budget)
        ref_arg = " ".join(["1.1"] * d)
        def run_hv():
            out = subprocess.run([args.hv, "-q", "-r", ref_arg, path], check=True,
                                 capture_output=True, text=True).stdout
            return float(out.split()[0])
        t_bin, v_ours = best_time(run_hv, args.budget)
        t_ours = criterion_mean(args.criterion, case)
        best_peer = min(t_moo, t_pg)
        rows.append({
            "case": case, "ours_s": t_ours, "hv_binary_s": t_bin, "moocore_s": t_moo,
            "pygmo_s": t_pg, "ratio_ours_best_peer": (t_ours / best_peer) if t_ours else None,
            "value": v_ours, "rel_diff_moocore": abs(v_ours - v_moo) / abs(v_moo),
            "rel_diff_pygmo": abs(v_ours - v_pg) / abs(v_pg),
        })
        print(f"done {case}", file=sys.stderr, flush=True)

    fmt = lambda t: "n/a" if t is None else (f"{t*1e3:9.3f} ms")
    print(f"{'front':>10} | {'ours (criterion)':>16} | {'hv process':>12} | {'moocore':>12} | "
          f"{'pygmo':>12} | {'ours/best':>9} | {'|Δ| vs moocore':>14} | {'|Δ| vs pygmo':>12}")
    for r in rows:
        ratio = "n/a" if r["ratio_ours_best_peer"] is None else f"{r['ratio_ours_best_peer']:.3f}"
        print(f"{r['case']:>10} | {fmt(r['ours_s']):>16} | {fmt(r['hv_binary_s']):>12} | "
              f"{fmt(r['moocore_s']):>12} | {fmt(r['pygmo_s']):>12} | {ratio:>9} | "
              f"{r['rel_diff_moocore']:14.2e} | {r['rel_diff_pygmo']:12.2e}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
