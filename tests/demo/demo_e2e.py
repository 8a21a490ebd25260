#!/usr/bin/python3
"""`lakewatch demo` end to end: a small demo (simulate, ingest, monitor, report), then the
monitor results are checked against what the simulator injected (scenario.json): the concept
change of version 3 on one country, the input drift from the drift day, the storm in the
regressor's weather, the new CUDA error of version 3, late labels — each detected in the right
version and windows, and nothing alarming where nothing was injected.

  /usr/bin/python3 tests/demo/demo_e2e.py --lakewatch build/lakewatch [--keep DIR] [--events N]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

FAILURES = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILURES.append(what)


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise SystemExit(f"command failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr}")
    return r.stdout


class Lakewatch:
    def __init__(self, binary, data):
        self.binary, self.data = binary, data

    def query(self, sql):
        out = run([self.binary, "--data", self.data, "query", "--format", "jsonl", sql])
        return [json.loads(line) for line in out.splitlines() if line.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lakewatch", required=True)
    ap.add_argument("--keep", help="write the demo here and keep it")
    ap.add_argument("--events", type=int, default=120000)
    args = ap.parse_args()

    out = args.keep or tempfile.mkdtemp(prefix="lakewatch-demo-e2e-")
    if args.keep and os.path.isdir(out):
        shutil.rmtree(out)
    try:
        summary = run([args.lakewatch, "demo", "--events", str(args.events), "--out", out, "--seed", "7",
                       "--threads", "2"])
        print(summary)
        with open(os.path.join(out, "scenario.json")) as fh:
            sc = json.load(fh)
        lw = Lakewatch(args.lakewatch, os.path.join(out, "data"))
        DAY = 86400 * 1000000

        def metrics(where):
            return lw.query("SELECT version, granularity, window_start, slice, `column`, metric, value, threshold, "
                            "alarm, n FROM monitor_metrics WHERE " + where)

        def micros(ts):  # RFC 3339 from the JSON output -> µs
            from datetime import datetime, timezone
            return int(datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()) * 1000000

        # ---- files and tables
        for name in ("report.html", "report-eta-regressor.html", "lakewatch.yaml", "scenario.json"):
            check(os.path.getsize(os.path.join(out, name)) > 0, f"{name} written")
        counts = {t: lw.query(f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in
                  ("fraud_predictions", "fraud_labels", "eta_predictions", "eta_labels", "resources", "app_logs",
                   "feedback")}
        check(counts["fraud_predictions"] == sc["fraud_predictions"],
              f"every fraud prediction ingested ({counts['fraud_predictions']} of {sc['fraud_predictions']})")
        check(counts["fraud_labels"] == sc["fraud_labels"], "every late label ingested")
        check(counts["eta_labels"] == sc["eta_labels"], "every logfmt label ingested")
        check(counts["app_logs"] == sc["log_records"],
              f"every log record ingested, tracebacks joined ({counts['app_logs']} of {sc['log_records']})")

        # ---- concept change: version 3 worse on the degraded country, in the right windows
        sl = sc["degraded_slice"]
        daily = metrics(f"model = 'fraud-detector' AND metric = 'accuracy' AND granularity = '1d' AND slice = '{sl}'")
        v3 = [r for r in daily if r["version"] == sc["new_version"]]
        v2 = [r for r in daily if r["version"] == sc["old_version"]]
        v3_alarms = [r for r in v3 if r["alarm"]]
        check(len(v3) >= 4 and len(v3_alarms) >= len(v3) - 2,
              f"accuracy alarms for version 3 on {sl}: {len(v3_alarms)} of {len(v3)} daily windows")
        check(all(micros(r["window_start"]) + DAY > sc["rollout_start_micros"] for r in v3_alarms),
              "version 3's accuracy alarms are after the rollout")
        check(sum(1 for r in v2 if r["alarm"]) <= 1,
              f"version 2 on {sl}: {sum(1 for r in v2 if r['alarm'])} accuracy alarms of {len(v2)} windows")
        whole = {r["version"]: r["value"] for r in
                 metrics(f"model = 'fraud-detector' AND metric = 'accuracy' AND granularity = 'all' AND slice = '{sl}'")}
        check(whole[sc["new_version"]] < whole[sc["old_version"]] - 0.1,
              f"over all windows on {sl}: version 3 {whole[sc['new_version']]:.3f} vs version 2 "
              f"{whole[sc['old_version']]:.3f}")
        others = metrics(f"model = 'fraud-detector' AND metric = 'accuracy' AND granularity = '1d' AND slice = '' "
                         f"AND version = '{sc['old_version']}' AND alarm")
        check(len(others) == 0, f"no accuracy alarm for version 2 overall ({len(others)})")

        # ---- input drift: the drifted features alarm from the drift day, the others never
        drift_metrics = "('ks_pvalue', 'wasserstein_norm', 'psi', 'js_distance', 'chi2_pvalue', 'z_pvalue')"
        rows = metrics("model = 'fraud-detector' AND granularity = '1d' AND version = '*' AND slice = '' AND "
                       f"metric IN {drift_metrics} AND threshold IS NOT NULL")
        by_col = {}
        for r in rows:
            by_col.setdefault(r["column"], []).append(r)
        for col in sc["drifted_features"]:
            alarms = [micros(r["window_start"]) for r in by_col.get(col, []) if r["alarm"]]
            missing = metrics(f"model = 'fraud-detector' AND granularity = '1d' AND version = '*' AND slice = '' "
                              f"AND `column` = '{col}' AND metric = 'missing_rate' AND alarm")
            after = [a for a in alarms if a >= sc["drift_start_micros"]] + \
                    [micros(r["window_start"]) for r in missing if micros(r["window_start"]) >= sc["drift_start_micros"]]
            before = [a for a in alarms if a + DAY <= sc["drift_start_micros"]] + \
                     [micros(r["window_start"]) for r in missing
                      if micros(r["window_start"]) + DAY <= sc["drift_start_micros"]]
            check(len(after) >= 2, f"{col}: drift or missing-value alarms in {len(after)} daily windows after the drift day")
            check(len(before) == 0, f"{col}: no alarm before the drift day ({len(before)})")
        for col in ("features.age", "features.country", "features.device"):
            n = sum(1 for r in by_col.get(col, []) if r["alarm"])
            check(col in by_col and n == 0, f"{col} (not drifted): {n} drift alarms in {len(by_col.get(col, []))} windows")

        # ---- errors: the new error raises version 3's error rate, version 2's stays quiet
        err = metrics("model = 'fraud-detector' AND metric = 'error_rate' AND granularity = '1d' AND slice = ''")
        v3e = [r for r in err if r["version"] == sc["new_version"] and r["alarm"]]
        v2e = [r for r in err if r["version"] == sc["old_version"] and r["alarm"]]
        check(len(v3e) >= 3, f"error-rate alarms of version 3: {len(v3e)} daily windows")
        check(len(v2e) == 0, f"no error-rate alarm of version 2 ({len(v2e)})")
        pattern = sc["new_error_pattern"]
        lines = lw.query("SELECT thread, timestamp FROM app_logs WHERE message LIKE '%" + pattern + "%'")
        check(len(lines) > 0 and all(l["thread"].endswith("-v" + sc["new_version"]) for l in lines),
              f"the new error's {len(lines)} log lines all come from version {sc['new_version']}")
        check(all(micros(l["timestamp"]) >= sc["rollout_start_micros"] for l in lines),
              "and none before the rollout")
        searched = lw.query("SELECT count(*) AS n FROM app_logs WHERE match(message, '" + pattern + "')")[0]["n"]
        check(searched == len(lines), f"full-text search finds the same {searched} lines")

        # ---- the regressor: storm drift of the weather, version 3 worse in rain
        w = metrics("model = 'eta-regressor' AND granularity = '1d' AND version = '*' AND slice = '' AND "
                    f"`column` = 'features.weather' AND metric IN {drift_metrics} AND threshold IS NOT NULL")
        storm = [r for r in w if sc["drift_start_micros"] <= micros(r["window_start"]) < sc["storm_end_micros"]]
        calm = [r for r in w if micros(r["window_start"]) + DAY <= sc["drift_start_micros"]]
        check(storm and all(r["alarm"] for r in storm), f"weather drift alarms on all {len(storm)} storm days")
        check(calm and not any(r["alarm"] for r in calm), f"no weather drift on the {len(calm)} days before")
        rain = sc["eta_degraded_slice"]
        mae = {r["version"]: r["value"] for r in
               metrics(f"model = 'eta-regressor' AND metric = 'mae' AND granularity = 'all' AND slice = '{rain}'")}
        check(mae[sc["new_version"]] > 1.3 * mae[sc["old_version"]],
              f"MAE in rain: version 3 {mae[sc['new_version']]:.2f} vs version 2 {mae[sc['old_version']]:.2f}")
        mae_alarms = metrics(f"model = 'eta-regressor' AND metric = 'mae' AND granularity = '1d' AND slice = '{rain}' "
                             f"AND version = '{sc['new_version']}' AND alarm")
        check(len(mae_alarms) >= 2, f"MAE alarms of version 3 in rain: {len(mae_alarms)} daily windows")

        # ---- late labels: coverage of the last day below an early day's
        cov = metrics("model = 'fraud-detector' AND metric = 'label_coverage' AND granularity = '1d' AND slice = '' "
                      "AND version = '*' ORDER BY window_start")
        check(len(cov) == 14 and cov[-1]["value"] < cov[2]["value"] - 0.2,
              f"label coverage fills in late: day 3 {cov[2]['value']:.2f}, last day {cov[-1]['value']:.2f}")

        # ---- the terminal summary names what was found, and its queries run
        for needle in ("version 3", sl, pattern, "report.html") + tuple(sc["drifted_features"][:2]):
            check(needle in summary, f"summary mentions {needle!r}")
        queries = re.findall(r"query \"(.+)\"\n", summary)
        check(len(queries) == 3, f"summary suggests three queries ({len(queries)})")
        for q in queries:
            rows = lw.query(q.replace('\\"', '"'))
            check(len(rows) > 0, f"suggested query returns rows: {q[:70]}…")

        # ---- the report: the sections exist and the findings are in it
        html = open(os.path.join(out, "report.html"), encoding="utf-8").read()
        for section in ("summary", "performance", "drift", "distributions", "quality", "operations", "logs", "alarms"):
            check(f'id="{section}"' in html, f"report has section {section}")
        check(pattern in html, "report lists the new error template")
        check("http://" not in html and "https://" not in html, "report makes no network reference")
    finally:
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)
    if FAILURES:
        print(f"\n{len(FAILURES)} checks failed")
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
