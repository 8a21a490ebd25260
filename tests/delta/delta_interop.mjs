#!/usr/bin/env node
// Delta interop: the tables lakewatch writes, read by readers that share no code with it.
//
// Usage: node tests/delta/delta_interop.mjs [--lakewatch BUILD/lakewatch] [--keep] [--verbose]
// Run from the repository root (ctest does). Needs node_modules (npm @duckdb/node-api, hyparquet).
//
// Tables are built with the lakewatch CLI only, from Parquet inputs that DuckDB writes from
// generated JSON lines and `lakewatch parquet convert` rewrites with lakewatch's writer:
//  - `events`: unpartitioned, nested (struct, list) and typed columns; 14 appends (so commit 10
//    writes a checkpoint by itself), a new column added by the 6th and a new field inside a
//    struct column by the 9th (schema evolution), then
//    `table optimize`, `table checkpoint`, two more appends, `table vacuum --retain-hours 0 --force`;
//  - `parts`: partitioned by a string, an int, a date and a timestamp column, with nulls and
//    values that need escaping (space, '/', '%', '=', ',', '#', '?', ':', '\', a literal "%41",
//    non-ASCII), an empty string (a null partition value by PROTOCOL.md "Partition Value
//    Serialization") and a value longer than the writer's 64-byte statistics bound; 13 appends,
//    optimize, checkpoint, one more append, vacuum.
// Some `events` appends carry a txn (--txn-app-id), so checkpoints hold txn actions too.
// At several versions (before and after each checkpoint, optimize and vacuum) it checks:
//  1. an independent log replay written here (PROTOCOL.md "Action Reconciliation": the newest
//     checkpoint at or before the version, read with hyparquet, then the JSON commits after it;
//     files keyed by URI-decoded path, newest action wins) gives the same live files — path,
//     size, stats numRecords, partition values, modificationTime — as `lakewatch table files
//     --version V --format jsonl`; a second replay from the JSON commits alone (no checkpoint)
//     agrees with the first on the add actions (all fields but dataChange), protocol, metaData
//     and txn versions;
//  2. every live file exists at its decoded path with the logged size, DuckDB reads it, and its
//     numRecords equals DuckDB's row count; the rows DuckDB reads from all live files (partition
//     columns from the log's partitionValues, typed by the schema; a column added after a file
//     was written reads as null) equal `lakewatch table scan --version V --format jsonl` as a
//     multiset; where a data file also holds a partition column, its values equal the log's;
//  3. every checkpoint has the columns and field types PROTOCOL.md "Checkpoint Schema" requires
//     (txn, add, remove, metaData, protocol with their fields), one action per row, and
//     `_last_checkpoint` names the newest checkpoint with its action count;
//  4. every commit starts with commitInfo, version 0 holds protocol and metaData, add paths are
//     relative and decode to files under the table;
//  5. vacuum deletes exactly the files no live add references, and keeps every live one.
// DuckDB's `delta` extension is used as a third reader only if it is already installed (never
// installed by this test): `delta_scan` must then return the same rows.
// Known lakewatch bugs found this way are reproduced as expected failures (kExpectedFailures).
// Exit status: 0 all good, 1 failures, 77 node_modules missing (ctest SKIP_RETURN_CODE).

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync,
         writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { JsonText, TimestampMillisText } from '../peers/canonical.mjs';

// The npm peers, imported by Main once it knows node_modules is there (else: exit 77).
const kPeers = {};

// ---------------------------------------------------------------- table definitions

// Spark schema JSON of a list of [name, type] with every field nullable.
function SparkSchema(fields) {
  return {
    type: 'struct',
    fields: fields.map(([name, type]) => ({ name, type, nullable: true, metadata: {} })),
  };
}

const kEventsFields = [
  ['id', 'long'],
  ['model', 'string'],
  ['score', 'double'],
  ['label', 'integer'],
  ['day', 'date'],
  ['ts', 'timestamp'],
  ['features', { type: 'struct', fields: [
    { name: 'amount', type: 'double', nullable: true, metadata: {} },
    { name: 'country', type: 'string', nullable: true, metadata: {} }] }],
  ['tags', { type: 'array', elementType: 'string', containsNull: true }],
];
// DuckDB types for read_json(columns=...) of each column (TIMESTAMPTZ: UTC-adjusted in Parquet,
// which is Delta's `timestamp`).
const kDuckTypes = {
  id: 'BIGINT', model: 'VARCHAR', score: 'DOUBLE', label: 'INTEGER', day: 'DATE',
  ts: 'TIMESTAMPTZ', features: 'STRUCT(amount DOUBLE, country VARCHAR)', tags: 'VARCHAR[]',
  latency_ms: 'BIGINT', region: 'VARCHAR', bucket: 'INTEGER', hour: 'TIMESTAMPTZ',
  value: 'DOUBLE',
};
// Added by later appends of `events` (schema evolution): a top-level column from the 6th, a
// field inside the `features` struct from the 9th (files written as kNestedEvolvedTypes).
const kEvolvedColumn = 'latency_ms';
const kNestedEvolvedTypes = { ...kDuckTypes,
                              features: 'STRUCT(amount DOUBLE, country VARCHAR, device VARCHAR)' };

const kPartsFields = [['id', 'long'], ['value', 'double'], ['region', 'string'],
                      ['bucket', 'integer'], ['day', 'date'], ['hour', 'timestamp']];
const kPartitionColumns = ['region', 'bucket', 'day', 'hour'];
// One tuple per partition: [region, bucket, day, hour]; null = the null partition value.
const kPartitions = [
  ['us east', 1, '2025-01-01', '2025-01-01 10:00:00'],
  ['a/b', -7, '1999-12-31', '2025-01-01 10:30:00.123456'],
  ['100%', 0, null, null],
  ['k=v', null, '2025-02-28', '1970-01-01 00:00:00'],
  ['Zürich 東京', 2147483647, '2025-03-01', '2025-03-01 23:59:59.999999'],
  [null, 3, '2025-01-01', '2025-01-01 10:00:00'],
  ['a,b:c#d?e\\f', -2147483648, '2024-02-29', '2000-01-01 00:00:00.000001'],
  ['%41 +x', 5, '1900-01-01', '1969-12-31 23:59:59'],
  ['', 9, '2025-01-01', '2025-01-01 10:00:00'],  // "" is a null partition value (PROTOCOL.md)
  // Longer than the 64 bytes up to which lakewatch's Parquet writer keeps min/max statistics.
  [`long ${'r'.repeat(80)}`, 10, '2025-01-02', '2025-01-02 00:00:00'],
];

// ---------------------------------------------------------------- small helpers

function ParseArgs(argv) {
  try {
    return parseArgs({ args: argv, options: {
      lakewatch: { type: 'string', default: 'build/lakewatch' },
      keep: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    } }).values;
  } catch (e) {
    process.stderr.write(`delta_interop: ${e.message}\n`);
    process.exit(2);
  }
}

// Deterministic pseudo-random numbers (mulberry32), so a failure reproduces.
function Random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function SqlString(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

function SqlIdent(s) {
  return `"${s.replaceAll('"', '""')}"`;
}

// A canonical tree with JS Maps (ParseJson) -> the same tree with plain objects.
function Plain(v) {
  if (v instanceof Map) {
    const out = {};
    for (const [k, x] of v) out[k] = Plain(x);
    return out;
  }
  if (Array.isArray(v)) return v.map(Plain);
  return v;
}

// Counts of each string of `list`.
function Counts(list) {
  const m = new Map();
  for (const x of list) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

// Multiset difference report of two lists of strings: '' when equal.
function MultisetDiff(actual, expected, limit = 5) {
  const a = Counts(actual);
  const e = Counts(expected);
  const lines = [];
  for (const [k, n] of e) {
    const got = a.get(k) ?? 0;
    if (got < n) lines.push(`missing ${n - got}× ${k}`);
  }
  for (const [k, n] of a) {
    const want = e.get(k) ?? 0;
    if (n > want) lines.push(`unexpected ${n - want}× ${k}`);
  }
  if (!lines.length) return '';
  const more = lines.length > limit ? `\n… ${lines.length - limit} more` : '';
  const shown = lines.slice(0, limit).join('\n');
  return `${actual.length} rows, expected ${expected.length}:\n${shown}${more}`;
}

// "2025-01-01 10:00:00[.ffffff]" or "2025-01-01T10:00:00[.ffffff][Z]" -> RFC 3339 UTC text with
// microseconds, the form lakewatch and the peers print.
function TimestampText(s) {
  const kForm = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]00(?::?00)?)?$/;
  const m = kForm.exec(s);
  if (!m) throw new Error(`partition value '${s}' is not a timestamp`);
  return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(6, '0')}Z`;
}

// A partition value as logged (string or null) -> the canonical value of its column type.
// PROTOCOL.md "Partition Value Serialization": an empty string is a null partition value.
function TypedPartitionValue(text, type) {
  if (text === null || text === undefined || text === '') return null;
  switch (type) {
    case 'string': return text;
    case 'integer':
    case 'long': return BigInt(text);
    case 'date': return text;
    case 'timestamp': return TimestampText(text);
    default: throw new Error(`partition column type ${type} not handled by this test`);
  }
}

// ---------------------------------------------------------------- results

class Results {
  constructor(verbose) {
    this.verbose_ = verbose;
    this.failures = [];
    this.passes = 0;
    this.expected = 0;
  }
  // A known bug (kExpectedFailures) that still reproduces: reported, not a failure.
  ExpectedFailure(what, reason) {
    this.expected++;
    console.log(`xfail ${what}\n      ${reason}`);
  }
  Check(what, problem, detail = '') {
    if (problem) {
      this.failures.push(what);
      console.log(`FAIL  ${what}\n      ${String(problem).split('\n').join('\n      ')}`);
    } else {
      this.passes++;
      if (this.verbose_ || detail) console.log(`ok    ${what}${detail ? ': ' + detail : ''}`);
    }
  }
}

// ---------------------------------------------------------------- building tables

class Builder {
  constructor(args, peer, dir) {
    this.lakewatch_ = args.lakewatch;
    this.peer_ = peer;
    this.dir_ = dir;
    this.inputs_ = 0;
  }

  // Runs lakewatch; throws with its stderr on a non-zero exit. Returns stdout.
  async Lw(args) {
    const run = await kPeers.Run(this.lakewatch_, args, { timeoutMs: 120000 });
    if (run.code !== 0) {
      throw new Error(`lakewatch ${args.join(' ')}: exit ${run.code ?? run.signal}: ` +
                      run.stderr.trim());
    }
    return run.stdout;
  }

  // Writes `rows` (plain objects) as a Parquet file of lakewatch's writer with the columns
  // `names` of DuckDB types `types` (DuckDB writes them, `lakewatch parquet convert` rewrites
  // them). Returns its path.
  async Input(rows, names, types = kDuckTypes) {
    const n = this.inputs_++;
    const jsonl = path.join(this.dir_, `in-${n}.jsonl`);
    const raw = path.join(this.dir_, `in-${n}.duckdb.parquet`);
    const out = path.join(this.dir_, `in-${n}.parquet`);
    writeFileSync(jsonl, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const columns = names.map((c) => `${SqlString(c)}: ${SqlString(types[c])}`).join(', ');
    await this.peer_.Query(
      `COPY (SELECT * FROM read_json(${SqlString(jsonl)}, format = 'newline_delimited',
                                     columns = {${columns}}))
       TO ${SqlString(raw)} (FORMAT parquet)`);
    await this.Lw(['parquet', 'convert', raw, out]);
    rmSync(jsonl);
    rmSync(raw);
    return out;
  }

  async Create(table, fields, partitionBy = []) {
    const schema = path.join(this.dir_, `${path.basename(table)}.schema.json`);
    writeFileSync(schema, JSON.stringify(SparkSchema(fields)));
    const args = ['table', 'create', table, '--schema', schema];
    if (partitionBy.length) args.push('--partition-by', partitionBy.join(','));
    await this.Lw(args);
    return table;
  }

  // Appends `files` in one commit; `txn` = [appId, version] makes it an idempotent batch.
  async Append(table, files, txn = null) {
    const batch = txn ? ['--txn-app-id', txn[0], '--txn-version', String(txn[1])] : [];
    await this.Lw(['table', 'append', table, ...files, ...batch]);
    for (const f of files) rmSync(f);
  }
}

// Rows of `events`; withLatency: with kEvolvedColumn; withDevice: features.device too.
function EventRows(rand, first, count, withLatency, withDevice = false) {
  const rows = [];
  for (let i = 0; i < count; i++) {
    const id = first + i;
    const r = {
      id,
      model: rand() < 0.1 ? null : `model-${Math.floor(rand() * 4)}`,
      score: rand() < 0.05 ? null : Math.round(rand() * 1e6) / 1e3,
      label: rand() < 0.1 ? null : Math.floor(rand() * 3) - 1,
      day: `2025-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 10)}`,
      ts: `2025-11-24 ${String(Math.floor(rand() * 24)).padStart(2, '0')}:00:0${id % 10}.${
        String(id * 7919 % 1000000).padStart(6, '0')}+00`,
      features: rand() < 0.1 ? null : { amount: Math.round(rand() * 1e4) / 100,
                                        country: rand() < 0.2 ? null : 'DE' },
      tags: rand() < 0.2 ? null : Array.from({ length: Math.floor(rand() * 3) },
                                             (_, k) => (k === 1 ? null : `t${k}`)),
    };
    if (withLatency) r[kEvolvedColumn] = rand() < 0.1 ? null : Math.floor(rand() * 5000);
    if (withDevice && r.features) r.features.device = rand() < 0.3 ? null : 'ios';
    rows.push(r);
  }
  return rows;
}

function PartRows(rand, first, count, partition) {
  const [region, bucket, day, hour] = partition;
  const rows = [];
  for (let i = 0; i < count; i++) {
    rows.push({
      id: first + i,
      value: rand() < 0.1 ? null : Math.round(rand() * 1e5) / 100,
      region, bucket, day,
      hour: hour === null ? null : `${hour}+00`,
    });
  }
  return rows;
}

// ---------------------------------------------------------------- independent log replay

const kCommitName = /^(\d{20})\.json$/;
const kClassicCheckpoint = /^(\d{20})\.checkpoint\.parquet$/;
const kMultiPartCheckpoint = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;

// The `_delta_log` listing: commit versions (ascending) and complete checkpoints
// (version -> part file names in part order).
function ListLog(table) {
  const commits = [];
  const parts = new Map();  // version -> { total, names: Map(part -> name) }
  for (const name of readdirSync(path.join(table, '_delta_log'))) {
    let m;
    if ((m = kCommitName.exec(name))) {
      commits.push(Number(m[1]));
    } else if ((m = kClassicCheckpoint.exec(name))) {
      parts.set(Number(m[1]), { total: 1, names: new Map([[1, name]]) });
    } else if ((m = kMultiPartCheckpoint.exec(name))) {
      const v = Number(m[1]);
      const entry = parts.get(v) ?? { total: Number(m[3]), names: new Map() };
      entry.names.set(Number(m[2]), name);
      parts.set(v, entry);
    }
  }
  commits.sort((a, b) => a - b);
  const checkpoints = new Map();
  for (const [v, { total, names }] of parts) {
    if (names.size === total) checkpoints.set(v, [...names.keys()].sort((a, b) => a - b)
      .map((k) => names.get(k)));
  }
  return { commits, checkpoints };
}

// The actions of one commit file, in file order.
function CommitActions(table, version) {
  const file = path.join(table, '_delta_log', `${String(version).padStart(20, '0')}.json`);
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

// A checkpoint row (hyparquet canonical values: bigint longs, maps as objects) -> an action in
// the JSON form of a commit line; null for a row that holds no action this replay uses.
function ActionFromCheckpointRow(row) {
  const Num = (x) => (x === null || x === undefined ? x : Number(x));
  if (row.add) {
    const a = row.add;
    return { add: { ...a, size: Num(a.size), modificationTime: Num(a.modificationTime),
                    partitionValues: a.partitionValues ?? {} } };
  }
  if (row.remove) return { remove: row.remove };
  if (row.metaData) return { metaData: row.metaData };
  if (row.protocol) return { protocol: row.protocol };
  if (row.txn) return { txn: row.txn };
  return null;
}

// Log replay at `version` (default: the latest). With useCheckpoint, starts from the newest
// complete checkpoint at or before it (read with hyparquet); else from commit 0.
// Returns { version, checkpoint (its version or -1), files: Map(decoded path -> add),
//           metaData, protocol, txns: Map(appId -> version) }.
async function Replay(table, version, { useCheckpoint = true } = {}) {
  const { commits, checkpoints } = ListLog(table);
  const target = version ?? commits[commits.length - 1];
  const state = { version: target, checkpoint: -1, files: new Map(), metaData: null,
                  protocol: null, txns: new Map() };
  const Apply = (action) => {
    if (action.add) state.files.set(decodeURIComponent(action.add.path), action.add);
    else if (action.remove) state.files.delete(decodeURIComponent(action.remove.path));
    else if (action.metaData) state.metaData = action.metaData;
    else if (action.protocol) state.protocol = action.protocol;
    else if (action.txn) state.txns.set(action.txn.appId, Number(action.txn.version));
  };
  if (useCheckpoint) {
    const usable = [...checkpoints.keys()].filter((v) => v <= target);
    if (usable.length) state.checkpoint = Math.max(...usable);
  }
  if (state.checkpoint >= 0) {
    for (const name of checkpoints.get(state.checkpoint)) {
      const { rows } = await kPeers.ReadParquet(path.join(table, '_delta_log', name));
      for (const row of rows) {
        const action = ActionFromCheckpointRow(row);
        if (action) Apply(action);
      }
    }
  }
  for (let v = state.checkpoint + 1; v <= target; v++) {
    if (!commits.includes(v)) throw new Error(`${table}: commit ${v} is missing`);
    for (const action of CommitActions(table, v)) Apply(action);
  }
  return state;
}

// The live files of a replay in the row form of `lakewatch table files --format jsonl`.
function FileLines(state) {
  return [...state.files].map(([p, add]) => {
    const stats = add.stats ? JSON.parse(add.stats) : {};
    const partition = Object.fromEntries(Object.entries(add.partitionValues ?? {})
      .map(([k, v]) => [k, v ?? null]));
    return JsonText({ path: p, size: add.size, rows: stats.numRecords ?? null, partition,
                      modified: TimestampMillisText(add.modificationTime) });
  });
}

// The live adds of a replay in full (as logged: encoded path, partitionValues, size,
// modificationTime, stats, tags) — all but dataChange, which checkpoints may set to false.
function AddLines(state) {
  return [...state.files.values()].map((a) => JsonText({
    path: a.path, partitionValues: a.partitionValues ?? {}, size: Number(a.size),
    modificationTime: Number(a.modificationTime), stats: a.stats ?? null, tags: a.tags ?? null,
  }));
}

// ---------------------------------------------------------------- checks

// PROTOCOL.md "Checkpoint Schema": the columns and fields a classic checkpoint must have, with
// their kinds ('string', 'long', 'int', 'boolean', 'map', 'list' or a nested object = struct).
const kCheckpointSchema = {
  txn: { appId: 'string', version: 'long' },
  add: { path: 'string', partitionValues: 'map', size: 'long', modificationTime: 'long',
         dataChange: 'boolean', stats: 'string' },
  remove: { path: 'string', deletionTimestamp: 'long', dataChange: 'boolean' },
  metaData: { id: 'string', format: { provider: 'string', options: 'map' },
              schemaString: 'string', partitionColumns: 'list', configuration: 'map',
              createdTime: 'long' },
  protocol: { minReaderVersion: 'int', minWriterVersion: 'int' },
};

// The kind of a hyparquet schema node, in the terms of kCheckpointSchema.
function NodeKind(node) {
  const el = node.element;
  const logical = el.logical_type?.type;
  if (node.children.length) {
    if (el.converted_type === 'MAP' || el.converted_type === 'MAP_KEY_VALUE' || logical === 'MAP') {
      return 'map';
    }
    if (el.converted_type === 'LIST' || logical === 'LIST') return 'list';
    return 'struct';
  }
  switch (el.type) {
    case 'INT64': return 'long';
    case 'INT32': return 'int';
    case 'BOOLEAN': return 'boolean';
    case 'BYTE_ARRAY':
      return el.converted_type === 'UTF8' || logical === 'STRING' ? 'string' : 'binary';
    default: return el.type;
  }
}

// Problems of a checkpoint schema node against its spec (recursive).
function SchemaProblems(node, spec, where, out) {
  const children = new Map(node.children.map((c) => [c.element.name, c]));
  for (const [name, want] of Object.entries(spec)) {
    const child = children.get(name);
    if (!child) {
      out.push(`${where}${name} is missing`);
      continue;
    }
    const kind = NodeKind(child);
    if (typeof want === 'object') {
      if (kind !== 'struct') out.push(`${where}${name} is ${kind}, expected a struct`);
      else SchemaProblems(child, want, `${where}${name}.`, out);
    } else if (kind !== want) {
      out.push(`${where}${name} is ${kind}, expected ${want}`);
    }
  }
  // Each row holds one action and leaves the other columns null: those must be optional.
  if (where === '') {
    for (const name of Object.keys(spec)) {
      if (children.get(name)?.element.repetition_type === 'REQUIRED') {
        out.push(`${name} is a required column; it must be optional (one action per row)`);
      }
    }
  }
}

// Checks every checkpoint of `table` and `_last_checkpoint` (point 3 of the header).
async function CheckCheckpoints(table, results, label) {
  const { checkpoints } = ListLog(table);
  if (!checkpoints.size) {
    results.Check(`${label}: checkpoints exist`, 'no checkpoint in _delta_log');
    return;
  }
  for (const [version, names] of checkpoints) {
    const problems = [];
    let actions = 0;
    for (const name of names) {
      const { rows, schema } = await kPeers.ReadParquet(path.join(table, '_delta_log', name));
      SchemaProblems(schema, kCheckpointSchema, '', problems);
      rows.forEach((row, r) => {
        const set = Object.entries(row).filter(([, v]) => v !== null).map(([k]) => k);
        if (set.length !== 1) problems.push(`${name} row ${r}: ${set.length} actions (${set})`);
        actions++;
        const p = row.protocol;
        if (p && Number(p.minReaderVersion) < 3 && p.readerFeatures != null) {
          problems.push(`${name} row ${r}: readerFeatures must be null below reader version 3`);
        }
        if (p && Number(p.minWriterVersion) < 7 && p.writerFeatures != null) {
          problems.push(`${name} row ${r}: writerFeatures must be null below writer version 7`);
        }
      });
    }
    const n = (await Replay(table, version)).files.size;
    const fromJson = (await Replay(table, version, { useCheckpoint: false })).files.size;
    if (n !== fromJson) {
      problems.push(`checkpoint replay has ${n} live files, the JSON commits ${fromJson}`);
    }
    checkpoints.get(version).actions = actions;
    const parts = `${names.length} part${names.length > 1 ? 's' : ''}`;
    results.Check(`${label}: checkpoint ${version} (${parts})`,
                  [...new Set(problems)].join('\n'), `${actions} actions, ${n} live files`);
  }
  const newest = Math.max(...checkpoints.keys());
  let problem = '';
  try {
    const file = path.join(table, '_delta_log', '_last_checkpoint');
    const last = JSON.parse(readFileSync(file, 'utf8'));
    if (Number(last.version) !== newest) {
      problem = `version ${last.version}, newest checkpoint ${newest}`;
    }
    else if (Number(last.size) !== checkpoints.get(newest).actions) {
      problem = `size ${last.size}, checkpoint holds ${checkpoints.get(newest).actions} actions`;
    } else if ((last.parts ?? 1) !== checkpoints.get(newest).length) {
      problem = `parts ${last.parts}, the checkpoint has ${checkpoints.get(newest).length}`;
    }
  } catch (e) {
    problem = `unreadable: ${e.message}`;
  }
  results.Check(`${label}: _last_checkpoint`, problem);
}

// Point 4 of the header: the shape of every commit file.
function CheckCommits(table, results, label) {
  const { commits } = ListLog(table);
  const problems = [];
  commits.forEach((v, i) => {
    if (v !== i) problems.push(`versions not contiguous at ${v}`);
    const actions = CommitActions(table, v);
    if (!actions.length || !actions[0].commitInfo) {
      problems.push(`commit ${v} does not start with commitInfo`);
    }
    if (v === 0 && !(actions.some((a) => a.protocol) && actions.some((a) => a.metaData))) {
      problems.push('commit 0 lacks protocol or metaData');
    }
    for (const a of actions) {
      const file = a.add ?? a.remove;
      if (!file) continue;
      const p = decodeURIComponent(file.path);
      if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(file.path) || p.startsWith('/') ||
          p.split('/').includes('..') || p.split('/').some((s) => s.startsWith('_'))) {
        problems.push(`commit ${v}: path ${file.path} is not a plain relative data path`);
      }
      if (a.add && a.add.stats === undefined) {
        problems.push(`commit ${v}: add ${file.path} has no stats`);
      }
    }
  });
  results.Check(`${label}: ${commits.length} commit files`, problems.slice(0, 10).join('\n'));
}

// The table state of a replay apart from its files, as text: protocol versions, metaData
// fields, txn versions.
function StateText(state) {
  const p = state.protocol;
  const m = state.metaData;
  return JsonText({
    protocol: [Number(p.minReaderVersion), Number(p.minWriterVersion)],
    metaData: { id: m.id, schemaString: m.schemaString, partitionColumns: m.partitionColumns,
                configuration: m.configuration ?? {}, provider: m.format?.provider },
    txns: Object.fromEntries([...state.txns].sort()),
  });
}

// A canonical value shaped by its Spark type: struct fields in schema order, a field the value
// lacks (added to the schema after its file was written) as null; lists and maps elementwise.
function Conform(v, type) {
  if (v === null || v === undefined) return null;
  if (type?.type === 'struct') {
    const out = {};
    for (const f of type.fields) out[f.name] = Conform(v[f.name], f.type);
    return out;
  }
  if (type?.type === 'array') return v.map((x) => Conform(x, type.elementType));
  if (type?.type === 'map') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, Conform(x, type.valueType)]));
  }
  return v;
}

// The row text of one table row: canonical JSON, columns in schema order; with `conform`,
// nested values conformed to the schema (for rows read from data files by another reader;
// lakewatch's own output must already have the schema's shape).
function RowText(fields, get, conform = false) {
  const obj = {};
  for (const f of fields) obj[f.name] = conform ? Conform(get(f), f.type) : get(f);
  return JsonText(obj);
}

// Points 1 and 2 of the header at one version. `rows`: also compare the data (all live files
// must still exist).
async function CheckVersion(b, peer, table, version, results, label, { rows = true } = {}) {
  const what = `${label} @${version}`;
  const state = await Replay(table, version);
  const fromJson = await Replay(table, version, { useCheckpoint: false });
  const sameState = StateText(state) === StateText(fromJson) ? ''
    : `from the checkpoint: ${StateText(state)}\nfrom JSON only: ${StateText(fromJson)}`;
  results.Check(`${what}: checkpoint + JSON replay = JSON-only replay`,
                MultisetDiff(AddLines(state), AddLines(fromJson)) || sameState);
  const listed = (await b.Lw(['table', 'files', table, '--version', String(version), '--format',
                              'jsonl']))
    .split('\n').filter((l) => l).map((l) => JsonText(Plain(kPeers.ParseJson(l))));
  const cp = state.checkpoint >= 0 ? `checkpoint ${state.checkpoint} + ` : '';
  results.Check(`${what}: table files = independent replay`, MultisetDiff(listed, FileLines(state)),
                `${listed.length} files (${cp}commits to ${version})`);
  if (!rows) return;

  const fields = JSON.parse(state.metaData.schemaString).fields;
  const partitionColumns = new Set(state.metaData.partitionColumns);
  const expected = [];
  const problems = [];
  for (const [p, add] of state.files) {
    const file = path.join(table, p);
    if (!existsSync(file)) {
      problems.push(`${p}: missing on disk`);
      continue;
    }
    if (statSync(file).size !== add.size) {
      problems.push(`${p}: ${statSync(file).size} bytes on disk, the log says ${add.size}`);
    }
    let data;
    try {
      // hive_partitioning off: the file's own columns, not values parsed from its directory.
      data = await peer.QueryCanonical(`SELECT * FROM read_parquet(${SqlString(file)},
                                          binary_as_string = false, hive_partitioning = false)`);
    } catch (e) {
      problems.push(`${p}: DuckDB cannot read it: ${e.message.split('\n')[0]}`);
      continue;
    }
    const stats = add.stats ? JSON.parse(add.stats) : {};
    if (stats.numRecords !== undefined && stats.numRecords !== data.rows.length) {
      problems.push(`${p}: stats numRecords ${stats.numRecords}, DuckDB reads ` +
                    `${data.rows.length} rows`);
    }
    const inFile = new Set(data.names);
    for (const row of data.rows) {
      expected.push(RowText(fields, (f) => {
        if (!partitionColumns.has(f.name)) return inFile.has(f.name) ? row[f.name] : null;
        const text = add.partitionValues[f.name];
        const v = TypedPartitionValue(text, f.type);
        // A file may hold "" where the log says "" (= null).
        const same = JsonText(row[f.name]) === JsonText(v) || (text === '' && row[f.name] === '');
        if (inFile.has(f.name) && !same) {
          problems.push(`${p}: column ${f.name} holds ${JsonText(row[f.name])}, the log's ` +
                        `partition value is ${JsonText(v)}`);
        }
        return v;
      }, true));
    }
  }
  results.Check(`${what}: DuckDB reads every live file`,
                [...new Set(problems)].slice(0, 10).join('\n'),
                `${state.files.size} files, ${expected.length} rows`);
  const scanned = (await b.Lw(['table', 'scan', table, '--version', String(version), '--format',
                               'jsonl']))
    .split('\n').filter((l) => l).map((l) => {
      const row = Plain(kPeers.ParseJson(l));
      return RowText(fields, (f) => row[f.name]);
    });
  results.Check(`${what}: table scan = DuckDB rows + log partition values`,
                MultisetDiff(scanned, expected));

  if (kPeers.deltaExtension) {
    const { rows: viaDelta } = await peer.QueryCanonical(
      `SELECT * FROM delta_scan(${SqlString(path.resolve(table))})`);
    const rowsViaDelta = viaDelta.map((r) => RowText(fields, (f) => r[f.name], true));
    results.Check(`${what}: DuckDB delta_scan = table scan`, MultisetDiff(rowsViaDelta, scanned));
  }
}

// Data files of a table on disk (relative paths), _delta_log and hidden entries excluded.
function DataFilesOnDisk(table, sub = '') {
  const out = [];
  for (const e of readdirSync(path.join(table, sub), { withFileTypes: true })) {
    if (e.name.startsWith('_') || e.name.startsWith('.')) continue;
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...DataFilesOnDisk(table, rel));
    else out.push(rel);
  }
  return out;
}

// Point 5 of the header.
async function CheckVacuum(b, table, results, label) {
  const before = DataFilesOnDisk(table);
  const live = [...(await Replay(table)).files.keys()];
  const stale = before.filter((f) => !live.includes(f));
  const young = (await b.Lw(['table', 'vacuum', table])).split('\n').filter((l) => l);
  results.Check(`${label}: vacuum with the default retention deletes nothing young`,
                young.length ? `deleted ${young.join(', ')}` : '');
  const refused = await b.Lw(['table', 'vacuum', table, '--retain-hours', '0']).then(
    () => '', (e) => String(e.message ?? e));
  results.Check(`${label}: vacuum --retain-hours 0 without --force is refused`,
                refused.includes('deletedFileRetentionDuration') ? '' : `not refused: ${refused}`);
  const deleted = (await b.Lw(['table', 'vacuum', table, '--retain-hours', '0', '--force']))
    .split('\n').filter((l) => l);
  results.Check(`${label}: vacuum --retain-hours 0 deletes exactly the unreferenced files`,
                MultisetDiff(deleted, stale), `${deleted.length} deleted`);
  results.Check(`${label}: after vacuum the data files on disk are the live files`,
                MultisetDiff(DataFilesOnDisk(table), live));
}

// ---------------------------------------------------------------- scenarios

// `events`: unpartitioned; evolution; automatic and manual checkpoints; optimize; vacuum.
async function EventsScenario(b, peer, dir, results) {
  const table = path.join(dir, 'events');
  const label = 'events';
  const rand = Random(42);
  const base = kEventsFields.map(([n]) => n);
  await b.Create(table, kEventsFields);
  let id = 0;
  for (let commit = 1; commit <= 14; commit++) {
    const evolved = commit >= 6;
    const nested = commit >= 9;
    const names = evolved ? [...base, kEvolvedColumn] : base;
    const files = [];
    for (let k = 0; k < (commit % 3 === 0 ? 2 : 1); k++) {
      const n = 5 + Math.floor(rand() * 40);
      files.push(await b.Input(EventRows(rand, id, n, evolved, nested), names,
                               nested ? kNestedEvolvedTypes : kDuckTypes));
      id += n;
    }
    // Some commits carry a txn (idempotent batch), so the checkpoints hold txn actions.
    await b.Append(table, files, commit % 4 === 0 ? ['ingest-a', commit] : null);
  }
  for (const v of [0, 3, 5, 6, 9, 10, 11, 14]) {
    await CheckVersion(b, peer, table, v, results, label);
  }
  await b.Lw(['table', 'optimize', table]);  // version 15
  await CheckVersion(b, peer, table, 15, results, label);
  await b.Lw(['table', 'checkpoint', table]);
  await CheckVersion(b, peer, table, 15, results, `${label} (manual checkpoint)`);
  for (let commit = 16; commit <= 17; commit++) {
    const n = 10 + Math.floor(rand() * 20);
    await b.Append(table, [await b.Input(EventRows(rand, id, n, true, true),
                                         [...base, kEvolvedColumn], kNestedEvolvedTypes)]);
    id += n;
  }
  await CheckVersion(b, peer, table, 17, results, label);
  CheckCommits(table, results, label);
  await CheckCheckpoints(table, results, label);
  await CheckVacuum(b, table, results, label);
  await CheckVersion(b, peer, table, 17, results, `${label} (after vacuum)`);
  for (const v of [5, 12, 15]) {
    await CheckVersion(b, peer, table, v, results, `${label} (after vacuum)`, { rows: false });
  }
}

// `parts`: partitioned by string, int, date and timestamp columns with nulls and escapes.
async function PartsScenario(b, peer, dir, results) {
  const table = path.join(dir, 'parts');
  const label = 'parts';
  const rand = Random(7);
  const names = kPartsFields.map(([n]) => n);
  await b.Create(table, kPartsFields, kPartitionColumns);
  let id = 0;
  let next = 0;
  const AppendCommit = async (files) => {
    const inputs = [];
    for (let k = 0; k < files; k++) {
      const n = 3 + Math.floor(rand() * 20);
      inputs.push(await b.Input(PartRows(rand, id, n, kPartitions[next++ % kPartitions.length]),
                                names));
      id += n;
    }
    await b.Append(table, inputs);
  };
  for (let commit = 1; commit <= 13; commit++) await AppendCommit(commit % 4 === 0 ? 2 : 1);
  for (const v of [1, 8, 10, 13]) await CheckVersion(b, peer, table, v, results, label);
  await b.Lw(['table', 'optimize', table]);  // version 14
  await b.Lw(['table', 'checkpoint', table]);
  await CheckVersion(b, peer, table, 14, results, label);
  await AppendCommit(1);  // version 15
  await CheckVersion(b, peer, table, 15, results, label);
  CheckCommits(table, results, label);
  await CheckCheckpoints(table, results, label);
  await CheckVacuum(b, table, results, label);
  await CheckVersion(b, peer, table, 15, results, `${label} (after vacuum)`);
}

// Known bugs in lakewatch that this test reproduces, each with the error it gives today: Setup
// (optional) must succeed, Run fails with `error` while the bug is there. A case that stops
// failing is an "unexpected pass" and fails the test: move it into the scenarios. None today:
// the two this test found (string partition values over 64 bytes, nested-field evolution by
// table append) were fixed in 9b276a3 and 8c628f7 and are covered by the scenarios.
const kExpectedFailures = [];

async function RunExpectedFailures(b, dir, results) {
  for (const c of kExpectedFailures) {
    let context;
    try {
      context = await c.Setup?.(b, dir);  // must work: only Run reproduces the bug
    } catch (e) {
      results.Check(`${c.what} (setup)`, e?.message ?? e);
      continue;
    }
    let error = null;
    try {
      await c.Run(b, dir, context);
    } catch (e) {
      error = String(e?.message ?? e);
    }
    if (error === null) {
      results.Check(c.what, 'unexpected pass: the bug is fixed; move this case into a scenario');
    } else if (!error.includes(c.error)) {
      results.Check(c.what, `expected to fail with "${c.error}", failed with: ${error}`);
    } else {
      results.ExpectedFailure(c.what, c.reason);
    }
  }
}

async function Main() {
  const args = ParseArgs(process.argv.slice(2));
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  for (const dep of ['@duckdb/node-api', 'hyparquet', 'hyparquet-compressors']) {
    if (!existsSync(path.join(root, 'node_modules', dep))) {
      console.log(`SKIP: node_modules/${dep} missing (run make deps)`);
      process.exit(77);
    }
  }
  if (!existsSync(args.lakewatch)) {
    console.log(`FAIL: lakewatch binary not found at ${args.lakewatch}`);
    process.exit(1);
  }
  const { DuckDBPeer } = await import('../peers/duckdb_query.mjs');
  Object.assign(kPeers, await import('../conformance/compare.mjs'),
                await import('../peers/hyparquet_read.mjs'));
  const started = Date.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lakewatch-delta-interop-'));
  const peer = await DuckDBPeer.Create({ threads: 1 });
  await peer.Query("SET TimeZone = 'UTC'");
  // The delta extension only when already installed: this test never downloads anything.
  const { rows: ext } = await peer.QueryCanonical(
    "SELECT installed FROM duckdb_extensions() WHERE extension_name = 'delta'");
  if (ext.length && ext[0].installed) {
    await peer.Query('LOAD delta');
    kPeers.deltaExtension = true;
  } else {
    console.log('note: DuckDB delta extension not installed; delta_scan comparison skipped');
  }
  const results = new Results(args.verbose);
  const inputs = path.join(dir, 'inputs');
  mkdirSync(inputs);
  const b = new Builder(args, peer, inputs);
  for (const [name, scenario] of [['events', EventsScenario], ['parts', PartsScenario]]) {
    try {
      await scenario(b, peer, dir, results);
    } catch (e) {
      results.Check(`${name}: scenario ran to the end`, e?.stack ?? e);
    }
  }
  await RunExpectedFailures(b, dir, results);
  peer.Close();
  if (args.keep) console.log(`tables kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  console.log(`\n${results.passes} checks passed, ${results.failures.length} failed, ` +
              `${results.expected} known bugs reproduced (expected failures); ` +
              `${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(results.failures.length ? 1 : 0);
}

Main().catch((e) => {
  console.log(`FAIL: ${e?.stack ?? e}`);
  process.exit(1);
});
