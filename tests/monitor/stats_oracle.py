#!/usr/bin/python3
"""Oracle test of lakewatch's drift statistics (src/monitor/stats) against scipy 1.10 / numpy.

Generates seeded random cases, runs them all through the stats_oracle driver in one process and
compares every figure with what scipy computes on the same data (missing values dropped first,
as lakewatch and Evidently do):

  ks           scipy.stats.ks_2samp(ref, cur, alternative='two-sided', method=auto|exact|asymp)
  kstwo        scipy.stats.kstwo.sf(d, n) on a grid through every region of its algorithm
  smirnov      scipy.special.smirnov(n, d)
  wasserstein  scipy.stats.wasserstein_distance, / max(np.std(ref), 0.001) (Evidently's norm)
  bins         numpy: np.quantile edges (or np.histogram_bin_edges 'sturges'), counts,
               PSI with Evidently's empty-bin guard, scipy.spatial.distance.jensenshannon
  categorical  scipy.stats.chi2_contingency (Yates when dof == 1), scipy.stats.chisquare against
               the reference shares (Evidently's form), Evidently's two-proportion Z with
               p = 2 norm.sf(|z|), PSI and Jensen-Shannon on category shares
  drift        Evidently's default method choice and thresholds, then the figures as above

Tolerance: 1e-9 relative for every figure. p-values (and the distributions' tails) are held to
the same 1e-9 relative; only values below 1e-300 (where scipy itself flushes to 0 or loses
digits to subnormals) are accepted as equal when both are below 1e-300.

Exit status: 0 all agree, 1 a mismatch or driver failure, 77 numpy/scipy missing (skipped).
"""
import argparse
import json
import math
import subprocess
import sys
import time
import warnings

try:
    import numpy as np
    from scipy import special, stats
    from scipy.spatial import distance
except ImportError as e:  # pragma: no cover
    print(f"stats_oracle skipped: {e} (install python3-scipy for /usr/bin/python3)")
    sys.exit(77)

REL = 1e-9
TINY = 1e-300

warnings.simplefilter("ignore")


# ---------------------------------------------------------------------------------------------
# Encoding

def enc(values):
    """JSON-safe list: NaN -> null, +-inf -> "inf"/"-inf"."""
    out = []
    for v in values:
        v = float(v)
        if math.isnan(v):
            out.append(None)
        elif math.isinf(v):
            out.append("inf" if v > 0 else "-inf")
        else:
            out.append(v)
    return out


def finite(values):
    a = np.asarray(values, dtype=float)
    return a[np.isfinite(a)]


# ---------------------------------------------------------------------------------------------
# Reference definitions (scipy / numpy / Evidently)

def evidently_fill(shares):
    """Evidently's get_binned_data(feel_zeroes=True)."""
    shares = shares.copy()
    nonzero = shares[shares != 0]
    m = nonzero.min()
    np.place(shares, shares == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return shares


def psi(ref_counts, cur_counts):
    r = evidently_fill(np.asarray(ref_counts, float) / np.sum(ref_counts))
    c = evidently_fill(np.asarray(cur_counts, float) / np.sum(cur_counts))
    return float(np.sum((r - c) * np.log(r / c)))


def js(ref_counts, cur_counts, base=None):
    r = np.asarray(ref_counts, float) / np.sum(ref_counts)
    c = np.asarray(cur_counts, float) / np.sum(cur_counts)
    return float(distance.jensenshannon(r, c, base))


def value_bins(ref, cur):
    keys = np.union1d(ref, cur)
    return ([int(np.sum(ref == k)) for k in keys], [int(np.sum(cur == k)) for k in keys])


def bin_counts(ref, cur, rule, k, max_value_bins=20):
    """Counts per bin and the inner edges, by lakewatch's documented rules (binning.h)."""
    if len(np.unique(ref)) <= max_value_bins:
        r, c = value_bins(ref, cur)
        return r, c, []
    if rule == "sturges":
        edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        r = np.histogram(ref, edges)[0]
        c = np.histogram(cur, edges)[0]
        return list(map(int, r)), list(map(int, c)), list(edges[1:-1])
    inner = np.unique(np.quantile(ref, np.linspace(0, 1, k + 1))[1:-1])
    r = np.bincount(np.searchsorted(inner, ref, side="right"), minlength=len(inner) + 1)
    c = np.bincount(np.searchsorted(inner, cur, side="right"), minlength=len(inner) + 1)
    return list(map(int, r)), list(map(int, c)), list(inner)


def aligned(ref_map, cur_map):
    keys = sorted(k for k in set(ref_map) | set(cur_map) if ref_map.get(k, 0) + cur_map.get(k, 0) > 0)
    return keys, [ref_map.get(k, 0) for k in keys], [cur_map.get(k, 0) for k in keys]


def z_test(ref_counts, cur_counts):
    """Evidently's proportions_diff_z_stat_ind on 'not the first category'; p = 2 sf(|z|)."""
    if len(ref_counts) == 1:
        return 0.0, 1.0
    n1, n2 = sum(ref_counts), sum(cur_counts)
    p1 = float(n1 - ref_counts[0]) / n1
    p2 = float(n2 - cur_counts[0]) / n2
    P = float(p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
    return float(z), float(2 * stats.norm.sf(abs(z)))


def chi2(ref_counts, cur_counts):
    res = stats.chi2_contingency(np.array([ref_counts, cur_counts]))
    return {"statistic": float(res[0]), "p_value": float(res[1]), "dof": int(res[2])}


def chi2_gof(ref_counts, cur_counts):
    k_norm = sum(cur_counts) / sum(ref_counts)
    f_exp = [r * k_norm for r in ref_counts]
    res = stats.chisquare(cur_counts, f_exp)
    p = float(res[1])
    if len(ref_counts) == 1:
        p = 1.0  # scipy: NaN (dof 0); lakewatch documents p = 1
    return {"statistic": float(res[0]), "p_value": p, "dof": len(ref_counts) - 1}


def normed_wasserstein(ref, cur):
    return stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)


def evidently_method(kind, ref, cur, small=1000):
    """Evidently's _get_default_stattest on non-missing values."""
    if kind == "numeric":
        n_values = len(np.unique(np.concatenate([ref, cur])))
        n_ref = len(ref)
    else:
        n_values = len([k for k in set(ref) | set(cur) if ref.get(k, 0) + cur.get(k, 0) > 0])
        n_ref = sum(ref.values())
    if n_ref <= small:
        if kind == "numeric" and n_values > 5:
            return "ks"
        return "chisquare" if n_values > 2 else "z"
    if kind == "numeric" and n_values > 5:
        return "wasserstein"
    return "jensenshannon"


def drift_expected(case):
    kind = case.get("kind", "numeric")
    if kind == "numeric":
        ref, cur = finite(case["ref"]), finite(case["cur"])
        if len(ref) == 0 or len(cur) == 0:
            return {"error": True}
    else:
        ref, cur = case["ref"], case["cur"]
        if sum(ref.values()) == 0 or sum(cur.values()) == 0:
            return {"error": True}
    method = case.get("method", "auto")
    if method == "auto":
        method = evidently_method(kind, ref, cur)
    if kind == "categorical" and method in ("ks", "wasserstein"):
        return {"error": True}
    if kind == "numeric" and method in ("chisquare", "z"):
        ref_counts, cur_counts = value_bins(ref, cur)
    elif kind == "categorical":
        _, ref_counts, cur_counts = aligned(ref, cur)
    p = None
    if method == "ks":
        res = stats.ks_2samp(ref, cur)
        stat, p = float(res[0]), float(res[1])
    elif method == "wasserstein":
        stat = float(normed_wasserstein(ref, cur))
    elif method == "chisquare":
        r = chi2(ref_counts, cur_counts)
        stat, p = r["statistic"], r["p_value"]
    elif method == "z":
        stat, p = z_test(ref_counts, cur_counts)
    else:
        if kind == "numeric":
            ref_counts, cur_counts, _ = bin_counts(ref, cur, case.get("binning", "quantiles"), 10)
        stat = psi(ref_counts, cur_counts) if method == "psi" else js(ref_counts, cur_counts)
    threshold = case.get("threshold", 0.05 if p is not None else 0.1)
    drifted = (p < threshold) if p is not None else (stat >= threshold)
    metrics = {"ks": ("ks_stat", "ks_pvalue"), "chisquare": ("chi2_stat", "chi2_pvalue"),
               "z": ("z_stat", "z_pvalue"), "psi": ("psi", ""),
               "wasserstein": ("wasserstein_norm", ""), "jensenshannon": ("js_distance", "")}
    return {"method": method, "statistic": stat, "p_value": p, "threshold": threshold,
            "drifted": drifted, "stat_metric": metrics[method][0], "p_metric": metrics[method][1]}


def expected(case):
    t = case["test"]
    if t == "ks":
        ref, cur = finite(case["ref"]), finite(case["cur"])
        if len(ref) == 0 or len(cur) == 0:
            return {"error": True}
        res = stats.ks_2samp(ref, cur, method=case["method"])
        if math.isnan(res.pvalue):
            return {"error": True}  # asymp with effective n rounding to 0
        return {"statistic": float(res.statistic), "p_value": float(res.pvalue)}
    if t == "kstwo":
        return {"sf": float(stats.kstwo.sf(case["d"], case["n"]))}
    if t == "smirnov":
        return {"sf": float(special.smirnov(case["n"], case["d"]))}
    if t == "wasserstein":
        ref, cur = finite(case["ref"]), finite(case["cur"])
        if len(ref) == 0 or len(cur) == 0:
            return {"error": True}
        return {"distance": float(stats.wasserstein_distance(ref, cur)),
                "normed": float(normed_wasserstein(ref, cur)),
                "std0": float(np.std(ref)),
                "std1": float(np.std(ref, ddof=1)) if len(ref) > 1 else math.nan,
                "mean": float(np.mean(ref)), "distinct": len(np.unique(ref)),
                "missing_ref": int(len(case["ref"]) - len(ref)),
                "missing_cur": int(len(case["cur"]) - len(cur))}
    if t == "bins":
        ref, cur = finite(case["ref"]), finite(case["cur"])
        if len(ref) == 0 or len(cur) == 0:
            return {"error": True}
        r, c, edges = bin_counts(ref, cur, case["rule"], case["k"])
        return {"edges": edges, "ref_counts": r, "cur_counts": c, "psi": psi(r, c),
                "js": js(r, c), "js2": js(r, c, 2)}
    if t == "categorical":
        keys, r, c = aligned(case["ref"], case["cur"])
        if sum(r) == 0 or sum(c) == 0:
            return {"error": True}
        z, zp = z_test(r, c)
        return {"categories": keys, "chi2": chi2(r, c), "gof": chi2_gof(r, c), "z_stat": z,
                "z_pvalue": zp, "psi": psi(r, c), "js": js(r, c)}
    if t == "drift":
        return drift_expected(case)
    raise ValueError(t)


# ---------------------------------------------------------------------------------------------
# Case generation

def sample(rng, n, shape, shift=0.0):
    if shape == "normal":
        x = rng.normal(shift, 1.0, n)
    elif shape == "ties":  # few distinct values, many ties
        x = np.round(rng.normal(shift, 2.0, n))
    elif shape == "grid":  # a fine grid: ties across the two samples
        x = np.round(rng.normal(shift, 1.0, n), 2)
    elif shape == "lognormal":
        x = rng.lognormal(shift, 1.5, n)
    elif shape == "binary":
        x = (rng.random(n) < 0.3 + 0.1 * shift).astype(float)
    elif shape == "five":
        x = rng.integers(0, 5, n).astype(float) + (shift > 0.5)
    else:
        raise ValueError(shape)
    return x


def with_missing(rng, x, rate):
    x = x.copy()
    if len(x) and rate > 0:
        mask = rng.random(len(x)) < rate
        x[mask] = np.nan
        if len(x) > 3 and rate > 0.2:
            x[0] = np.inf
            x[1] = -np.inf
    return x


def numeric_pairs(rng, scale):
    small = [0, 1, 2, 3, 4, 7, 10, 25]
    mid = [50, 99, 100, 250, 999, 1000, 1001, 2500]
    large = [10000, 10001, 30000, 100000]
    shapes = ["normal", "ties", "grid", "lognormal"]
    pairs = []
    for n1 in small:
        for n2 in small:
            if rng.random() < 0.5:
                pairs.append((n1, n2, shapes[rng.integers(4)], float(rng.choice([0, 0.5, 3]))))
    for _ in range(40 * scale):
        n1, n2 = int(rng.choice(mid)), int(rng.choice(mid + small))
        if rng.random() < 0.5:
            n1, n2 = n2, n1
        pairs.append((n1, n2, shapes[rng.integers(4)], float(rng.choice([0, 0.1, 0.5, 5]))))
    for n1, n2 in [(10000, 9999), (10000, 10000), (3, 10000), (10000, 2), (1, 30000),
                   (100000, 100000), (100000, 30000), (20000, 20000), (10001, 500)]:
        pairs.append((n1, n2, shapes[rng.integers(4)], float(rng.choice([0, 0.02, 0.3]))))
    return pairs


def make_cases(seed, scale):
    rng = np.random.default_rng(seed)
    cases = []

    def add(**kw):
        kw["id"] = len(cases)
        cases.append(kw)

    # Kolmogorov-Smirnov, Wasserstein and bins on random pairs.
    for n1, n2, shape, shift in numeric_pairs(rng, scale):
        ref = with_missing(rng, sample(rng, n1, shape), float(rng.choice([0, 0, 0.1, 0.3])))
        if rng.random() < 0.08:
            cur = ref.copy()  # identical samples
        elif rng.random() < 0.08:
            cur = sample(rng, n2, shape) + 1000.0  # disjoint samples
        else:
            cur = with_missing(rng, sample(rng, n2, shape, shift), float(rng.choice([0, 0.1])))
        big = max(n1, n2) > 10000
        methods = ["auto", "asymp"] if big else ["auto", "exact", "asymp"]
        for m in methods:
            add(test="ks", ref=enc(ref), cur=enc(cur), method=m)
        if not big or rng.random() < 0.5:
            add(test="wasserstein", ref=enc(ref), cur=enc(cur))
            add(test="bins", ref=enc(ref), cur=enc(cur), rule=str(rng.choice(["quantiles", "sturges"])),
                k=int(rng.choice([4, 10, 20])))

    # The one-sample distributions on a grid through every region of scipy's kstwo.
    ns = [1, 2, 3, 5, 10, 37, 100, 140, 141, 500, 1000, 5000, 20000, 100000, 100001]
    nd2s = [0.05, 0.3, 0.7546, 0.7548, 1.0, 2.0, 2.19, 2.21, 3.0, 3.99, 4.01, 10.0, 17.0, 19.0,
            50.0, 200.0, 369.0, 371.0]
    grid = []
    for n in ns:
        ds = {0.3 / n, 0.5 / n, 0.75 / n, 1.0 / n, 1.5 / n, (n - 1.5) / n, (n - 1) / n, 0.5, 0.55,
              0.8, 0.999, 1.0, 0.0}
        ds |= {math.sqrt(x / n) for x in nd2s}
        ds |= {(1.4 / n) ** (2 / 3) * f for f in (0.99, 1.01)}
        grid += [(n, d) for d in sorted(ds)]
    # Large n (the effective n of million-row samples): summing Smirnov's series costs scipy
    # ~2 s per point at n = 10^6, so a few points per region only.
    for n in (250000, 1000000, 3000000):
        grid += [(n, math.sqrt(x / n)) for x in (0.3, 1.0, 2.21, 17.0, 371.0)] + [(n, 0.7 / n)]
    for n, d in grid:
        if 0 <= d <= 1:
            add(test="kstwo", n=n, d=d)
            if n <= 20000 or n * d * d < 2 or n * d * d > 300:  # else kstwo sums the same series
                add(test="smirnov", n=n, d=d)

    # Categorical counts: absent categories on either side, tiny and large counts.
    names = ["a", "b", "c", "d", "e", "f", "g", "h", "ü", "Z", "10", "9"]
    for _ in range(60 * scale):
        k = int(rng.integers(1, len(names) + 1))
        cats = list(rng.choice(names, size=k, replace=False))
        total = int(rng.choice([1, 3, 10, 100, 1000, 100000]))
        probs = rng.dirichlet(np.ones(k))
        ref = {c: int(v) for c, v in zip(cats, rng.multinomial(total, probs))}
        probs2 = probs if rng.random() < 0.5 else rng.dirichlet(np.ones(k))
        cur_total = int(rng.choice([1, 5, 50, 1000, 200000]))
        cur = {c: int(v) for c, v in zip(cats, rng.multinomial(cur_total, probs2))}
        if rng.random() < 0.3:
            cur[str(rng.choice(["new", "x"]))] = int(rng.integers(0, 20))
        if rng.random() < 0.2:
            ref[cats[0]] = 0
        add(test="categorical", ref=ref, cur=cur)
    for k in (2, 3):  # binary and three-way, with zero-count categories
        add(test="categorical", ref={"x": 5, "y": 0}, cur={"x": 3, "y": 4, "w": 0}) if k == 2 else \
            add(test="categorical", ref={"x": 1}, cur={"y": 1, "z": 2})
    add(test="categorical", ref={"only": 7}, cur={"only": 9})
    add(test="categorical", ref={}, cur={"a": 1})

    # TestDrift: Evidently's default choice around its boundaries, and each method forced.
    for _ in range(25 * scale):
        n1 = int(rng.choice([0, 1, 3, 20, 999, 1000, 1001, 5000]))
        n2 = int(rng.choice([0, 1, 2, 50, 1000, 3000]))
        shape = str(rng.choice(["normal", "ties", "binary", "five", "lognormal"]))
        shift = float(rng.choice([0, 0.3, 1.0]))
        ref = with_missing(rng, sample(rng, n1, shape), float(rng.choice([0, 0.05])))
        cur = sample(rng, n2, shape, shift)
        method = str(rng.choice(["auto", "auto", "auto", "ks", "wasserstein", "psi",
                                 "jensenshannon", "chisquare", "z"]))
        case = dict(test="drift", kind="numeric", ref=enc(ref), cur=enc(cur), method=method)
        if rng.random() < 0.3:
            case["threshold"] = float(rng.choice([0.01, 0.2, 0.5]))
        if rng.random() < 0.3:
            case["binning"] = "sturges"
        add(**case)
    for _ in range(15 * scale):
        n1 = int(rng.choice([1, 10, 1000, 1001, 4000]))
        k = int(rng.choice([1, 2, 3, 6]))
        cats = names[:k]
        ref = {c: int(v) for c, v in zip(cats, rng.multinomial(n1, rng.dirichlet(np.ones(k))))}
        cur = {c: int(v) for c, v in zip(cats, rng.multinomial(int(rng.choice([1, 30, 2000])),
                                                                rng.dirichlet(np.ones(k))))}
        method = str(rng.choice(["auto", "auto", "chisquare", "z", "psi", "jensenshannon", "ks"]))
        add(test="drift", kind="categorical", ref=ref, cur=cur, method=method)
    return cases


# ---------------------------------------------------------------------------------------------
# Comparison

def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(b, bool) or isinstance(a, bool) or isinstance(b, str):
        return a == b
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if a == b:
        return True
    if abs(a) < TINY and abs(b) < TINY:
        return True
    return abs(a - b) <= REL * max(abs(a), abs(b))


def decode(v):
    if v == "NaN":
        return math.nan
    if v == "Infinity":
        return math.inf
    if v == "-Infinity":
        return -math.inf
    return v


def compare(want, got, path=""):
    """Returns a list of mismatch descriptions."""
    if isinstance(want, dict):
        out = []
        for k, v in want.items():
            if k not in got:
                out.append(f"{path}{k}: missing")
            else:
                out += compare(v, got[k], f"{path}{k}.")
        return out
    if isinstance(want, list):
        if len(want) != len(got):
            return [f"{path[:-1]}: length {len(got)} != {len(want)}"]
        out = []
        for i, (w, g) in enumerate(zip(want, got)):
            out += compare(w, g, f"{path}{i}.")
        return out
    got = decode(got)
    return [] if close(got, want) else [f"{path[:-1]}: lakewatch {got!r} scipy {want!r}"]


def rel_err(a, b):
    a, b = float(decode(a)), float(b)
    if a == b or (abs(a) < TINY and abs(b) < TINY) or math.isnan(a) or math.isnan(b):
        return 0.0
    return abs(a - b) / max(abs(a), abs(b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--seed", type=int, default=20251127)
    ap.add_argument("--scale", type=int, default=1, help="multiplies the number of random cases")
    ap.add_argument("--keep", help="write the cases (JSON lines) to this file")
    args = ap.parse_args()

    t0 = time.time()
    cases = make_cases(args.seed, args.scale)
    payload = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)
    if args.keep:
        with open(args.keep, "w") as f:
            f.write(payload)
    t1 = time.time()
    run = subprocess.run([args.driver], input=payload.encode(), capture_output=True)
    t2 = time.time()
    if run.returncode != 0:
        print(f"driver failed with status {run.returncode}: {run.stderr.decode()[-2000:]}")
        return 1
    answers = {}
    for line in run.stdout.decode().splitlines():
        a = json.loads(line)
        answers[a["id"]] = a

    failures = []
    worst = {}
    counts = {}
    for case in cases:
        t = case["test"]
        counts[t] = counts.get(t, 0) + 1
        want = expected(case)
        got = answers.get(case["id"])
        label = f"case {case['id']} ({t}{'/' + case['method'] if 'method' in case else ''})"
        if got is None:
            failures.append(f"{label}: no answer")
            continue
        if "error" in want:
            if "error" not in got:
                failures.append(f"{label}: scipy rejects the input, lakewatch answered {got}")
            continue
        if "error" in got:
            failures.append(f"{label}: lakewatch error: {got['error']}")
            continue
        if t == "ks" and "used" in got:
            want_used = "exact" if case["method"] == "exact" or (
                case["method"] == "auto" and max(len(finite(case["ref"])), len(finite(case["cur"]))) <= 10000) else "asymp"
            if got["used"] != want_used and not (want_used == "exact" and got["used"] == "asymp"):
                failures.append(f"{label}: used {got['used']}, expected {want_used}")
        for msg in compare(want, got):
            failures.append(f"{label}: {msg}")
        for key in ("p_value", "sf", "statistic", "distance", "psi", "js"):
            if key in want and want[key] is not None and key in got:
                worst_key = f"{t}.{key}"
                worst[worst_key] = max(worst.get(worst_key, 0.0), rel_err(got[key], want[key]))
    t3 = time.time()

    print(f"stats_oracle: {len(cases)} cases ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}); "
          f"generate {t1 - t0:.1f}s, lakewatch {t2 - t1:.1f}s, scipy+compare {t3 - t2:.1f}s")
    print("largest relative differences: " +
          ", ".join(f"{k} {v:.1e}" for k, v in sorted(worst.items())))
    if failures:
        print(f"{len(failures)} mismatches (tolerance {REL:g} relative):")
        for f in failures[:60]:
            print("  " + f)
        return 1
    print("all figures agree with scipy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
