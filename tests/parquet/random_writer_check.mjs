#!/usr/bin/env node
// Randomized writer test: lakewatch writes, DuckDB reads, the rows must agree.
//
// Usage: node tests/parquet/random_writer_check.mjs --gen PATH/random_parquet_gen
//          [--seeds N] [--first K] [--seed K] [--out DIR] [--keep]
//
// Runs the generator for seeds K .. K+N-1 (default 1 .. 300) into DIR (a fresh temporary
// directory unless --out; the generator also reads each file back with lakewatch's own reader
// and leaves seed-<n>.error.txt where that disagrees), then reads every seed-<n>.parquet with
// DuckDB through npm
// @duckdb/node-api (one instance, all files in this process) and compares it row by row with
// seed-<n>.jsonl, the rows the generator rendered with lakewatch's AppendJsonRow, guided by the
// types in seed-<n>.schema.json. The comparison is semantic: integers exactly (BigInt), float
// columns through Math.fround, doubles bit-exactly (NaN equals NaN, -0 differs from +0),
// decimals by value, timestamps/dates/times by their canonical text, binary as base64, structs
// field by field, lists element by element, maps entry by entry (key text and value, in order).
// Before the values, every column's DuckDB type is checked against the one our annotations mean
// (int8 -> TINYINT, timestamp -> TIMESTAMP WITH TIME ZONE, timestamp_ntz -> TIMESTAMP,
// time -> TIME, decimal(p,s) -> DECIMAL(p,s), ..., recursively through structs, lists and maps).
// Canonical text forms come from tests/peers/canonical.mjs.
//
// A mismatch prints the seed, its schema and writer options, and the first differing row (both
// sides as canonical JSON, with the path of the first difference). The last line is
// "random_writer_check: N passed, M failed"; the exit status is 0 only when every seed passed.
// The temporary directory is removed unless --keep or a seed failed.

import { DuckDBTypeId } from '@duckdb/node-api';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  Base64,
  DateText,
  DecimalText,
  JsonText,
  TimeMicrosText,
  TimestampMicrosText,
} from '../peers/canonical.mjs';
import { ParseSeedArgs, RunSeeds } from './seed_runner.mjs';

// ---------------------------------------------------------------- expected rows

// A JSON number kept as its text, so 64-bit integers and decimals stay exact.
class Num {
  constructor(text) { this.text = text; }
}

// JSON with numbers as Num and objects as arrays of [key, value] (order and duplicates kept).
function ParseJson(s) {
  let i = 0;
  const Fail = (what) => { throw new Error(`bad JSON at ${i}: ${what}`); };
  const Ws = () => { while (i < s.length && ' \t\r\n'.includes(s[i])) i++; };
  const Str = () => {
    const start = i++;
    while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
    if (i >= s.length) Fail('unterminated string');
    i++;
    return JSON.parse(s.slice(start, i));
  };
  const Value = () => {
    Ws();
    const c = s[i];
    if (c === '"') return Str();
    if (c === '{') {
      i++;
      const pairs = [];
      Ws();
      if (s[i] === '}') { i++; return { pairs }; }
      for (;;) {
        Ws();
        if (s[i] !== '"') Fail('expected a key');
        const k = Str();
        Ws();
        if (s[i++] !== ':') Fail('expected :');
        pairs.push([k, Value()]);
        Ws();
        if (s[i] === ',') { i++; continue; }
        if (s[i++] !== '}') Fail('expected , or }');
        return { pairs };
      }
    }
    if (c === '[') {
      i++;
      const items = [];
      Ws();
      if (s[i] === ']') { i++; return items; }
      for (;;) {
        items.push(Value());
        Ws();
        if (s[i] === ',') { i++; continue; }
        if (s[i++] !== ']') Fail('expected , or ]');
        return items;
      }
    }
    for (const [word, v] of [['null', null], ['true', true], ['false', false]]) {
      if (s.startsWith(word, i)) { i += word.length; return v; }
    }
    const m = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const r = m.exec(s);
    if (!r) Fail(`unexpected '${c}'`);
    i += r[0].length;
    return new Num(r[0]);
  };
  const v = Value();
  Ws();
  if (i !== s.length) Fail('trailing text');
  return v;
}

// ---------------------------------------------------------------- comparison

// Canonical tree of an expected value (for printing).
function ExpectedTree(v) {
  if (v instanceof Num) return /^-?\d+$/.test(v.text) ? BigInt(v.text) : Number(v.text);
  if (Array.isArray(v)) return v.map(ExpectedTree);
  if (v && typeof v === 'object') {
    const o = {};
    for (const [k, x] of v.pairs) o[k] = ExpectedTree(x);
    return o;
  }
  return v;
}

const kInt = new Set(['int8', 'int16', 'int32', 'int64']);

// DuckDB value -> canonical tree (canonical.mjs forms), guided by our type.
function ActualTree(v, type) {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case 'boolean': return v;
    case 'int8': case 'int16': case 'int32': case 'int64': return BigInt(v);
    case 'float': case 'double': return v;
    case 'decimal': return v.value !== undefined ? DecimalText(v.value, v.scale) : String(v);
    case 'date': return v.days !== undefined ? DateText(v.days) : String(v);
    case 'timestamp': case 'timestamp_ntz':
      return v.micros !== undefined ? TimestampMicrosText(v.micros) : String(v);
    case 'time': return v.micros !== undefined ? TimeMicrosText(v.micros) : String(v);
    case 'string': return v;
    case 'binary': return v.bytes !== undefined ? Base64(v.bytes) : String(v);
    case 'list': return (v.items ?? []).map((x) => ActualTree(x, type.fields[0].type));
    case 'struct': {
      const o = {};
      for (const f of type.fields) o[f.name] = ActualTree(v.entries?.[f.name], f.type);
      return o;
    }
    case 'map': {
      const o = {};
      for (const { key, value } of v.entries ?? []) {
        o[KeyText(key, type.fields[0].type)] = ActualTree(value, type.fields[1].type);
      }
      return o;
    }
    default: return String(v);
  }
}

// The text lakewatch renders for a map key (AppendTextValue).
function KeyText(key, type) {
  if (type.kind === 'string') return key;
  if (kInt.has(type.kind)) return String(key);
  return JsonText(ActualTree(key, type));
}

function FloatOf(e) {
  if (e === 'NaN') return NaN;
  if (e === 'Infinity') return Infinity;
  if (e === '-Infinity') return -Infinity;
  return e instanceof Num ? Number(e.text) : undefined;
}

function FieldName(f, sep = ':') {
  return `${f.name}${f.nullable ? '' : ' not null'}${sep}${TypeName(f.type)}`;
}

function TypeName(t) {
  switch (t.kind) {
    case 'decimal': return `decimal(${t.precision},${t.scale})`;
    case 'list': return `list<${TypeName(t.fields[0].type)}>`;
    case 'map': return `map<${TypeName(t.fields[0].type)},${TypeName(t.fields[1].type)}>`;
    case 'struct':
      return `struct<${t.fields.map(FieldName).join(',')}>`;
    default: return t.kind;
  }
}

// Returns null when `e` (expected, parsed) and `a` (DuckDB value) agree, else a description.
function Compare(e, a, type, path) {
  if (e === null || a === null || a === undefined) {
    return e === null && (a === null || a === undefined) ? null
      : `${path}: expected ${JsonText(ExpectedTree(e))}, DuckDB ${JsonText(ActualTree(a, type))}`;
  }
  const Diff = (what) => {
    const both = `expected ${JsonText(ExpectedTree(e))}, DuckDB ${JsonText(ActualTree(a, type))}`;
    return `${path} (${TypeName(type)}): ${what ?? both}`;
  };
  switch (type.kind) {
    case 'boolean': return e === a ? null : Diff();
    case 'int8': case 'int16': case 'int32': case 'int64':
      if (!(e instanceof Num) || (typeof a !== 'number' && typeof a !== 'bigint')) return Diff();
      return BigInt(e.text) === BigInt(a) ? null : Diff();
    case 'float': case 'double': {
      const x = FloatOf(e);
      if (x === undefined || typeof a !== 'number') return Diff();
      const same = type.kind === 'float' ? Object.is(Math.fround(x), Math.fround(a))
                                         : Object.is(x, a);
      return same ? null : Diff();
    }
    case 'decimal': {
      if (typeof e !== 'string' || a.value === undefined) return Diff();
      const [ip, fp = ''] = e.replace('-', '').split('.');
      const neg = e.startsWith('-');
      let ev = BigInt(ip + fp) * (neg ? -1n : 1n);
      let av = BigInt(a.value);
      // Align scales (expected carries type.scale digits; DuckDB its own scale).
      const es = fp.length;
      const as = a.scale;
      if (es < as) ev *= 10n ** BigInt(as - es);
      if (as < es) av *= 10n ** BigInt(es - as);
      return ev === av ? null : Diff();
    }
    case 'date':
      return a.days !== undefined && DateText(a.days) === e ? null : Diff();
    case 'timestamp':
      return a.micros !== undefined && TimestampMicrosText(a.micros) === e ? null : Diff();
    case 'timestamp_ntz':
      return a.micros !== undefined && TimestampMicrosText(a.micros) === e + 'Z' ? null : Diff();
    case 'time':
      return a.micros !== undefined && TimeMicrosText(a.micros) === e ? null : Diff();
    case 'string': return e === a ? null : Diff();
    case 'binary': return a.bytes !== undefined && Base64(a.bytes) === e ? null : Diff();
    case 'list': {
      if (!Array.isArray(e) || !Array.isArray(a.items)) return Diff();
      if (e.length !== a.items.length) {
        return Diff(`expected ${e.length} elements, DuckDB ${a.items.length}`);
      }
      for (let k = 0; k < e.length; k++) {
        const d = Compare(e[k], a.items[k], type.fields[0].type, `${path}[${k}]`);
        if (d) return d;
      }
      return null;
    }
    case 'struct': {
      if (!e.pairs || !a.entries) return Diff();
      const names = Object.keys(a.entries);
      if (names.length !== type.fields.length) {
        return Diff(`DuckDB struct has fields ${names.join(',')}`);
      }
      for (let k = 0; k < type.fields.length; k++) {
        const f = type.fields[k];
        if (e.pairs[k]?.[0] !== f.name || names[k] !== f.name) {
          return Diff(`field ${k} is '${e.pairs[k]?.[0]}' expected, '${names[k]}' in DuckDB, ` +
                      `'${f.name}' in the schema`);
        }
        const d = Compare(e.pairs[k][1], a.entries[f.name], f.type, `${path}.${f.name}`);
        if (d) return d;
      }
      return null;
    }
    case 'map': {
      if (!e.pairs || !Array.isArray(a.entries)) return Diff();
      if (e.pairs.length !== a.entries.length) {
        return Diff(`expected ${e.pairs.length} entries, DuckDB ${a.entries.length}`);
      }
      for (let k = 0; k < e.pairs.length; k++) {
        const key = KeyText(a.entries[k].key, type.fields[0].type);
        if (key !== e.pairs[k][0]) {
          return Diff(`entry ${k}: expected key ${JSON.stringify(e.pairs[k][0])}, ` +
                      `DuckDB ${JSON.stringify(key)}`);
        }
        const valueType = type.fields[1].type;
        const d = Compare(e.pairs[k][1], a.entries[k].value, valueType, `${path}{${key}}`);
        if (d) return d;
      }
      return null;
    }
    default: return Diff(`unknown type kind ${type.kind}`);
  }
}

// The DuckDB type our writer's annotations must produce (null when `dt` matches).
const kDuckTypeIds = {
  boolean: DuckDBTypeId.BOOLEAN, int8: DuckDBTypeId.TINYINT, int16: DuckDBTypeId.SMALLINT,
  int32: DuckDBTypeId.INTEGER, int64: DuckDBTypeId.BIGINT, float: DuckDBTypeId.FLOAT,
  double: DuckDBTypeId.DOUBLE, decimal: DuckDBTypeId.DECIMAL, date: DuckDBTypeId.DATE,
  timestamp: DuckDBTypeId.TIMESTAMP_TZ, timestamp_ntz: DuckDBTypeId.TIMESTAMP,
  time: DuckDBTypeId.TIME, string: DuckDBTypeId.VARCHAR, binary: DuckDBTypeId.BLOB,
  list: DuckDBTypeId.LIST, struct: DuckDBTypeId.STRUCT, map: DuckDBTypeId.MAP,
};

function CheckType(type, dt, path) {
  const bad = () => `${path}: ${TypeName(type)} reads in DuckDB as ${dt.toString()}`;
  if (dt.typeId !== kDuckTypeIds[type.kind]) return bad();
  switch (type.kind) {
    case 'decimal': return dt.width === type.precision && dt.scale === type.scale ? null : bad();
    case 'list': return CheckType(type.fields[0].type, dt.valueType, `${path}[]`);
    case 'map':
      return CheckType(type.fields[0].type, dt.keyType, `${path}.key`) ??
             CheckType(type.fields[1].type, dt.valueType, `${path}.value`);
    case 'struct':
      if (dt.entryNames.join(',') !== type.fields.map((f) => f.name).join(',')) return bad();
      for (let k = 0; k < type.fields.length; k++) {
        const f = type.fields[k];
        const d = CheckType(f.type, dt.entryTypes[k], `${path}.${f.name}`);
        if (d) return d;
      }
      return null;
    default: return null;
  }
}

// ---------------------------------------------------------------- one seed

function Clip(text, n = 2000) {
  return text.length <= n ? text : `${text.slice(0, n)}... (${text.length} chars)`;
}

async function CheckSeed(connection, dir, seed) {
  const base = join(dir, `seed-${seed}`);
  if (existsSync(`${base}.error.txt`)) {
    const error = readFileSync(`${base}.error.txt`, 'utf8').trim();
    return `seed ${seed}: ${error}\n  file: ${base}.parquet`;
  }
  const desc = JSON.parse(readFileSync(`${base}.schema.json`, 'utf8'));
  const lines = readFileSync(`${base}.jsonl`, 'utf8').split('\n').filter((l) => l.length > 0);
  const Fail = (what) => {
    const schema = desc.fields.map((f) => FieldName(f, ': '));
    return `seed ${seed}: ${what}\n  schema: ${schema.join(', ')}\n` +
           `  options: ${JSON.stringify(desc.options)}\n  file: ${base}.parquet`;
  };
  let reader;
  try {
    const path = `${base}.parquet`.replaceAll("'", "''");
    reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}')`);
  } catch (err) {
    return Fail(`DuckDB cannot read the file: ${err?.message ?? err}`);
  }
  const names = reader.columnNames();
  const want = desc.fields.map((f) => f.name);
  if (names.join(',') !== want.join(',')) {
    return Fail(`DuckDB columns [${names}], expected [${want}]`);
  }
  const types = reader.columnTypes();
  for (let c = 0; c < desc.fields.length; c++) {
    const d = CheckType(desc.fields[c].type, types[c], desc.fields[c].name);
    if (d) return Fail(`column type: ${d}`);
  }
  const rows = reader.getRows();
  if (rows.length !== lines.length) {
    return Fail(`DuckDB read ${rows.length} rows, expected ${lines.length}`);
  }
  for (let r = 0; r < rows.length; r++) {
    const expected = ParseJson(lines[r]);
    for (let c = 0; c < desc.fields.length; c++) {
      const f = desc.fields[c];
      if (expected.pairs[c]?.[0] !== f.name) {
        return Fail(`row ${r}: expected row lacks column ${f.name}`);
      }
      const d = Compare(expected.pairs[c][1], rows[r][c], f.type, f.name);
      if (d) {
        const actual = {};
        for (let k = 0; k < desc.fields.length; k++) {
          actual[desc.fields[k].name] = ActualTree(rows[r][k], desc.fields[k].type);
        }
        return Fail(`first difference in row ${r}: ${Clip(d, 500)}\n` +
                    `  expected: ${Clip(lines[r])}\n  DuckDB:   ${Clip(JsonText(actual))}`);
      }
    }
  }
  return null;
}

// ---------------------------------------------------------------- main

async function Main(argv) {
  await RunSeeds('random_writer_check', ParseSeedArgs('random_writer_check', argv, 300), CheckSeed);
}

Main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`random_writer_check: ${e?.stack ?? e}\n`);
  process.exit(1);
});
