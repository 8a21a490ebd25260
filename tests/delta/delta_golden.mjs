#!/usr/bin/env node
// Delta golden-table conformance: lakewatch's Delta reader against the tables Delta Lake itself
// wrote (../shared/data/conformance/delta-golden, described table by table in SOURCES.md).
//
// Usage: node tests/delta/delta_golden.mjs [--lakewatch BUILD/lakewatch] [--corpus DIR]
//          [--only SUBSTRING] [--verbose]
// Run from the repository root (ctest does); the corpus defaults to ../shared/data/conformance.
//
// The list of tables and their verdicts is read from SOURCES.md itself (every `| \`table\` |
// version | protocol | rows | … · *verdict* |` row of the delta-golden sections), so a table
// added there is tested without touching this file. What each verdict means here:
//  - "readable (r1)" (and "readable if table-features check implemented"):
//    * with an expected/ folder (Spark's full-scan output): `table scan T --format jsonl` must
//      hold exactly the expected rows as a multiset, column names in schema order, values
//      compared by type (tests/conformance/compare.mjs; DuckDB reads expected/);
//    * with a computed row count: the scan must return that many rows;
//    * log-only (data files absent): `table files T --format jsonl` must list exactly the live
//      files of an independent log replay in this script (JSON commits + the newest checkpoint,
//      read with hyparquet), plus the per-table facts SOURCES.md states (kLogOnlyFacts).
//    In every case the live-file set of `table files` must equal the independent replay.
//  - "MUST FAIL (reason)", "fail clearly (reason)", "a strict reader errors": `table scan` must
//    exit 1 with a one-line error naming the reason (kReasonWords: the words it must contain).
//  - delta-rs/data_err_logs: error or not as delta-rs expects (table_g, whose test is disabled
//    upstream, must read: checkpoint 9999 covers the missing commits).
//  - Time travel (kVersionChains): a table's older versions (--version N) must scan to the
//    expected/ output of the golden table written at that version; for the time-travel-start
//    tables the test copies the table to a temporary directory, sets the commit files' mtimes
//    (git does not keep them) and checks --timestamp before, at and between commits.
// Known, justified expected failures go in kExpectedFailures (reason + error substring); a
// listed table that passes is an "unexpected pass" and fails the test (update the list).
// Exit status: 0 all good, 1 failures, 77 corpus absent (ctest SKIP_RETURN_CODE).

import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { JsonText, TimestampMicrosText } from '../peers/canonical.mjs';
import { DuckDBPeer } from '../peers/duckdb_query.mjs';
import { ReadParquet } from '../peers/hyparquet_read.mjs';
import {
  CompareTables,
  DescFromDuck,
  DiffsText,
  DuckTree,
  MapEntries,
  ParseJson,
  Run,
} from '../conformance/compare.mjs';

const kDefaultCorpus = '../shared/data/conformance';

// SOURCES.md section heading (after "### ") -> folder of its tables, relative to delta-golden/.
// golden_data tables keep their data in <t>/delta and Spark's output in <t>/expected.
const kSections = [
  { heading: 'delta-kernel-rs/golden_data', dir: 'delta-kernel-rs/golden_data', golden: true },
  { heading: '…/golden_data/hive/delta/*', dir: 'delta-kernel-rs/golden_data/hive/delta' },
  { heading: 'delta-io-delta/golden', dir: 'delta-io-delta/golden' },
  { heading: 'delta-kernel-rs/data', dir: 'delta-kernel-rs/data' },
  { heading: 'delta-rs/data', dir: 'delta-rs/data' },
];

// Words the one-line error of a refused table must contain, by the reason SOURCES.md gives.
function ReasonWords(reason) {
  const features = /reader features: (.*)$/.exec(reason);
  if (features) return features[1].split(',').map((f) => f.trim());
  if (/minReaderVersion (\d+)/.test(reason)) return [`reader version ${/(\d+)/.exec(reason)[1]}`];
  if (/column mapping/.test(reason)) return ['column mapping'];
  if (/no metaData/.test(reason)) return ['no metaData action'];
  if (/no protocol/.test(reason)) return ['no protocol action'];
  if (/not a Delta table/.test(reason)) return ['not a Delta table'];
  if (/not contiguous/.test(reason)) return ['not contiguous'];
  if (/schemaString/.test(reason)) return ['no schemaString'];
  return [];
}

// Facts SOURCES.md states about log-only tables (live files by name, version).
const kLogOnlyFacts = {
  'delta-kernel-rs/golden_data/checkpoint': { version: 14, files: ['15'] },
  'delta-kernel-rs/golden_data/canonicalized-paths-normal-a': { version: 1, files: [] },
  'delta-kernel-rs/golden_data/canonicalized-paths-normal-b': { version: 1, files: [] },
  'delta-kernel-rs/golden_data/canonicalized-paths-special-a': { version: 1, files: [] },
  'delta-kernel-rs/golden_data/canonicalized-paths-special-b': { version: 1, files: [] },
  'delta-kernel-rs/golden_data/delete-re-add-same-file-different-transactions':
    { version: 3, files: ['bar', 'foo'] },
  'delta-rs/data/latest_not_checkpointed': { version: 3 },
  'delta-kernel-rs/data/with_checkpoint_no_last_checkpoint': { version: 3 },
};

// delta-rs/data_err_logs: whether opening must fail, and the words of the error.
const kErrLogs = {
  table_a: { error: false, version: 13 },
  table_b: { error: false, version: 13 },
  table_c: { error: true, words: ['12 is missing'] },
  table_d: { error: true, words: ['catalogOwned'] },
  table_e: { error: true, words: ['catalogOwned'] },
  table_f: { error: true, words: ['catalogOwned'] },
  table_g: { error: false, version: 9999 },  // delta-rs test disabled; the checkpoint covers it
  table_h: { error: true, words: ['catalogOwned'] },
  table_i: { error: true, words: ['catalogOwned'] },
};

// Tables whose older versions equal other golden tables: [table, [[version, expected-of]...]].
const kGolden = 'delta-kernel-rs/golden_data';
const kVersionChains = [
  ['snapshot-repartitioned', [[0, 'snapshot-data0'], [1, 'snapshot-data1'], [2, 'snapshot-data2'],
                              [3, 'snapshot-data3'], [4, 'snapshot-data2-deleted'],
                              [5, 'snapshot-repartitioned']]],
  ['time-travel-start-start20-start40', [[0, 'time-travel-start'], [1, 'time-travel-start-start20'],
                                         [2, 'time-travel-start-start20-start40']]],
  ['time-travel-schema-changes-b', [[0, 'time-travel-schema-changes-a'],
                                    [1, 'time-travel-schema-changes-b']]],
  ['time-travel-partition-changes-b', [[0, 'time-travel-partition-changes-a'],
                                       [1, 'time-travel-partition-changes-b']]],
];
// time-travel-start's commit time (GoldenTables.scala) and the two later commits, ms.
const kTravelStartMs = 1540415658000;
const kTravelTimes = [kTravelStartMs, kTravelStartMs + 20 * 60000, kTravelStartMs + 40 * 60000];

// Readable tables lakewatch does not read correctly yet: table -> { reason, error }.
const kExpectedFailures = {};

// Refusals whose clearest message differs from the words of the SOURCES.md reason.
const kRefusalWords = {
  // No commit at all (only a .crc): "not a Delta table" says more than "no metaData".
  'delta-kernel-rs/data/crc-malformed': ['not a Delta table', 'no commit'],
};

// Where Spark's expected/ output depends on something the table does not record, the expected
// rows are adjusted to what the Delta protocol defines (and delta-kernel reads), and the test
// checks that exactly. { column, shiftMicros, reason }.
const kDeviations = {
  'delta-kernel-rs/golden_data/data-reader-partition-values': {
    column: 'as_timestamp',
    shiftMicros: -7n * 3600n * 1000000n,
    reason: 'partition value "2021-09-08 11:11:11" has no zone: Spark wrote and read it in its ' +
            'session time zone (America/Los_Angeles, UTC-7 in September), so expected/ holds ' +
            '18:11:11Z; PROTOCOL.md gives such values no zone and lakewatch reads them as UTC ' +
            '(delta-kernel-rs skips this table because its expected output is not UTC)',
  },
};

// ---------------------------------------------------------------- SOURCES.md

function ParseSources(text) {
  const tables = [];
  let section = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('## ')) section = null;
    if (line.startsWith('### ')) {
      const heading = line.slice(4).split(' (')[0].trim();
      section = kSections.find((s) => s.heading === heading) ?? null;
      continue;
    }
    if (!section || !line.startsWith('| `')) continue;
    const cells = line.split(' | ');
    const name = /^\| `([^`]+)`/.exec(cells[0])?.[1];
    const verdict = /\*([^*]+)\*\s*\|\s*$/.exec(line)?.[1];
    if (!name || !verdict) continue;
    const rowsCell = cells[3] ?? '';
    const bold = /\*\*(\d+)\*\*/.exec(rowsCell);
    const computed = /^(\d+) \(computed\)/.exec(rowsCell.trim());
    const dir = section.golden ? path.join(section.dir, name, 'delta') : path.join(section.dir, name);
    const expected = section.golden ? path.join(section.dir, name, 'expected') : null;
    tables.push({
      id: `${section.dir}/${name}`,
      name,
      dir,
      expected: bold ? expected : null,
      rows: bold ? Number(bold[1]) : computed ? Number(computed[1]) : null,
      logOnly: rowsCell.includes('log-only'),
      version: /^-?\d+$/.test(cells[1]?.trim()) ? Number(cells[1].trim()) : null,
      verdict,
    });
  }
  return tables;
}

function Classify(t) {
  const v = t.verdict;
  if (v.startsWith('container')) return { kind: 'skip' };
  if (v.startsWith('readable')) return { kind: 'read' };
  let m = /^(?:MUST FAIL|fail clearly) \((.*)\)$/.exec(v);
  if (m) return { kind: 'refuse', reason: m[1], words: ReasonWords(m[1]) };
  if (v.includes('strict reader errors')) {
    return { kind: 'refuse', reason: 'metaData has no schemaString', words: ['no schemaString'],
             logReplay: true };
  }
  return { kind: 'unknown' };
}

// ---------------------------------------------------------------- independent log replay

// Log path -> replay key: a file: scheme dropped, percent-escapes decoded.
function FileKey(p) {
  let s = p.startsWith('file://') ? p.slice(7) : p.startsWith('file:') ? p.slice(5) : p;
  s = decodeURIComponent(s);
  return s;
}

function DvId(dv) {
  if (!dv) return '';
  return `\n${dv.storageType}${dv.pathOrInlineDv}${dv.offset != null ? '@' + dv.offset : ''}`;
}

// Live files (replay keys, sorted) and the version of a table, from _delta_log alone:
// the newest classic checkpoint (single or complete multi-part), then JSON commits after it.
async function ReplayLog(tableDir) {
  const logDir = path.join(tableDir, '_delta_log');
  const names = readdirSync(logDir).filter((n) => !n.startsWith('.'));
  const commits = names.filter((n) => /^\d{20}\.json$/.test(n)).map((n) => Number(n.slice(0, 20)));
  const cps = new Map();  // version -> [names]
  for (const n of names) {
    const m = /^(\d{20})\.checkpoint(?:\.(\d{10})\.(\d{10}))?\.parquet$/.exec(n);
    if (!m) continue;
    const v = Number(m[1]);
    if (!cps.has(v)) cps.set(v, []);
    cps.get(v).push({ n, parts: m[3] ? Number(m[3]) : 1 });
  }
  const complete = [...cps.entries()].filter(([, l]) => l.length === l[0].parts).map(([v]) => v);
  const latest = Math.max(-1, ...commits, ...complete);
  const cpVersion = Math.max(-1, ...complete);
  const live = new Map();
  let partitionColumns = [];
  const Apply = (action) => {
    if (action.metaData?.partitionColumns) partitionColumns = action.metaData.partitionColumns;
    if (action.remove) live.delete(FileKey(action.remove.path) + DvId(action.remove.deletionVector));
    if (action.add) live.set(FileKey(action.add.path) + DvId(action.add.deletionVector), action.add);
  };
  if (cpVersion >= 0) {
    for (const { n } of cps.get(cpVersion).sort((a, b) => (a.n < b.n ? -1 : 1))) {
      const { rows } = await ReadParquet(path.join(logDir, n));
      for (const r of rows) Apply(r);
    }
  }
  for (const v of commits.filter((c) => c > cpVersion).sort((a, b) => a - b)) {
    const text = readFileSync(path.join(logDir, `${String(v).padStart(20, '0')}.json`), 'utf8');
    // Within one commit adds and removes of one path do not both occur (PROTOCOL.md); order
    // removes first so the file's own lines cannot matter.
    const actions = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    for (const a of actions) if (!a.add) Apply(a);
    for (const a of actions) if (a.add) Apply(a);
  }
  return { version: latest, files: [...live.keys()].map((k) => k.split('\n')[0]).sort(),
           partitionColumns };
}

// ---------------------------------------------------------------- lakewatch runs

async function Lakewatch(args, cmd) {
  return Run(args.lakewatch, cmd, { timeoutMs: 120000 });
}

function Lines(stdout) {
  return stdout.split('\n').filter((l) => l.length).map((l) => ParseJson(l));
}

// `table scan` -> { run, rows (Maps) }.
async function Scan(args, dir, extra = []) {
  const run = await Lakewatch(args, ['table', 'scan', dir, '--format', 'jsonl', ...extra]);
  return { run, rows: run.code === 0 ? Lines(run.stdout) : null };
}

// `table files` -> { run, files (decoded paths, sorted) }.
async function Files(args, dir, extra = []) {
  const run = await Lakewatch(args, ['table', 'files', dir, '--format', 'jsonl', ...extra]);
  return { run, files: run.code === 0 ? Lines(run.stdout).map((r) => r.get('path')).sort() : null };
}

function FirstLine(s) {
  return s.trim().split('\n')[0] ?? '';
}

// Problem with a refusal (null when it is a clean one-line error holding every word).
function RefusalProblem(run, words) {
  if (run.spawnError) return `could not run lakewatch: ${run.stderr}`;
  if (run.timedOut) return 'no answer within the timeout (killed)';
  if (run.signal) return `killed by ${run.signal} (crash)`;
  if (run.code === 0) return 'read the table instead of refusing it';
  if (run.code !== 1) return `exit status ${run.code}, expected 1: ${run.stderr.trim()}`;
  const lines = run.stderr.split('\n').filter((l) => l.length);
  if (lines.length !== 1) return `stderr has ${lines.length} lines, expected 1:\n${run.stderr}`;
  const missing = words.filter((w) => !run.stderr.includes(w));
  if (missing.length) return `error lacks ${JSON.stringify(missing)}: ${FirstLine(run.stderr)}`;
  return null;
}

// ---------------------------------------------------------------- multiset comparison

function SqlString(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

// Spark's output in `dir` read by DuckDB: { names, descs, rows (arrays of trees) }.
async function ReadExpected(peer, dir) {
  const glob = path.join(dir, '*.parquet');
  const { names, types, rows } = await peer.Query(
    `SELECT * FROM read_parquet(${SqlString(glob)}, binary_as_string = false)`);
  return {
    names,
    descs: types.map((t) => DescFromDuck(t)),
    rows: rows.map((row) => row.map((v, c) => DuckTree(v, types[c]))),
  };
}

function Entries(v) {
  if (v instanceof Map) return [...v.entries()];
  if (v instanceof MapEntries) return v.entries;
  return Object.entries(v);
}

// Exact decimal text without a sign on zero and without trailing fraction zeros.
function DecimalKey(v) {
  let s = String(v);
  if (!/^-?\d+(\.\d+)?$/.test(s)) return s;
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  s = s.replace(/^(-?)0+(?=\d)/, '$1');
  return s === '-0' ? '0' : s;
}

// A value (ours: parsed JSON, map keys as text; expected: DuckDB trees) -> a text that is
// equal on both sides exactly when compare.mjs's Compare() accepts the pair (up to the
// tolerances the sort does not need to know). Only used to sort rows before comparing.
function SortKey(v, desc) {
  if (v === null || v === undefined) return 'null';
  switch (desc.kind) {
    case 'int':
      return /^-?\d+$/.test(String(v)) ? BigInt(String(v)).toString() : String(v);
    case 'float':
    case 'double': {
      const n = typeof v === 'string' ? Number(v) : Number(v);
      if (Number.isNaN(n)) return 'NaN';
      return String(desc.kind === 'float' ? Math.fround(n) : n);
    }
    case 'decimal':
      return DecimalKey(v);
    case 'date':
    case 'timestamp':
      return String(v).replace(/^\+/, '').replace(/Z$/, '');
    case 'bool':
      return String(v);
    case 'list':
      return Array.isArray(v) ? `[${v.map((x) => SortKey(x, desc.element)).join(',')}]` : '?';
    case 'struct': {
      const m = new Map(Entries(v));
      return `{${desc.fields.map((f) => SortKey(m.get(f.name), f.desc)).join(',')}}`;
    }
    case 'map':
      return `{${Entries(v).map(([k, x]) => `${SortKey(k, desc.key)}:${SortKey(x, desc.value)}`)
        .sort().join(',')}}`;
    default:
      return typeof v === 'string' ? JSON.stringify(v) : JsonText(v);
  }
}

function SortedBy(rows, keyOf) {
  return rows.map((r) => [keyOf(r), r]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, r]) => r);
}

// Our scan rows vs an expected table, as multisets. Returns null or a problem text.
function CompareMultiset(rows, expected) {
  if (rows.length !== expected.rows.length) {
    return `${rows.length} rows, expected ${expected.rows.length}`;
  }
  if (rows.length === 0) return null;
  const names = [...rows[0].keys()];
  if (JsonText(names) !== JsonText(expected.names)) {
    return `columns ${JsonText(names)}, expected ${JsonText(expected.names)}`;
  }
  const ours = SortedBy(rows, (r) => expected.names.map((n, c) => SortKey(r.get(n),
                                                                           expected.descs[c])).join('|'));
  const want = SortedBy(expected.rows, (r) => r.map((v, c) => SortKey(v, expected.descs[c])).join('|'));
  const diffs = CompareTables({ names, rows: ours }, { ...expected, rows: want });
  return diffs.ok ? null : DiffsText(diffs);
}

// Moves every value of timestamp column `column` of an expected table by `shiftMicros`.
function ShiftTimestamps(expected, { column, shiftMicros }) {
  const c = expected.names.indexOf(column);
  if (c < 0) throw new Error(`deviation: no column ${column} in expected/`);
  for (const row of expected.rows) {
    if (row[c] === null) continue;
    const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?Z?$/.exec(row[c]);
    if (!m) throw new Error(`deviation: ${row[c]} is not a timestamp`);
    const micros = BigInt(Date.parse(`${m[1]}Z`)) * 1000n + BigInt((m[2] ?? '').padEnd(6, '0')) +
                   shiftMicros;
    row[c] = TimestampMicrosText(micros);
  }
}

// ---------------------------------------------------------------- checks

// Live files of `table files` vs the independent replay (and SOURCES.md facts).
async function CheckFiles(args, t, dir) {
  const ours = await Files(args, dir);
  if (ours.run.code !== 0) return `table files failed: ${FirstLine(ours.run.stderr)}`;
  const replay = await ReplayLog(dir);
  if (JsonText(ours.files) !== JsonText(replay.files)) {
    return `table files lists ${ours.files.length} files ${JsonText(ours.files.slice(0, 5))}, ` +
           `the log replay ${replay.files.length} ${JsonText(replay.files.slice(0, 5))}`;
  }
  const facts = kLogOnlyFacts[t.id];
  if (facts?.files && JsonText(ours.files) !== JsonText(facts.files)) {
    return `live files ${JsonText(ours.files)}, SOURCES.md says ${JsonText(facts.files)}`;
  }
  const version = facts?.version ?? t.version;
  if (version !== null && version !== undefined) {
    const d = await Lakewatch(args, ['table', 'describe', dir]);
    const got = /^version: (\d+)$/m.exec(d.stdout)?.[1];
    if (d.code !== 0 || Number(got) !== version) {
      return `describe says version ${got ?? FirstLine(d.stderr)}, expected ${version}`;
    }
  }
  return null;
}

// Tables without expected/: the values of the data columns must equal what DuckDB reads from
// the live data files (union by name; partition columns come from the log, not the files, and
// are left out). File columns are matched to table columns ignoring case, as Spark does.
async function CompareWithDataFiles(peer, dir, rows) {
  const replay = await ReplayLog(dir);
  if (!replay.files.length) return { note: 'no data files' };
  const list = replay.files.map((f) => SqlString(path.isAbsolute(f) ? f : path.join(dir, f)));
  const { names, types, rows: duckRows } = await peer.Query(
    `SELECT * FROM read_parquet([${list.join(', ')}], union_by_name = true, ` +
    'binary_as_string = false, hive_partitioning = false)');
  const ours = rows.length ? [...rows[0].keys()] : [];
  const partition = new Set(replay.partitionColumns.map((c) => c.toLowerCase()));
  const cols = [];  // [our name, DuckDB column index]
  names.forEach((n, c) => {
    const mine = ours.find((o) => o.toLowerCase() === n.toLowerCase());
    if (mine !== undefined && !partition.has(mine.toLowerCase())) cols.push([mine, c]);
  });
  if (!cols.length) return { note: 'no data columns to compare' };
  const expected = {
    names: cols.map(([mine]) => mine),
    descs: cols.map(([, c]) => DescFromDuck(types[c])),
    rows: duckRows.map((row) => cols.map(([, c]) => DuckTree(row[c], types[c]))),
  };
  const projected = rows.map((r) => new Map(cols.map(([mine]) => [mine, r.get(mine)])));
  const diff = CompareMultiset(projected, expected);
  if (diff) return { problem: `data columns differ from DuckDB on the live files: ${diff}` };
  return { note: `${cols.length} data columns = DuckDB on the ${replay.files.length} live files` };
}

async function CheckReadable(args, peer, t, dir) {
  const problem = await CheckFiles(args, t, dir);
  if (problem) return { ok: false, detail: problem };
  if (t.logOnly) {
    const n = (await ReplayLog(dir)).files.length;
    return { ok: true, detail: `log-only: ${n} live files = log replay` };
  }
  const scan = await Scan(args, dir);
  if (scan.run.code !== 0) {
    return { ok: false, detail: `scan failed (exit ${scan.run.code ?? scan.run.signal}): ` +
                                scan.run.stderr.trim() };
  }
  if (t.expected) {
    const expected = await ReadExpected(peer, path.join(args.golden, t.expected));
    const deviation = kDeviations[t.id];
    if (deviation) ShiftTimestamps(expected, deviation);
    const diff = CompareMultiset(scan.rows, expected);
    if (diff) return { ok: false, detail: diff };
    return { ok: true, detail: `${scan.rows.length} rows = expected/` +
                               (deviation ? ` (adjusted: ${deviation.reason})` : '') };
  }
  if (t.rows === null) return { ok: false, detail: 'SOURCES.md gives no row count or expected/' };
  if (scan.rows.length !== t.rows) {
    return { ok: false, detail: `${scan.rows.length} rows, SOURCES.md says ${t.rows}` };
  }
  const values = await CompareWithDataFiles(peer, dir, scan.rows);
  if (values.problem) return { ok: false, detail: values.problem };
  return { ok: true, detail: `${scan.rows.length} rows = SOURCES.md count; ${values.note}` };
}

// --version N of `table` against the expected/ output of the golden table of that version.
async function CheckVersions(args, peer, dir, chain, extra = () => []) {
  const problems = [];
  for (const [version, of] of chain) {
    const scan = await Scan(args, dir, ['--version', String(version), ...extra(version)]);
    if (scan.run.code !== 0) {
      problems.push(`v${version}: scan failed: ${FirstLine(scan.run.stderr)}`);
      continue;
    }
    const expected = await ReadExpected(peer, path.join(args.golden, kGolden, of, 'expected'));
    const diff = CompareMultiset(scan.rows, expected);
    if (diff) problems.push(`v${version} (= ${of}): ${diff}`);
  }
  return problems;
}

function TimestampText(ms) {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

// time-travel-start-start20-start40 copied with its commit times set: --timestamp picks the
// latest commit at or before the time; before the first commit is an error.
async function CheckTimestamps(args, peer) {
  const src = path.join(args.golden, kGolden, 'time-travel-start-start20-start40', 'delta');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lw-delta-golden-'));
  const dir = path.join(tmp, 'table');
  try {
    cpSync(src, dir, { recursive: true });
    kTravelTimes.forEach((ms, v) => {
      const f = path.join(dir, '_delta_log', `${String(v).padStart(20, '0')}.json`);
      utimesSync(f, ms / 1000, ms / 1000);
    });
    const of = ['time-travel-start', 'time-travel-start-start20', 'time-travel-start-start20-start40'];
    const cases = [
      [kTravelTimes[0], 0], [kTravelTimes[1] - 1, 0], [kTravelTimes[1], 1],
      [kTravelTimes[2] - 1000, 1], [kTravelTimes[2], 2], [kTravelTimes[2] + 3600000, 2],
    ];
    const problems = [];
    for (const [ms, version] of cases) {
      const ts = TimestampText(ms);
      const scan = await Scan(args, dir, ['--timestamp', ts]);
      if (scan.run.code !== 0) {
        problems.push(`--timestamp '${ts}': ${FirstLine(scan.run.stderr)}`);
        continue;
      }
      const expected = await ReadExpected(peer, path.join(args.golden, kGolden, of[version], 'expected'));
      const diff = CompareMultiset(scan.rows, expected);
      if (diff) problems.push(`--timestamp '${ts}' (should be v${version}): ${diff}`);
    }
    const before = await Scan(args, dir, ['--timestamp', TimestampText(kTravelTimes[0] - 1000)]);
    const p = RefusalProblem(before.run, ['before the earliest commit']);
    if (p) problems.push(`--timestamp before the first commit: ${p}`);
    return problems;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

function ParseArgs(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      lakewatch: { type: 'string', default: 'build/lakewatch' },
      corpus: { type: 'string', default: kDefaultCorpus },
      only: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  return { ...values, only: values.only ?? null, golden: path.join(values.corpus, 'delta-golden') };
}

async function Main() {
  let args;
  try {
    args = ParseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`delta_golden: ${e.message}\n`);
    process.exit(2);
  }
  const sources = path.join(args.corpus, 'SOURCES.md');
  if (!existsSync(sources) || !existsSync(args.golden)) {
    console.log(`SKIP: ${args.golden} not found (the shared Delta conformance corpus is absent)`);
    process.exit(77);
  }
  if (!existsSync(args.lakewatch)) {
    console.log(`FAIL: lakewatch binary not found at ${args.lakewatch}`);
    process.exit(1);
  }
  const tables = ParseSources(readFileSync(sources, 'utf8'));
  const peer = await DuckDBPeer.Create({ threads: 1 });
  const results = [];  // { id, status, detail }
  const Report = (id, status, detail = '') => {
    results.push({ id, status, detail });
    const bad = status.startsWith('FAIL');
    console.log(`${status.padEnd(16)} ${id}${detail && (bad || args.verbose)
      ? '\n' + detail.split('\n').map((l) => '      ' + l).join('\n') : ''}`);
  };
  const Wanted = (id) => !args.only || id.includes(args.only);

  // Every table folder must have a verdict (nothing is silently left out).
  for (const s of kSections) {
    const base = path.join(args.golden, s.dir);
    for (const name of readdirSync(base)) {
      const id = `${s.dir}/${name}`;
      const nested = tables.some((t) => t.id.startsWith(id + '/'));
      if (!tables.some((t) => t.id === id) && !nested && !name.endsWith('.md')) {
        Report(id, 'FAIL no verdict', 'table folder not listed in SOURCES.md');
      }
    }
  }

  for (const t of tables) {
    if (!Wanted(t.id)) continue;
    const c = Classify(t);
    const dir = path.join(args.golden, t.dir);
    const expected = kExpectedFailures[t.id];
    if (c.kind === 'skip') continue;
    if (c.kind === 'unknown') {
      Report(t.id, 'FAIL verdict?', `verdict not understood: ${t.verdict}`);
      continue;
    }
    if (c.kind === 'refuse') {
      const scan = await Scan(args, dir);
      const problem = RefusalProblem(scan.run, kRefusalWords[t.id] ?? c.words);
      if (problem) {
        Report(t.id, 'FAIL not refused', `${c.reason}: ${problem}`);
        continue;
      }
      // Log-replay tables (no schemaString): the log itself must still replay.
      const filesProblem = c.logReplay ? await CheckFiles(args, t, dir) : null;
      if (filesProblem) Report(t.id, 'FAIL log replay', filesProblem);
      else Report(t.id, 'refused', FirstLine(scan.run.stderr));
      continue;
    }
    const r = await CheckReadable(args, peer, t, dir);
    if (expected) {
      if (r.ok) Report(t.id, 'FAIL unexp. pass', `listed as expected failure: ${expected.reason}`);
      else if (!r.detail.includes(expected.error)) Report(t.id, 'FAIL', r.detail);
      else Report(t.id, 'expected fail', `${expected.reason}: ${r.detail}`);
      continue;
    }
    Report(t.id, r.ok ? 'read' : 'FAIL', r.detail);
  }

  // delta-rs data_err_logs.
  for (const [name, want] of Object.entries(kErrLogs)) {
    const id = `delta-rs/data_err_logs/${name}`;
    if (!Wanted(id)) continue;
    const dir = path.join(args.golden, id);
    if (want.error) {
      const scan = await Scan(args, dir);
      const problem = RefusalProblem(scan.run, want.words);
      Report(id, problem ? 'FAIL not refused' : 'refused', problem ?? FirstLine(scan.run.stderr));
    } else {
      const problem = await CheckFiles(args, { id, version: want.version }, dir);
      Report(id, problem ? 'FAIL' : 'read', problem ?? `version ${want.version}, files = log replay`);
    }
  }

  // Time travel by version and by timestamp.
  for (const [table, chain] of kVersionChains) {
    const id = `time travel ${table}`;
    if (!Wanted(id)) continue;
    const problems = await CheckVersions(args, peer, path.join(args.golden, kGolden, table, 'delta'),
                                         chain);
    Report(id, problems.length ? 'FAIL' : 'travel ok',
           problems.join('\n') || `versions ${chain.map(([v]) => v).join(',')} = expected/`);
  }
  if (Wanted('time travel --timestamp')) {
    const problems = await CheckTimestamps(args, peer);
    Report('time travel --timestamp', problems.length ? 'FAIL' : 'travel ok',
           problems.join('\n') || 'commit mtimes set; 6 timestamps pick the right version');
  }
  peer.Close();

  const count = (s) => results.filter((r) => r.status === s).length;
  const failures = results.filter((r) => r.status.startsWith('FAIL'));
  console.log('\nsummary:');
  console.log(`  read correctly: ${count('read')}; refused with a clear error: ${count('refused')}; ` +
              `time travel checks: ${count('travel ok')}; expected failures: ${count('expected fail')}`);
  for (const r of results.filter((x) => x.status === 'expected fail')) {
    console.log(`  expected failure ${r.id}: ${r.detail}`);
  }
  if (failures.length) {
    console.log(`  FAILED: ${failures.length}: ${failures.map((f) => f.id).join(', ')}`);
    process.exit(1);
  }
  console.log('  all good');
}

Main().catch((e) => {
  console.log(`FAIL: ${e?.stack ?? e}`);
  process.exit(1);
});
