#!/usr/bin/env node
// Every real log sample in ../shared/data/logs and ../shared/data/json through `lakewatch
// ingest` with the format detected (no --input-format), read back by DuckDB from the table's
// data files.
//
// Usage: node tests/ingest/samples.mjs [--lakewatch BUILD/lakewatch] [--keep] [--verbose]
// Needs the shared data and node_modules (npm @duckdb/node-api); exits 77 = skipped without them.
//
// Ground truth comes from the data's SOURCES.md and from the files themselves (counted and
// parsed here, independently of lakewatch):
//  - loghub_2k/<System>/<System>_2k.log (12 systems): 2,000 rows each, one per line: `_line` is
//    exactly 1..2000; 0 quarantined. The structured CSV next to each (`*_structured.csv`,
//    RFC 4180 with a header) ingests as CSV: as many rows as DuckDB's read_csv finds (2,000).
//    Where lakewatch extracted a `level` column it is compared with the CSV's Level (printed,
//    not asserted: the text parser's field names are its own).
//  - elastic_apache_access/apache_logs: 10,000 rows; `status` is an integer column whose value
//    counts equal the counts of the status field in the raw lines (200×9126, 304×445, ...);
//    `timestamp` is the `[17/May/2015:10:05:03 +0000]` time of the same line.
//  - elastic_nginxplus/nginxplus_json_logs.jsonl: 500 rows; `server_zones` (keyed by host
//    names) is a MAP column; `timestamp` is the record's `timestamp` (epoch ms) as UTC.
//  - otlp_examples/logs.json and events.json (pretty-printed OTLP/JSON): one row per logRecord,
//    `timestamp` = timeUnixNano; metrics.json and trace.json: no crash (exit 0 or 1; what they
//    give is printed).
// Every run: exit 0, the JSON summary's rows equal the rows in the data files, 0 quarantined.
//
// Exit status: 0 all good, 1 failures, 77 skipped.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  CleanExit, Ingest, NeedNodeModules, NeedSharedData, ParseArgs, Results, RunStatusText, Scan,
  SqlString, TableFiles,
} from './ingest_common.mjs';

const kMonths = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

function TimestampText(ms) {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}

// DuckDB over the live data files of `table`: { names, types: Map(name → type text), rows }.
async function ReadTable(peer, lakewatch, data, table, select = '*') {
  const tf = await TableFiles(lakewatch, data, table);
  if (!tf.files) throw new Error(`lakewatch table files ${table}: ${tf.run.stderr.trim()}`);
  if (!tf.files.length) return { names: [], types: new Map(), rows: [], files: [] };
  const list = `[${tf.files.map((f) => SqlString(f.abs)).join(', ')}]`;
  const r = await peer.QueryCanonical(`SELECT ${select} FROM read_parquet(${list}, union_by_name = true)`);
  return { names: r.names, types: new Map(r.names.map((n, i) => [n, r.types[i].toString()])), rows: r.rows, files: tf.files };
}

// Known lakewatch bugs this test found. A check whose problem matches `match` is reported as an
// expected failure; a known bug that no check reproduced any more fails the test as an
// "unexpected pass" (it is fixed: remove it here).
const kKnownBugs = [];  // (fixed: '['-led text logs detected as JSON; names equal up to case)

class Samples {
  constructor(args, peer, data, results) {
    this.args = args;
    this.peer = peer;
    this.data = data;
    this.results = results;
    this.n = 0;
    this.seen = new Set();
  }

  // results.Check, with problems that match a known bug reported as expected failures.
  Check(what, problem, detail = '') {
    if (problem) {
      const bug = kKnownBugs.find((b) => b.match.test(`${what}: ${problem}`));
      if (bug) {
        this.seen.add(bug);
        this.results.ExpectedFailure(what, `${String(problem).slice(0, 300)}\nknown bug: ${bug.what}`);
        return false;
      }
    }
    return this.results.Check(what, problem, detail);
  }

  FinishKnownBugs() {
    for (const bug of kKnownBugs) {
      if (!this.seen.has(bug)) this.results.Check(`known bug: ${bug.what}`, 'unexpected pass: no check reproduces it any more; remove it from kKnownBugs');
    }
  }

  // Ingests `file` into a new table; checks exit 0, summary rows = rows in the files, 0
  // quarantined, and `expectRows` when given. Returns the table read by DuckDB, or null.
  async One(name, file, { expectRows = null, lines = null, allowFailure = false, format = null } = {}) {
    const table = `s${this.n++}_${name.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase()}`;
    const ing = await Ingest(this.args.lakewatch, this.data, table, [file]);
    const s = ing.summary;
    if (format && s?.sources?.length === 1) {
      // The detected format (one of `format`); what follows from a wrong one is not checked.
      const formats = [format].flat();
      if (!this.Check(`${name}: format detected as ${formats.join(' or ')}`, formats.includes(s.sources[0].format) ? null
        : `format ${s.sources[0].format}: ${s.rows} rows, ${s.quarantined} quarantined`)) return null;
    }
    if (allowFailure) {
      this.results.Check(`${name}: no crash, no hang`, CleanExit(ing.run) ? null : RunStatusText(ing.run, 300000),
        `${RunStatusText(ing.run, 300000)}; summary ${JSON.stringify(s && { rows: s.rows, quarantined: s.quarantined })}` +
        `${ing.run.code ? `; ${ing.run.stderr.trim().slice(0, 200)}` : ''}`);
      if (ing.run.code !== 0 || !s || !s.rows) return null;
    } else if (!this.results.Check(`${name}: ingest`, ing.run.code === 0 && s ? null
      : `${RunStatusText(ing.run, 300000)}: ${ing.run.stderr.trim().slice(0, 1000)}\nstdout: ${ing.run.stdout.slice(-500)}`)) {
      return null;
    }
    const t = await ReadTable(this.peer, this.args.lakewatch, this.data, table);
    // lakewatch reads its own table back.
    const scan = await Scan(this.args.lakewatch, this.data, table, { columns: ['_line'] });
    this.Check(`${name}: lakewatch table scan reads it`, scan.rows && scan.rows.length === t.rows.length ? null
      : `${scan.rows ? `${scan.rows.length} rows` : scan.run.stderr.trim()}; the data files hold ${t.rows.length}`);
    if (!allowFailure) {
      const problems = [];
      if (expectRows !== null && s.rows !== expectRows) problems.push(`summary rows ${s.rows}, expected ${expectRows}`);
      if (t.rows.length !== s.rows) problems.push(`data files hold ${t.rows.length} rows, summary says ${s.rows}`);
      if (s.quarantined !== 0) problems.push(`${s.quarantined} quarantined`);
      if (lines !== null) {
        const got = t.rows.map((r) => Number(r._line)).sort((a, b) => a - b);
        const bad = got.length !== lines || got.some((l, i) => l !== i + 1);
        if (bad) problems.push(`_line is not exactly 1..${lines}: ${got.length} values, first ${got.slice(0, 5).join(',')}`);
      }
      this.results.Check(`${name}: ${expectRows ?? t.rows.length} rows, 0 quarantined`, problems.join('; ') || null,
        this.args.verbose ? `columns ${t.names.map((c) => `${c} ${t.types.get(c)}`).join(', ')}` : '');
    }
    return { ...t, table, summary: s };
  }
}

async function Loghub(s, root) {
  const systems = readdirSync(root).filter((d) => existsSync(path.join(root, d, `${d}_2k.log`))).sort();
  s.results.Check('loghub: 12 systems present', systems.length === 12 ? null : `${systems.length}: ${systems.join(', ')}`);
  const levelNotes = [];
  for (const sys of systems) {
    const log = path.join(root, sys, `${sys}_2k.log`);
    const t = await s.One(`loghub ${sys}`, log, { expectRows: 2000, lines: 2000, format: 'text' });
    const csv = path.join(root, sys, `${sys}_2k.log_structured.csv`);
    const truth = await s.peer.QueryCanonical(
      `SELECT * FROM read_csv(${SqlString(csv)}, header = true, all_varchar = true, quote = '"', escape = '"')`);
    const c = await s.One(`loghub ${sys} structured CSV`, csv, { expectRows: truth.rows.length, format: 'csv' });
    if (c && truth.rows.length) {
      // The CSV's first column LineId, read back: every value of DuckDB's reading is there.
      const col = c.names.find((n) => n.toLowerCase() === 'lineid');
      const want = truth.rows.map((r) => String(r.LineId)).sort().join(',');
      const got = col ? c.rows.map((r) => String(r[col])).sort().join(',') : '';
      s.results.Check(`loghub ${sys} structured CSV: LineId column equals DuckDB's read_csv`, col && got === want ? null
        : `column ${col ?? '(none)'}; columns ${c.names.join(', ')}`);
    }
    if (t) {
      const levelCol = t.names.find((n) => n.toLowerCase() === 'level');
      const truthLevel = truth.names.find((n) => n === 'Level');
      if (levelCol && truthLevel) {
        const byLine = new Map(truth.rows.map((r) => [Number(r.LineId), String(r[truthLevel])]));
        let same = 0;
        for (const r of t.rows) if (String(r[levelCol]).toLowerCase() === byLine.get(Number(r._line))?.toLowerCase()) same++;
        levelNotes.push(`${sys} ${same}/${t.rows.length}`);
      } else {
        levelNotes.push(`${sys} (no ${levelCol ? 'Level in the CSV' : 'level column'})`);
      }
      if (s.args.verbose) console.log(`      ${sys} columns: ${t.names.map((n) => `${n} ${t.types.get(n)}`).join(', ')}`);
    }
  }
  s.results.Note(`loghub: extracted level equal to the structured CSV's Level: ${levelNotes.join(', ')}`);
}

async function Apache(s, file) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').filter((l) => l !== '');
  // Independent parse of the combined log format: status counts and the time of each line.
  const kLine = /^\S+ \S+ \S+ \[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\] "[^"]*" (\d{3}) /;
  const statusCounts = new Map();
  const times = [];
  for (const l of lines) {
    const m = kLine.exec(l);
    if (!m) { times.push(null); continue; }
    statusCounts.set(Number(m[10]), (statusCounts.get(Number(m[10])) ?? 0) + 1);
    const off = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
    times.push(Date.UTC(Number(m[3]), kMonths[m[2]], Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - off * 60000);
  }
  s.results.Check('apache: the raw file has 10,000 lines, 9,126 with status 200 (SOURCES.md)',
    lines.length === 10000 && statusCounts.get(200) === 9126 ? null : `${lines.length} lines, ${statusCounts.get(200)} × 200`);
  const t = await s.One('apache access log', file, { expectRows: 10000, lines: 10000, format: 'text' });
  if (!t) return;
  const type = t.types.get('status');
  s.results.Check('apache: status is an integer column', /^(BIGINT|INTEGER|SMALLINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT)$/.test(type ?? '')
    ? null : `status: ${type ?? 'no such column'}; columns ${t.names.map((n) => `${n} ${t.types.get(n)}`).join(', ')}`);
  if (type) {
    const got = new Map();
    for (const r of t.rows) got.set(Number(r.status), (got.get(Number(r.status)) ?? 0) + 1);
    const diff = [...new Set([...got.keys(), ...statusCounts.keys()])]
      .filter((k) => got.get(k) !== statusCounts.get(k)).map((k) => `${k}: ${got.get(k)} vs ${statusCounts.get(k)}`);
    s.results.Check('apache: status value counts equal the raw lines\'', diff.join(', ') || null);
  }
  const tsProblems = [];
  for (const r of t.rows) {
    const want = times[Number(r._line) - 1];
    const expected = want === null || want === undefined ? null : TimestampText(want);
    if (r.timestamp !== expected && tsProblems.length < 3) tsProblems.push(`line ${r._line}: ${r.timestamp} vs ${expected}`);
  }
  s.results.Check('apache: timestamp = the [dd/Mon/yyyy:hh:mm:ss ±zzzz] time of the line, in UTC', tsProblems.join('; ') || null);
  console.log(`      apache columns: ${t.names.map((n) => `${n} ${t.types.get(n)}`).join(', ')}`);
}

async function NginxPlus(s, file) {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  const t = await s.One('nginxplus JSON lines', file, { expectRows: 500, lines: 500, format: 'jsonl' });
  if (!t) return;
  const type = t.types.get('server_zones') ?? '';
  s.results.Check('nginxplus: server_zones is a MAP column', type.startsWith('MAP(') ? null : `server_zones: ${type || 'no such column'}`,
    s.args.verbose ? type : '');
  const problems = [];
  for (const r of t.rows) {
    const rec = JSON.parse(lines[Number(r._line) - 1]);
    const want = TimestampText(rec.timestamp);
    if (r.timestamp !== want) problems.push(`line ${r._line}: timestamp ${r.timestamp} vs ${want}`);
    // the map's keys are the record's host names, with their request counts
    const zones = r.server_zones ?? {};
    const wantKeys = Object.keys(rec.server_zones).sort().join(',');
    if (Object.keys(zones).sort().join(',') !== wantKeys) problems.push(`line ${r._line}: server_zones keys ${Object.keys(zones)} vs ${wantKeys}`);
    for (const [host, z] of Object.entries(rec.server_zones)) {
      const got = zones[host];
      const req = got && typeof got === 'object' ? got.requests : undefined;
      if (req === undefined || BigInt(req) !== BigInt(z.requests)) {
        problems.push(`line ${r._line}: server_zones[${host}].requests ${req} vs ${z.requests}`);
        break;
      }
    }
    if (problems.length >= 3) break;
  }
  s.results.Check('nginxplus: timestamp (epoch ms) and server_zones (keys, requests) equal the record\'s', problems.join('\n') || null);
}

async function Otlp(s, dir) {
  for (const f of ['logs.json', 'events.json']) {
    const file = path.join(dir, f);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const nanos = [];
    for (const rl of doc.resourceLogs ?? []) {
      for (const sl of rl.scopeLogs ?? []) for (const lr of sl.logRecords ?? []) nanos.push(lr.timeUnixNano ?? null);
    }
    // OTLP is recognised by content inside JSON input: the summary says "json".
    const t = await s.One(`otlp ${f}`, file, { expectRows: nanos.length, format: ['otlp', 'json'] });
    if (!t) continue;
    const want = nanos.map((n) => (n === null ? null : kTimestampFromNanos(BigInt(n)))).sort();
    const got = t.rows.map((r) => r.timestamp).sort();
    s.results.Check(`otlp ${f}: timestamp = timeUnixNano of each logRecord`, JSON.stringify(got) === JSON.stringify(want) ? null
      : `${JSON.stringify(got)} vs ${JSON.stringify(want)}`, s.args.verbose ? `columns ${t.names.join(', ')}` : '');
    console.log(`      otlp ${f} columns: ${t.names.map((n) => `${n} ${t.types.get(n)}`).join(', ')}`);
  }
  for (const f of ['metrics.json', 'trace.json']) {
    const t = await s.One(`otlp ${f} (not logs)`, path.join(dir, f), { allowFailure: true });
    if (t) console.log(`      otlp ${f}: ${t.rows.length} row(s), columns ${t.names.join(', ')}`);
  }
}

function kTimestampFromNanos(n) {
  const micros = n / 1000n;
  const ms = Number(micros / 1000n);
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(micros % 1000000n).padStart(6, '0')}Z`;
}

async function Main() {
  const logs = NeedSharedData('logs');
  const json = NeedSharedData('json');
  NeedNodeModules();
  const args = ParseArgs(process.argv.slice(2));
  const { DuckDBPeer } = await import('../peers/duckdb_query.mjs');
  const started = Date.now();
  const results = new Results(args.verbose);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lakewatch-ingest-samples-'));
  const peer = await DuckDBPeer.Create({ threads: 1 });
  await peer.Query("SET TimeZone = 'UTC'");
  const s = new Samples(args, peer, path.join(dir, 'data'), results);
  for (const [name, fn] of [
    ['loghub', () => Loghub(s, path.join(logs, 'loghub_2k'))],
    ['apache', () => Apache(s, path.join(logs, 'elastic_apache_access', 'apache_logs'))],
    ['nginxplus', () => NginxPlus(s, path.join(json, 'elastic_nginxplus', 'nginxplus_json_logs.jsonl'))],
    ['otlp', () => Otlp(s, path.join(json, 'otlp_examples'))],
  ]) {
    try {
      await fn();
    } catch (e) {
      results.Check(`${name}: ran to the end`, e?.stack ?? String(e));
    }
  }
  s.FinishKnownBugs();
  peer.Close();
  if (args.keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  results.Finish(started, 'samples');
}

Main().catch((e) => {
  console.log(`FAIL: ${e?.stack ?? e}`);
  process.exit(1);
});
