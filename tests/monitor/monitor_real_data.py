#!/usr/bin/python3
"""Monitoring on real data (../shared/data/ml, see its SOURCES.md), through the lakewatch CLI.

- California housing (NannyML): events and late labels ingested as two tables, monthly windows.
  Every monthly ROC AUC / accuracy equals scikit-learn's on the same rows and every normed
  Wasserstein distance equals scipy's; drift is flagged on Latitude and MedInc; the ROC AUC
  alarms are exactly the months whose AUC fell more than 0.05 below the baseline's; labels that
  arrive late recompute exactly the windows they belong to.
- Bike sharing: `lakewatch drift` January vs February 2011 flags the weather features (temp,
  atemp) with the statistics and p-values of scipy.stats.ks_2samp.
- Titanic: reference table as baseline; the missing values that appear only in the analysis
  (Fare) are flagged, the target (Survived) shows no drift.

usage: monitor_real_data.py --lakewatch BUILD/lakewatch
Exits 77 (skipped) when ../shared/data/ml or scipy/scikit-learn are missing.
"""
import argparse
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ML = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "data", "ml"))

try:
    import numpy as np
    from scipy import stats
    from sklearn import metrics as skm
except ImportError as e:  # pragma: no cover
    print(f"SKIP: scipy/scikit-learn/numpy not importable by {sys.executable} ({e}); run `make deps`")
    sys.exit(77)

if not os.path.isdir(ML):
    print(f"SKIP: {ML} not found (the shared test data is absent)")
    sys.exit(77)

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)


def close(a, b, rel=1e-9, abs_tol=1e-12):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)


class Lakewatch:
    def __init__(self, binary, data):
        self.binary, self.data = binary, data

    def run(self, *args, input=None):
        p = subprocess.run([self.binary, "--data", self.data, *args], input=input, capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(f"lakewatch {' '.join(args)} failed ({p.returncode}): {p.stderr.strip()}")
        return p.stdout

    def query(self, sql):
        out = self.run("query", "--format", "jsonl", sql)
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def latest_metrics(self, model):
        """The newest computation of every figure of `model` (by computed_at), as readers must take it."""
        rows = self.query(f"SELECT * FROM monitor_metrics WHERE model = '{model}'")
        best = {}
        for r in rows:
            key = (r["version"], r["granularity"], r["window_start"], r["slice"], r["column"], r["metric"])
            if key not in best or r["computed_at"] > best[key]["computed_at"]:
                best[key] = r
        return best


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- California housing
def california(lw, tmp):
    d = os.path.join(ML, "nannyml_california_housing")
    ref = read_csv(os.path.join(d, "california_housing_reference.csv"))
    ana = read_csv(os.path.join(d, "california_housing_analysis.csv"))
    gt = {r["id"]: r["clf_target"] for r in read_csv(os.path.join(d, "california_housing_analysis_gt.csv"))}
    lw.run("ingest", "--table", "cal", "--quiet", os.path.join(d, "california_housing_reference.csv"),
           os.path.join(d, "california_housing_analysis.csv"))
    # Labels arrive late: the reference labels and the first part of the analysis labels now,
    # the rest after the first monitor run.
    ids = sorted(gt, key=int)
    cut = ids[len(ids) // 2]
    first = os.path.join(tmp, "labels1.csv")
    second = os.path.join(tmp, "labels2.csv")
    with open(first, "w") as f:
        f.write("id,clf_target\n")
        for r in ref:
            f.write(f"{r['id']},{r['clf_target']}\n")
        for i in ids:
            if int(i) < int(cut):
                f.write(f"{i},{gt[i]}\n")
    with open(second, "w") as f:
        f.write("id,clf_target\n")
        for i in ids:
            if int(i) >= int(cut):
                f.write(f"{i},{gt[i]}\n")
    lw.run("ingest", "--table", "cal_labels", "--quiet", first)
    features = ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude"]
    config = os.path.join(tmp, "cal.yaml")
    with open(config, "w") as f:
        f.write(f"""models:
  - name: california
    table: cal
    timestamp: timestamp
    version: null            # one model version: only the all-versions figures
    id: id
    prediction: y_pred
    score: y_pred_proba
    problem: binary
    labels: {{table: cal_labels, id: id, label: clf_target}}
    features: [{", ".join(features)}]
    baseline: {{from: "2020-10-01T00:00:00Z", to: "2021-06-01T00:00:00Z"}}
    windows: [1mo]
""")
    s1 = json.loads(lw.run("monitor", "run", "--config", config, "--format", "json"))["models"][0]
    check(s1["rows"] == len(ref) + len(ana), f"california: {s1['rows']} events read, expected {len(ref) + len(ana)}")

    # The labels of the second half arrive: only the months holding those ids are recomputed.
    lw.run("ingest", "--table", "cal_labels", "--quiet", second)
    s2 = json.loads(lw.run("monitor", "run", "--config", config, "--format", "json"))["models"][0]
    late_months = {r["timestamp"][:7] for r in ana if int(r["id"]) >= int(cut)}
    check(s2["windows_computed"] == len(late_months),
          f"california: late labels recomputed {s2['windows_computed']} windows, expected {len(late_months)}")
    s3 = json.loads(lw.run("monitor", "run", "--config", config, "--format", "json"))["models"][0]
    check(s3["windows_computed"] == 0, f"california: a run with nothing new recomputed {s3['windows_computed']}")

    m = lw.latest_metrics("california")
    rows = ref + ana
    for r in ref:
        r["label"] = r["clf_target"]
    for r in ana:
        r["label"] = gt[r["id"]]
    by_month = {}
    for r in rows:
        by_month.setdefault(r["timestamp"][:7], []).append(r)
    base = [r for r in ref]
    base_y = np.array([int(r["label"]) for r in base])
    base_auc = skm.roc_auc_score(base_y, [float(r["y_pred_proba"]) for r in base])

    def fig(month, metric, column=""):
        return m.get(("*", "1mo", f"{month}-01T00:00:00.000000Z", "", column, metric))

    auc_alarms, expected_auc_alarms, checked = set(), set(), 0
    for month, rs in sorted(by_month.items()):
        y = np.array([int(r["label"]) for r in rs])
        pred = np.array([int(r["y_pred"]) for r in rs])
        score = np.array([float(r["y_pred_proba"]) for r in rs])
        n = fig(month, "count")
        check(n is not None and n["value"] == len(rs), f"california {month}: count {n and n['value']} != {len(rs)}")
        cov = fig(month, "label_coverage")
        check(cov is not None and cov["value"] == 1.0, f"california {month}: label coverage {cov and cov['value']}")
        acc = fig(month, "accuracy")
        check(acc is not None and close(acc["value"], skm.accuracy_score(y, pred)),
              f"california {month}: accuracy {acc and acc['value']} != sklearn {skm.accuracy_score(y, pred)}")
        if len(set(y)) == 2:
            auc = fig(month, "roc_auc")
            want = skm.roc_auc_score(y, score)
            check(auc is not None and close(auc["value"], want),
                  f"california {month}: roc_auc {auc and auc['value']} != sklearn {want}")
            if auc is not None and auc["alarm"]:
                auc_alarms.add(month)
            if want < base_auc - 0.05:
                expected_auc_alarms.add(month)
        for col in features:
            w = fig(month, "wasserstein_norm", col)
            b = np.array([float(r[col]) for r in base])
            c = np.array([float(r[col]) for r in rs])
            want = stats.wasserstein_distance(b, c) / np.std(b)
            check(w is not None and close(w["value"], want),
                  f"california {month}: {col} wasserstein_norm {w and w['value']} != scipy {want}")
            checked += 1
    check(checked == len(by_month) * len(features), "california: every month and feature compared")
    check(auc_alarms == expected_auc_alarms and len(auc_alarms) > 0,
          f"california: roc_auc alarms in {sorted(auc_alarms)}, expected {sorted(expected_auc_alarms)}")
    check("2021-10" in {mo for mo in by_month if (fig(mo, "accuracy") or {}).get("alarm")},
          "california: the accuracy collapse of 2021-10 (0.284) raised no alarm")
    analysis_months = sorted({r["timestamp"][:7] for r in ana})
    for col in ("Latitude", "MedInc"):
        flagged = [mo for mo in analysis_months if (fig(mo, "wasserstein_norm", col) or {}).get("alarm")]
        check(len(flagged) > 0, f"california: no drift flagged on {col}")
    print(f"california: {len(by_month)} monthly windows checked against sklearn/scipy; roc_auc alarms "
          f"{sorted(auc_alarms)}; late labels recomputed {s2['windows_computed']} windows")


# ---------------------------------------------------------------- bike sharing
def bike(lw):
    path = os.path.join(ML, "bike_sharing", "hour.csv")
    lw.run("ingest", "--table", "bike", "--quiet", "--no-partition", path)
    cols = ["temp", "atemp", "hum", "windspeed"]
    ref_sql = f"SELECT {', '.join(cols)} FROM bike WHERE dteday >= '2011-01-01' AND dteday <= '2011-01-28'"
    cur_sql = f"SELECT {', '.join(cols)} FROM bike WHERE dteday >= '2011-01-29' AND dteday <= '2011-02-28'"
    out = json.loads(lw.run("drift", "--reference", ref_sql, "--current", cur_sql, "--format", "json"))
    rows = read_csv(path)
    ref = [r for r in rows if "2011-01-01" <= r["dteday"] <= "2011-01-28"]
    cur = [r for r in rows if "2011-01-29" <= r["dteday"] <= "2011-02-28"]
    check(len(ref) == 618 and len(cur) == 719, f"bike: split sizes {len(ref)}/{len(cur)}")
    got = {r["column"]: r for r in out}
    for col in cols:
        a = np.array([float(r[col]) for r in ref])
        b = np.array([float(r[col]) for r in cur])
        want = stats.ks_2samp(a, b)
        r = got.get(col)
        check(r is not None and r["method"] == "ks", f"bike: {col} method {r and r['method']} (≤ 1000 rows: ks)")
        if r is None:
            continue
        check(close(r["statistic"], want.statistic) and close(r["p_value"], want.pvalue),
              f"bike: {col} ks {r['statistic']}/{r['p_value']} != scipy {want.statistic}/{want.pvalue}")
        check(r["drifted"] == (want.pvalue < 0.05), f"bike: {col} drifted={r['drifted']} but p={want.pvalue}")
    check(got["temp"]["drifted"] and got["atemp"]["drifted"], "bike: the weather features temp/atemp not flagged")
    print("bike: " + ", ".join(f"{c} p={got[c]['p_value']:.3g}{' drift' if got[c]['drifted'] else ''}" for c in cols))


# ---------------------------------------------------------------- titanic
def titanic(lw, tmp):
    d = os.path.join(ML, "nannyml_titanic")
    lw.run("ingest", "--table", "titanic_ref", "--quiet", "--no-partition", os.path.join(d, "titanic_reference.csv"))
    lw.run("ingest", "--table", "titanic", "--quiet", "--no-partition", os.path.join(d, "titanic_analysis.csv"))
    lw.run("ingest", "--table", "titanic_target", "--quiet", "--no-partition", os.path.join(d, "titanic_target.csv"))
    config = os.path.join(tmp, "titanic.yaml")
    with open(config, "w") as f:
        f.write("""models:
  - name: titanic
    table: titanic
    timestamp: null          # no time axis: one window, 'all'
    version: null
    id: PassengerId
    problem: binary
    labels: {table: titanic_target, id: PassengerId, label: Survived}
    features:
      numeric: [Age, SibSp, Parch, Fare]
      categorical: [Pclass, Sex, Embarked, Cabin]
    baseline: {table: titanic_ref}
""")
    lw.run("monitor", "run", "--config", config)
    m = lw.latest_metrics("titanic")

    def fig(metric, column=""):
        hits = [v for k, v in m.items() if k[0] == "*" and k[3] == "" and k[4] == column and k[5] == metric]
        return hits[0] if len(hits) == 1 else None

    ref = read_csv(os.path.join(d, "titanic_reference.csv"))
    ana = read_csv(os.path.join(d, "titanic_analysis.csv"))
    for col in ("Age", "Fare", "Cabin", "Embarked"):
        want = sum(1 for r in ana if r[col] == "") / len(ana)
        got = fig("missing_rate", col)
        check(got is not None and close(got["value"], want), f"titanic: {col} missing_rate {got and got['value']} != {want}")
    fare = fig("missing_rate", "Fare")
    check(fare is not None and fare["alarm"] is True, "titanic: Fare missing only in the analysis, not flagged")
    age = fig("missing_rate", "Age")
    check(age is not None and age["alarm"] is False, "titanic: Age missing as often as in the baseline, yet flagged")
    target = [v for k, v in m.items() if k[4] == "Survived" and v["threshold"] is not None]
    check(len(target) == 1, f"titanic: expected one decisive drift figure on the target, got {len(target)}")
    if target:
        t = target[0]
        ref_y = [int(r["Survived"]) for r in ref]
        tgt = read_csv(os.path.join(d, "titanic_target.csv"))
        cur_y = [int(r["Survived"]) for r in tgt]
        check(t["alarm"] is False, f"titanic: drift alarm on the target ({t['metric']} = {t['value']})")
        print(f"titanic: target {t['metric']} = {t['value']:.4g} (survival {np.mean(ref_y):.3f} vs {np.mean(cur_y):.3f}),"
              f" Fare missing_rate {fare and fare['value']:.4f} flagged")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lakewatch", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="lw-monitor-real-")
    try:
        lw = Lakewatch(os.path.abspath(args.lakewatch), os.path.join(tmp, "data"))
        california(lw, tmp)
        bike(lw)
        titanic(lw, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        sys.exit(1)
    print("monitor_real_data: all checks passed")


if __name__ == "__main__":
    main()
