#!/usr/bin/env node
// The SQL benchmark: a suite of monitoring queries answered by `lakewatch query` and by DuckDB
// over the SAME Parquet files (the live data files of the lakewatch tables `ev` and `labels`),
// at the same thread count. bench/run_sql.sh prepares the data and drives it.
//
// Usage:
//   node bench/sql_vs_duckdb.mjs run --lakewatch BIN --data DIR --events N --start ISO --days D
//                                    [--threads 1,2] [--reps 3] [--only name,name] [--out FILE]
//       For each thread count T, for each query, REPS times, the engines alternating:
//         lakewatch: one process per query, `BIN --data DIR query SQL --format jsonl --threads T`,
//                    stdout to a file; time = wall clock from spawn to exit (start-up, Delta log,
//                    planning, scan, output all included), taken by a small launcher process
//                    (see Launcher), which also gives the CPU seconds (wait4 rusage).
//         DuckDB:    one instance in this process for the whole run (`SET threads = T`), the
//                    views `ev` and `labels` = read_parquet([live files], hive_partitioning=true);
//                    time = `connection.runAndReadAll(SQL)`: the query run to completion with all
//                    its rows materialized (the conversion to JS values afterwards is not timed).
//       The best of REPS is kept on both sides. Every query's answers are compared (after the
//       timed repetitions): same column names, same rows (in order when the query orders them
//       totally, else as multisets), numbers to 1e-9 relative, timestamps as instants. A
//       difference makes the run exit 1 after the report (the query stays in the table, marked).
//       Start-up overhead: `/bin/true` spawned by the launcher (the spawn floor) and
//       `lakewatch query "SELECT 1"`, best of REPS, per thread count.
//       One more, untimed run of each lakewatch query with `--stats` records what it read.
//       Writes the results as one JSON document (FILE, default stdout).
//   node bench/sql_vs_duckdb.mjs report FILE
//       Prints the Markdown tables from the results.
//   node bench/sql_vs_duckdb.mjs queries
//       Prints the suite (both spellings) as Markdown.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function Fail(msg) {
  process.stderr.write(`sql_vs_duckdb: ${msg}\n`);
  process.exit(2);
}

function ParseArgs(argv) {
  const args = { threads: [1, 2], reps: 3, days: 3, start: '2025-11-20T00:00:00Z', positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? Fail(`${a} needs a value`);
    if (a === '--lakewatch') args.lakewatch = value();
    else if (a === '--data') args.data = value();
    else if (a === '--events') args.events = Number(value());
    else if (a === '--start') args.start = value();
    else if (a === '--days') args.days = Number(value());
    else if (a === '--threads') args.threads = value().split(',').map(Number);
    else if (a === '--reps') args.reps = Number(value());
    else if (a === '--only') args.only = value().split(',');
    else if (a === '--out') args.out = value();
    else args.positional.push(a);
  }
  return args;
}

// ---- the suite
//
// Each query: name, what it answers, `lw` (Spark SQL for lakewatch), `duck` (DuckDB's spelling
// when it differs), `ordered` (the ORDER BY is total: rows are compared in order), `approx`
// (percentile columns: see CheckPercentiles). ${END6H}, ${RID} are filled in at run time.
const kNeedle = 'checksum mismatch';
// lakewatch's timestamps are UTC instants, which DuckDB reads from Parquet as TIMESTAMPTZ. DuckDB's
// date_trunc('hour', ts) and CAST(ts AS DATE) on a TIMESTAMPTZ go through its ICU calendar even
// with TimeZone = 'UTC' (at 1M events, 1 thread: 473 ms against 80 ms for the GROUP BY below), so
// the suite gives DuckDB the same UTC arithmetic on epoch microseconds: the same answers, faster.
const DuckHour = (ts) => `make_timestamp(epoch_us(${ts}) // 3600000000 * 3600000000)`;
const DuckDay = (ts) => `(DATE '1970-01-01' + CAST(epoch_us(${ts}) // 86400000000 AS INTEGER))`;
const kQueries = [
  {
    name: 'count_by_version_hour', what: 'events by model version and hour',
    lw: `SELECT model.version AS version, date_trunc('hour', timestamp) AS hour, count(*) AS n
         FROM ev GROUP BY 1, 2 ORDER BY 1, 2`,
    duck: `SELECT model.version AS version, ${DuckHour('timestamp')} AS hour, count(*) AS n
           FROM ev GROUP BY 1, 2 ORDER BY 1, 2`,
    ordered: true,
  },
  {
    name: 'error_rate_by_version_hour', what: 'error rate by model version and hour',
    lw: `SELECT model.version AS version, date_trunc('hour', timestamp) AS hour, count(*) AS n,
                count_if(level = 'error') AS errors, count_if(level = 'error') / count(*) AS error_rate
         FROM ev GROUP BY 1, 2 ORDER BY 1, 2`,
    duck: `SELECT model.version AS version, ${DuckHour('timestamp')} AS hour, count(*) AS n,
                  count_if(level = 'error') AS errors, count_if(level = 'error') / count(*) AS error_rate
           FROM ev GROUP BY 1, 2 ORDER BY 1, 2`,
    ordered: true,
  },
  {
    name: 'latency_percentiles_by_version', what: 'p50/p95/p99 latency by model version',
    lw: `SELECT model.version AS version, count(*) AS n, percentile_approx(latency_ms, 0.5) AS p50,
                percentile_approx(latency_ms, 0.95) AS p95, percentile_approx(latency_ms, 0.99) AS p99
         FROM ev GROUP BY 1 ORDER BY 1`,
    duck: `SELECT model.version AS version, count(*) AS n, quantile_disc(latency_ms, 0.5) AS p50,
                  quantile_disc(latency_ms, 0.95) AS p95, quantile_disc(latency_ms, 0.99) AS p99
           FROM ev GROUP BY 1 ORDER BY 1`,
    ordered: true,
    approx: { group: 'model.version', key: 'version', value: 'latency_ms', columns: { p50: 50, p95: 95, p99: 99 } },
  },
  {
    name: 'top_error_messages', what: 'top 10 error messages',
    lw: `SELECT error.type AS type, error.message AS message, count(*) AS n FROM ev
         WHERE error.message IS NOT NULL GROUP BY 1, 2 ORDER BY n DESC, message LIMIT 10`,
    ordered: true,
  },
  {
    name: 'accuracy_by_day', what: 'predictions ⋈ late labels: accuracy by day and model',
    lw: `SELECT CAST(e.timestamp AS DATE) AS day, e.model.name AS model, count(*) AS labeled,
                count_if(e.prediction.label = l.label) / count(*) AS accuracy
         FROM ev e JOIN labels l ON e.request_id = l.request_id GROUP BY 1, 2 ORDER BY 1, 2`,
    duck: `SELECT ${DuckDay('e.timestamp')} AS day, e.model.name AS model, count(*) AS labeled,
                  count_if(e.prediction.label = l.label) / count(*) AS accuracy
           FROM ev e JOIN labels l ON e.request_id = l.request_id GROUP BY 1, 2 ORDER BY 1, 2`,
    ordered: true,
  },
  {
    name: 'point_lookup', what: 'one request by request_id (SELECT *)', special: 'point',
    lw: `SELECT * FROM ev WHERE request_id = '\${RID}'`,
    ordered: false,
  },
  {
    name: 'needle_search', what: `a rare message: match() ↔ LIKE '%${kNeedle}%' (SELECT *)`, special: 'needle',
    lw: `SELECT * FROM ev WHERE match(message, '${kNeedle}')`,
    duck: `SELECT * FROM ev WHERE message LIKE '%${kNeedle}%'`,
    ordered: false,
  },
  {
    name: 'distinct_users_per_day', what: 'distinct users per day (exact count(DISTINCT))',
    lw: `SELECT CAST(timestamp AS DATE) AS day, count(DISTINCT user_id) AS users, count(*) AS events
         FROM ev GROUP BY 1 ORDER BY 1`,
    duck: `SELECT ${DuckDay('timestamp')} AS day, count(DISTINCT user_id) AS users, count(*) AS events
           FROM ev GROUP BY 1 ORDER BY 1`,
    ordered: true,
  },
  {
    name: 'score_by_country_one_version', what: 'avg score and amount by country for one model version',
    lw: `SELECT features.country AS country, count(*) AS n, avg(prediction.score) AS avg_score,
                avg(features.amount) AS avg_amount
         FROM ev WHERE model.version = 'v3.2' GROUP BY 1 ORDER BY 1`,
    ordered: true,
  },
  {
    name: 'warn_error_by_level_model', what: 'warn/error counts by level, model and version',
    lw: `SELECT level, model.name AS model, model.version AS version, count(*) AS n FROM ev
         WHERE level IN ('warn', 'error') GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    ordered: true,
  },
  {
    name: 'latency_histogram', what: 'latency histogram, 10 ms buckets (≥ 200 ms in one)',
    lw: `SELECT least(floor(latency_ms / 10), 20) * 10 AS bucket_ms, count(*) AS n FROM ev
         GROUP BY 1 ORDER BY 1`,
    ordered: true,
  },
  {
    name: 'feature_missing_rate_per_day', what: 'missing rate of 4 features per day',
    lw: `SELECT CAST(timestamp AS DATE) AS day, count(*) AS n,
                count_if(features.avg_amt_30d IS NULL) / count(*) AS avg_amt_30d_missing,
                count_if(features.email_domain IS NULL) / count(*) AS email_domain_missing,
                count_if(features.ip_risk IS NULL) / count(*) AS ip_risk_missing,
                count_if(features.age IS NULL) / count(*) AS age_missing
         FROM ev GROUP BY 1 ORDER BY 1`,
    duck: `SELECT ${DuckDay('timestamp')} AS day, count(*) AS n,
                  count_if(features.avg_amt_30d IS NULL) / count(*) AS avg_amt_30d_missing,
                  count_if(features.email_domain IS NULL) / count(*) AS email_domain_missing,
                  count_if(features.ip_risk IS NULL) / count(*) AS ip_risk_missing,
                  count_if(features.age IS NULL) / count(*) AS age_missing
           FROM ev GROUP BY 1 ORDER BY 1`,
    ordered: true,
  },
  {
    name: 'slowest_requests', what: 'top 10 slowest requests (ORDER BY latency_ms DESC LIMIT 10)',
    lw: `SELECT request_id, model.name AS model, model.version AS version, latency_ms, timestamp
         FROM ev ORDER BY latency_ms DESC, request_id LIMIT 10`,
    ordered: true,
  },
  {
    name: 'last_6h_by_model', what: 'last 6 hours: count, avg latency, error rate by model and version',
    lw: `SELECT model.name AS model, model.version AS version, count(*) AS n, avg(latency_ms) AS avg_latency,
                count_if(level = 'error') / count(*) AS error_rate
         FROM ev WHERE timestamp >= TIMESTAMP '\${END6H}' GROUP BY 1, 2 ORDER BY 1, 2`,
    ordered: true,
  },
  {
    name: 'feedback_agreement_by_source', what: 'user feedback vs prediction agreement by source',
    lw: `SELECT feedback.source AS source, count(*) AS n,
                count_if(feedback.label = prediction.label) / count(*) AS agreement
         FROM ev WHERE feedback.label IS NOT NULL GROUP BY 1 ORDER BY 1`,
    ordered: true,
  },
  {
    name: 'error_search_by_version', what: "errors mentioning 'refused' by version: match() ↔ LIKE",
    lw: `SELECT model.version AS version, count(*) AS n FROM ev
         WHERE match(error.message, 'refused') GROUP BY 1 ORDER BY 1`,
    duck: `SELECT model.version AS version, count(*) AS n FROM ev
           WHERE error.message LIKE '%refused%' GROUP BY 1 ORDER BY 1`,
    ordered: true,
  },
];

const OneLine = (sql) => sql.replace(/\s+/g, ' ').trim();
const Fill = (sql, vars) => OneLine(sql.replace(/\$\{(\w+)\}/g, (_, k) => vars[k] ?? Fail(`no value for \${${k}}`)));
const Literal = (s) => `'${s.replaceAll("'", "''")}'`;

// ---- running lakewatch
//
// Processes are started by a small launcher (python3: posix_spawn, then wait4 for the CPU
// times), not by this node process: forking node with DuckDB's memory mapped costs ~120 ms per
// spawn on the 2-core VM (measured with /bin/true), which would be charged to lakewatch. The
// launcher's floor is reported as "spawn /bin/true".

const kLauncher = `
import json, os, sys, threading, time
for line in sys.stdin:
    req = json.loads(line)
    out = os.open(req['stdout'], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    err = os.open(req['stderr'], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    t0 = time.perf_counter()
    try:
        pid = os.posix_spawn(req['argv'][0], req['argv'], os.environ,
                             file_actions=[(os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, err, 2)])
    except OSError as e:
        os.close(out); os.close(err)
        print(json.dumps({'code': None, 'error': str(e)}), flush=True)
        continue
    timer = threading.Timer(req['timeout'], lambda: os.kill(pid, 9))
    timer.start()
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    timer.cancel()
    os.close(out); os.close(err)
    print(json.dumps({'code': os.waitstatus_to_exitcode(status), 'wall': wall, 'cpu': ru.ru_utime + ru.ru_stime,
                      'maxrss_kb': ru.ru_maxrss}), flush=True)
`;

class Launcher {
  constructor(tmp) {
    this.tmp = tmp;
    this.child = spawn('python3', ['-c', kLauncher], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.buf = '';
    this.waiting = [];
    this.child.stdout.on('data', (d) => {
      this.buf += d;
      let k;
      while ((k = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, k);
        this.buf = this.buf.slice(k + 1);
        this.waiting.shift()(JSON.parse(line));
      }
    });
  }

  // Runs exe with stdout to `outFile` (else discarded); resolves {code, wall, cpu, rssMb, stderr}.
  async Run(exe, argv, outFile, { timeoutS = 1800 } = {}) {
    const errFile = path.join(this.tmp, 'stderr.txt');
    const reply = await new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(`${JSON.stringify({ argv: [exe, ...argv], stdout: outFile ?? '/dev/null', stderr: errFile,
                                                 timeout: timeoutS })}\n`);
    });
    const stderr = existsSync(errFile) ? readFileSync(errFile, 'utf8') : '';
    if (reply.code === null) return { code: null, wall: NaN, cpu: null, rssMb: null, stderr: reply.error };
    return { code: reply.code, wall: reply.wall, cpu: reply.cpu, rssMb: reply.maxrss_kb / 1024, stderr };
  }

  Close() {
    this.child.stdin.end();
  }
}

function LakewatchArgs(args, sql, threads, extra = []) {
  return ['--data', args.data, 'query', sql, '--format', 'jsonl', '--threads', String(threads), ...extra];
}

function ReadJsonl(file) {
  const rows = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) if (line.trim()) rows.push(JSON.parse(line));
  return rows;
}

// ---- comparing answers

const kTimestamp = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const kNumber = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

// A canonical form of one JSON value from either engine.
function Normalize(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return { num: Number(v) };
  if (typeof v === 'number') return { num: v };
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const m = kTimestamp.exec(v);
    if (m) {
      let zone = m[4] ?? 'Z';
      if (/^[+-]\d{2}$/.test(zone)) zone += ':00';
      else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
      const frac = (m[3] ?? '.0').slice(1).padEnd(6, '0').slice(0, 6);
      const ms = Date.parse(`${m[1]}T${m[2]}${zone}`);
      if (!Number.isNaN(ms)) return { ts: `${BigInt(ms) * 1000n + BigInt(frac)}` };
    }
    if (kNumber.test(v)) return { num: Number(v), text: v };
    return v;
  }
  if (Array.isArray(v)) return v.map(Normalize);
  if (typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = Normalize(v[k]);
    return o;
  }
  return String(v);
}

function SameValue(a, b) {
  if (a === null || b === null) return a === b;
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if ('num' in a && 'num' in b) {
    if (a.num === b.num) return true;
    const scale = Math.max(Math.abs(a.num), Math.abs(b.num));
    return Math.abs(a.num - b.num) <= 1e-9 * scale;
  }
  if ('ts' in a || 'ts' in b) return a.ts === b.ts;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => SameValue(x, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && SameValue(a[k], b[k]));
}

const Show = (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}` : x));
const SortKey = (row) => Show(row);

// Compares lakewatch's rows with DuckDB's; returns {ok, rows, diff, differing columns}.
function Compare(lwRows, duckRows, duckColumns, ordered) {
  const norm = (rows) => rows.map((r) => {
    const o = {};
    for (const k of Object.keys(r).sort()) o[k.toLowerCase()] = Normalize(r[k]);
    return o;
  });
  const a = norm(lwRows);
  const b = norm(duckRows);
  const lwColumns = lwRows.length ? Object.keys(lwRows[0]).map((k) => k.toLowerCase()).sort() : null;
  const dColumns = duckColumns.map((k) => k.toLowerCase()).sort();
  if (lwColumns && Show(lwColumns) !== Show(dColumns)) {
    return { ok: false, diff: `columns differ: lakewatch ${Show(lwColumns)}, DuckDB ${Show(dColumns)}` };
  }
  if (a.length !== b.length) {
    return { ok: false, diff: `row count: lakewatch ${a.length}, DuckDB ${b.length}` +
             `; first lakewatch row ${Show(lwRows[0] ?? null).slice(0, 600)}; first DuckDB row ${Show(duckRows[0] ?? null).slice(0, 600)}` };
  }
  if (!ordered) {
    const order = (rows) => rows.map((r, i) => [SortKey(r), i]).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([, i]) => rows[i]);
    a.splice(0, a.length, ...order(a));
    b.splice(0, b.length, ...order(b));
  }
  const badColumns = new Set();
  let first = null;
  for (let i = 0; i < a.length; i++) {
    for (const k of dColumns) {
      if (!SameValue(a[i][k], b[i][k])) {
        badColumns.add(k);
        if (!first) first = { row: i, column: k, lakewatch: a[i][k], duckdb: b[i][k], lw_row: a[i], duck_row: b[i] };
      }
    }
  }
  if (!first) return { ok: true, rows: a.length };
  return { ok: false, rows: a.length, columns: [...badColumns], normalizedA: a, normalizedB: b,
           diff: `row ${first.row}, column ${first.column}: lakewatch ${Show(first.lakewatch)}, DuckDB ${Show(first.duckdb)}` +
                 ` (lakewatch row ${Show(first.lw_row).slice(0, 800)}; DuckDB row ${Show(first.duck_row).slice(0, 800)})` };
}

// lakewatch answers percentile_approx exactly with "the smallest value with at least ⌈p·n⌉
// values at or below it" (docs/sql.md); DuckDB's quantile_disc is meant to be the same value. When
// they differ, this (untimed) DuckDB query computes lakewatch's definition, with p·n rounded up in
// integers, so that a difference can be told apart: semantics (lakewatch matches it) or a wrong
// answer.
async function CheckPercentiles(con, q, cmp) {
  const { group, key, value, columns } = q.approx;
  if (!cmp.columns.every((c) => c in columns)) return null;
  const ps = Object.entries(columns);
  const sql = `WITH s AS (SELECT ${group} AS g, ${value} AS x FROM ev WHERE ${value} IS NOT NULL),
    c AS (SELECT g, count(*) AS n FROM s GROUP BY g),
    r AS (SELECT g, x, row_number() OVER (PARTITION BY g ORDER BY x) AS rk FROM s),
    p AS (SELECT * FROM (VALUES ${ps.map(([c, pp]) => `('${c}', ${pp})`).join(', ')}) t(col, pp))
    SELECT r.g AS g, p.col AS col, r.x AS x FROM r JOIN c USING (g) JOIN p ON r.rk = greatest(1, (p.pp * c.n + 99) // 100)`;
  const rows = (await con.runAndReadAll(OneLine(sql))).getRowObjectsJson();
  const exact = new Map(rows.map((r) => [`${Show(Normalize(r.g))}/${r.col}`, Normalize(r.x)]));
  const notes = [];
  for (let i = 0; i < cmp.normalizedA.length; i++) {
    for (const col of cmp.columns) {
      const lw = cmp.normalizedA[i][col];
      const dk = cmp.normalizedB[i][col];
      if (SameValue(lw, dk)) continue;
      const want = exact.get(`${Show(cmp.normalizedA[i][key])}/${col}`);
      if (!SameValue(lw, want)) return null;  // neither definition: a wrong answer
      notes.push(`${key}=${Show(cmp.normalizedA[i][key])} ${col}: lakewatch ${lw.num} (the ⌈p·n⌉-th smallest), DuckDB quantile_disc ${dk.num}`);
    }
  }
  return notes;
}

// ---- DuckDB

async function OpenDuckdb(args, launcher) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const version = (await con.runAndReadAll('SELECT version() AS v')).getRowObjectsJson()[0].v;
  await con.run("SET TimeZone = 'UTC'");
  const tables = {};
  for (const t of ['ev', 'labels']) {
    const r = await launcher.Run(args.lakewatch, ['--data', args.data, 'table', 'files', t, '--format', 'jsonl'],
                                 path.join(args.tmp, `${t}.files`));
    if (r.code !== 0) Fail(`lakewatch table files ${t}: ${r.stderr.trim()}`);
    const files = ReadJsonl(path.join(args.tmp, `${t}.files`));
    const paths = files.map((f) => {
      const p = f.path ?? f.file ?? Fail(`table files ${t}: no path in ${Show(f)}`);
      const abs = path.isAbsolute(p) ? p : path.join(args.data, t, decodeURIComponent(p));
      return abs;
    });
    // One schema for every file, or DuckDB must unify them by name.
    const schemas = (await con.runAndReadAll(
      `SELECT file_name, string_agg(name || ':' || coalesce(type, '') || ':' || coalesce(num_children::VARCHAR, ''), ',' ORDER BY name) AS s
       FROM parquet_schema([${paths.map(Literal).join(', ')}]) GROUP BY file_name`)).getRowObjectsJson();
    const unionByName = new Set(schemas.map((s) => s.s)).size > 1;
    await con.run(`CREATE VIEW ${t} AS SELECT * FROM read_parquet([${paths.map(Literal).join(', ')}], ` +
                  `hive_partitioning = true${unionByName ? ', union_by_name = true' : ''})`);
    tables[t] = { files: paths.length, bytes: files.reduce((s, f) => s + Number(f.size ?? 0), 0),
                  rows: files.reduce((s, f) => s + Number(f.rows ?? f.num_records ?? 0), 0), union_by_name: unionByName };
  }
  return { instance, con, version, tables };
}

async function DuckTimed(con, sql) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const reader = await con.runAndReadAll(sql);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, reader };
}

// ---- run

async function Run(args) {
  if (!args.lakewatch || !args.data || !args.events) Fail('run needs --lakewatch BIN --data DIR --events N');
  args.tmp = mkdtempSync(path.join(os.tmpdir(), 'lw-sql-bench-'));
  const log = (s) => process.stderr.write(`${s}\n`);
  const end = Date.parse(args.start) + args.days * 86400000;
  const vars = { END6H: new Date(end - 6 * 3600000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '') };
  const launcher = new Launcher(args.tmp);
  const duck = await OpenDuckdb(args, launcher);
  const { con } = duck;
  // The point lookup's request: the event on line ⌊0.618·N⌋ of the input (untimed, DuckDB).
  const line = Math.max(1, Math.floor(args.events * 0.618));
  const pick = (await con.runAndReadAll(`SELECT request_id FROM ev WHERE _line = ${line}`)).getRowObjectsJson();
  if (pick.length !== 1) Fail(`no single event on line ${line}: ${Show(pick)}`);
  vars.RID = pick[0].request_id;
  const evRows = Number((await con.runAndReadAll('SELECT count(*) AS n FROM ev')).getRowObjectsJson()[0].n);
  if (evRows !== args.events) Fail(`ev holds ${evRows} rows, expected ${args.events}`);
  const queries = kQueries.filter((q) => !args.only || args.only.includes(q.name));
  const results = {
    started: new Date().toISOString(), host: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?',
      mem_gb: +(os.totalmem() / 2 ** 30).toFixed(1) },
    lakewatch: args.lakewatch, duckdb: duck.version, node: process.version, events: args.events,
    tables: duck.tables, vars, reps: args.reps, threads: args.threads, loadavg: [], startup: {}, queries: [],
  };
  log(`sql_vs_duckdb: ${queries.length} queries, ${args.events} events, threads ${args.threads}, best of ${args.reps}; ` +
      `ev: ${duck.tables.ev.files} files, labels: ${duck.tables.labels.files} files; DuckDB ${duck.version}`);
  const out = path.join(args.tmp, 'out.jsonl');
  const failures = [];
  for (const threads of args.threads) {
    results.loadavg.push(+os.loadavg()[0].toFixed(2));
    await con.run(`SET threads = ${threads}`);
    // Start-up overhead.
    const floor = [];
    const trivial = [];
    for (let rep = 0; rep < args.reps; rep++) {
      floor.push((await launcher.Run('/bin/true', [], null)).wall);
      const r = await launcher.Run(args.lakewatch, LakewatchArgs(args, 'SELECT 1 AS one', threads), out);
      if (r.code !== 0) Fail(`lakewatch SELECT 1: ${r.stderr.trim()}`);
      trivial.push(r.wall);
    }
    const dTrivial = [];
    for (let rep = 0; rep < args.reps; rep++) dTrivial.push((await DuckTimed(con, 'SELECT 1 AS one')).wall);
    results.startup[threads] = { spawn_floor: Math.min(...floor), lakewatch_select_1: Math.min(...trivial),
                                 duckdb_select_1: Math.min(...dTrivial) };
    log(`  threads=${threads} start-up: spawn /bin/true ${(Math.min(...floor) * 1e3).toFixed(1)} ms, ` +
        `lakewatch SELECT 1 ${(Math.min(...trivial) * 1e3).toFixed(1)} ms`);
    for (const q of queries) {
      const lwSql = Fill(q.lw, vars);
      const dSql = Fill(q.duck ?? q.lw, vars);
      const lw = [];
      const dk = [];
      let lwError = null;
      let dError = null;
      let reader = null;
      for (let rep = 0; rep < args.reps; rep++) {
        if (!lwError) {
          const r = await launcher.Run(args.lakewatch, LakewatchArgs(args, lwSql, threads), out);
          if (r.code !== 0) lwError = `exit ${r.code}: ${r.stderr.trim().slice(0, 2000)}`;
          else lw.push({ wall: r.wall, cpu: r.cpu, rssMb: r.rssMb });
        }
        if (!dError) {
          try {
            const d = await DuckTimed(con, dSql);
            dk.push({ wall: d.wall, cpu: d.cpu });
            reader = d.reader;
          } catch (e) {
            dError = String(e?.message ?? e).slice(0, 2000);
          }
        }
      }
      const entry = { name: q.name, threads, lakewatch_sql: lwSql, duckdb_sql: dSql,
                      lakewatch_runs: lw.map((x) => +x.wall.toFixed(4)), duckdb_runs: dk.map((x) => +x.wall.toFixed(4)),
                      lakewatch_seconds: lw.length ? Math.min(...lw.map((x) => x.wall)) : null,
                      lakewatch_cpu_seconds: lw.length ? lw.reduce((b, x) => (x.wall < b.wall ? x : b)).cpu : null,
                      lakewatch_peak_rss_mb: lw.length ? Math.max(...lw.map((x) => x.rssMb)) : null,
                      duckdb_seconds: dk.length ? Math.min(...dk.map((x) => x.wall)) : null,
                      duckdb_cpu_seconds: dk.length ? dk.reduce((b, x) => (x.wall < b.wall ? x : b)).cpu : null,
                      special: q.special ?? null, status: 'ok', notes: [] };
      if (lwError) {
        entry.status = 'lakewatch error';
        entry.error = lwError;
      } else if (dError) {
        entry.status = 'duckdb error';
        entry.error = dError;
      } else {
        const lwRows = ReadJsonl(out);
        const dRows = reader.getRowObjectsJson();
        const cmp = Compare(lwRows, dRows, reader.columnNames(), q.ordered);
        entry.rows = lwRows.length;
        if (!cmp.ok) {
          const notes = q.approx && cmp.columns ? await CheckPercentiles(con, q, cmp) : null;
          if (notes) {
            entry.notes = notes;
            entry.status = 'ok (percentile semantics)';
          } else {
            entry.status = 'WRONG ANSWER';
            entry.error = cmp.diff;
          }
        }
      }
      if (entry.status.startsWith('ok')) entry.ratio = entry.lakewatch_seconds / entry.duckdb_seconds;
      else failures.push(`${q.name} (threads ${threads}): ${entry.status}: ${entry.error}`);
      // Untimed: what the scan read (--stats, on stderr).
      if (!lwError) entry.lakewatch_stats = (await launcher.Run(args.lakewatch, LakewatchArgs(args, lwSql, threads, ['--stats']), null)).stderr.trim().slice(0, 4000);
      results.queries.push(entry);
      log(`  threads=${threads} ${q.name.padEnd(32)} lakewatch ${Fmt(entry.lakewatch_seconds)} s, ` +
          `DuckDB ${Fmt(entry.duckdb_seconds)} s, ratio ${entry.ratio ? entry.ratio.toFixed(2) : '—'}, ` +
          `${entry.status}${entry.error ? `: ${entry.error.slice(0, 300)}` : ''}`);
    }
  }
  results.loadavg.push(+os.loadavg()[0].toFixed(2));
  results.finished = new Date().toISOString();
  results.failures = failures;
  const text = `${JSON.stringify(results, null, 1)}\n`;
  if (args.out) writeFileSync(args.out, text);
  else process.stdout.write(text);
  launcher.Close();
  rmSync(args.tmp, { recursive: true, force: true });
  duck.con.closeSync();
  duck.instance.closeSync();
  return failures.length ? 1 : 0;
}

// ---- report

const Fmt = (s) => (s === null || s === undefined ? '—' : s < 0.1 ? s.toFixed(4) : s < 10 ? s.toFixed(3) : s.toFixed(2));
const GeoMean = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

function Report(file) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const out = [];
  const names = [...new Set(r.queries.map((q) => q.name))];
  const get = (name, t) => r.queries.find((q) => q.name === name && q.threads === t);
  out.push(`${r.events.toLocaleString('en-US')} events (ev: ${r.tables.ev.files} files, ` +
           `${(r.tables.ev.bytes / 1e6).toFixed(0)} MB; labels: ${r.tables.labels.rows.toLocaleString('en-US')} rows, ` +
           `${r.tables.labels.files} files), DuckDB ${r.duckdb}, node ${r.node}, ${r.host.cores} cores (${r.host.cpu}), ` +
           `best of ${r.reps}, ${r.started} – ${r.finished}, 1-minute load average ${Math.min(...r.loadavg).toFixed(1)}–` +
           `${Math.max(...r.loadavg).toFixed(1)}.`);
  out.push('');
  const head = ['#', 'query'];
  const sep = ['---', '---'];
  for (const t of r.threads) {
    head.push(`lakewatch s (${t}t)`, `DuckDB s (${t}t)`, `ratio (${t}t)`);
    sep.push('---:', '---:', '---:');
  }
  head.push('rows', 'answers');
  sep.push('---:', '---');
  out.push(`| ${head.join(' | ')} |`);
  out.push(`| ${sep.join(' | ')} |`);
  names.forEach((name, i) => {
    const cells = [String(i + 1), `\`${name}\``];
    let rows = '';
    const statuses = new Set();
    for (const t of r.threads) {
      const q = get(name, t);
      if (!q) {
        cells.push('', '', '');
        continue;
      }
      cells.push(Fmt(q.lakewatch_seconds), Fmt(q.duckdb_seconds), q.ratio ? `${q.ratio.toFixed(2)}×` : '—');
      rows = q.rows ?? rows;
      statuses.add(q.status);
    }
    cells.push(String(rows), [...statuses].join(', '));
    out.push(`| ${cells.join(' | ')} |`);
  });
  const summary = (label, pick) => {
    const cells = ['', label];
    for (const t of r.threads) {
      const qs = r.queries.filter((q) => q.threads === t && pick(q));
      const ok = qs.filter((q) => q.ratio);
      cells.push('', '', ok.length ? `**${GeoMean(ok.map((q) => q.ratio)).toFixed(2)}×**${ok.length < qs.length ? ` (${ok.length} of ${qs.length})` : ''}` : '—');
    }
    cells.push('', '');
    out.push(`| ${cells.join(' | ')} |`);
  };
  summary('geometric mean of ratios', () => true);
  out.push('');
  for (const t of r.threads) {
    const s = r.startup[t];
    const needle = r.queries.find((q) => q.threads === t && q.special === 'needle');
    const point = r.queries.find((q) => q.threads === t && q.special === 'point');
    const ok = r.queries.filter((q) => q.threads === t && q.ratio);
    out.push(`- ${t} thread${t > 1 ? 's' : ''}: geometric mean **${ok.length ? GeoMean(ok.map((q) => q.ratio)).toFixed(2) : '—'}×** ` +
             `(goal ≤ 1.0×); needle search **${needle?.ratio ? needle.ratio.toFixed(3) : '—'}×** (goal ≤ 0.1×); ` +
             `point lookup **${point?.ratio ? point.ratio.toFixed(3) : '—'}×** (goal ≤ 0.2×). Start-up: spawning ` +
             `/bin/true ${(s.spawn_floor * 1e3).toFixed(1)} ms, \`lakewatch query "SELECT 1"\` ` +
             `${(s.lakewatch_select_1 * 1e3).toFixed(1)} ms (DuckDB \`SELECT 1\` in its open connection ` +
             `${(s.duckdb_select_1 * 1e3).toFixed(2)} ms).`);
  }
  const notes = r.queries.filter((q) => q.notes?.length);
  if (notes.length) {
    out.push('');
    for (const q of notes) out.push(`- \`${q.name}\` (${q.threads}t): ${q.notes.join('; ')}`);
  }
  out.push('');
  out.push(r.failures.length ? `**FAILURES** (${r.failures.length}):\n\n${r.failures.map((f) => `- ${f}`).join('\n')}`
    : 'Answers: every query gave the same rows on both engines (numbers to 1e-9 relative).');
  out.push('');
  out.push('CPU seconds of the best run (lakewatch: the process\'s rusage; DuckDB: node\'s process.cpuUsage() ' +
           'around the query) and lakewatch\'s peak RSS:');
  out.push('');
  const chead = ['query'];
  const csep = ['---'];
  for (const t of r.threads) {
    chead.push(`lakewatch cpu (${t}t)`, `DuckDB cpu (${t}t)`, `lakewatch RSS MB (${t}t)`);
    csep.push('---:', '---:', '---:');
  }
  out.push(`| ${chead.join(' | ')} |`);
  out.push(`| ${csep.join(' | ')} |`);
  for (const name of names) {
    const cells = [`\`${name}\``];
    for (const t of r.threads) {
      const q = get(name, t);
      cells.push(Fmt(q?.lakewatch_cpu_seconds), Fmt(q?.duckdb_cpu_seconds),
                 q?.lakewatch_peak_rss_mb ? q.lakewatch_peak_rss_mb.toFixed(0) : '—');
    }
    out.push(`| ${cells.join(' | ')} |`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return r.failures.length ? 1 : 0;
}

function Queries() {
  const out = ['| # | name | what | lakewatch (Spark SQL) | DuckDB, where it differs |', '|---|---|---|---|---|'];
  kQueries.forEach((q, i) => {
    out.push(`| ${i + 1} | \`${q.name}\` | ${q.what} | \`${OneLine(q.lw).replaceAll('|', '\\|')}\` | ` +
             `${q.duck ? `\`${OneLine(q.duck).replaceAll('|', '\\|')}\`` : ''} |`);
  });
  process.stdout.write(`${out.join('\n')}\n`);
}

const [cmd, ...rest] = process.argv.slice(2);
const args = ParseArgs(rest);
if (cmd === 'run') {
  const code = await Run(args).catch((e) => Fail(e?.stack ?? String(e)));
  process.exit(code);
} else if (cmd === 'report') {
  if (args.positional.length !== 1) Fail('report needs FILE');
  process.exit(Report(args.positional[0]));
} else if (cmd === 'queries') {
  Queries();
} else {
  Fail('usage: sql_vs_duckdb.mjs run --lakewatch BIN --data DIR --events N [--start ISO] [--days D] ' +
       '[--threads 1,2] [--reps R] [--only a,b] [--out FILE] | report FILE | queries');
}
