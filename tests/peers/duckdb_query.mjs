#!/usr/bin/env node
// DuckDB peer for differential and conformance tests.
//
// Usage: node tests/peers/duckdb_query.mjs [--db FILE] [--threads N] "SQL"
//        node tests/peers/duckdb_query.mjs [--db FILE] [--threads N] -      (SQL from stdin)
//
// Runs SQL (several `;`-separated statements allowed; the rows of the last one are printed) on
// an in-memory DuckDB (or FILE) through npm @duckdb/node-api, and prints every result row as one
// JSON object per line: {"<column>": <value>, ...}, columns in result order (duplicate names get
// DuckDB's deduplicated names, e.g. "a:1"). Values are in the canonical form documented in
// canonical.mjs: exact integers, RFC 3339 UTC timestamps with microseconds, YYYY-MM-DD dates,
// decimals as strings, blobs as base64, structs/maps as objects, lists as arrays, NaN/Infinity
// as strings.
//
// Exit status: 0 on success, 1 with the DuckDB error message on stderr otherwise.
//
// Library use (one DuckDB instance for many queries; startup costs ~1-2 s per process):
//   import { DuckDBPeer } from '../peers/duckdb_query.mjs';
//   const peer = await DuckDBPeer.Create({ threads: 1 });
//   const { names, types, rows } = await peer.Query(sql);      // raw DuckDBValue rows + DuckDBType
//   const { names, rows } = await peer.QueryCanonical(sql);    // rows as canonical plain objects
//   peer.Close();
// Importing this module does not run the CLI.
//
// API calls: DuckDBInstance.create(path, {threads}), instance.connect(), connection.stream(sql),
// result.deduplicatedColumnNames(), result.yieldRows() (chunks of DuckDBValue[] rows),
// connection.closeSync(), instance.closeSync().

import {
  DuckDBArrayValue,
  DuckDBBitValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBIntervalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimeNSValue,
  DuckDBTimeValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBUnionValue,
  DuckDBUUIDValue,
} from '@duckdb/node-api';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import {
  Base64,
  DateText,
  DecimalText,
  DoubleValue,
  JsonText,
  LineWriter,
  MapKeyText,
  TimeMicrosText,
  TimestampMicrosText,
  TimestampMillisText,
  TimestampNanosText,
} from './canonical.mjs';

function InfiniteText(v) {
  // DuckDB's +/-infinity timestamps and dates; isFinite is false for both.
  return v.toString().startsWith('-') ? '-infinity' : 'infinity';
}

// DuckDBValue (as returned by yieldRows) -> canonical tree.
export function Canonical(v) {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean':
    case 'string':
    case 'bigint':
      return v;
    case 'number':
      return DoubleValue(v);
    default:
      break;
  }
  if (v instanceof DuckDBDecimalValue) return DecimalText(v.value, v.scale);
  if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue) {
    return v.isFinite ? TimestampMicrosText(v.micros) : InfiniteText(v);
  }
  if (v instanceof DuckDBTimestampMillisecondsValue) {
    return v.isFinite ? TimestampMillisText(v.millis) : InfiniteText(v);
  }
  if (v instanceof DuckDBTimestampSecondsValue) {
    return v.isFinite ? TimestampMicrosText(v.seconds * 1000000n) : InfiniteText(v);
  }
  if (v instanceof DuckDBTimestampNanosecondsValue) {
    return v.isFinite ? TimestampNanosText(v.nanos) : InfiniteText(v);
  }
  if (v instanceof DuckDBDateValue) return v.isFinite ? DateText(v.days) : InfiniteText(v);
  if (v instanceof DuckDBTimeValue) return TimeMicrosText(v.micros);
  if (v instanceof DuckDBTimeNSValue) return TimeMicrosText(v.nanos / 1000n);
  if (v instanceof DuckDBBlobValue) return Base64(v.bytes);
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items.map(Canonical);
  if (v instanceof DuckDBStructValue) {
    const out = {};
    for (const [k, x] of Object.entries(v.entries)) out[k] = Canonical(x);
    return out;
  }
  if (v instanceof DuckDBMapValue) {
    const out = {};
    for (const { key, value } of v.entries) out[MapKeyText(Canonical(key))] = Canonical(value);
    return out;
  }
  if (v instanceof DuckDBIntervalValue) {
    return { months: v.months, days: v.days, micros: v.micros };
  }
  if (v instanceof DuckDBUnionValue) return Canonical(v.value);
  if (v instanceof DuckDBUUIDValue || v instanceof DuckDBBitValue) return v.toString();
  // TIME WITH TIME ZONE, GEOMETRY, VARIANT, ...: DuckDB's own text form.
  return v.toString();
}

// One DuckDB instance and connection, reused across queries. Not safe for concurrent Query()
// calls on the same peer (await each one).
export class DuckDBPeer {
  constructor(instance, connection) {
    this.instance_ = instance;
    this.connection_ = connection;
  }

  // threads: DuckDB worker threads (1 keeps scans in file order without relying on
  // preserve_insertion_order); db: database file, default in-memory.
  static async Create({ db = ':memory:', threads = null } = {}) {
    const options = threads ? { threads: String(threads) } : {};
    const instance = await DuckDBInstance.create(db, options);
    const connection = await instance.connect();
    return new DuckDBPeer(instance, connection);
  }

  // Runs `sql` (the last statement's rows are returned): column names (deduplicated, in result
  // order), their DuckDBType, and every row as an array of raw DuckDBValue.
  async Query(sql) {
    const result = await this.connection_.stream(sql);
    const names = result.deduplicatedColumnNames();
    const types = result.columnTypes();
    const rows = [];
    for await (const chunk of result.yieldRows()) {
      for (const row of chunk) rows.push(row);
    }
    return { names, types, rows };
  }

  // As Query(), but each row is a canonical plain object {name: Canonical(value)}.
  async QueryCanonical(sql) {
    const { names, types, rows } = await this.Query(sql);
    const out = rows.map((row) => {
      const obj = {};
      for (let c = 0; c < names.length; c++) obj[names[c]] = Canonical(row[c]);
      return obj;
    });
    return { names, types, rows: out };
  }

  Close() {
    this.connection_.closeSync();
    this.instance_.closeSync();
  }
}

function Usage(msg) {
  process.stderr.write(`duckdb_query: ${msg}\n` +
                       'usage: duckdb_query.mjs [--db FILE] [--threads N] "SQL" | -\n');
  process.exit(1);
}

async function Main(argv) {
  let db = ':memory:';
  let threads = null;
  let sql = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--db') db = argv[++i] ?? Usage('--db needs a value');
    else if (a === '--threads') threads = argv[++i] ?? Usage('--threads needs a value');
    else if (sql === null) sql = a;
    else Usage(`unexpected argument '${a}'`);
  }
  if (sql === null) Usage('missing SQL');
  if (sql === '-') sql = readFileSync(0, 'utf8');

  const options = threads ? { threads: String(threads) } : {};
  const instance = await DuckDBInstance.create(db, options);
  const connection = await instance.connect();
  const out = new LineWriter();
  try {
    const result = await connection.stream(sql);
    const names = result.deduplicatedColumnNames();
    for await (const rows of result.yieldRows()) {
      for (const row of rows) {
        const obj = {};
        for (let c = 0; c < names.length; c++) obj[names[c]] = Canonical(row[c]);
        await out.Write(JsonText(obj));
      }
    }
    await out.Flush();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function IsMain() {
  try {
    return process.argv[1] !== undefined &&
           realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (IsMain()) {
  Main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`duckdb_query: ${e?.message ?? e}\n`);
    process.exit(1);
  });
}
