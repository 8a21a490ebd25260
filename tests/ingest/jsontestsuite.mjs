#!/usr/bin/env node
// JSONTestSuite (../shared/data/json/JSONTestSuite/test_parsing) through `lakewatch ingest
// --input-format json`: the file-name prefix is the oracle.
//
// Usage: node tests/ingest/jsontestsuite.mjs [--lakewatch BUILD/lakewatch] [--keep] [--verbose]
// Needs the shared data (exits 77 = skipped without it); needs no npm package.
//
//   y_*  (must be accepted): 0 quarantined records and one row per record, where (the reader's
//        documented rule, src/ingest/json_reader.h) a top-level array's elements are the
//        records and any other value is one record: at least 1 row, except for a top-level
//        empty array (`[]`: no record; noted). A record that is not an object is stored as a
//        field `_value` (src/ingest/record_builder.h); what each such file gave is printed.
//        The rows' values (columns, with `_rest` put back) equal the file's records as node's
//        JSON.parse reads them (null members and key order aside);
//   n_*  (must be rejected): at least 1 quarantined record with a non-empty reason, 0 rows;
//   i_*  (implementation-defined): exit status 0 or 1, never a crash (signal, exit ≥ 2) or a
//        hang (timeout); whether each was accepted or rejected is printed.
// Files are batched: one ingest run per prefix with every file of it as a source, each row's
// and quarantined record's `_source` says which file it came from. A batch that crashes or
// hangs is bisected down to the files that do it (each reported); a batch that exits 1 has the
// files it did not account for run one by one. Runs in well under a minute.
//
// Exit status: 0 all good, 1 failures, 77 skipped.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  CleanExit, Ingest, NeedSharedData, ParseArgs, Results, RunStatusText, Scan,
} from './ingest_common.mjs';

const kTimeoutMs = 60000;
const kSystemColumns = new Set(['timestamp', 'date', '_source', '_line', '_rest', 'template_id', 'template']);

const IsObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// Canonical text of a JSON value: object keys sorted, null members dropped (a struct column
// lists every field, the input only some), numbers as JSON numbers.
function Canon(v) {
  if (Array.isArray(v)) return `[${v.map(Canon).join(',')}]`;
  if (IsObject(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== null).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${Canon(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

// lakewatch's column name for a top-level key (src/ingest/record_builder.h: the characters
// Delta refuses become '_', the empty name is _empty, system column names get a trailing '_').
function OurName(key) {
  if (key === '') return '_empty';
  const n = key.replace(/[ ,;{}()\n\t=]/g, '_');
  return kSystemColumns.has(n) ? `${n}_` : n;
}

// A scanned row -> the record it stores: for every key the records of the file have, the
// column of that name, then the _rest entries (JSON Pointer -> value) put back.
function RowTree(row, records) {
  const keys = new Set(['_value']);
  for (const rec of records) if (IsObject(rec)) for (const k of Object.keys(rec)) keys.add(k);
  const tree = {};
  for (const k of keys) if (OurName(k) in row) tree[k] = row[OurName(k)];
  if (row._rest) {
    for (const [ptr, v] of Object.entries(JSON.parse(row._rest))) {
      const parts = ptr.split('/').slice(1).map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
      let cur = tree;
      for (let i = 0; i < parts.length - 1; i++) {
        if (cur[parts[i]] === null || typeof cur[parts[i]] !== 'object') cur[parts[i]] = /^\d+$/.test(parts[i + 1]) ? [] : {};
        cur = cur[parts[i]];
      }
      cur[parts[parts.length - 1]] = v;
    }
  }
  return tree;
}

// One ingest run of `files` into table `table` of a fresh data directory `data`; returns
// { run, summary, rows: Map(basename → count), quarantined: Map(basename → [reason]),
//   columns: Map(basename → Set of columns with a non-null value) }.
async function IngestBatch(args, data, table, files) {
  rmSync(data, { recursive: true, force: true });
  const ing = await Ingest(args.lakewatch, data, table, files, ['--input-format', 'json'], { timeoutMs: kTimeoutMs });
  const out = { run: ing.run, summary: ing.summary, rows: new Map(), quarantined: new Map(), columns: new Map(), values: new Map(),
                records: new Map() };
  if (!CleanExit(ing.run)) return out;
  const scan = await Scan(args.lakewatch, data, table);
  for (const r of scan.rows ?? []) {
    const f = path.basename(String(r._source));
    out.rows.set(f, (out.rows.get(f) ?? 0) + 1);
    const cols = out.columns.get(f) ?? new Set();
    const vals = out.values.get(f) ?? [];
    for (const [k, v] of Object.entries(r)) {
      if (v !== null && !['_source', '_line', 'date'].includes(k)) {
        cols.add(k);
        vals.push(`${k}=${JSON.stringify(v).slice(0, 60)}`);
      }
    }
    out.columns.set(f, cols);
    out.values.set(f, vals);
    out.records.set(f, [...(out.records.get(f) ?? []), r]);
  }
  const qt = ing.summary?.quarantine_table ?? `${table}_quarantine`;
  const q = await Scan(args.lakewatch, data, qt, { columns: ['_source', 'reason'] });
  for (const r of q.rows ?? []) {
    const f = path.basename(String(r._source));
    const list = out.quarantined.get(f) ?? [];
    list.push(r.reason);
    out.quarantined.set(f, list);
  }
  return out;
}

// Runs `files` as one batch; a crash or hang is bisected to single files. Returns
// { perFile: Map(basename → { rows, quarantined: [reasons], columns, values, crash: text|null,
//   exit }), batches }.
async function RunGroup(args, dir, table, files, results) {
  const perFile = new Map();
  let batches = 0;
  const Visit = async (list) => {
    batches++;
    const data = path.join(dir, `${table}-${batches}`);
    const b = await IngestBatch(args, data, table, list);
    if (!CleanExit(b.run)) {
      if (list.length === 1) {
        perFile.set(path.basename(list[0]), { crash: `${RunStatusText(b.run, kTimeoutMs)}: ${b.run.stderr.trim().slice(0, 300)}`,
                                              rows: 0, quarantined: [], exit: b.run.code });
        return;
      }
      const mid = Math.floor(list.length / 2);
      await Visit(list.slice(0, mid));
      await Visit(list.slice(mid));
      return;
    }
    const unaccounted = [];
    for (const f of list) {
      const name = path.basename(f);
      const rows = b.rows.get(name) ?? 0;
      const quarantined = b.quarantined.get(name) ?? [];
      if (b.run.code !== 0 && rows === 0 && quarantined.length === 0 && list.length > 1) {
        unaccounted.push(f);
        continue;
      }
      perFile.set(name, { crash: null, rows, quarantined, columns: b.columns.get(name) ?? new Set(), records: b.records.get(name) ?? [],
                          values: b.values.get(name) ?? [], exit: b.run.code,
                          stderr: b.run.code !== 0 ? b.run.stderr.trim().slice(0, 300) : '' });
    }
    if (!args.keep) rmSync(data, { recursive: true, force: true });
    if (unaccounted.length) {
      results.Note(`${table}: batch of ${list.length} exited ${b.run.code} (${b.run.stderr.trim().slice(0, 200)}); ` +
                   `${unaccounted.length} files without rows or quarantine run one by one`);
      for (const f of unaccounted) await Visit([f]);
    }
  };
  await Visit(files);
  return { perFile, batches };
}

async function Main() {
  const suite = NeedSharedData('json', 'JSONTestSuite', 'test_parsing');
  const args = ParseArgs(process.argv.slice(2));
  const started = Date.now();
  const results = new Results(args.verbose);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lakewatch-jsontestsuite-'));
  const all = readdirSync(suite).filter((f) => /^[yni]_.*\.json$/.test(f)).sort();
  const groups = { y: [], n: [], i: [] };
  for (const f of all) groups[f[0]].push(path.join(suite, f));
  console.log(`JSONTestSuite: ${groups.y.length} y_, ${groups.n.length} n_, ${groups.i.length} i_ files`);
  try {
    for (const prefix of ['y', 'n', 'i']) {
      const { perFile, batches } = await RunGroup(args, dir, `suite_${prefix}`, groups[prefix], results);
      console.log(`\n${prefix}_: ${groups[prefix].length} files in ${batches} ingest run(s)`);
      const failures = [];
      const lines = [];
      const emptyArrays = [];
      for (const f of groups[prefix]) {
        const name = path.basename(f);
        const r = perFile.get(name);
        if (!r) { failures.push(`${name}: no result`); continue; }
        if (r.crash) { failures.push(`${name}: ${r.crash}`); continue; }
        if (prefix === 'y') {
          // Records by the documented rule (src/ingest/json_reader.h): a top-level array's
          // elements are the records, any other value is one record (node's JSON.parse accepts
          // every y_ file).
          const doc = JSON.parse(readFileSync(f, 'utf8'));
          const want = Array.isArray(doc) ? doc.length : 1;
          if (r.quarantined.length || r.rows !== want) {
            failures.push(`${name}: ${r.rows} rows (expected ${want}), ${r.quarantined.length} quarantined ` +
                          `(${r.quarantined.map((x) => JSON.stringify(x)).join('; ')}) exit ${r.exit} ${r.stderr ?? ''}`);
          }
          if (want === 0) emptyArrays.push(name);
          // The values: each row (columns + the _rest overlay) equals a record of the file.
          const expected = (Array.isArray(doc) ? doc : [doc]).map((v) => Canon(IsObject(v) ? v : { _value: v })).sort();
          const got = r.records.map((row) => Canon(RowTree(row, Array.isArray(doc) ? doc : [doc]))).sort();
          if (r.quarantined.length === 0 && r.rows === want && JSON.stringify(got) !== JSON.stringify(expected)) {
            failures.push(`${name}: values ${got.join(' ')} vs the file's ${expected.join(' ')}`);
          }
          const text = readFileSync(f, 'latin1').trim();
          if (!text.startsWith('{') || args.verbose) {
            lines.push(`  ${name} ${JSON.stringify(text.slice(0, 40))}: ${r.rows} row(s); ${r.values.join(', ') || 'no non-null column'}`);
          }
        } else if (prefix === 'n') {
          const badReasons = r.quarantined.filter((x) => typeof x !== 'string' || x.trim() === '');
          if (r.rows !== 0 || r.quarantined.length < 1 || badReasons.length) {
            failures.push(`${name}: ${r.rows} rows (${r.values.join(', ').slice(0, 120)}), ${r.quarantined.length} quarantined, ` +
                          `exit ${r.exit} ${r.stderr ?? ''}`);
          } else if (args.verbose) {
            lines.push(`  ${name}: ${r.quarantined.map((x) => JSON.stringify(x)).join('; ')}`);
          }
        } else {
          const verdict = r.quarantined.length && !r.rows ? 'rejected' : r.rows && !r.quarantined.length ? 'accepted'
            : r.rows ? 'partly accepted' : `neither (exit ${r.exit})`;
          lines.push(`  ${name}: ${verdict}; ${r.rows} row(s), ${r.quarantined.length} quarantined` +
                     `${r.quarantined.length ? ` (${JSON.stringify(r.quarantined[0]).slice(0, 100)})` : ''}`);
        }
      }
      if (lines.length) console.log(lines.join('\n'));
      if (emptyArrays.length) {
        results.Note(`${emptyArrays.join(', ')}: a top-level empty array holds no record: 0 rows, 0 quarantined (accepted)`);
      }
      const what = { y: 'accepted: one row per record, 0 quarantined', n: 'rejected: quarantined with a reason, 0 rows',
                     i: 'no crash, no hang (exit 0 or 1)' }[prefix];
      results.Check(`${prefix}_ files ${what} (${groups[prefix].length - failures.length}/${groups[prefix].length})`,
                    failures.length ? failures.join('\n') : null, '');
    }
  } catch (e) {
    results.Check('jsontestsuite ran to the end', e?.stack ?? String(e));
  }
  if (args.keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  results.Finish(started, 'jsontestsuite');
}

Main().catch((e) => {
  console.log(`FAIL: ${e?.stack ?? e}`);
  process.exit(1);
});
