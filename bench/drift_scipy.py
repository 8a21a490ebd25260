#!/usr/bin/python3
"""Drift statistics, lakewatch against scipy, in one run on the same data.

Runs bench/drift_bench.cc (which generates 20 numeric + 5 categorical features, N reference vs
N current rows, writes them to a temporary directory and times lakewatch on 1 and 2 threads),
then computes the same figures with scipy 1.10 / numpy on the same data, times them, checks
that every figure agrees (1e-9 relative) and prints a Markdown table. drift_bench also times
the approximate mode (summaries built per sample, figures estimated from them); its figures are
compared with scipy's exact ones and the largest errors printed.

What "the same computations" means, per feature (missing values dropped first, as Evidently
does):
  numeric      ks_2samp(ref, cur) (method='auto': asymptotic at this size), statistic and
               p-value; wasserstein_distance(ref, cur) / max(np.std(ref), 0.001); reference
               deciles (np.quantile), counts per bin, PSI with Evidently's empty-bin guard and
               scipy.spatial.distance.jensenshannon on the bin shares
  categorical  counting the string values (collections.Counter), chi2_contingency on the 2 x k
               table, PSI and Jensen-Shannon on the category shares

  /usr/bin/python3 bench/drift_scipy.py --bench build/drift_bench [--rows N] [--keep DIR]
"""
import argparse
import collections
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy import stats
from scipy.spatial import distance

N_NUMERIC = 20
N_CATEGORICAL = 5


def fill_empty(shares):
    """Evidently's empty-bin guard (get_binned_data with feel_zeroes=True)."""
    shares = shares.copy()
    m = shares[shares != 0].min()
    np.place(shares, shares == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return shares


def psi(ref_counts, cur_counts):
    r = fill_empty(ref_counts / ref_counts.sum())
    c = fill_empty(cur_counts / cur_counts.sum())
    return float(np.sum((r - c) * np.log(r / c)))


def numeric_figures(ref, cur):
    ref = ref[~np.isnan(ref)]
    cur = cur[~np.isnan(cur)]
    ks = stats.ks_2samp(ref, cur)
    wn = stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, 11))[1:-1])
    rc = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1)
    cc = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1)
    return {"ks_stat": float(ks.statistic), "ks_p": float(ks.pvalue), "wasserstein_norm": float(wn),
            "psi": psi(rc, cc), "js": float(distance.jensenshannon(rc / rc.sum(), cc / cc.sum()))}


def categorical_figures(ref_values, cur_values):
    ref = collections.Counter(ref_values)
    cur = collections.Counter(cur_values)
    keys = sorted(set(ref) | set(cur))
    rc = np.array([ref.get(k, 0) for k in keys], dtype=float)
    cc = np.array([cur.get(k, 0) for k in keys], dtype=float)
    chi = stats.chi2_contingency(np.array([rc, cc]))
    return {"chi2_stat": float(chi[0]), "chi2_p": float(chi[1]), "psi": psi(rc, cc),
            "js": float(distance.jensenshannon(rc / rc.sum(), cc / cc.sum()))}


def agree(a, b, rel=1e-9):
    if a == b:
        return True
    if abs(a) < 1e-300 and abs(b) < 1e-300:
        return True
    return abs(a - b) <= rel * max(abs(a), abs(b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True, help="the drift_bench executable")
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--reps", type=int, default=1, help="lakewatch repetitions (best is kept)")
    ap.add_argument("--keep", help="keep the generated data in this directory")
    args = ap.parse_args()

    data_dir = args.keep or tempfile.mkdtemp(prefix="lakewatch-drift-")
    os.makedirs(data_dir, exist_ok=True)
    try:
        run = subprocess.run([args.bench, "--rows", str(args.rows), "--reps", str(args.reps),
                              "--data-dir", data_dir], capture_output=True, text=True)
        if run.returncode != 0:
            print(f"drift_bench failed: {run.stderr}")
            return 2
        lw = json.loads(run.stdout)

        numeric = [(np.fromfile(f"{data_dir}/numeric_{f}_ref.f64"),
                    np.fromfile(f"{data_dir}/numeric_{f}_cur.f64")) for f in range(N_NUMERIC)]
        with open(f"{data_dir}/categories.json") as fh:
            names = json.load(fh)
        categorical = []
        for f in range(N_CATEGORICAL):
            table = np.array(names[f], dtype=object)
            categorical.append((list(table[np.fromfile(f"{data_dir}/categorical_{f}_ref.u16", dtype=np.uint16)]),
                                list(table[np.fromfile(f"{data_dir}/categorical_{f}_cur.u16", dtype=np.uint16)])))

        t0 = time.perf_counter()
        py_numeric = [numeric_figures(r, c) for r, c in numeric]
        t1 = time.perf_counter()
        py_categorical = [categorical_figures(r, c) for r, c in categorical]
        t2 = time.perf_counter()
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)

    mismatches = []
    worst, worst_at = 0.0, ""
    for kind, mine, theirs in (("numeric", lw["numeric"], py_numeric),
                               ("categorical", lw["categorical"], py_categorical)):
        for f, (a, b) in enumerate(zip(mine, theirs)):
            for key, want in b.items():
                got = a[key]
                if not agree(got, want):
                    mismatches.append(f"{kind} feature {f} {key}: lakewatch {got!r} scipy {want!r}")
                elif max(abs(got), abs(want)) > 1e-300:
                    rel = abs(got - want) / max(abs(got), abs(want))
                    if rel > worst:
                        worst, worst_at = rel, f"{kind} feature {f} {key}"

    scipy_numeric, scipy_categorical = t1 - t0, t2 - t1
    t = lw["timings"]
    print(f"Drift statistics, {N_NUMERIC} numeric + {N_CATEGORICAL} categorical features, "
          f"{args.rows:,} reference vs {args.rows:,} current rows (one run, same machine)\n")
    print("| | numeric part | categorical part | total | × scipy |")
    print("|---|---:|---:|---:|---:|")
    scipy_total = scipy_numeric + scipy_categorical
    print(f"| scipy 1.10 / numpy | {scipy_numeric:.2f} s | {scipy_categorical:.2f} s | "
          f"{scipy_total:.2f} s | 1 |")
    for threads in sorted(t, key=int):
        total = t[threads]["numeric_s"] + t[threads]["categorical_s"]
        print(f"| lakewatch, {threads} thread{'s' if threads != '1' else ''} | "
              f"{t[threads]['numeric_s']:.2f} s | {t[threads]['categorical_s']:.2f} s | "
              f"{total:.2f} s | {total / scipy_total:.3f} |")
    print()
    print("Approximate mode (per-sample summaries: KLL k=200 quantile sketch, moments, frequent "
          "items; figures estimated from two summaries):\n")
    print("| | build summaries (ref + cur) | estimate figures | total | × scipy (total) "
          "| × scipy (estimate) |")
    print("|---|---:|---:|---:|---:|---:|")
    for threads in sorted(t, key=int):
        b, e = t[threads]["approx_build_s"], t[threads]["approx_estimate_s"]
        print(f"| lakewatch approximate, {threads} thread{'s' if threads != '1' else ''} | "
              f"{b:.3f} s | {e * 1000:.2f} ms | {b + e:.3f} s | {(b + e) / scipy_total:.4f} | "
              f"{e / scipy_total:.6f} |")
    print()
    print("| figure | largest absolute error of the approximate figure vs scipy's exact one | "
          "at feature |")
    print("|---|---:|---|")
    approx = lw["approximate"]
    for kind, mine, theirs in (("numeric", approx["numeric"], py_numeric),
                               ("categorical", approx["categorical"], py_categorical)):
        for key in theirs[0]:
            errors = [(abs(a[key] - b[key]), f) for f, (a, b) in enumerate(zip(mine, theirs))]
            err, at = max(errors)
            print(f"| {kind} {key} | {err:.2e} | {at} |")
    print()
    if mismatches:
        print(f"{len(mismatches)} figures differ (tolerance 1e-9 relative):")
        for m in mismatches:
            print("  " + m)
        return 1
    print(f"All {sum(len(b) for b in py_numeric + py_categorical)} figures agree "
          f"(largest relative difference {worst:.1e}, {worst_at}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
