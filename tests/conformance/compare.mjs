// Shared machinery of the Parquet conformance and round-trip tests (parquet_conformance.mjs,
// parquet_roundtrip.mjs): running lakewatch, parsing its JSON lines exactly, reading a file with
// an oracle (DuckDB, else hyparquet), and a *semantic*, type-directed comparison of rows.
//
// Values on both sides are "canonical trees" (tests/peers/canonical.mjs): null, boolean, number,
// bigint, string, arrays, and objects. Objects are a JS Map (ordered, from ParseJson or
// DuckTree), a plain object (from the peers' canonical output), or MapEntries (a map's typed
// key/value pairs, from DuckTree). The comparison is driven by a type descriptor derived from
// the oracle's types, never by the file name.
//
// Normalizations (each one generic, by type; they are what "semantic" means here):
//  - integers compare by value whatever their JSON width (number or bigint);
//  - UINT_64 (DuckDB UBIGINT): lakewatch maps it to decimal(20,0) like Spark, printed as a string
//    of digits: accepted and compared by value. Other unsigned widths (UINT_8/16/32 -> smallint/
//    int/bigint) need nothing, values are equal;
//  - FLOAT (and FLOAT16, which both DuckDB and lakewatch widen to float): DuckDB prints the
//    widened double (1.100000023841858), lakewatch the shortest float text (1.1): compared after
//    Math.fround. DOUBLE compares exactly. NaN/Infinity/-Infinity arrive as strings or numbers;
//    -0 equals 0 (canonical JSON prints -0 as 0);
//  - DECIMAL compares by value (1.50 == 1.5), whatever the string form, also against a DOUBLE or
//    integer oracle column;
//  - dates and timestamps compare by value: with or without the trailing "Z" (lakewatch prints
//    timestamp_ntz without it, the peers always add it), and with or without a "+" before years
//    beyond 9999 (the peers and lakewatch print "+52951-07-27"; older peers may omit it). Where the oracle says the column is UTC-adjusted
//    (TIMESTAMP WITH TIME ZONE) and it was not INT96, the actual value must carry the Z. INT96 is
//    read as UTC by lakewatch (Spark's mapping) but as naive TIMESTAMP by DuckDB: either is fine;
//  - INT96 values outside the int64-nanosecond range (before 1677-09-21 or after 2262-04-11) are
//    implementation-defined: INT96 is deprecated, writers (Spark) overflow when producing them
//    and every reader decodes the overflowed bytes its own way (Spark/arrow-rs wrap in int64
//    microseconds, DuckDB and hyparquet do not, and disagree with each other). A mismatch on such
//    a value is counted and reported as a note, not a failure; in-range INT96 must match;
//  - maps compare as sets of entries (keys semantically by the key type; lakewatch prints keys
//    as text), duplicate keys: the later entry wins;
//  - a MAP without a value field is a list of its keys (Spark's and lakewatch's mapping; the
//    hyparquet peer applies it too, DuckDB cannot read such a file);
//  - unannotated BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY are binary (base64) on all sides (DuckDB
//    runs with binary_as_string=false, its default).

import { spawn } from 'node:child_process';

import { Canonical } from '../peers/duckdb_query.mjs';
import { IsKeyOnlyMap } from '../peers/hyparquet_read.mjs';
import { JsonText } from '../peers/canonical.mjs';

// ---------------------------------------------------------------- running lakewatch

// Runs `exe args...`; resolves { code, signal, stdout, stderr, timedOut, ms } (never rejects on
// a non-zero exit). stdout/stderr are strings (UTF-8).
export function Run(exe, args, { timeoutMs = 60000, cwd = undefined } = {}) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(exe, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout: '', stderr: String(e.message), timedOut, ms: 0,
                spawnError: true });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'),
                stderr: Buffer.concat(err).toString('utf8'), timedOut, ms });
    });
  });
}

// Runs `lakewatch parquet cat FILE --format jsonl` and returns { run, names, rows } where rows
// are Maps (ParseJson). names come from the first row, or from `parquet schema` for 0 rows.
export async function LakewatchCat(lakewatch, file, { timeoutMs = 60000 } = {}) {
  const run = await Run(lakewatch, ['parquet', 'cat', file, '--format', 'jsonl'], { timeoutMs });
  if (run.code !== 0) return { run, names: null, rows: null };
  const rows = [];
  for (const line of run.stdout.split('\n')) {
    if (line.length) rows.push(ParseJson(line));
  }
  let names;
  if (rows.length) {
    names = [...rows[0].keys()];
  } else {
    const schema = await Run(lakewatch, ['parquet', 'schema', file], { timeoutMs });
    names = TopLevelNamesFromSchema(schema.stdout);
  }
  return { run, names, rows };
}

// Top-level column names from the "logical schema:" section of `lakewatch parquet schema`.
export function TopLevelNamesFromSchema(text) {
  const lines = text.split('\n');
  const at = lines.indexOf('logical schema:');
  const names = [];
  for (const line of lines.slice(at + 1)) {
    if (!line.startsWith('  ') || line.startsWith('   ')) continue;
    const colon = line.lastIndexOf(': ');
    names.push(line.slice(2, colon < 0 ? undefined : colon));
  }
  return names;
}

// ---------------------------------------------------------------- exact JSON

// JSON text -> canonical tree: objects become Maps (key order kept, so a column named "1" stays
// where it is), integer literals become BigInt (exact beyond 2^53), other numbers Number.
export function ParseJson(text) {
  let i = 0;
  const n = text.length;
  const Fail = (what) => {
    throw new Error(`JSON: ${what} at offset ${i}: ${text.slice(Math.max(0, i - 20), i + 20)}`);
  };
  const Ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const Str = () => {
    // text[i] === '"'
    let j = i + 1;
    let simple = true;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 34) break;
      if (c === 92) { simple = false; j += 2; continue; }
      j++;
    }
    if (j >= n) Fail('unterminated string');
    const raw = text.slice(i, j + 1);
    i = j + 1;
    return simple ? raw.slice(1, -1) : JSON.parse(raw);
  };
  const Value = () => {
    Ws();
    if (i >= n) Fail('unexpected end');
    const c = text[i];
    if (c === '{') {
      i++;
      const m = new Map();
      Ws();
      if (text[i] === '}') { i++; return m; }
      for (;;) {
        Ws();
        if (text[i] !== '"') Fail('expected a key');
        const k = Str();
        Ws();
        if (text[i] !== ':') Fail('expected :');
        i++;
        m.set(k, Value());
        Ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return m; }
        Fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const a = [];
      Ws();
      if (text[i] === ']') { i++; return a; }
      for (;;) {
        a.push(Value());
        Ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return a; }
        Fail('expected , or ]');
      }
    }
    if (c === '"') return Str();
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    const m = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const r = m.exec(text);
    if (!r) Fail('unexpected character');
    i = m.lastIndex;
    return r[1] === undefined && r[2] === undefined ? BigInt(r[0]) : Number(r[0]);
  };
  const v = Value();
  Ws();
  if (i !== n) Fail('trailing characters');
  return v;
}

// ---------------------------------------------------------------- type descriptors

// { kind: 'bool'|'int'|'float'|'double'|'decimal'|'string'|'blob'|'date'|'time'|'timestamp'|
//         'uuid'|'other'|'list'|'struct'|'map', ... }
//   int: { unsigned64 }   timestamp: { tz, int96 }   list: { element }
//   struct: { fields: [{ name, desc }] }   map: { key, value }

const kDuckKinds = {
  BOOLEAN: 'bool', TINYINT: 'int', SMALLINT: 'int', INTEGER: 'int', BIGINT: 'int',
  UTINYINT: 'int', USMALLINT: 'int', UINTEGER: 'int', UBIGINT: 'int', HUGEINT: 'int',
  UHUGEINT: 'int', FLOAT: 'float', DOUBLE: 'double', DECIMAL: 'decimal', VARCHAR: 'string',
  ENUM: 'string', BLOB: 'blob', DATE: 'date', TIME: 'time', TIME_NS: 'time',
  TIMESTAMP: 'timestamp', TIMESTAMP_S: 'timestamp', TIMESTAMP_MS: 'timestamp',
  TIMESTAMP_NS: 'timestamp', TIMESTAMP_TZ: 'timestamp', UUID: 'uuid',
};

// DuckDBType -> descriptor. int96: the Parquet column holds INT96 (from parquet_schema()).
export function DescFromDuck(type, { int96 = false } = {}) {
  const id = TypeIdName(type);
  switch (id) {
    case 'LIST':
    case 'ARRAY':
      return { kind: 'list', element: DescFromDuck(type.valueType, { int96 }) };
    case 'STRUCT':
      return {
        kind: 'struct',
        fields: type.entryNames.map((name, k) => ({
          name, desc: DescFromDuck(type.entryTypes[k], { int96 }),
        })),
      };
    case 'MAP':
      return { kind: 'map', key: DescFromDuck(type.keyType, { int96 }),
               value: DescFromDuck(type.valueType, { int96 }) };
    default:
      break;
  }
  const kind = kDuckKinds[id] ?? 'other';
  const d = { kind, duck: id };
  if (id === 'UBIGINT') d.unsigned64 = true;
  if (kind === 'timestamp') {
    d.tz = id === 'TIMESTAMP_TZ';
    d.int96 = int96;
  }
  return d;
}

function TypeIdName(type) {
  // DuckDBType.toString() is e.g. "INTEGER", "DECIMAL(4,2)", "STRUCT(...)"; typeId is numeric.
  const names = {
    1: 'BOOLEAN', 2: 'TINYINT', 3: 'SMALLINT', 4: 'INTEGER', 5: 'BIGINT', 6: 'UTINYINT',
    7: 'USMALLINT', 8: 'UINTEGER', 9: 'UBIGINT', 10: 'FLOAT', 11: 'DOUBLE', 12: 'TIMESTAMP',
    13: 'DATE', 14: 'TIME', 15: 'INTERVAL', 16: 'HUGEINT', 32: 'UHUGEINT', 17: 'VARCHAR',
    18: 'BLOB', 19: 'DECIMAL', 20: 'TIMESTAMP_S', 21: 'TIMESTAMP_MS', 22: 'TIMESTAMP_NS',
    23: 'ENUM', 24: 'LIST', 25: 'STRUCT', 26: 'MAP', 33: 'ARRAY', 27: 'UUID', 28: 'UNION',
    29: 'BIT', 30: 'TIME_TZ', 31: 'TIMESTAMP_TZ', 39: 'TIME_NS',
  };
  return names[type.typeId] ?? `TYPE${type.typeId}`;
}

// hyparquet schema node (parquetSchema(metadata) tree, decimal annotations already stripped by
// the peer and remembered as lwDecimalScale) -> descriptor, following the peer's Walk().
export function DescFromHyparquet(node, asElement = false) {
  const el = node.element;
  if (el.repetition_type === 'REPEATED' && !asElement) {
    return { kind: 'list', element: DescFromHyparquet(node, true) };
  }
  if (node.children.length) {
    if (IsKeyOnlyMap(node)) {
      return { kind: 'list', element: DescFromHyparquet(node.children[0].children[0], true) };
    }
    const ct = el.converted_type;
    const lt = el.logical_type?.type;
    const listLike = (ct === 'LIST' || lt === 'LIST') && node.children.length === 1 &&
                     node.children[0].element.repetition_type === 'REPEATED';
    if (listLike) {
      // The spec's backward-compatibility rules for the repeated field of a LIST: a primitive,
      // a group of several fields, or a one-field group named "array" or "<list>_tuple" is the
      // element itself; otherwise its only field is.
      const rep = node.children[0];
      const repIsElement = !rep.children.length || rep.children.length > 1 ||
                           rep.element.name === 'array' || rep.element.name === `${el.name}_tuple`;
      return { kind: 'list',
               element: DescFromHyparquet(repIsElement ? rep : rep.children[0], true) };
    }
    const mapLike = (ct === 'MAP' || ct === 'MAP_KEY_VALUE' || lt === 'MAP') &&
                    node.children.length === 1 && node.children[0].children.length === 2;
    if (mapLike) {
      const kv = node.children[0].children;
      return { kind: 'map', key: DescFromHyparquet(kv.find((c) => c.element.name === 'key'), true),
               value: DescFromHyparquet(kv.find((c) => c.element.name === 'value'), true) };
    }
    return {
      kind: 'struct',
      fields: node.children.map((c) => ({ name: c.element.name, desc: DescFromHyparquet(c) })),
    };
  }
  if (el.lwDecimalScale !== undefined) return { kind: 'decimal' };
  const ct = el.converted_type;
  const lt = el.logical_type;
  switch (el.type) {
    case 'BOOLEAN': return { kind: 'bool' };
    case 'INT96': return { kind: 'timestamp', tz: false, int96: true };
    case 'FLOAT': return { kind: 'float' };
    case 'DOUBLE': return { kind: 'double' };
    case 'INT32':
    case 'INT64':
      if (ct === 'DATE' || lt?.type === 'DATE') return { kind: 'date' };
      if (ct?.startsWith('TIME_') || lt?.type === 'TIME') return { kind: 'time' };
      if (ct?.startsWith('TIMESTAMP_') || lt?.type === 'TIMESTAMP') {
        return { kind: 'timestamp', tz: lt ? Boolean(lt.isAdjustedToUTC) : true, int96: false };
      }
      return { kind: 'int', unsigned64: ct === 'UINT_64' || (lt?.type === 'INTEGER' &&
                                                              !lt.isSigned && lt.bitWidth === 64) };
    case 'FIXED_LEN_BYTE_ARRAY':
      if (lt?.type === 'FLOAT16') return { kind: 'float' };
      if (lt?.type === 'UUID') return { kind: 'uuid' };
      return { kind: 'blob' };
    case 'BYTE_ARRAY':
      if (ct === 'UTF8' || ct === 'ENUM' || ct === 'JSON' ||
          ['STRING', 'ENUM', 'JSON'].includes(lt?.type)) {
        return { kind: 'string' };
      }
      return { kind: 'blob' };
    default:
      return { kind: 'other' };
  }
}

// ---------------------------------------------------------------- DuckDB values -> trees

// A map's entries with typed keys: [[key, value], ...], later duplicates already removed.
export class MapEntries {
  constructor(entries) {
    this.entries = entries;
  }
}

// DuckDBValue + DuckDBType -> canonical tree (structs as ordered Maps, maps as MapEntries,
// leaves as tests/peers/duckdb_query.mjs Canonical()).
export function DuckTree(v, type) {
  if (v === null || v === undefined) return null;
  const id = TypeIdName(type);
  if (id === 'LIST' || id === 'ARRAY') return v.items.map((x) => DuckTree(x, type.valueType));
  if (id === 'STRUCT') {
    const m = new Map();
    type.entryNames.forEach((name, k) => m.set(name, DuckTree(v.entries[name], type.entryTypes[k])));
    return m;
  }
  if (id === 'MAP') {
    return new MapEntries(DedupEntries(v.entries.map(({ key, value }) => [
      DuckTree(key, type.keyType), DuckTree(value, type.valueType)])));
  }
  return Canonical(v);
}

function DedupEntries(entries) {
  const byKey = new Map();
  for (const [k, v] of entries) byKey.set(JsonText(k), [k, v]);
  return [...byKey.values()];
}

// ---------------------------------------------------------------- comparison

const kNsMinMicros = -9223372036854775n;  // int64 nanoseconds range, in microseconds
const kNsMaxMicros = 9223372036854775n;

// Comparison state: diffs (bounded), notes (tolerated differences, counted by kind).
export class Diffs {
  constructor(limit = 8) {
    this.limit = limit;
    this.list = [];
    this.count = 0;
    this.tolerated = new Map();
  }
  Add(path, msg) {
    this.count++;
    if (this.list.length < this.limit) this.list.push(`${path}: ${msg}`);
  }
  Tolerate(kind, example) {
    const t = this.tolerated.get(kind) ?? { count: 0, example };
    t.count++;
    this.tolerated.set(kind, t);
  }
  get ok() {
    return this.count === 0;
  }
}

function Show(v) {
  if (v instanceof MapEntries) return 'map' + JsonText(v.entries);
  if (v instanceof Map) return JsonText(Object.fromEntries(v));
  const t = JsonText(v);
  return t.length > 160 ? t.slice(0, 160) + '…' : t;
}

function IsNull(v) {
  return v === null || v === undefined;
}

function ToBigInt(v, allowDigitString) {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (allowDigitString && typeof v === 'string' && /^-?\d+(\.0*)?$/.test(v)) {
    return BigInt(v.replace(/\.0*$/, ''));
  }
  return null;
}

function NonFinite(v) {
  if (typeof v === 'number' && !Number.isFinite(v)) {
    return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  }
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return v;
  return null;
}

function ToNumber(v) {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v)) return Number(v);
  return null;
}

// Exact decimal value as [unscaled bigint, scale], or null.
function ToDecimal(v) {
  if (typeof v === 'bigint') return [v, 0];
  let s;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    s = String(v);
    if (/e/i.test(s)) return null;
  } else if (typeof v === 'string') {
    s = v;
  } else {
    return null;
  }
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return null;
  const frac = m[3] ?? '';
  const u = BigInt(m[2] + frac) * (m[1] ? -1n : 1n);
  return [u, frac.length];
}

function DecimalEqual(a, b) {
  const x = ToDecimal(a);
  const y = ToDecimal(b);
  if (!x || !y) return false;
  return x[0] * 10n ** BigInt(y[1]) === y[0] * 10n ** BigInt(x[1]);
}

// Days since the epoch of a proleptic Gregorian date (H. Hinnant's days_from_civil).
function DaysFromCivil(y, mo, d) {
  y -= mo <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// "YYYY-MM-DD" (years beyond 0000-9999 with more digits, with or without a sign) -> days.
function DateDays(text) {
  const m = /^([+-]?\d{4,})-(\d\d)-(\d\d)$/.exec(text);
  return m ? DaysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

// "YYYY-MM-DDTHH:MM:SS.ffffff[Z]" (year as in DateDays) -> microseconds since the epoch (bigint).
function TimestampMicros(text) {
  const m = /^([+-]?\d{4,}-\d\d-\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})Z?$/.exec(text);
  if (!m) return null;
  const days = BigInt(DateDays(m[1]));
  return ((days * 24n + BigInt(m[2])) * 60n + BigInt(m[3])) * 60000000n +
         BigInt(m[4]) * 1000000n + BigInt(m[5]);
}

function Entries(v) {
  if (v instanceof MapEntries) return v.entries;
  if (v instanceof Map) return [...v.entries()];
  return Object.entries(v);
}

function IsObjectLike(v) {
  return v instanceof Map || (typeof v === 'object' && v !== null && !Array.isArray(v) &&
                              !(v instanceof MapEntries));
}

// Text map key (lakewatch prints every map key as text) -> a value of the key's kind.
function KeyFromText(text, desc) {
  switch (desc.kind) {
    case 'int': return /^-?\d+$/.test(text) ? BigInt(text) : text;
    case 'float':
    case 'double': return NonFinite(text) ?? (ToNumber(text) ?? text);
    case 'bool': return text === 'true' ? true : text === 'false' ? false : text;
    default: return text;
  }
}

// Compares actual `a` with expected `e` of type `desc`; adds differences to `diffs`.
export function Compare(a, e, desc, path, diffs) {
  if (IsNull(e) || IsNull(a)) {
    if (!(IsNull(e) && IsNull(a))) diffs.Add(path, `got ${Show(a)}, expected ${Show(e)}`);
    return;
  }
  const Bad = (why = '') => diffs.Add(path, `got ${Show(a)}, expected ${Show(e)}${why}`);
  switch (desc.kind) {
    case 'bool':
      if (a !== e) Bad();
      return;
    case 'int': {
      const x = ToBigInt(a, desc.unsigned64);
      const y = ToBigInt(e, true);
      if (x === null || y === null || x !== y) Bad();
      return;
    }
    case 'float':
    case 'double': {
      const na = NonFinite(a);
      const ne = NonFinite(e);
      if (na !== null || ne !== null) {
        if (na !== ne) Bad();
        return;
      }
      const x = ToNumber(a);
      const y = ToNumber(e);
      if (x === null || y === null) return Bad();
      if (desc.kind === 'float' ? Math.fround(x) !== Math.fround(y) : x !== y) Bad();
      return;
    }
    case 'decimal':
      if (!DecimalEqual(a, e)) Bad();
      return;
    case 'string':
    case 'blob':
    case 'time':
      if (a !== e) Bad();
      return;
    case 'date':
      // By value: years beyond 9999 print as "+10000-01-01" (peers) or "10000-01-01".
      if (a !== e && (typeof a !== 'string' || DateDays(a) === null || DateDays(a) !== DateDays(e))) {
        Bad();
      }
      return;
    case 'uuid':
      if (typeof a !== 'string' || a.toLowerCase() !== String(e).toLowerCase()) Bad();
      return;
    case 'timestamp': {
      if (typeof a !== 'string' || typeof e !== 'string') return Bad();
      const am = TimestampMicros(a);
      if (a.replace(/Z$/, '') === e.replace(/Z$/, '') || (am !== null && am === TimestampMicros(e))) {
        if (desc.tz && !desc.int96 && !a.endsWith('Z')) Bad(' (UTC adjustment lost)');
        return;
      }
      if (desc.int96) {
        const micros = TimestampMicros(e);
        const out = micros === null || micros < kNsMinMicros || micros > kNsMaxMicros;
        if (out) {
          diffs.Tolerate('INT96 outside the int64-nanosecond range, decoded differently',
                         `${path}: got ${a}, oracle ${e}`);
          return;
        }
      }
      return Bad();
    }
    case 'list':
      if (!Array.isArray(a)) return Bad(' (not a list)');
      if (a.length !== e.length) return Bad(` (length ${a.length} vs ${e.length})`);
      for (let k = 0; k < e.length; k++) Compare(a[k], e[k], desc.element, `${path}[${k}]`, diffs);
      return;
    case 'struct': {
      if (!IsObjectLike(a)) return Bad(' (not a struct)');
      const got = Entries(a);
      const names = desc.fields.map((f) => f.name);
      const gotNames = got.map(([k]) => k);
      const sameNames = a instanceof Map ? JsonText(gotNames) === JsonText(names)
                                         : JsonText([...gotNames].sort()) ===
                                           JsonText([...names].sort());
      if (!sameNames) return Bad(` (fields ${JsonText(gotNames)} vs ${JsonText(names)})`);
      const byName = new Map(got);
      const eByName = new Map(Entries(e));
      for (const f of desc.fields) {
        Compare(byName.get(f.name), eByName.get(f.name), f.desc, `${path}.${f.name}`, diffs);
      }
      return;
    }
    case 'map': {
      if (!IsObjectLike(a) && !(a instanceof MapEntries)) return Bad(' (not a map)');
      const got = Entries(a).map(([k, v]) => [typeof k === 'string' ? KeyFromText(k, desc.key) : k,
                                              v]);
      const want = Entries(e);
      if (got.length !== want.length) return Bad(` (${got.length} entries vs ${want.length})`);
      for (const [ek, ev] of want) {
        const hit = got.find(([gk]) => {
          const probe = new Diffs(0);
          Compare(gk, ek, desc.key, '', probe);
          return probe.ok;
        });
        if (!hit) return Bad(` (key ${Show(ek)} missing)`);
        Compare(hit[1], ev, desc.value, `${path}{${Show(ek)}}`, diffs);
      }
      return;
    }
    default:
      if (JsonText(a) !== JsonText(e)) Bad();
  }
}

// Compares a whole table. actual: { names, rows } (rows: Maps or plain objects keyed by name);
// expected: { names, descs, rows } (rows: arrays of trees in column order). Returns Diffs.
export function CompareTables(actual, expected, diffs = new Diffs()) {
  if (JsonText(actual.names) !== JsonText(expected.names)) {
    diffs.Add('columns', `got ${JsonText(actual.names)}, expected ${JsonText(expected.names)}`);
    return diffs;
  }
  if (actual.rows.length !== expected.rows.length) {
    diffs.Add('rows', `got ${actual.rows.length} rows, expected ${expected.rows.length}`);
  }
  const n = Math.min(actual.rows.length, expected.rows.length);
  for (let r = 0; r < n; r++) {
    const row = actual.rows[r];
    const get = row instanceof Map ? (k) => row.get(k) : (k) => row[k];
    const want = expected.rows[r];
    for (let c = 0; c < expected.names.length; c++) {
      Compare(get(expected.names[c]), want[c], expected.descs[c],
              `row ${r} ${expected.names[c]}`, diffs);
    }
  }
  return diffs;
}

export function DiffsText(diffs) {
  const lines = [...diffs.list];
  if (diffs.count > diffs.list.length) lines.push(`… ${diffs.count - diffs.list.length} more`);
  return lines.join('\n');
}

export function ToleratedText(diffs) {
  return [...diffs.tolerated].map(([kind, t]) => `${t.count} × ${kind} (e.g. ${t.example})`)
    .join('; ');
}

// ---------------------------------------------------------------- oracles

function SqlString(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

// Top-level column names of a Parquet file whose subtree holds an INT96 leaf (DuckDB
// parquet_schema(): elements in depth-first order with num_children).
async function Int96Columns(peer, file) {
  const { rows } = await peer.QueryCanonical(
    `SELECT name, type, num_children FROM parquet_schema(${SqlString(file)})`);
  const out = new Set();
  let k = 1;  // rows[0] is the root
  const Walk = () => {
    const el = rows[k++];
    let has = el.type === 'INT96';
    for (let c = 0; c < Number(el.num_children ?? 0); c++) has = Walk() || has;
    return has;
  };
  while (k < rows.length) {
    const name = rows[k].name;
    if (Walk()) out.add(name);
  }
  return out;
}

// Reads a Parquet file with DuckDB: { names, descs, rows (arrays of trees), types }.
export async function DuckRead(peer, file) {
  const { names, types, rows } = await peer.Query(
    `SELECT * FROM read_parquet(${SqlString(file)}, binary_as_string = false)`);
  const int96 = await Int96Columns(peer, file);
  return {
    names,
    types,
    descs: types.map((t, c) => DescFromDuck(t, { int96: int96.has(names[c]) })),
    rows: rows.map((row) => row.map((v, c) => DuckTree(v, types[c]))),
  };
}

// Reads a Parquet file with hyparquet: { names, descs, rows (arrays of trees), objects }.
export async function HyparquetRead(file) {
  const { ReadParquet } = await import('../peers/hyparquet_read.mjs');
  const { names, rows, schema } = await ReadParquet(file);
  return {
    names,
    descs: schema.children.map((c) => DescFromHyparquet(c)),
    rows: rows.map((row) => names.map((n) => row[n])),
    objects: rows,
  };
}

// The oracle for a file: DuckDB, or hyparquet where DuckDB cannot read the file (e.g. LZ4
// (Hadoop) codec, BYTE_STREAM_SPLIT on integer columns). { oracle, table, duckError }.
export async function OracleRead(peer, file) {
  try {
    return { oracle: 'duckdb', table: await DuckRead(peer, file) };
  } catch (e) {
    const duckError = String(e?.message ?? e).split('\n')[0];
    try {
      return { oracle: 'hyparquet', table: await HyparquetRead(file), duckError };
    } catch (e2) {
      return { oracle: null, table: null, duckError,
               hyparquetError: String(e2?.message ?? e2).split('\n')[0] };
    }
  }
}
