#!/usr/bin/env node
// hyparquet peer: a second, independent Parquet reader (pure JavaScript, npm hyparquet).
//
// Usage: node tests/peers/hyparquet_read.mjs FILE.parquet
//
// Prints every row of FILE as one JSON object per line, {"<top-level column>": <value>, ...} in
// schema order, values in the canonical form documented in canonical.mjs (the same form
// duckdb_query.mjs prints, so `SELECT * FROM read_parquet('FILE')` through that peer prints the
// same lines where both readers agree).
//
// Exit status: 0 on success, 1 with hyparquet's error message on stderr otherwise.
//
// Library use: `import { ReadParquet } from '../peers/hyparquet_read.mjs'`;
// `await ReadParquet(path)` -> { names, rows, metadata, schema }: top-level column names, every
// row as a canonical plain object, hyparquet's FileMetaData (decimal annotations removed, see
// below) and its schema tree. Importing this module does not run the CLI.
//
// API calls: asyncBufferFromFile(path), parquetMetadataAsync(file), parquetSchema(metadata),
// parquetReadObjects({file, metadata, rowStart, rowEnd, utf8: false, parsers, compressors}) once
// per row group (bounded memory), and isListLike/isMapLike from hyparquet/src/schema.js to walk
// the assembled rows alongside the schema. `compressors` comes from npm hyparquet-compressors
// (pure-JS gzip, zstd, lz4, lz4_raw, brotli; hyparquet alone reads only snappy and none), so
// this peer shares no decompression code with lakewatch or DuckDB.
//
// Where hyparquet's own conversion would lose information, this script takes the raw value:
// - DECIMAL: hyparquet yields a double; the annotation is removed from the metadata before
//   reading so the unscaled integer (INT32/INT64/bytes) arrives and is printed exactly.
// - utf8 is off, so an unannotated BYTE_ARRAY prints as base64 (DuckDB reads it as BLOB);
//   STRING/UTF8 columns are still strings, ENUM and JSON bytes are decoded as UTF-8 text here.
// - Timestamps, dates and INT96 go through custom `parsers` that keep full precision.
// - A MAP whose key_value group has no value field (legal per the spec) prints as the list of its
//   keys, the mapping Spark and lakewatch use; hyparquet alone would give {"key_value":[{"key":..}]}.
// Known limit: a map whose key is not a string arrives with keys as JavaScript property names
// (hyparquet builds a plain object); integer, boolean and decimal keys still print canonically.

import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { isListLike, isMapLike } from 'hyparquet/src/schema.js';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import {
  Base64,
  BigIntFromTwosComplement,
  DateText,
  DecimalText,
  DoubleValue,
  JsonText,
  LineWriter,
  TimeMicrosText,
  TimestampMicrosText,
  TimestampMillisText,
  TimestampNanosText,
} from './canonical.mjs';

const kUtf8 = new TextDecoder();

const kParsers = {
  timestampFromMilliseconds: (millis) => TimestampMillisText(millis),
  timestampFromMicroseconds: (micros) => TimestampMicrosText(micros),
  timestampFromNanoseconds: (nanos) => TimestampNanosText(nanos),
  dateFromDays: (days) => DateText(days),
  jsonFromBytes: (bytes) => bytes && kUtf8.decode(bytes),
};

// Removes DECIMAL annotations (remembering the scale) so hyparquet passes raw unscaled values.
function StripDecimals(metadata) {
  for (const el of metadata.schema) {
    const isDecimal = el.converted_type === 'DECIMAL' || el.logical_type?.type === 'DECIMAL';
    if (!isDecimal || el.num_children) continue;
    el.lwDecimalScale = el.scale ?? el.logical_type?.scale ?? 0;
    delete el.converted_type;
    delete el.logical_type;
  }
}

// Any JavaScript value hyparquet may return -> canonical tree.
function Generic(v) {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return v;
    case 'number':
      return DoubleValue(v);
    default:
      break;
  }
  if (v instanceof Uint8Array) return Base64(v);
  if (v instanceof Date) return TimestampMillisText(BigInt(v.getTime()));
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v, Generic);
  const out = {};
  for (const [k, x] of Object.entries(v)) out[k] = Generic(x);
  return out;
}

function Leaf(v, el) {
  if (v === null || v === undefined) return null;
  if (el.lwDecimalScale !== undefined) {
    const unscaled = v instanceof Uint8Array ? BigIntFromTwosComplement(v) : BigInt(v);
    return DecimalText(unscaled, el.lwDecimalScale);
  }
  const ctype = el.converted_type;
  const ltype = el.logical_type;
  if (ctype === 'TIME_MILLIS' || (ltype?.type === 'TIME' && ltype.unit === 'MILLIS')) {
    return TimeMicrosText(BigInt(v) * 1000n);
  }
  if (ctype === 'TIME_MICROS' || (ltype?.type === 'TIME' && ltype.unit === 'MICROS')) {
    return TimeMicrosText(BigInt(v));
  }
  if (ltype?.type === 'TIME' && ltype.unit === 'NANOS') return TimeMicrosText(BigInt(v) / 1000n);
  if (v instanceof Uint8Array &&
      (ctype === 'ENUM' || ctype === 'JSON' || ltype?.type === 'ENUM' || ltype?.type === 'JSON')) {
    return kUtf8.decode(v);
  }
  return Generic(v);
}

// A MAP / MAP_KEY_VALUE group whose repeated key_value group holds only the key.
export function IsKeyOnlyMap(node) {
  const el = node.element;
  const isMap = el.converted_type === 'MAP' || el.converted_type === 'MAP_KEY_VALUE' ||
                el.logical_type?.type === 'MAP';
  if (!isMap || node.children.length !== 1) return false;
  const kv = node.children[0];
  return kv.element.repetition_type === 'REPEATED' && kv.children.length === 1 &&
         !kv.children[0].children.length;
}

// Walks one assembled value together with its schema node, mirroring hyparquet's assembleNested.
function Walk(v, node, asElement = false) {
  if (v === null || v === undefined) return null;
  const el = node.element;
  if (el.repetition_type === 'REPEATED' && !asElement) {
    return Array.from(v, (x) => Walk(x, node, true));
  }
  if (isListLike(node)) {
    let sublist = node.children[0];
    if (sublist.children.length === 1) sublist = sublist.children[0];
    return Array.from(v, (x) => Walk(x, sublist, true));
  }
  if (IsKeyOnlyMap(node)) {
    const kv = node.children[0];
    return Array.from(v[kv.element.name] ?? [], (x) => Walk(x?.[kv.children[0].element.name],
                                                            kv.children[0]));
  }
  if (isMapLike(node)) {
    const kv = node.children[0].children;
    const keyNode = kv.find((c) => c.element.name === 'key');
    const valueNode = kv.find((c) => c.element.name === 'value');
    const scale = keyNode?.element.lwDecimalScale;
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      const key = scale !== undefined && /^-?\d+$/.test(k) ? DecimalText(BigInt(k), scale) : k;
      out[key] = Walk(x, valueNode);
    }
    return out;
  }
  if (node.children.length) {
    const out = {};
    for (const child of node.children) out[child.element.name] = Walk(v[child.element.name], child);
    return out;
  }
  return Leaf(v, el);
}

// Calls onRow(canonical plain object) for every row of the file, one row group at a time.
// Returns { names, metadata, schema }.
async function ForEachRow(path, onRow) {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file, { parsers: kParsers });
  StripDecimals(metadata);
  const schema = parquetSchema(metadata);
  let rowStart = 0;
  for (const rg of metadata.row_groups) {
    const rowEnd = rowStart + Number(rg.num_rows);
    if (rowEnd > rowStart) {
      const rows = await parquetReadObjects({
        file, metadata, rowStart, rowEnd, utf8: false, parsers: kParsers, compressors,
      });
      for (const row of rows) {
        const obj = {};
        for (const col of schema.children) {
          obj[col.element.name] = Walk(row[col.element.name], col);
        }
        await onRow(obj);
      }
    }
    rowStart = rowEnd;
  }
  return { names: schema.children.map((c) => c.element.name), metadata, schema };
}

// Reads the whole file: { names, rows, metadata, schema } (see the header comment).
export async function ReadParquet(path) {
  const rows = [];
  const info = await ForEachRow(path, (row) => { rows.push(row); });
  return { ...info, rows };
}

async function Main(argv) {
  if (argv.length !== 1) {
    process.stderr.write('usage: hyparquet_read.mjs FILE.parquet\n');
    process.exit(1);
  }
  const out = new LineWriter();
  await ForEachRow(argv[0], (row) => out.Write(JsonText(row)));
  await out.Flush();
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
    process.stderr.write(`hyparquet_read: ${e?.message ?? e}\n`);
    process.exit(1);
  });
}
