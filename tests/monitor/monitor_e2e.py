#!/usr/bin/python3
"""`lakewatch monitor run` end to end on generated prediction events, every figure checked
against numpy/scipy/scikit-learn computed here on the same rows.

The generated history (deterministic, seed 7): three days of events of a binary model; version
"2" serves alone, then version "3" takes half of the traffic from hour 36; on day 3 the feature
`amount` shifts up, country NG becomes dominant and `device` goes missing more often; version 3
is wrong far more often for NG (a concept change in one segment), slower, and logs more errors.
Labels arrive in another table for 80% of the requests; some request ids repeat.

Checked, per (version 2/3/*, 6h window) and for the slice features.country=NG: count,
label_coverage, accuracy, roc_auc, log_loss, f1 (sklearn), the normed Wasserstein distance of
amount (scipy), the Jensen–Shannon distance of country (scipy), missing_rate of device, latency
percentiles (numpy), error_rate, duplicate_id_rate; the alarms fall where the drift and the
degradation were injected and not before; a second run computes nothing; events appended to one
window recompute exactly that window's groups.

usage: monitor_e2e.py --lakewatch BUILD/lakewatch      (exit 77 when scipy/sklearn are missing)
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

try:
    import numpy as np
    from scipy import stats
    from scipy.spatial import distance
    from sklearn import metrics as skm
except ImportError as e:  # pragma: no cover
    print(f"SKIP: scipy/scikit-learn/numpy not importable by {sys.executable} ({e}); run `make deps`")
    sys.exit(77)

FAILURES = []
HOUR = 3600
T0 = 1764000000 - 1764000000 % 86400  # a midnight (2025-11-24T00:00:00Z)


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        if len(FAILURES) <= 40:
            print("FAIL:", what)


def close(a, b, rel=1e-9, abs_tol=1e-12):
    return a is not None and b is not None and math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)


def iso(t):
    import datetime
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def generate(rng, n, t_from, t_to, id_base):
    ts = np.sort(rng.uniform(t_from, t_to, n))
    hour = (ts - T0) / HOUR
    day3 = hour >= 48
    version = np.where((hour >= 36) & (rng.random(n) < 0.5), "3", "2")
    amount = rng.lognormal(3.0, 0.6, n) * np.where(day3, 1.6, 1.0)
    age = rng.normal(40, 12, n).round(1)
    p_ng = np.where(day3, 0.55, 0.1)
    u = rng.random(n)
    country = np.where(u < p_ng, "NG", np.where(u < p_ng + 0.4, "US", np.where(u < p_ng + 0.7, "DE", "FR")))
    device = rng.choice(["ios", "android", "web"], n)
    device_missing = rng.random(n) < np.where(day3, 0.3, 0.02)
    logit = (np.log(amount) - 3.0) * 1.5 + (age - 40) / 20
    p_true = 1 / (1 + np.exp(-logit))
    label = (rng.random(n) < p_true).astype(int)
    score = np.clip(p_true + rng.normal(0, 0.08, n), 0.001, 0.999).round(4)
    # Version 3 is wrong for NG: its score is inverted there.
    bad = (version == "3") & (country == "NG")
    score = np.where(bad, (1 - score).round(4), score)
    pred = (score >= 0.5).astype(int)
    latency = rng.gamma(4, 5, n).round(2) * np.where(version == "3", 1.8, 1.0)
    error = rng.random(n) < np.where(version == "3", 0.08, 0.01)
    ids = np.array([f"r{id_base + i}" for i in range(n)])
    dup = rng.random(n) < 0.005  # a few retried requests log the previous id again
    ids = np.where(dup & (np.arange(n) > 0), np.roll(ids, 1), ids)
    has_label = rng.random(n) < 0.8
    rows = []
    for i in range(n):
        rows.append({
            "timestamp": float(ts[i]), "request_id": str(ids[i]), "model": {"name": "fraud", "version": str(version[i])},
            "features": {"amount": float(round(amount[i], 3)), "age": float(age[i]), "country": str(country[i]),
                         "device": None if device_missing[i] else str(device[i])},
            "prediction": {"label": int(pred[i]), "score": float(score[i])},
            "latency_ms": float(latency[i]), "level": "ERROR" if error[i] else "INFO",
        })
        if not device_missing[i]:
            pass
    labels = [{"request_id": rows[i]["request_id"], "label": int(label[i])} for i in range(n) if has_label[i]]
    return rows, labels


def country_js(base, rows):
    """scipy's Jensen-Shannon distance between the country shares of two event lists."""
    ref = collections.Counter(e["features"]["country"] for e in base)
    cur = collections.Counter(e["features"]["country"] for e in rows)
    cats = sorted(set(ref) | set(cur))
    p_ref = np.array([ref.get(k, 0) for k in cats], float)
    p_cur = np.array([cur.get(k, 0) for k in cats], float)
    return distance.jensenshannon(p_ref / p_ref.sum(), p_cur / p_cur.sum())


def write_config(path, name, windows, extra):
    """The model of the generated history, baseline day 1; `extra` adds keys."""
    with open(path, "w") as f:
        f.write(f"""models:
  - name: {name}
    table: ev
    timestamp: timestamp
    version: model.version
    id: request_id
    prediction: prediction.label
    score: prediction.score
    problem: binary
    labels: {{table: labels, id: request_id, label: label}}
    features: [features.amount, features.age, features.country, features.device]
    baseline: {{from: "{iso(T0)[:19]}Z", to: "{iso(T0 + 24 * HOUR)[:19]}Z"}}
    windows: {windows}
    min_rows: 0                     # every figure's verdict is checked, however few its rows
""" + extra)
    return path


class Lakewatch:
    def __init__(self, binary, data):
        self.binary, self.data = binary, data

    def run(self, *args):
        p = subprocess.run([self.binary, "--data", self.data, *args], capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(f"lakewatch {' '.join(args)} failed ({p.returncode}): {p.stderr.strip()}")
        return p.stdout

    def ingest(self, table, rows, path):
        with open(path, "w") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")
        self.run("ingest", "--table", table, "--quiet", path)

    def latest(self, model):
        out = self.run("query", "--format", "jsonl", f"SELECT * FROM monitor_metrics WHERE model = '{model}'")
        best = {}
        for line in out.splitlines():
            r = json.loads(line)
            key = (r["version"], r["granularity"], r["window_start"], r["slice"], r["column"], r["metric"])
            if key not in best or r["computed_at"] > best[key]["computed_at"]:
                best[key] = r
        return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lakewatch", required=True)
    ap.add_argument("--keep", help="keep the data directory and config here (for a look afterwards)")
    args = ap.parse_args()
    tmp = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="lw-monitor-e2e-")
    if args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
    try:
        run(Lakewatch(os.path.abspath(args.lakewatch), os.path.join(tmp, "data")), tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        sys.exit(1)
    print("monitor_e2e: all checks passed")


def run(lw, tmp):
    rng = np.random.default_rng(7)
    events, labels = generate(rng, 24000, T0, T0 + 72 * HOUR, 0)
    # A corrected label arriving later for 300 ids: the first label of an id counts, so every
    # figure below (computed with the first) would differ if the later one were taken.
    labels = labels + [{"request_id": l["request_id"], "label": 1 - l["label"]} for l in labels[::40][:300]]
    lw.ingest("ev", events, os.path.join(tmp, "ev.jsonl"))
    lw.ingest("labels", labels, os.path.join(tmp, "labels.jsonl"))
    config = write_config(os.path.join(tmp, "lakewatch.yaml"), "fraud", "[6h]",
                          "    slices: [features.country]\n")
    s = json.loads(lw.run("monitor", "run", "--config", config, "--format", "json"))["models"][0]
    check(s["rows"] == len(events), f"events read {s['rows']} != {len(events)}")
    m = lw.latest("fraud")

    label_of = {}
    for l in labels:
        label_of.setdefault(l["request_id"], l["label"])  # the first label of an id counts
    base = [e for e in events if T0 <= e["timestamp"] < T0 + 24 * HOUR]
    base_amount = np.array([e["features"]["amount"] for e in base])
    base_lab = [e for e in base if e["request_id"] in label_of]
    base_acc = skm.accuracy_score([label_of[e["request_id"]] for e in base_lab], [e["prediction"]["label"] for e in base_lab])
    base_auc = skm.roc_auc_score([label_of[e["request_id"]] for e in base_lab], [e["prediction"]["score"] for e in base_lab])

    groups = {}
    for e in events:
        w = T0 + int((e["timestamp"] - T0) // (6 * HOUR)) * 6 * HOUR
        for v in (e["model"]["version"], "*"):
            groups.setdefault((v, w, ""), []).append(e)
            if e["features"]["country"] == "NG":
                groups.setdefault((v, w, "features.country=NG"), []).append(e)
    checked = 0
    accuracy_alarms = set()
    for (v, w, sl), rows in sorted(groups.items()):
        def fig(metric, column=""):
            return m.get((v, "6h", iso(w), sl, column, metric))
        where = f"version {v} window {iso(w)} slice '{sl}'"
        n = len(rows)
        c = fig("count")
        check(c is not None and c["value"] == n, f"{where}: count {c and c['value']} != {n}")
        lab = [e for e in rows if e["request_id"] in label_of]
        cov = fig("label_coverage")
        check(cov is not None and close(cov["value"], len(lab) / n) and cov["n"] == len(lab),
              f"{where}: label_coverage {cov and cov['value']} != {len(lab) / n}")
        y = np.array([label_of[e["request_id"]] for e in lab])
        p = np.array([e["prediction"]["label"] for e in lab])
        sc = np.array([e["prediction"]["score"] for e in lab])
        if len(lab) > 0:
            acc = fig("accuracy")
            check(acc is not None and close(acc["value"], skm.accuracy_score(y, p)), f"{where}: accuracy")
            f1 = fig("f1")
            check(f1 is not None and close(f1["value"], skm.f1_score(y, p, zero_division=0)), f"{where}: f1")
            ll = fig("log_loss")
            if len(set(y)) == 2:
                check(ll is not None and close(ll["value"], skm.log_loss(y, sc)), f"{where}: log_loss")
                auc = fig("roc_auc")
                check(auc is not None and close(auc["value"], skm.roc_auc_score(y, sc)), f"{where}: roc_auc")
        amount = np.array([e["features"]["amount"] for e in rows])
        wn = fig("wasserstein_norm", "features.amount")
        # A slice is compared with the same slice of the baseline.
        ref_amount = base_amount if sl == "" else np.array(
            [e["features"]["amount"] for e in base if e["features"]["country"] == "NG"])
        want = stats.wasserstein_distance(ref_amount, amount) / np.std(ref_amount)
        check(wn is not None and close(wn["value"], want), f"{where}: amount wasserstein_norm {wn and wn['value']} != {want}")
        if sl == "":
            js = fig("js_distance", "features.country")
            want_js = country_js(base, rows)
            check(js is not None and close(js["value"], want_js), f"{where}: country js {js and js['value']} != {want_js}")
            day3 = w >= T0 + 48 * HOUR
            day1 = w < T0 + 24 * HOUR
            if js is not None and (day1 or day3):
                check(js["alarm"] == day3, f"{where}: country drift alarm {js['alarm']} (drift injected on day 3 only)")
            if wn is not None and (day1 or day3):
                check(wn["alarm"] == day3, f"{where}: amount drift alarm {wn['alarm']} (drift injected on day 3 only)")
            miss = fig("missing_rate", "features.device")
            want_miss = sum(1 for e in rows if e["features"]["device"] is None) / n
            check(miss is not None and close(miss["value"], want_miss), f"{where}: device missing_rate")
            if miss is not None and (day1 or day3):
                check(miss["alarm"] == day3, f"{where}: device missing alarm {miss['alarm']}")
            lat = np.array([e["latency_ms"] for e in rows])
            for q in (50, 95, 99):
                got = fig(f"latency_p{q}")
                check(got is not None and close(got["value"], np.percentile(lat, q)), f"{where}: latency_p{q}")
            er = fig("error_rate")
            check(er is not None and close(er["value"], np.mean([e["level"] == "ERROR" for e in rows])),
                  f"{where}: error_rate")
            ids = [e["request_id"] for e in rows]
            dup = fig("duplicate_id_rate")
            check(dup is not None and close(dup["value"], (len(ids) - len(set(ids))) / n), f"{where}: duplicate_id_rate")
            if len(lab) > 0:  # the default rule: an alarm exactly when accuracy falls 0.05 below the baseline's
                acc = fig("accuracy")
                want_alarm = skm.accuracy_score(y, p) < base_acc - 0.05
                check(acc is not None and acc["alarm"] == want_alarm and close(acc["threshold"], base_acc - 0.05),
                      f"{where}: accuracy {acc and acc['value']:.3f} alarm {acc and acc['alarm']} (baseline {base_acc:.3f})")
                if acc is not None and acc["alarm"]:
                    accuracy_alarms.add((v, w))
            if v == "2" and day1 and len(lab) > 0:
                acc = fig("accuracy")
                check(acc is not None and acc["alarm"] is False, f"{where}: healthy version 2 accuracy flagged")
        if sl == "features.country=NG" and v == "3" and len(lab) > 0:
            acc = fig("accuracy")
            check(acc is not None and acc["alarm"] is True and acc["value"] < 0.5,
                  f"{where}: version 3 on NG (inverted scores) not flagged ({acc and acc['value']})")
        checked += 1
    check(checked > 20, f"only {checked} groups checked")
    check(any(v == "3" and w >= T0 + 48 * HOUR for v, w in accuracy_alarms),
          "version 3's accuracy collapse on day 3 (NG dominant) not flagged")
    alarms = [r for r in m.values() if r["alarm"]]
    check(any(r["metric"] == "error_rate" and r["version"] == "3" for r in alarms), "version 3's error surge not flagged")
    check(not any(r["metric"] == "error_rate" and r["version"] == "2" for r in alarms), "version 2's error rate flagged")
    print(f"monitor_e2e: {checked} groups checked against sklearn/scipy/numpy, {len(alarms)} alarms")

    # Incremental: nothing new -> nothing computed; events in one window -> that window only.
    s2 = json.loads(lw.run("monitor", "run", "--config", config, "--format", "json"))["models"][0]
    check(s2["windows_computed"] == 0 and s2["figures"] == 0, f"a second run computed {s2['windows_computed']} windows")
    more, more_labels = generate(np.random.default_rng(8), 300, T0 + 60 * HOUR, T0 + 66 * HOUR, 10_000_000)
    lw.ingest("ev", more, os.path.join(tmp, "more.jsonl"))
    s3 = json.loads(lw.run("monitor", "run", "--config", config, "--format", "json"))["models"][0]
    versions = {e["model"]["version"] for e in more}
    check(s3["windows_computed"] == len(versions) + 1,
          f"appending to one window recomputed {s3['windows_computed']} groups, expected {len(versions) + 1}")
    approximate(lw, tmp, events + more, base)
    m2 = lw.latest("fraud")
    w = T0 + 60 * HOUR
    n_now = sum(1 for e in events + more if w <= e["timestamp"] < w + 6 * HOUR)
    c = m2.get(("*", "6h", iso(w), "", "", "count"))
    check(c is not None and c["value"] == n_now, f"recomputed window count {c and c['value']} != {n_now}")
    # Its anomaly verdict is judged against the whole stored series, not the one window recomputed.
    series = np.array([r["value"] for k, r in m2.items()
                       if k[0] == "*" and k[1] == "6h" and k[3] == "" and k[4] == "" and k[5] == "count"])
    med = np.median(series)
    z = 0.6745 * (n_now - med) / np.median(np.abs(series - med))
    a = m2.get(("*", "6h", iso(w), "", "", "count_anomaly_z"))
    check(len(series) >= 8 and a is not None and close(a["value"], z) and a["alarm"] == bool(abs(z) > 3.5),
          f"recomputed window's count anomaly z {a and a['value']} (alarm {a and a['alarm']}), expected {z:.3f} "
          f"over {len(series)} windows")


def approximate(lw, tmp, events, base):
    """approximate: true — feature drift from mergeable sketches: 6h windows summarized from rows,
    1d windows merged from them; figures within the sketches' documented error of scipy's exact
    ones (categorical counts below the sketch capacity: exact), summaries kept in monitor_sketches."""
    config = write_config(os.path.join(tmp, "approx.yaml"), "fraud_approx", "[6h, 1d]", "    approximate: true\n")
    lw.run("monitor", "run", "--config", config)
    m = lw.latest("fraud_approx")
    base_amount = np.array([e["features"]["amount"] for e in base])
    checked, worst = 0, 0.0
    for day in range(3):
        w = T0 + day * 24 * HOUR
        rows = [e for e in events if w <= e["timestamp"] < w + 24 * HOUR]
        amount = np.array([e["features"]["amount"] for e in rows])
        exact = stats.wasserstein_distance(base_amount, amount) / np.std(base_amount)
        got = m.get(("*", "1d", iso(w), "", "features.amount", "wasserstein_norm"))
        check(got is not None and abs(got["value"] - exact) <= 0.03,
              f"approximate day {day}: amount wasserstein_norm {got and got['value']} vs exact {exact} (bound 0.03)")
        if got is not None:
            worst = max(worst, abs(got["value"] - exact))
            check(got["alarm"] == (day == 2), f"approximate day {day}: amount drift alarm {got['alarm']}")
            check(got["baseline"].endswith(" approximate"), f"approximate figures not marked: {got['baseline']}")
        js = m.get(("*", "1d", iso(w), "", "features.country", "js_distance"))
        want = country_js(base, rows)
        check(js is not None and close(js["value"], want), f"approximate day {day}: country js {js and js['value']} != {want}")
        checked += 1
    sketches = lw.run("query", "--format", "jsonl",
                      "SELECT granularity, count(*) AS n, count(DISTINCT window_start) AS windows FROM monitor_sketches "
                      "WHERE model = 'fraud_approx' GROUP BY granularity")
    rows = [json.loads(x) for x in sketches.splitlines()]
    check(len(rows) == 1 and rows[0]["granularity"] == "6h" and rows[0]["windows"] == 12,
          f"monitor_sketches should hold the 12 6h windows' summaries, got {rows}")
    print(f"monitor_e2e: approximate mode, {checked} daily windows merged from 6h sketches, amount "
          f"wasserstein_norm within {worst:.4f} of scipy")


if __name__ == "__main__":
    main()
