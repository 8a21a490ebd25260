#!/usr/bin/python3
"""Oracle test of lakewatch's performance metrics (src/monitor/metrics) against scikit-learn.

Generates seeded random cases -- ties in scores, scores exactly 0 and 1, one class only, tiny
(n = 1, 2) and empty windows, multiclass with classes absent from a window, regression with
zeros in y_true and constant y_true -- runs them all through the C++ driver
(tests/monitor/metrics_oracle.cc) in one process, and checks every figure against the value
scikit-learn 1.2.1 / numpy / scipy give on the same input: the same set of (metric, column)
figures, each value within 1e-9 relative (1e-13 absolute near zero), each n as documented.

The significance tests have no sklearn equivalent: their expected values come from a numpy
implementation of the published formulas (two-proportion z-test; DeLong et al. 1988 with the
midrank components of Sun & Xu 2014, via scipy.stats.rankdata), written independently of the
C++ code's cumulative-count formulation.

Run by ctest as `metrics_oracle`; exits 77 (skipped) when numpy, scipy or sklearn is missing.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import warnings

try:
    import numpy as np
    import scipy.stats
    import sklearn
    from sklearn import metrics as skm
    from sklearn.calibration import calibration_curve
except ImportError as e:  # pragma: no cover
    print(f"metrics_oracle skipped: {e} (install python3-sklearn and python3-scipy)")
    sys.exit(77)

REL_TOL = 1e-9
ABS_TOL = 1e-13
ERROR_QUANTILES = [("error_p50", 50), ("error_p90", 90), ("error_p95", 95), ("error_p99", 99)]


# ----------------------------------------------------------------------------------------------
# Case generation


def sizes(rng):
    """Window sizes: mostly small, some tiny or empty, a few past the radix-sort threshold."""
    r = rng.random()
    if r < 0.08:
        return int(rng.integers(0, 3))  # 0, 1, 2
    if r < 0.9:
        return int(rng.integers(3, 400))
    return int(rng.integers(4096, 12000))


def random_scores(rng, n, y):
    """Probabilities of the positive class with ties, exact 0s and 1s and some signal."""
    style = rng.integers(0, 4)
    if style == 0:  # coarse grid: many ties, includes 0 and 1
        s = rng.integers(0, 11, n) / 10.0
    elif style == 1:  # continuous, informative
        s = 1.0 / (1.0 + np.exp(-(rng.normal(0, 1.5, n) + 1.2 * (2 * y - 1))))
    elif style == 2:  # all identical
        s = np.full(n, float(rng.choice([0.0, 0.3, 1.0])))
    else:  # mixture of the above
        s = rng.random(n)
        mask = rng.random(n) < 0.3
        s[mask] = rng.integers(0, 3, mask.sum()) / 2.0
    return s


def binary_labels(rng, n):
    r = rng.random()
    if r < 0.1:
        return np.zeros(n, dtype=int)
    if r < 0.2:
        return np.ones(n, dtype=int)
    return (rng.random(n) < rng.uniform(0.05, 0.95)).astype(int)


def binary_case(rng):
    n = sizes(rng)
    y = binary_labels(rng, n)
    s = random_scores(rng, n, y)
    case = {"kind": "binary", "y_true": y.tolist()}
    if rng.random() < 0.9:
        case["y_pred"] = (s >= rng.choice([0.3, 0.5, 0.7])).astype(int).tolist()
    if rng.random() < 0.9:
        case["score"] = s.tolist()
    return case


MULTICLASS_NAMES = ["cat", "dog", "bird", "a,b", "x=y", "100%", "été", "Zebra"]


def multiclass_case(rng):
    n = sizes(rng)
    as_int = rng.random() < 0.4
    k = int(rng.integers(2, 7))
    if as_int:
        classes = [int(v) for v in rng.choice([-3, 0, 1, 2, 7, 10, 42, 100], k, replace=False)]
    else:
        classes = [str(v) for v in rng.choice(MULTICLASS_NAMES, k, replace=False)]
    # Some windows lack some classes entirely.
    present = classes if rng.random() < 0.6 else classes[: int(rng.integers(1, k + 1))]
    y_true = [present[i] for i in rng.integers(0, len(present), n)]
    # Probabilities from small integer weights: ties, exact zeros, rows summing to 1.
    weights = rng.integers(0, 4, (n, k)).astype(float)
    weights[weights.sum(axis=1) == 0, 0] = 1.0
    for i in range(n):  # make the true class likelier
        if rng.random() < 0.6:
            weights[i, classes.index(y_true[i])] += 3
    proba = weights / weights.sum(axis=1, keepdims=True)
    y_pred = [classes[j] for j in proba.argmax(axis=1)]
    for i in range(n):  # an occasional prediction outside the probability classes
        if rng.random() < 0.02:
            y_pred[i] = 5 if as_int else "other"
    case = {"kind": "multiclass", "labels": "int" if as_int else "str", "y_true": y_true,
            "y_pred": y_pred}
    if rng.random() < 0.8:
        case["classes"] = classes
        case["proba"] = proba.ravel().tolist()
    return case


def regression_case(rng):
    n = sizes(rng)
    style = rng.integers(0, 4)
    if style == 0:  # constant y_true
        y = np.full(n, float(rng.choice([0.0, 1.0, -2.5, 0.1, 3.7, 1e6])))
    elif style == 1:  # integers with zeros
        y = rng.integers(-3, 4, n).astype(float)
    else:
        y = rng.normal(rng.uniform(-100, 100), rng.uniform(0.1, 50), n)
    pred_style = rng.integers(0, 3)
    if pred_style == 0:
        p = y.copy()  # perfect
    elif pred_style == 1:
        p = np.round(y + rng.normal(0, 1, n))
    else:
        p = y + rng.normal(rng.uniform(-1, 1), rng.uniform(0.1, 5), n)
    return {"kind": "regression", "y_true": y.tolist(), "y_pred": p.tolist()}


def calibration_case(rng):
    n = sizes(rng)
    y = binary_labels(rng, n)
    s = random_scores(rng, n, y)
    # Scores on the bin edges (k / bins) must fall in the bin below, as in sklearn.
    edges = rng.random(n) < 0.2
    bins = int(rng.choice([1, 3, 5, 10, 10, 20]))
    s[edges] = np.linspace(0, 1, bins + 1)[rng.integers(0, bins + 1, edges.sum())]
    return {"kind": "calibration", "y_true": y.tolist(), "score": s.tolist(), "bins": bins}


def ztest_case(rng):
    def sample():
        n = int(rng.choice([1, 2, 10, 1000, 100000]))
        r = rng.random()
        x = 0 if r < 0.15 else n if r < 0.3 else int(rng.integers(0, n + 1))
        return [x, n]
    return {"kind": "ztest", "baseline": sample(), "current": sample()}


def delong_sample(rng, shift):
    n = int(rng.integers(4, 600)) if rng.random() < 0.9 else int(rng.integers(4096, 9000))
    y = (rng.random(n) < rng.uniform(0.1, 0.9)).astype(int)
    y[:2], y[2:4] = 1, 0  # at least two of each class
    style = rng.integers(0, 3)
    if style == 0:
        s = np.round(rng.normal(0, 1, n) + shift * y, 1)  # ties, scores outside [0, 1]
    elif style == 1:
        s = rng.normal(0, 1, n) + shift * y
    else:
        s = y * 1.0 if rng.random() < 0.5 else 1.0 - y  # perfect or inverted: zero variance
    return {"y_true": y.tolist(), "score": s.tolist()}


def delong_case(rng):
    return {"kind": "delong", "baseline": delong_sample(rng, rng.uniform(0, 2)),
            "current": delong_sample(rng, rng.uniform(0, 2))}


GENERATORS = [(binary_case, 0.30), (multiclass_case, 0.22), (regression_case, 0.18),
              (calibration_case, 0.12), (ztest_case, 0.08), (delong_case, 0.10)]


def generate(seed, count):
    rng = np.random.default_rng(seed)
    cases = []
    # Fixed corner cases first, then random ones.
    cases.append({"kind": "binary", "y_true": [], "y_pred": [], "score": []})
    cases.append({"kind": "binary", "y_true": [1], "y_pred": [0], "score": [1.0]})
    cases.append({"kind": "binary", "y_true": [0, 1], "y_pred": [0, 0], "score": [0.0, 0.0]})
    cases.append({"kind": "multiclass", "labels": "str", "y_true": [], "y_pred": []})
    cases.append({"kind": "multiclass", "labels": "int", "y_true": [3], "y_pred": [3],
                  "classes": [3, 4], "proba": [1.0, 0.0]})
    cases.append({"kind": "regression", "y_true": [], "y_pred": []})
    cases.append({"kind": "regression", "y_true": [0.0], "y_pred": [2.0]})
    cases.append({"kind": "regression", "y_true": [0.1, 0.1, 0.1], "y_pred": [0.1, 0.2, 0.1]})
    cases.append({"kind": "calibration", "y_true": [], "score": [], "bins": 10})
    cases.append({"kind": "ztest", "baseline": [0, 5], "current": [0, 7]})
    weights = np.array([w for _, w in GENERATORS])
    picks = rng.choice(len(GENERATORS), count - len(cases), p=weights / weights.sum())
    cases += [GENERATORS[i][0](rng) for i in picks]
    for i, c in enumerate(cases):
        c["id"] = i
    return cases


# ----------------------------------------------------------------------------------------------
# Expected figures: {(metric, column): (value, n)}


def count_figure(c):
    """The window's rows and the `count` figure every kind of window starts with."""
    n = len(c["y_true"])
    return n, {("count", ""): (n, n)}


def binary_expected(c):
    y = np.array(c["y_true"], dtype=int)
    n, out = count_figure(c)
    if n == 0:
        return out
    out[("positive_rate", "")] = (np.mean(y), n)
    if "y_pred" in c:
        p = np.array(c["y_pred"], dtype=int)
        tn, fp, fn, tp = skm.confusion_matrix(y, p, labels=[0, 1]).ravel()
        out[("accuracy", "")] = (skm.accuracy_score(y, p), n)
        out[("precision", "")] = (skm.precision_score(y, p), tp + fp)
        out[("recall", "")] = (skm.recall_score(y, p), tp + fn)
        out[("f1", "")] = (skm.f1_score(y, p), tp + fp + fn)
        for name, v in (("tp", tp), ("fp", fp), ("tn", tn), ("fn", fn)):
            out[(name, "")] = (v, n)
        out[("prediction_rate", "")] = (np.mean(p), n)
    if "score" in c:
        s = np.array(c["score"], dtype=float)
        if len(np.unique(y)) == 2:
            out[("roc_auc", "")] = (skm.roc_auc_score(y, s), n)
        out[("pr_auc", "")] = (skm.average_precision_score(y, s), n)
        out[("log_loss", "")] = (skm.log_loss(y, s, labels=[0, 1]), n)
        out[("brier", "")] = (skm.brier_score_loss(y, s), n)
    return out


def cell_label(s):
    return s.replace("%", "%25").replace(",", "%2C").replace("=", "%3D")


def multiclass_expected(c):
    n, out = count_figure(c)
    if n == 0:
        return out
    as_int = c["labels"] == "int"
    cast = (lambda v: np.array(v, dtype=np.int64)) if as_int else (lambda v: np.array(v, dtype=str))
    y = cast(c["y_true"])
    p = cast(c["y_pred"])
    labels = np.unique(np.concatenate([y, p]))  # sklearn's default labels
    names = [str(v) for v in labels]
    for name, label in zip(names, labels):
        support = int(np.sum(y == label))
        out[("support", name)] = (support, support)
        out[("positive_rate", name)] = (support / n, n)
    out[("accuracy", "")] = (skm.accuracy_score(y, p), n)
    for avg in ("micro", "macro", "weighted"):
        pr, rc, f1, _ = skm.precision_recall_fscore_support(y, p, average=avg)
        out[("precision_" + avg, "")] = (pr, n)
        out[("recall_" + avg, "")] = (rc, n)
        out[("f1_" + avg, "")] = (f1, n)
    pr, rc, f1, support = skm.precision_recall_fscore_support(y, p, average=None, labels=labels)
    cm = skm.confusion_matrix(y, p, labels=labels)
    for i, name in enumerate(names):
        predicted = int(cm[:, i].sum())
        out[("precision", name)] = (pr[i], predicted)
        out[("recall", name)] = (rc[i], int(support[i]))
        out[("f1", name)] = (f1[i], predicted + int(support[i]) - int(cm[i, i]))
        out[("prediction_rate", name)] = (predicted / n, n)
        for j, pred_name in enumerate(names):
            if cm[i, j]:
                cell = f"true={cell_label(name)},pred={cell_label(pred_name)}"
                out[("confusion", cell)] = (int(cm[i, j]), n)
    if "classes" in c:
        classes = cast(c["classes"])
        k = len(classes)
        proba = np.array(c["proba"], dtype=float).reshape(n, k)
        order = np.argsort(classes, kind="stable")  # sklearn wants columns in sorted class order
        sorted_classes, sorted_proba = classes[order], proba[:, order]
        out[("log_loss", "")] = (skm.log_loss(y, sorted_proba, labels=sorted_classes), n)
        if set(np.unique(y)) == set(classes):
            if k == 2:  # sklearn's binary case: the probability of the greater label
                auc = skm.roc_auc_score(y, sorted_proba[:, 1])
            else:
                auc = skm.roc_auc_score(y, sorted_proba, multi_class="ovr", average="macro",
                                        labels=sorted_classes)
            out[("roc_auc", "")] = (auc, n)
        for j, label in enumerate(classes):
            positive = y == label
            if 0 < positive.sum() < n:
                out[("roc_auc", str(label))] = (skm.roc_auc_score(positive, proba[:, j]), n)
    return out


def regression_expected(c, notes):
    y = np.array(c["y_true"], dtype=float)
    p = np.array(c["y_pred"], dtype=float)
    n, out = count_figure(c)
    if n == 0:
        return out
    out[("mae", "")] = (skm.mean_absolute_error(y, p), n)
    out[("mse", "")] = (skm.mean_squared_error(y, p), n)
    out[("rmse", "")] = (skm.mean_squared_error(y, p, squared=False), n)
    out[("mape", "")] = (skm.mean_absolute_percentage_error(y, p), n)
    if n >= 2:
        r2 = skm.r2_score(y, p)
        if np.all(y == y[0]) and np.mean(y) != y[0]:
            # Documented divergence (docs/performance-metrics.md): numpy's mean of copies of
            # y[0] is not y[0], so sklearn's denominator is a rounding residue instead of 0 and
            # its force_finite convention does not apply. lakewatch applies the convention.
            expected = 1.0 if np.sum((y - p) ** 2) == 0 else 0.0
            notes.append(f"case {c['id']}: constant y_true = {y[0]!r}: sklearn r2 = {r2!r}, "
                         f"convention (lakewatch) = {expected}")
            r2 = expected
        out[("r2", "")] = (r2, n)
    out[("mean_error", "")] = (np.mean(p - y), n)
    abs_error = np.abs(p - y)
    for name, q in ERROR_QUANTILES:
        out[(name, "")] = (np.percentile(abs_error, q), n)
    return out


def calibration_expected(c):
    y = np.array(c["y_true"], dtype=int)
    s = np.array(c["score"], dtype=float)
    n, bins = len(y), c["bins"]
    if n == 0:
        return {}
    prob_true, prob_pred = calibration_curve(y, s, n_bins=bins, strategy="uniform")
    edges = np.linspace(0.0, 1.0, bins + 1)
    counts = np.bincount(np.searchsorted(edges[1:-1], s), minlength=bins)
    nonempty = np.flatnonzero(counts)
    assert len(nonempty) == len(prob_true)
    out = {}
    ece = 0.0
    for b, t, m in zip(nonempty, prob_true, prob_pred):
        column = f"bin={edges[b]:g}-{edges[b + 1]:g}"
        out[("calibration_positive_rate", column)] = (t, counts[b])
        out[("calibration_mean_score", column)] = (m, counts[b])
        ece += counts[b] / n * abs(t - m)
    out[("ece", "")] = (ece, n)
    return out


def change_figures(metric, base, cur, var, n):
    """The documented z / p-value, including its zero-variance convention."""
    diff = cur - base
    if var > 0:
        z = diff / math.sqrt(var)
        p = 2 * scipy.stats.norm.sf(abs(z))
    else:
        z = 0.0 if diff == 0 else math.copysign(math.inf, diff)
        p = 1.0 if diff == 0 else 0.0
    out = {(metric + "_change", ""): (diff, n), (metric + "_change_pvalue", ""): (p, n)}
    if math.isfinite(z):
        out[(metric + "_change_z", "")] = (z, n)
    return out


def ztest_expected(c):
    (x1, n1), (x2, n2) = c["baseline"], c["current"]
    pooled = (x1 + x2) / (n1 + n2)
    var = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    return change_figures("accuracy", x1 / n1, x2 / n2, var, n2)


def delong_estimate(sample):
    """AUC and its DeLong variance by midranks (Sun & Xu 2014, eq. for V10/V01)."""
    y = np.array(sample["y_true"], dtype=int)
    s = np.array(sample["score"], dtype=float)
    x, yneg = s[y == 1], s[y == 0]
    m, n = len(x), len(yneg)
    tz = scipy.stats.rankdata(np.concatenate([x, yneg]))
    tx, ty = scipy.stats.rankdata(x), scipy.stats.rankdata(yneg)
    auc = (tz[:m].sum() - m * (m + 1) / 2) / (m * n)
    v10 = (tz[:m] - tx) / n
    v01 = 1 - (tz[m:] - ty) / m
    var = np.var(v10, ddof=1) / m + np.var(v01, ddof=1) / n
    # The Mann-Whitney AUC is sklearn's trapezoid AUC.
    assert abs(auc - skm.roc_auc_score(y, s)) <= 1e-12, (auc, skm.roc_auc_score(y, s))
    return auc, var, m + n


def delong_expected(c):
    a1, v1, n1 = delong_estimate(c["baseline"])
    a2, v2, n2 = delong_estimate(c["current"])
    out = change_figures("roc_auc", a1, a2, v1 + v2, n2)
    out[("delong_auc", "baseline")] = (a1, n1)
    out[("delong_variance", "baseline")] = (v1, n1)
    out[("delong_auc", "current")] = (a2, n2)
    out[("delong_variance", "current")] = (v2, n2)
    return out


def expected_figures(c, notes):
    kind = c["kind"]
    if kind == "binary":
        return binary_expected(c)
    if kind == "multiclass":
        return multiclass_expected(c)
    if kind == "regression":
        return regression_expected(c, notes)
    if kind == "calibration":
        return calibration_expected(c)
    if kind == "ztest":
        return ztest_expected(c)
    return delong_expected(c)


# ----------------------------------------------------------------------------------------------
# Comparison


def close(a, b):
    if a == b:
        return True
    return abs(a - b) <= max(REL_TOL * max(abs(a), abs(b)), ABS_TOL)


def relative_deviation(a, b):
    return 0.0 if a == b else abs(a - b) / max(abs(a), abs(b))


def compare(c, expected, answer, worst):
    """Problems with one case's answer; updates worst = [deviation, description]."""
    problems = []
    if "error" in answer:
        return [f"driver error: {answer['error']}"]
    got = {}
    for metric, column, value, n in answer["figures"]:
        if (metric, column) in got:
            problems.append(f"duplicate figure {metric}[{column}]")
        got[(metric, column)] = (value, n)
    for key in sorted(set(expected) - set(got)):
        problems.append(f"missing figure {key[0]}[{key[1]}] = {expected[key][0]!r}")
    for key in sorted(set(got) - set(expected)):
        problems.append(f"unexpected figure {key[0]}[{key[1]}] = {got[key][0]!r}")
    for key in sorted(set(got) & set(expected)):
        (want, want_n), (value, n) = expected[key], got[key]
        deviation = relative_deviation(float(value), float(want))
        if deviation > worst[0] and close(float(value), float(want)):
            worst[:] = [deviation, f"{key[0]}[{key[1]}] of case {c['id']}"]
        if not close(float(value), float(want)):
            problems.append(f"{key[0]}[{key[1]}] = {value!r}, sklearn/oracle {float(want)!r}")
        if int(n) != int(want_n):
            problems.append(f"{key[0]}[{key[1]}] n = {n}, expected {int(want_n)}")
    return problems


def bench(driver, n, seed):
    """Times binary metrics on n rows, once in sklearn and once in lakewatch, same data."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.uint8)
    score = 1.0 / (1.0 + np.exp(-(rng.normal(0, 1.5, n) + 1.2 * (2.0 * y - 1))))
    pred = (score >= 0.5).astype(np.uint8)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.bin")
        with open(path, "wb") as f:
            f.write(np.int64(n).tobytes() + y.tobytes() + pred.tobytes() + score.tobytes())
        run = subprocess.run([driver, "--bench", path], capture_output=True, check=True)
    answer = json.loads(run.stdout)
    start, cpu_start = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tn, fp, fn, tp = skm.confusion_matrix(y, pred, labels=[0, 1]).ravel()
        expected = {
            "accuracy": skm.accuracy_score(y, pred), "precision": skm.precision_score(y, pred),
            "recall": skm.recall_score(y, pred), "f1": skm.f1_score(y, pred),
            "roc_auc": skm.roc_auc_score(y, score),
            "pr_auc": skm.average_precision_score(y, score),
            "log_loss": skm.log_loss(y, score, labels=[0, 1]),
            "brier": skm.brier_score_loss(y, score), "tp": tp, "fp": fp, "tn": tn, "fn": fn}
    sklearn_seconds = time.perf_counter() - start
    sklearn_cpu = time.process_time() - cpu_start
    got = {m: v for m, _, v, _ in answer["figures"]}
    bad = [m for m, v in expected.items() if not close(float(got[m]), float(v))]
    print(f"binary metrics on {n:,} rows (accuracy, precision, recall, f1, confusion counts, "
          f"roc_auc, pr_auc, log_loss, brier):")
    print(f"  lakewatch {answer['seconds']:.3f} s wall, {answer['cpu_seconds']:.3f} s CPU; "
          f"sklearn {sklearn_seconds:.3f} s wall, {sklearn_cpu:.3f} s CPU "
          f"({sklearn_seconds / answer['seconds']:.1f}x wall); load average "
          f"{os.getloadavg()[0]:.1f}; figures agree: {not bad} {bad or ''}")
    return 1 if bad else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--driver", required=True, help="the metrics_oracle executable")
    parser.add_argument("--seed", type=int, default=20251124)
    parser.add_argument("--cases", type=int, default=400)
    parser.add_argument("--keep", help="also write the cases (JSON lines) to this file")
    parser.add_argument("--bench", type=int, metavar="N",
                        help="instead: time binary metrics on N rows against sklearn")
    args = parser.parse_args()
    if args.bench:
        return bench(args.driver, args.bench, args.seed)
    if sklearn.__version__ != "1.2.1":
        print(f"note: the oracle is specified against sklearn 1.2.1, this is {sklearn.__version__}")

    cases = generate(args.seed, args.cases)
    text = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)
    if args.keep:
        with open(args.keep, "w", encoding="utf-8") as f:
            f.write(text)
    run = subprocess.run([args.driver], input=text.encode(), capture_output=True, check=False)
    if run.returncode != 0:
        print(f"driver failed with exit code {run.returncode}:\n{run.stderr.decode()}")
        return 1
    answers = {a["id"]: a for a in map(json.loads, run.stdout.decode().splitlines())}

    notes, failures, checked, worst = [], 0, 0, [0.0, ""]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn's UndefinedMetricWarning on the corner cases
        for c in cases:
            expected = expected_figures(c, notes)
            problems = compare(c, expected, answers.get(c["id"], {"error": "no answer"}),
                               worst)
            checked += len(expected)
            if problems:
                failures += 1
                n = len(c.get("y_true", []))
                print(f"FAIL case {c['id']} ({c['kind']}, n={n}; reproduce with --seed "
                      f"{args.seed} --keep FILE, line {c['id'] + 1}):")
                for p in problems[:12]:
                    print("   ", p)
    for note in notes:
        print("note:", note)
    print(f"largest relative deviation among passing figures: {worst[0]:.3g} {worst[1]}")
    print(f"{len(cases)} cases, {checked} figures checked against sklearn {sklearn.__version__} "
          f"(seed {args.seed}): {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
