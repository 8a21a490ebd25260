#!/usr/bin/env node
// Differential SQL test: seeded random queries through `lakewatch query` and through DuckDB over
// the same Parquet files; the results must be identical.
//
// Usage: node tests/sql/differential.mjs [--lakewatch BUILD/lakewatch] [--queries N] [--seed S]
//          [--full] [--events N] [--data-seed S] [--jobs J] [--only I[,J...]] [--print]
//          [--all-known-bugs] [--report FILE] [--keep] [--verbose]
//   --queries N        queries to run (default 1000: the CI slice, tests/sql/differential.cmake)
//   --full             10,000 queries over 50,000 events (`make sql-differential`)
//   --seed S           query seed (default 1); query I of seed S depends only on (S, I)
//   --data-seed S      seed of the generated tables (default 1); --events N their size (30000)
//   --jobs J           lakewatch processes at a time (default 2)
//   --lakewatch-threads N   `lakewatch query --threads N` (default: lakewatch's, all cores)
//   --only I,J         run only these query indexes (to reproduce a failure)
//   --print            print the queries (both dialects) and exit
//   --all-known-bugs   turn every KNOWN_BUG switch off: generate the constructs of the known
//                      bugs too (to check whether they are fixed)
//   --report FILE      write every failure as one JSON line to FILE
// Needs node_modules (npm @duckdb/node-api); exits 77 = skipped without it.
// Exit status: 0 all queries agree, 1 a failure, 77 skipped.
//
// ---------------------------------------------------------------- how it works
// 1. Data (tests/sql/differential_data.mjs, seeded, no Math.random): JSON lines ingested with
//    `lakewatch ingest` into a temp data dir: `events` (two ingests, the second adding a
//    column, so the files differ in schema; nested structs `model` and `features`, a list
//    `tags`, nulls and missing fields in every column, empty strings, negative numbers, zeros
//    and -0.0, duplicate records and request ids, skewed and long-tail values, records without a
//    timestamp), `labels` (for joins on request_id) and `models` (a small dimension table).
// 2. DuckDB reads the SAME Parquet files (`lakewatch table files T`): one view per table,
//    `read_parquet([...], hive_partitioning = true, union_by_name = true)` (the `date` partition
//    column exists only in the directory names), with TimeZone = 'UTC'.
// 3. Queries (tests/sql/differential_querygen.mjs) are generated in both dialects from the
//    same random choices: projections with arithmetic, comparisons, CASE (searched and simple),
//    COALESCE, NULLIF, GREATEST/LEAST, IS [NOT] NULL, IS [NOT] TRUE/FALSE, [NOT] IN (with
//    NULLs), [NOT] BETWEEN, [NOT] LIKE, ILIKE, RLIKE, <=>, nested fields (features.amount,
//    struct outputs of subqueries), list outputs, size/subscript/array_contains, date_trunc,
//    hour/minute/day/month/year, dayofweek, datediff, date_add, + INTERVAL, CAST to DATE, to
//    DOUBLE and of int/date/bool to STRING, ||, upper/lower, substring, trim, length,
//    floor/ceil, round, abs, % (integers and doubles), / by a non-zero literal, integer/double
//    mixing, date_trunc to minute/hour/day/week/month, timestamps compared with dates; WHERE
//    with AND/OR/NOT; GROUP BY zero to three keys (columns, nested fields and expressions such
//    as date_trunc('hour', ts)) or GROUP BY ALL, with count(*), count(x), count(DISTINCT x),
//    sum, avg, min, max (numbers, strings, booleans, timestamps, dates), count_if and
//    stddev_samp; HAVING; SELECT DISTINCT; ORDER BY aliases or ordinals with explicit ASC/DESC
//    NULLS FIRST/LAST; LIMIT and OFFSET (only under a total order); INNER/LEFT/RIGHT/FULL OUTER
//    JOINs on request_id (ON or USING) and on model.name = models.name; subqueries in FROM
//    (nested two deep); WITH (also an aggregated CTE joined with labels); UNION ALL, UNION,
//    INTERSECT, EXCEPT.
// 4. Comparison: rows as typed values. Integers exact; doubles equal within 1e-9 relative
//    (NaN = NaN, ±Infinity equal only to themselves); timestamps in the canonical RFC 3339 µs Z
//    text (the same instant has one text); structs and lists member by member. Without ORDER BY
//    the rows are compared as multisets. With an ORDER BY that is a total order (the sort keys
//    cover every group key, or every output column, all exact) the rows are compared in order;
//    with a partial one, the sequence of the sort-key columns is compared in order and the
//    rows as a multiset. An error on one side only is a failure; an error on both sides is a
//    generator bug (also a failure, reported as such).
//
// ---------------------------------------------------------------- exclusions and why
// Only constructs whose semantics agree between Spark SQL (what lakewatch implements:
// non-ANSI mode, NULLs first for ASC) and DuckDB are generated:
//   - NULLS FIRST/LAST always written: the defaults differ (Spark ASC = NULLS FIRST, DuckDB
//     NULLS LAST).
//   - No division by anything that can be zero: x / 0 is NULL in Spark, ±Infinity/NaN in DuckDB;
//     likewise % only by non-zero literals.
//   - No decimals: 1.5 is DECIMAL in both, and decimal result precision/scale rules differ;
//     double literals are written 1.5E0 (DOUBLE in both).
//   - No integer overflow (small integers, products by small literals only).
//   - No casts of doubles or timestamps to strings (different text forms), no string→number
//     casts (ANSI vs non-ANSI failure rules), no implicit string/number comparisons.
//   - No percentile_approx / approx_count_distinct (approximate in DuckDB), first/last
//     (nondeterministic), window functions, rand/now/current_*.
//   - String functions only where edge cases agree: substring with start >= 1 and length >= 0,
//     upper/lower/ILIKE with one-to-one case mappings only (ß: Spark SS, DuckDB ẞ), trim of
//     spaces, length (code points in both); no concat() (DuckDB skips NULL arguments), no
//     backslash in LIKE patterns (Spark's default escape is '\', DuckDB has none), no
//     regexp beyond simple RE2/Java-common syntax.
//   - round only of multiples of 1/8 (Spark rounds the decimal text HALF_UP, DuckDB
//     round(x*10^d)/10^d; they agree on dyadic values).
//   - Sums and averages only of integers, of "dyadic" doubles (multiples of 1/8 below 2^20,
//     exact in any order) or of doubles of one sign (well conditioned): a sum with cancellation
//     depends on the order of addition beyond 1e-9. Results of sum/avg of arbitrary doubles and
//     of stddev_samp are compared to 1e-9 but never used as keys, sort keys or in predicates.
//   - LIMIT/OFFSET only under a total order; ORDER BY never on lists or structs.
//   - GROUP BY never on a bare literal (an ordinal in both).
// Translations (Spark text → DuckDB text):
//   `timestamp` / `date`               "timestamp" / "date" (quoted identifiers)
//   TIMESTAMP 'Y-M-D h:m:s'            TIMESTAMPTZ 'Y-M-D h:m:s+00' (the column is TIMESTAMPTZ)
//   a <=> b                            a IS NOT DISTINCT FROM b
//   x RLIKE 'p'                        regexp_matches(x, 'p')
//   size(l)  (size(NULL) = -1: spark.sql.legacy.sizeOfNull, the non-ANSI default)
//                                      CASE WHEN l IS NULL THEN -1 ELSE len(l) END
//   l[i]   (0-based)                   l[i + 1] (1-based)
//   dayofweek(x) (1 = Sunday)          dayofweek(x) + 1 (0 = Sunday)
//   datediff(end, start)               datediff('day', start, end)
//   date_add(d, n)                     d + n
//   floor(x) / ceil(x) (bigint)        CAST(floor(x) AS BIGINT)
//   CAST(x AS STRING)                  CAST(x AS VARCHAR)
//   'it\'s', 'a\\b' (backslash escapes) 'it''s', 'a\b' (Spark reads 'it''s' as the two adjacent
//                                      literals 'it' 's', concatenated: "its")
//   count_if(p) (0 when no row)        coalesce(count_if(p), 0) (DuckDB: NULL when no input row
//                                      is non-NULL)
//   CAST(NULL AS INT/STRING/TIMESTAMP) CAST(NULL AS INTEGER/VARCHAR/TIMESTAMPTZ)
//   Everything else (count_if, stddev_samp, date_trunc, coalesce, ||, IN, BETWEEN, LIKE, ...)
//   is spelled the same.
//
// ---------------------------------------------------------------- known lakewatch bugs
// Each switch below turns off the generator features (differential_querygen.mjs, kFeatures)
// that hit one known lakewatch bug, so that the CI slice stays green until it is fixed. The bugs
// are described, with a minimal reproduction, in tests/sql/DIFFERENTIAL_FINDINGS.md. When one is
// fixed, set its `on` to false (or run with --all-known-bugs to see which still fail).
export const kKnownBugs = {
  // SIGSEGV when a struct column and one of its fields are both referenced (model, model.version)
  // or a field of a derived struct is read (subquery output s.i0.flag). Fixed in b869c70.
  KNOWN_BUG_struct_field_segfault: { on: false, features: ['struct_out', 'struct_is_null'] },
  // SIGSEGV when a batch with no rows goes through a Filter into an aggregate with two or more
  // keys (SELECT DISTINCT 1 AS a, 2 AS b FROM (SELECT DISTINCT tier FROM models WHERE tier = 99)
  // s WHERE tier > 0); on: no WHERE in an aggregation or DISTINCT over a derived table. Fixed in
  // 704890d.
  KNOWN_BUG_empty_batch_filter_aggregate_segfault: { on: false, features: ['filter_agg_over_derived'] },
  // Spark SQL that lakewatch refused with "not supported yet": FULL OUTER JOIN, INTERSECT,
  // EXCEPT. Implemented in dd05c15.
  UNSUPPORTED_full_outer_join: { on: false, features: ['join_full_outer'] },
  UNSUPPORTED_intersect_except: { on: false, features: ['intersect', 'except'] },
  // upper()/lower() changed ASCII letters only: upper('Zürich') = 'ZüRICH' (Spark: 'ZÜRICH').
  // Fixed (Unicode simple case mapping) after 01dacfc.
  KNOWN_BUG_upper_lower_ascii_only: { on: false, features: ['upper_lower_unicode'] },
};

import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Ingest, NeedNodeModules, RunStatusText, Skip, SqlString, TableFiles, kRoot } from '../ingest/ingest_common.mjs';
import { JsonText } from '../peers/canonical.mjs';
import { WriteTables } from './differential_data.mjs';
import { QueryGenerator } from './differential_querygen.mjs';

const kCiQueries = 1000;
const kFullQueries = 10000;
const kRelTol = 1e-9;
const kQueryTimeoutMs = 60000;
let ParseJson = null;  // tests/conformance/compare.mjs, imported once node_modules is known to exist

function ParseArgs(argv) {
  const a = {
    lakewatch: path.join(kRoot, 'build/lakewatch'), queries: null, seed: 1, dataSeed: 1, events: null,
    full: false, jobs: 2, lwThreads: null, only: null, print: false, allKnownBugs: false, report: null, keep: false, verbose: false,
  };
  const need = (i) => {
    if (i >= argv.length) { console.log(`FAIL: ${argv[i - 1]} needs a value`); process.exit(1); }
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--lakewatch') a.lakewatch = need(++i);
    else if (x === '--queries') a.queries = Number(need(++i));
    else if (x === '--seed') a.seed = Number(need(++i));
    else if (x === '--data-seed') a.dataSeed = Number(need(++i));
    else if (x === '--events') a.events = Number(need(++i));
    else if (x === '--jobs') a.jobs = Number(need(++i));
    else if (x === '--lakewatch-threads') a.lwThreads = need(++i);
    else if (x === '--only') a.only = need(++i).split(',').map(Number);
    else if (x === '--report') a.report = need(++i);
    else if (x === '--full') a.full = true;
    else if (x === '--print') a.print = true;
    else if (x === '--all-known-bugs') a.allKnownBugs = true;
    else if (x === '--keep') a.keep = true;
    else if (x === '--verbose') a.verbose = true;
    else { console.log(`FAIL: unknown argument ${x}`); process.exit(1); }
  }
  a.queries ??= a.full ? kFullQueries : kCiQueries;
  a.events ??= a.full ? 50000 : 30000;
  return a;
}

// ---------------------------------------------------------------- comparison

const IsPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map);

// Lakewatch's parsed JSON (Maps for objects) → plain objects, like the DuckDB peer's.
function Plain(v) {
  if (v instanceof Map) {
    const o = {};
    for (const [k, x] of v) o[k] = Plain(x);
    return o;
  }
  if (Array.isArray(v)) return v.map(Plain);
  return v;
}

function NumberOf(v) {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return null;
}

function CloseDoubles(a, b) {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= kRelTol * Math.max(Math.abs(a), Math.abs(b));
}

// Is lakewatch's value `l` the same as DuckDB's canonical value `d`? DuckDB's JS type decides
// the comparison: bigint = an integer type (exact), number or NaN/Infinity text = a double.
export function Same(d, l) {
  if (d === null || l === null || d === undefined || l === undefined) return (d ?? null) === (l ?? null);
  if (typeof d === 'bigint') {
    if (typeof l === 'bigint') return d === l;
    return typeof l === 'number' && Number.isInteger(l) && BigInt(l) === d;
  }
  if (typeof d === 'number' || d === 'NaN' || d === 'Infinity' || d === '-Infinity') {
    const x = NumberOf(d), y = NumberOf(l);
    return y !== null && CloseDoubles(x, y);
  }
  if (typeof d === 'string' || typeof d === 'boolean') return d === l;
  if (Array.isArray(d)) return Array.isArray(l) && l.length === d.length && d.every((x, i) => Same(x, l[i]));
  if (IsPlainObject(d)) {
    if (!IsPlainObject(l)) return false;
    const dk = Object.keys(d), lk = Object.keys(l);
    return dk.length === lk.length && dk.every((k, i) => k === lk[i] && Same(d[k], l[k]));
  }
  return false;
}

function Rank(v) {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'bigint' || typeof v === 'number' || NumberOf(v) !== null) return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 4;
  return 5;
}

// A total order over canonical values (for sorting multisets; numbers by value).
function CompareValues(a, b) {
  const ra = Rank(a), rb = Rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0: return 0;
    case 1: return Number(a) - Number(b);
    case 2: {
      if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
      const x = NumberOf(a), y = NumberOf(b);
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) - Number.isNaN(y);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 3: return a < b ? -1 : a > b ? 1 : 0;
    case 4: {
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const c = CompareValues(a[i], b[i]);
        if (c) return c;
      }
      return a.length - b.length;
    }
    default: {
      const ka = Object.keys(a), kb = Object.keys(b);
      for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
        if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
        const c = CompareValues(a[ka[i]], b[kb[i]]);
        if (c) return c;
      }
      return ka.length - kb.length;
    }
  }
}

// Sorts rows (arrays of values) by the columns in `colOrder`.
function SortRows(rows, colOrder) {
  return [...rows].sort((x, y) => {
    for (const c of colOrder) {
      const r = CompareValues(x[c], y[c]);
      if (r) return r;
    }
    return 0;
  });
}

const RowText = (r) => JsonText(r);

// Compares DuckDB's rows `d` and lakewatch's rows `l` (arrays of canonical values). `q.order`:
// 'total' in order; 'partial' the sort-key columns in order and the rows as a multiset; 'none'
// a multiset. `approxCols`: indexes of double columns (sorted last for the multiset match).
// Returns null or a description of the first difference.
export function CompareResults(d, l, q, approxCols) {
  if (d.length !== l.length) {
    const extra = MultisetDiff(d, l, approxCols);
    return `row count: lakewatch ${l.length}, DuckDB ${d.length}` + (extra ? `\n${extra}` : '');
  }
  if (q.order === 'total') {
    for (let i = 0; i < d.length; i++) {
      if (!Same(d[i], l[i])) return `row ${i} (ordered): lakewatch ${RowText(l[i])}, DuckDB ${RowText(d[i])}`;
    }
    return null;
  }
  if (q.order === 'partial') {
    for (let i = 0; i < d.length; i++) {
      const dk = q.orderCols.map((c) => d[i][c]), lk = q.orderCols.map((c) => l[i][c]);
      if (!Same(dk, lk)) {
        return `row ${i}: sort keys (columns ${q.orderCols.join(',')}) out of order: lakewatch ` +
               `${RowText(lk)}, DuckDB ${RowText(dk)}`;
      }
    }
  }
  return MultisetDiff(d, l, approxCols);
}

function MultisetDiff(d, l, approxCols) {
  const n = d.length ? d[0].length : l.length ? l[0].length : 0;
  const cols = [...Array(n).keys()];
  const colOrder = [...cols.filter((c) => !approxCols.has(c)), ...cols.filter((c) => approxCols.has(c))];
  const ds = SortRows(d, colOrder), ls = SortRows(l, colOrder);
  for (let i = 0; i < Math.max(ds.length, ls.length); i++) {
    if (i >= ds.length || i >= ls.length || !Same(ds[i], ls[i])) {
      // show what each side has that the other lacks (exact keys), a few rows
      const key = (r) => RowText(colOrder.filter((c) => !approxCols.has(c)).map((c) => r[c]));
      const dCount = new Map(), lCount = new Map();
      for (const r of ds) dCount.set(key(r), (dCount.get(key(r)) ?? 0) + 1);
      for (const r of ls) lCount.set(key(r), (lCount.get(key(r)) ?? 0) + 1);
      const onlyL = ls.filter((r) => (lCount.get(key(r)) ?? 0) > (dCount.get(key(r)) ?? 0)).slice(0, 3);
      const onlyD = ds.filter((r) => (dCount.get(key(r)) ?? 0) > (lCount.get(key(r)) ?? 0)).slice(0, 3);
      let text = `sorted row ${i}: lakewatch ${i < ls.length ? RowText(ls[i]) : '(none)'}, DuckDB ${i < ds.length ? RowText(ds[i]) : '(none)'}`;
      if (onlyL.length) text += `\n  only in lakewatch: ${onlyL.map(RowText).join(' ')}`;
      if (onlyD.length) text += `\n  only in DuckDB:    ${onlyD.map(RowText).join(' ')}`;
      return text;
    }
  }
  return null;
}

// The comparison's own contract, checked before each run (a comparer that accepts everything
// would make every query pass). Returns the cases that fail.
function ComparerSelfCheck() {
  const none = { order: 'none', orderCols: [] };
  const cases = [
    ['int exact', Same(3n, 3n), true], ['int off by one', Same(3n, 4n), false],
    ['int vs 3.5', Same(3n, 3.5), false], ['double 1e-12', Same(1, 1 + 1e-12), true],
    ['double 1e-8', Same(1, 1 + 1e-8), false], ['NaN', Same('NaN', 'NaN'), true],
    ['Infinity', Same('Infinity', 1e308), false], ['null vs 0', Same(null, 0n), false],
    ['string', Same('a', 'a '), false], ['list', Same(['a', null], ['a', null]), true],
    ['struct', Same({ a: 1n }, { a: 2n }), false],
    ['multiset', CompareResults([[1n, 'a'], [2n, 'b']], [[2n, 'b'], [1n, 'a']], none, new Set()) === null, true],
    ['duplicates', CompareResults([[1n], [1n], [2n]], [[1n], [2n], [2n]], none, new Set()) === null, false],
    ['ordered', CompareResults([[1n], [2n]], [[2n], [1n]], { order: 'total', orderCols: [0] }, new Set()) === null, false],
    ['partial', CompareResults([[1n, 'x'], [1n, 'y']], [[1n, 'y'], [1n, 'x']], { order: 'partial', orderCols: [0] }, new Set()) === null, true],
    ['row count', CompareResults([[1n]], [], none, new Set()) === null, false],
  ];
  return cases.filter(([, got, want]) => got !== want).map(([name]) => name);
}

// ---------------------------------------------------------------- engines

class Mutex {
  constructor() { this.p_ = Promise.resolve(); }
  Run(fn) {
    const r = this.p_.then(fn, fn);
    this.p_ = r.catch(() => {});
    return r;
  }
}

async function DuckRun(peer, sql) {
  const t0 = Date.now();
  try {
    const { names, types, rows } = await peer.Query(sql);
    const approx = new Set();
    types.forEach((t, i) => { if (/^(DOUBLE|FLOAT|REAL)$/.test(String(t))) approx.add(i); });
    return { ok: true, names, approx, rows: rows.map((r) => r.map((v) => peer.canonical(v))), ms: Date.now() - t0 };
  } catch (e) {
    return { ok: false, error: String(e?.message ?? e).split('\n')[0], ms: Date.now() - t0 };
  }
}

// Runs `lakewatch query` through a small shell that stays up: spawning from this process (large,
// with DuckDB loaded) costs ~65 ms of blocking fork per query, more than most queries.
export class LakewatchShell {
  constructor(bin, data, dir, threads) {
    this.bin_ = bin;
    this.data_ = data;
    this.dir_ = dir;
    this.extra_ = threads ? ` --threads ${Number(threads)}` : '';
    this.sh_ = spawn('/bin/bash', [], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.buf_ = '';
    this.waiting_ = null;
    this.sh_.stdout.on('data', (b) => {
      this.buf_ += b.toString('utf8');
      const nl = this.buf_.indexOf('\n');
      if (nl >= 0 && this.waiting_) {
        const line = this.buf_.slice(0, nl);
        this.buf_ = this.buf_.slice(nl + 1);
        const w = this.waiting_;
        this.waiting_ = null;
        w(line);
      }
    });
  }
  // { code, signal, stdout, stderr, timedOut, ms } like ingest_common's Run().
  async Run(sql) {
    const sqlFile = path.join(this.dir_, 'q.sql'), out = path.join(this.dir_, 'q.out'), err = path.join(this.dir_, 'q.err');
    writeFileSync(sqlFile, sql);
    const q = (p) => `'${p.replaceAll("'", "'\\''")}'`;
    const start = process.hrtime.bigint();
    const done = new Promise((resolve) => { this.waiting_ = resolve; });
    this.sh_.stdin.write(`timeout -s KILL ${kQueryTimeoutMs / 1000} ${q(this.bin_)} --data ${q(this.data_)} query ` +
                         `--file ${q(sqlFile)} --format jsonl${this.extra_} > ${q(out)} 2> ${q(err)}; echo $?\n`);
    const status = Number(await done);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    // bash: 128 + n for a signal; timeout -s KILL gives 137
    const signal = status > 128 ? (status === 139 ? 'SIGSEGV' : status === 134 ? 'SIGABRT' : `signal ${status - 128}`) : null;
    return { code: signal ? null : status, signal, timedOut: status === 137, ms,
             stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') };
  }
  Close() { this.sh_.stdin.end(); }
}

async function LakewatchRun(shell, sql) {
  const run = await shell.Run(sql);
  if (run.code !== 0) {
    const crashed = run.code !== 1;
    return { ok: false, crashed, error: `${RunStatusText(run, kQueryTimeoutMs)}: ${run.stderr.trim().split('\n')[0] ?? ''}`, ms: run.ms };
  }
  try {
    const rows = [];
    const names = [];
    for (const line of run.stdout.split('\n')) {
      if (line === '') continue;
      // JSON.parse is exact while no integer has 16 digits or more (< 2^53); else the exact
      // parser (integers as BigInt). Same() compares an integral Number with a BigInt exactly.
      if (/\d{16}/.test(line)) {
        const m = ParseJson(line);
        if (!names.length) names.push(...m.keys());
        rows.push([...m.values()].map(Plain));
      } else {
        const o = JSON.parse(line);
        if (!names.length) names.push(...Object.keys(o));
        rows.push(Object.values(o));
      }
    }
    return { ok: true, names, rows, ms: run.ms };
  } catch (e) {
    return { ok: false, crashed: true, error: `unreadable output: ${e.message}`, ms: run.ms };
  }
}

// ---------------------------------------------------------------- main

async function Main() {
  const started = Date.now();
  const args = ParseArgs(process.argv.slice(2));
  const disabled = new Set();
  const switchesOn = [];
  for (const [name, bug] of Object.entries(kKnownBugs)) {
    if (!bug.on || args.allKnownBugs) continue;
    switchesOn.push(name);
    for (const f of bug.features) disabled.add(f);
  }
  const broken = ComparerSelfCheck();
  if (broken.length) {
    console.log(`FAIL: the result comparison is broken: ${broken.join(', ')}`);
    return 1;
  }
  const gen = new QueryGenerator({ disabled });
  const indexes = args.only ?? [...Array(args.queries).keys()];
  if (args.print) {
    for (const i of indexes) {
      const q = gen.Generate(args.seed, i);
      console.log(`-- query ${i} (order ${q.order}; ${q.features.join(' ')})\n${q.s};\n-- DuckDB:\n${q.d};\n`);
    }
    return 0;
  }
  // compare.mjs (its exact JSON parser: integers as BigInt) imports both npm peers
  NeedNodeModules(['@duckdb/node-api', 'hyparquet']);
  if (!existsSync(args.lakewatch)) {
    console.log(`FAIL: lakewatch binary not found at ${args.lakewatch}`);
    return 1;
  }
  const { DuckDBPeer, Canonical } = await import('../peers/duckdb_query.mjs');
  ({ ParseJson } = await import('../conformance/compare.mjs'));

  const dir = mkdtempSync(path.join(os.tmpdir(), 'lw-sqldiff-'));
  const data = path.join(dir, 'data');
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      if (!args.keep) rmSync(dir, { recursive: true, force: true });
      process.exit(1);
    });
  }
  let failures = 0;
  try {
    // 1. tables
    const plan = WriteTables(dir, args.dataSeed, { events: args.events });
    for (const step of plan) {
      const { run, summary } = await Ingest(args.lakewatch, data, step.table, step.files, ['--quiet', ...step.extra]);
      if (run.code !== 0 || !summary || summary.quarantined !== 0) {
        console.log(`FAIL: ingest ${step.table} ${step.files.join(' ')}: ${RunStatusText(run, 300000)}\n${run.stderr}${run.stdout.slice(-2000)}`);
        return 1;
      }
    }
    // 2. DuckDB views over the same files
    const peer = await DuckDBPeer.Create({ threads: 1 });
    peer.canonical = Canonical;
    await peer.Query("SET TimeZone = 'UTC'");
    const tables = [...new Set(plan.map((p) => p.table))];
    const countShell = new LakewatchShell(args.lakewatch, data, mkdtempSync(path.join(dir, 'count-')), null);
    for (const t of tables) {
      const { run, files } = await TableFiles(args.lakewatch, data, t);
      if (!files || !files.length) {
        console.log(`FAIL: table files ${t}: ${RunStatusText(run, 120000)} ${run.stderr}`);
        return 1;
      }
      const hive = files.some((f) => /(^|\/)date=/.test(f.abs));
      await peer.Query(`CREATE VIEW ${t} AS SELECT * FROM read_parquet([${files.map((f) => SqlString(f.abs)).join(', ')}], ` +
                       `hive_partitioning = ${hive}, union_by_name = true)`);
      const lw = await LakewatchRun(countShell, `SELECT count(*) AS n FROM ${t}`);
      const dk = await DuckRun(peer, `SELECT count(*) AS n FROM ${t}`);
      if (!lw.ok || !dk.ok || !Same(dk.rows[0][0], lw.rows[0][0])) {
        console.log(`FAIL: row count of ${t}: lakewatch ${lw.ok ? lw.rows[0][0] : lw.error}, DuckDB ${dk.ok ? dk.rows[0][0] : dk.error}`);
        return 1;
      }
      console.log(`table ${t}: ${dk.rows[0][0]} rows in ${files.length} files`);
    }
    countShell.Close();
    console.log(`setup ${((Date.now() - started) / 1000).toFixed(1)} s; ${indexes.length} queries, seed ${args.seed}, ` +
                `${args.jobs} lakewatch processes at a time; KNOWN_BUG switches on: ${switchesOn.join(', ') || 'none'}`);

    // 3. queries
    const duckLock = new Mutex();
    const slow = [];
    const kinds = new Map();  // failure kind -> count
    const featureHits = new Map();
    let done = 0, lwMs = 0, compared = 0, bothErr = 0, rowsSeen = 0, ordered = 0;
    const Record = (i, q, kind, detail) => {
      failures++;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      for (const f of q.features) featureHits.set(f, (featureHits.get(f) ?? 0) + 1);
      if (failures <= 40 || args.verbose) {
        console.log(`FAIL  query ${i} [${kind}] (node tests/sql/differential.mjs --seed ${args.seed} --only ${i})\n` +
                    `      lakewatch: ${q.s}\n      DuckDB:    ${q.d}\n      ${detail.split('\n').join('\n      ')}`);
      }
      if (args.report) appendFileSync(args.report, JsonText({ index: i, seed: args.seed, kind, detail, spark: q.s, duck: q.d, features: q.features }) + '\n');
    };
    if (args.report) writeFileSync(args.report, '');
    let next = 0;
    const shells = [];
    const Worker = async () => {
      const wdir = mkdtempSync(path.join(dir, 'worker-'));
      const shell = new LakewatchShell(args.lakewatch, data, wdir, args.lwThreads);
      shells.push(shell);
      while (next < indexes.length) {
        const i = indexes[next++];
        const q = gen.Generate(args.seed, i);
        const [lw, dk] = await Promise.all([LakewatchRun(shell, q.s), duckLock.Run(() => DuckRun(peer, q.d))]);
        lwMs += lw.ms ?? 0;
        slow.push([lw.ms ?? 0, dk.ms, i, dk.ok ? dk.rows.length : -1]);
        if (!lw.ok && !dk.ok) {
          bothErr++;
          Record(i, q, 'generator bug: both engines refuse', `lakewatch: ${lw.error}\nDuckDB: ${dk.error}`);
        } else if (!lw.ok) {
          Record(i, q, lw.crashed ? 'lakewatch crash/internal error' : 'lakewatch error', `lakewatch: ${lw.error}`);
        } else if (!dk.ok) {
          Record(i, q, 'DuckDB error only', `DuckDB: ${dk.error}`);
        } else if (lw.rows.length && lw.names.join(',') !== dk.names.join(',')) {
          Record(i, q, 'column names', `lakewatch ${lw.names.join(',')}, DuckDB ${dk.names.join(',')}`);
        } else {
          compared++;
          rowsSeen += dk.rows.length;
          if (q.order !== 'none') ordered++;
          const diff = CompareResults(dk.rows, lw.rows, q, dk.approx);
          if (diff) Record(i, q, 'wrong result', diff);
          else if (args.verbose) console.log(`ok    query ${i}: ${dk.rows.length} rows`);
        }
        done++;
        if (done % 250 === 0) console.log(`... ${done} queries, ${failures} failures, ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, args.jobs) }, Worker));
    for (const sh of shells) sh.Close();
    peer.Close();

    if (args.verbose) {
      slow.sort((a, b) => b[0] + b[1] - a[0] - a[1]);
      console.log('slowest queries (lakewatch ms, DuckDB ms, index, rows): ' + slow.slice(0, 10).map((x) => x.join('/')).join(' '));
    }
    console.log(`\n${indexes.length} queries: ${compared} compared (${ordered} ordered, ${rowsSeen} rows), ` +
                `${failures} failures; lakewatch ${(lwMs / Math.max(1, done)).toFixed(0)} ms per query (process included)`);
    if (failures) {
      console.log('failures by kind:');
      for (const [k, n] of kinds) console.log(`  ${n}  ${k}`);
      console.log('generator features in failing queries (count):');
      console.log('  ' + [...featureHits].sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f}:${n}`).join(' '));
      if (bothErr) console.log(`${bothErr} generator bugs (both engines refused the query)`);
    }
  } finally {
    if (args.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  console.log(`sql differential: ${failures ? 'FAILED' : 'passed'}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return failures ? 1 : 0;
}

// Importing this module (for Same/CompareResults) does not run the test.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  Main().then((code) => process.exit(code), (e) => {
    console.log(`FAIL: ${e?.stack ?? e}`);
    process.exit(1);
  });
}
