#!/usr/bin/env node
// Parquet conformance: lakewatch's reader against DuckDB on apache/parquet-testing.
//
// Usage: node tests/conformance/parquet_conformance.mjs [--lakewatch BUILD/lakewatch]
//          [--corpus DIR] [--only SUBSTRING] [--verbose]
// Run from the repository root (ctest does); the corpus defaults to
// ../shared/data/conformance/parquet-testing (see its SOURCES.md).
//
// What it checks
//  1. data/*.parquet: `lakewatch parquet cat F --format jsonl` must print the same column names
//     and the same rows, in file order, as DuckDB's `SELECT * FROM read_parquet(F)` (one DuckDB
//     instance, threads=1, in this process). Values compare semantically and by type; every
//     normalization is generic and documented in compare.mjs (FLOAT via Math.fround, UINT_64 as
//     decimal(20,0), decimals by value, timestamps with/without Z, INT96 beyond the int64-ns
//     range, maps as entry sets, MAP without value = list of keys).
//     Where DuckDB cannot read a file (unsupported codec or encoding; the table says which),
//     hyparquet (npm, independent pure-JS reader) is the oracle instead.
//  2. Files lakewatch refuses on purpose are listed in kExpectedFailures (expectations.mjs) with
//     the reason and the substring the one-line error must contain. Any other failure fails the
//     test, and so does a listed file that suddenly reads ("unexpected pass": update the list).
//  3. *_expect.csv files (the delta-encoding files): our rows must equal the CSV content,
//     column by column in position (headers differ in spacing from the Parquet names); an
//     unquoted empty field is null.
//     Columns stored twice as P_plain / P_byte_stream_split must hold equal values.
//  4. bad_data/*.parquet: exit status 1 with a one-line error on stderr within 10 s; a crash
//     (signal), an internal error (status >= 2), a hang or a multi-line stderr (e.g. a sanitizer
//     report) fails. ARROW-GH-43605.parquet (RLE dictionary indices with bit width 0, which the
//     spec allows: all indices are 0) may instead read; then its rows must equal DuckDB's. The
//     outcome is printed.
// Exit status: 0 all good, 1 failures, 77 corpus absent (ctest SKIP_RETURN_CODE).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { JsonText } from '../peers/canonical.mjs';
import { DuckDBPeer } from '../peers/duckdb_query.mjs';
import {
  CompareTables,
  Diffs,
  DiffsText,
  DuckRead,
  LakewatchCat,
  OracleRead,
  ToleratedText,
} from './compare.mjs';
import { kBadDataMayRead, kDefaultCorpus, kExpectedFailures } from './expectations.mjs';

const kBadDataTimeoutMs = 10000;

function ParseArgs(argv) {
  const args = { lakewatch: 'build/lakewatch', corpus: kDefaultCorpus,
                 only: null, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--lakewatch') args.lakewatch = argv[++i];
    else if (a === '--corpus') args.corpus = argv[++i];
    else if (a === '--only') args.only = argv[++i];
    else if (a === '--verbose') args.verbose = true;
    else {
      process.stderr.write(`parquet_conformance: unknown argument '${a}'\n`);
      process.exit(2);
    }
  }
  return args;
}

function Indent(text, prefix = '      ') {
  return text.split('\n').map((l) => prefix + l).join('\n');
}

function FirstLine(s) {
  return s.trim().split('\n')[0] ?? '';
}

// RFC 4180-ish CSV: returns rows of fields; a field is a string, or null when empty and unquoted.
export function ParseCsv(text) {
  const rows = [];
  let row = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let field;
    if (text[i] === '"') {
      let j = i + 1;
      let s = '';
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new Error('CSV: unterminated quote');
        s += text.slice(j, q);
        if (text[q + 1] === '"') { s += '"'; j = q + 2; continue; }
        i = q + 1;
        break;
      }
      field = s;
    } else {
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') j++;
      field = j === i ? null : text.slice(i, j);
      i = j;
    }
    row.push(field);
    if (text[i] === ',') { i++; continue; }
    if (text[i] === '\r') i++;
    if (text[i] === '\n' || i >= n) {
      i++;
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

// Our rows (Maps) vs an expect.csv file, positionally.
function CompareExpectCsv(names, rows, csvPath) {
  const diffs = new Diffs();
  const csv = ParseCsv(readFileSync(csvPath, 'utf8'));
  const header = csv.shift();
  if (header.length !== names.length) {
    diffs.Add('columns', `CSV has ${header.length} columns, lakewatch ${names.length}`);
    return diffs;
  }
  for (let c = 0; c < names.length; c++) {
    const h = String(header[c]).trim();
    if (h !== names[c] && h !== names[c].replace(/:$/, '')) {
      diffs.Add('columns', `CSV column ${c} is '${header[c]}', lakewatch '${names[c]}'`);
    }
  }
  if (csv.length !== rows.length) diffs.Add('rows', `CSV ${csv.length} rows, lakewatch ${rows.length}`);
  for (let r = 0; r < Math.min(csv.length, rows.length); r++) {
    for (let c = 0; c < names.length; c++) {
      const v = rows[r].get(names[c]);
      const f = csv[r][c];
      const ok = f === null ? v === null
                            : (typeof v === 'bigint' ? /^-?\d+$/.test(f) && BigInt(f) === v
                                                     : v === f);
      if (!ok) diffs.Add(`row ${r} ${names[c]}`, `lakewatch ${String(v)}, CSV ${JSON.stringify(f)}`);
    }
  }
  return diffs;
}

// Files that store the same data twice, as columns P_plain and P_byte_stream_split
// (byte_stream_split_extended): lakewatch must decode both encodings to the same values.
function ComparePairedEncodings(names, rows) {
  const diffs = new Diffs();
  let pairs = 0;
  for (const plain of names.filter((n) => n.endsWith('_plain'))) {
    const other = plain.replace(/_plain$/, '_byte_stream_split');
    if (!names.includes(other)) continue;
    pairs++;
    rows.forEach((row, r) => {
      const a = JsonText(row.get(plain));
      const b = JsonText(row.get(other));
      if (a !== b) diffs.Add(`row ${r}`, `${plain} ${a} but ${other} ${b}`);
    });
  }
  return { pairs, diffs };
}

// The one-line-error rule for refused files.
function CleanErrorProblem(run, { timeoutMs } = {}) {
  if (run.spawnError) return `could not run lakewatch: ${run.stderr}`;
  if (run.timedOut) return `no answer within ${timeoutMs / 1000} s (killed)`;
  if (run.signal) return `killed by ${run.signal} (crash)`;
  if (run.code !== 1) return `exit status ${run.code}, expected 1`;
  const lines = run.stderr.split('\n').filter((l) => l.length);
  if (lines.length !== 1) return `stderr has ${lines.length} lines, expected 1:\n${run.stderr}`;
  return null;
}

async function Main() {
  const args = ParseArgs(process.argv.slice(2));
  const dataDir = path.join(args.corpus, 'data');
  const badDir = path.join(args.corpus, 'bad_data');
  if (!existsSync(dataDir)) {
    console.log('SKIP: ../shared/data/conformance not found');
    process.exit(77);
  }
  if (!existsSync(args.lakewatch)) {
    console.log(`FAIL: lakewatch binary not found at ${args.lakewatch}`);
    process.exit(1);
  }
  const started = Date.now();
  const peer = await DuckDBPeer.Create({ threads: 1 });
  const results = [];  // { file, status, detail }
  const Report = (file, status, detail = '') => {
    results.push({ file, status, detail });
    const bad = status.startsWith('FAIL');
    console.log(`${status.padEnd(16)} ${file}${detail && (bad || args.verbose) ? '\n' + Indent(detail)
                                                                             : ''}`);
  };
  const Wanted = (f) => !args.only || f.includes(args.only);

  // ---- data/
  const files = readdirSync(dataDir).filter((f) => f.endsWith('.parquet') && Wanted(f)).sort();
  for (const name of files) {
    const file = path.join(dataDir, name);
    const [ours, oracle] = await Promise.all([LakewatchCat(args.lakewatch, file),
                                              OracleRead(peer, file)]);
    const expected = kExpectedFailures[name];
    if (expected) {
      if (ours.run.code === 0) {
        Report(name, 'FAIL unexp. pass', `listed as an expected failure (${expected.reason}) ` +
               'but lakewatch read it: update kExpectedFailures');
        continue;
      }
      const problem = CleanErrorProblem(ours.run, { timeoutMs: 60000 }) ??
                      (ours.run.stderr.includes(expected.error)
                        ? null : `error lacks '${expected.error}': ${FirstLine(ours.run.stderr)}`);
      if (problem) Report(name, 'FAIL wrong error', problem);
      else Report(name, 'expected fail', `${expected.reason}: ${FirstLine(ours.run.stderr)}`);
      continue;
    }
    if (ours.run.code !== 0) {
      Report(name, 'FAIL read error',
             `exit ${ours.run.code ?? ours.run.signal}: ${ours.run.stderr.trim()}`);
      continue;
    }
    if (!oracle.table) {
      Report(name, 'FAIL no oracle',
             `DuckDB: ${oracle.duckError}\nhyparquet: ${oracle.hyparquetError}`);
      continue;
    }
    const diffs = CompareTables(ours, oracle.table);
    let csvNote = '';
    const csvPath = file.replace(/\.parquet$/, '_expect.csv');
    if (existsSync(csvPath)) {
      const csvDiffs = CompareExpectCsv(ours.names, ours.rows, csvPath);
      if (!csvDiffs.ok) {
        Report(name, 'FAIL expect.csv', DiffsText(csvDiffs));
        continue;
      }
      csvNote = `, = ${path.basename(csvPath)}`;
    }
    const paired = ComparePairedEncodings(ours.names, ours.rows);
    if (!paired.diffs.ok) {
      Report(name, 'FAIL encodings', DiffsText(paired.diffs));
      continue;
    }
    if (paired.pairs) csvNote += `, ${paired.pairs} PLAIN/BYTE_STREAM_SPLIT column pairs equal`;
    const via = oracle.oracle === 'duckdb' ? 'DuckDB' : `hyparquet (DuckDB: ${oracle.duckError})`;
    if (!diffs.ok) {
      Report(name, 'FAIL differs', `oracle ${via}\n${DiffsText(diffs)}`);
      continue;
    }
    const tolerated = diffs.tolerated.size ? `; tolerated: ${ToleratedText(diffs)}` : '';
    Report(name, oracle.oracle === 'duckdb' ? 'equal' : 'equal*',
           `${ours.rows.length} rows = ${via}${csvNote}${tolerated}`);
  }

  // ---- bad_data/
  const badFiles = existsSync(badDir)
    ? readdirSync(badDir).filter((f) => f.endsWith('.parquet') && Wanted(f)).sort() : [];
  for (const name of badFiles) {
    const file = path.join(badDir, name);
    const ours = await LakewatchCat(args.lakewatch, file, { timeoutMs: kBadDataTimeoutMs });
    const { run } = ours;
    if (run.code === 0 && kBadDataMayRead[name]) {
      let duck;
      try {
        duck = await DuckRead(peer, file);
      } catch (e) {
        Report(`bad_data/${name}`, 'FAIL no oracle', `read it, but DuckDB fails: ${e.message}`);
        continue;
      }
      const diffs = CompareTables(ours, duck);
      if (diffs.ok) {
        Report(`bad_data/${name}`, 'read = DuckDB',
               `${kBadDataMayRead[name]}: lakewatch reads ${ours.rows.length} rows, equal to DuckDB`);
      } else {
        Report(`bad_data/${name}`, 'FAIL differs', `read it but differs from DuckDB:\n` +
               DiffsText(diffs));
      }
      continue;
    }
    const problem = CleanErrorProblem(run, { timeoutMs: kBadDataTimeoutMs });
    if (problem) Report(`bad_data/${name}`, 'FAIL not clean', problem);
    else Report(`bad_data/${name}`, 'clean error', FirstLine(run.stderr));
  }
  peer.Close();

  // ---- summary
  const count = (pred) => results.filter((r) => pred(r.status)).length;
  const failures = results.filter((r) => r.status.startsWith('FAIL'));
  console.log('\nsummary:');
  console.log(`  data/: ${count((s) => s === 'equal')} equal to DuckDB, ` +
              `${count((s) => s === 'equal*')} equal to hyparquet (DuckDB cannot read them), ` +
              `${count((s) => s === 'expected fail')} expected failures`);
  console.log(`  bad_data/: ${count((s) => s === 'clean error')} clean errors, ` +
              `${count((s) => s === 'read = DuckDB')} read and equal to DuckDB`);
  for (const r of results.filter((x) => x.status === 'expected fail')) {
    console.log(`  expected failure ${r.file}: ${r.detail}`);
  }
  for (const name of Object.keys(kBadDataMayRead)) {
    const r = results.find((x) => x.file === `bad_data/${name}`);
    if (r) console.log(`  bad_data/${name}: ${r.status === 'read = DuckDB' ? 'read, rows equal to DuckDB' : r.status}: ${r.detail}`);
  }
  for (const r of results.filter((x) => x.status === 'equal*' || x.detail.includes('tolerated'))) {
    console.log(`  note ${r.file}: ${r.detail}`);
  }
  console.log(`  ${failures.length} failures; ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(failures.length ? 1 : 0);
}

Main().catch((e) => {
  console.log(`FAIL: ${e?.stack ?? e}`);
  process.exit(1);
});
