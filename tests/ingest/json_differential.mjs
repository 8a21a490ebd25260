#!/usr/bin/env node
// Differential test of `lakewatch ingest` on JSON lines: DuckDB's read_json of the input against
// DuckDB reading the Parquet files lakewatch wrote, value by value.
//
// Usage: node tests/ingest/json_differential.mjs [--lakewatch BUILD/lakewatch] [--keep] [--verbose]
//        [--records N] (default 20000) [--write-input DIR] (only write the inputs to DIR)
// Needs node_modules (npm @duckdb/node-api); exits 77 = skipped without it. Needs no shared data.
//
// 1. Generates N nested events (seeded, deterministic) full of edge cases: nulls and missing
//    fields, empty lists and objects, lists with null elements, \u escapes (accents, surrogate
//    pairs, control characters, NUL), raw UTF-8, integers at ±2^53 and ±2^63 and beyond 2^64,
//    floats with exponents and -0.0, integers in float fields, a field that is an integer on
//    most rows and a string on some, nested lists of structs, lists of lists, 12 levels of
//    nesting, an object keyed by data (host names) that must become a map, dotted and non-ASCII
//    keys, names Delta refuses (a space), names of system columns (`date`), an empty key,
//    timestamps in several RFC 3339 forms (Z, offsets, 0/3/6/9 fraction digits) and missing
//    ones, blank lines and CRLF line ends. Writes them to good.jsonl, and to bad.jsonl two
//    records lakewatch must quarantine (a malformed line and an object nested deeper than the
//    reader's limit, 64) between two good ones.
// 2. `lakewatch ingest --table diff --input-format jsonl good.jsonl bad.jsonl --format json`:
//    the summary counts N + 2 rows and 2 quarantined; the quarantine table holds both bad lines
//    (_source, _line, _offset, non-empty reason, raw = the line's bytes, ingested_at).
//    Then a second ingest into the same table (its column types now fixed) of N/10 records
//    that give many fields another type (a float where integers were, strings for booleans,
//    a string for a struct, an object for a list, a string element in a list of doubles, ...)
//    and a new struct column: every such value must come back from `_rest`.
// 3. DuckDB reads each input (read_json, newline_delimited, sample_size=-1) and every live file
//    of the table (read_parquet(files, union_by_name)); rows are matched by `_line` (the line
//    each record was written to) and `_source`; for every top-level input field the two
//    canonical values (tests/peers/canonical.mjs) must be equal, up to the intended
//    differences below. `_rest` is overlaid first: its JSON Pointer keys put back every value
//    that fit no column (docs: "a value that fits no column type is never dropped").
// 4. System columns: `timestamp` equals the input's timestamp parsed here (RFC 3339 → UTC
//    micros, fraction digits beyond 6 truncated), `date` (the file's partition value) is its
//    UTC date (null when there is no timestamp), `_source` names the input file, `_rest` holds
//    no nulls.
// 5. Timestamp sources (timestamp, @timestamp, ts, time, --timestamp FIELD); stdin, gzip,
//    --idempotent, empty and missing sources.
// Known lakewatch bugs are reproduced as expected failures (kExpectedFailures).
//
// Intended differences (representation, never value; each is counted and printed per field):
//   int-vs-double    one side an integer, the other a double of the same value, no digit lost
//                    on lakewatch's side (DuckDB makes a column with integers and floats
//                    DOUBLE; lakewatch keeps a bigint column fixed by an earlier ingest and puts
//                    non-integral values in _rest)
//   scalar-as-text   a number/boolean on one side, its JSON text as a string on the other
//                    (mixed-type fields: DuckDB VARCHAR, lakewatch widens new columns to string)
//   json-text        an object/list on one side, its JSON text on the other (DuckDB's JSON type
//                    for fields of mixed shape)
//   timestamp-text   the same instant as a typed timestamp on one side and RFC 3339 text on the
//                    other (lakewatch types only the timestamp column; DuckDB detects timestamp
//                    strings only when one format fits every row)
//   empty-object     {} on one side, null (or an object of nulls) on the other
//   null-members     an object member that is null on one side and absent on the other (a
//                    struct lists every field; a map or JSON text only the present ones)
// Renamed columns (lakewatch's naming rules, src/ingest/record_builder.h): a name with one of
// " ,;{}()\n\t=" has it replaced by '_', the empty name is `_empty` (DuckDB calls it C1), a name
// of a system column gets a trailing '_' (`date` → `date_`).
//
// Exit status: 0 all good, 1 failures, 77 skipped.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import {
  Ingest, kSummaryKeys, NeedNodeModules, ParseArgs, Random, Results, Run, RunStatusText, Scan,
  SqlString, TableFiles,
} from './ingest_common.mjs';

const kMaxDepth = 64;  // the reader's nesting limit (BuilderOptions::max_depth)
const kSystemColumns = new Set(['timestamp', 'date', '_source', '_line', '_rest']);
const kTimestampFields = ['timestamp', '@timestamp', 'ts', 'time'];

// ---------------------------------------------------------------- input generation

// A JSON token written exactly as given (number forms JSON.stringify cannot produce).
class Raw {
  constructor(text) { this.text = text; }
}

function JsonOf(v) {
  if (v instanceof Raw) return v.text;
  if (v === null) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(JsonOf).join(',')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${JsonOf(x)}`).join(',')}}`;
}

// Strings that exercise the JSON string grammar. Raw: escaped forms; plain: raw UTF-8.
const kMessages = [
  new Raw('"caf\\u00e9 cr\\u00e8me"'),
  new Raw('"emoji \\ud83d\\ude00 pair"'),
  new Raw('"tab\\there\\nnewline \\"quoted\\" back\\\\slash \\/ slash"'),
  new Raw('"control \\u0001\\u001f end"'),
  new Raw('"nul \\u0000 inside"'),
  new Raw('"\\u00fc\\u00f6\\u00e4 \\u6771\\u4eac"'),
  'Zürich 東京 naïve — “quotes” 😀',
  '',
  ' leading and trailing spaces ',
  'user 1234 logged in from 10.0.0.1',
  'user 987 logged out',
  'payment of 12.50 EUR declined: insufficient funds',
  'a'.repeat(300),
];
const kInt64Edges = [0n, 1n, -1n, 9007199254740991n, 9007199254740992n, 9007199254740993n,
  -9007199254740993n, 9223372036854775807n, -9223372036854775808n, 4294967296n, -2147483649n];
// Above int64, within uint64 (DuckDB reads them as UBIGINT/HUGEINT, exactly); see kExpectedFailures.
const kUint64Edges = ['18446744073709551615', '9223372036854775808', '12345678901234567890'];
// Outside [-2^63, 2^64): valid JSON (RFC 8259 sets no limit); see kExpectedFailures.
const kBigBeyond = ['18446744073709551616', '-9223372036854775809', '100000000000000000000000',
  '123456789012345678901234567890'];
const kFloatForms = ['1.5e-7', '6.02E23', '-2.5e+3', '0.1', '1e308', '5e-324', '-0.0', '2.2250738585072014e-308',
  '3.141592653589793', '1E2', '-1.0e-0', '0.30000000000000004', '123456.789e3'];
const kCountries = ['DE', 'US', 'FR', 'NG', 'BR', null];
const kHosts = Array.from({ length: 400 }, (_, i) => `host-${String(i).padStart(3, '0')}.example.com`);

function Pad(n, w = 2) { return String(n).padStart(w, '0'); }

// RFC 3339 text for epoch millis `ms` in one of several forms; returns [text, micros (bigint)].
function TimestampForm(rand, ms) {
  const d = new Date(ms);
  const base = `${d.getUTCFullYear()}-${Pad(d.getUTCMonth() + 1)}-${Pad(d.getUTCDate())}`;
  const hms = (x) => `${Pad(x.getUTCHours())}:${Pad(x.getUTCMinutes())}:${Pad(x.getUTCSeconds())}`;
  const micro = BigInt(ms) * 1000n;
  const r = rand();
  if (r < 0.55) return [d.toISOString(), micro];  // ms + Z
  if (r < 0.7) {
    const s = Math.floor(ms / 1000) * 1000;
    return [`${base}T${hms(d)}Z`, BigInt(s) * 1000n];
  }
  if (r < 0.8) {  // micros
    const us = Math.floor(rand() * 1000);
    return [`${base}T${hms(d)}.${Pad(ms % 1000, 3)}${Pad(us, 3)}Z`, micro + BigInt(us)];
  }
  if (r < 0.88) {  // nanos: truncated to micros
    const ns = Math.floor(rand() * 1000000);
    return [`${base}T${hms(d)}.${Pad(ms % 1000, 3)}${Pad(ns, 6)}Z`, micro + BigInt(Math.floor(ns / 1000))];
  }
  // an offset: the same instant written in another zone
  const offMin = [120, -300, 330, -570][Math.floor(rand() * 4)];
  const local = new Date(ms + offMin * 60000);
  const lbase = `${local.getUTCFullYear()}-${Pad(local.getUTCMonth() + 1)}-${Pad(local.getUTCDate())}`;
  const sign = offMin < 0 ? '-' : '+';
  const a = Math.abs(offMin);
  return [`${lbase}T${hms(local)}.${Pad(ms % 1000, 3)}${sign}${Pad(Math.floor(a / 60))}:${Pad(a % 60)}`, micro];
}

function Deep(rand, depth, leaf) {
  let v = { leaf };
  for (let i = depth - 1; i >= 1; i--) {
    const o = { [`l${i}`]: v };
    if (rand() < 0.3) o[`s${i}`] = `d${i}`;
    v = o;
  }
  return v;
}

// Returns { records: [{ line, text, timestampMicros|null }], goodText, badText, badLines }.
// The JSON Pointers (list indexes as #) of the values Generate({conflicts}) gives a type other
// than the first ingest fixed, that fit no column. (Its integer `level`s fit the string column
// as their text: not in _rest.)
const kConflictPointers = ['/count', '/flag', '/features', '/tags', '/model/params/layers',
  '/embedding/#', '/items/#/qty'];

function Generate(n, seed, { firstId = 1, conflicts = false } = {}) {
  const rand = Random(seed);
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const lines = [];
  const records = [];
  let t = Date.UTC(2025, 10, 20, 22, 0, 0);  // crosses midnight UTC several times
  for (let id = firstId; id < firstId + n; id++) {
    t += Math.floor(rand() * 60000);
    const r = { id };
    let tsMicros = null;
    const tsr = rand();
    if (tsr < 0.03) {
      // missing
    } else if (tsr < 0.04) {
      r.timestamp = null;
    } else {
      const [text, micros] = TimestampForm(rand, t);
      r.timestamp = text;
      tsMicros = micros;
    }
    if (rand() < 0.95) r.level = rand() < 0.05 ? null : pick(['info', 'warn', 'error', 'debug']);
    if (rand() < 0.9) r.message = pick(kMessages);
    if (rand() < 0.9) {
      r.user = { name: pick(['Ana', 'Björn', 'Zoë', '李雷', null]), email: rand() < 0.5 ? `u${id}@example.com` : null };
      if (rand() < 0.2) delete r.user.email;
    }
    r.count = rand() < 0.3 ? pick(kInt64Edges) : BigInt(Math.floor(rand() * 2000) - 1000);
    if (rand() < 0.8) r.big = rand() < 0.05 ? pick(kInt64Edges) : BigInt(Math.floor(rand() * 1e6));
    if (rand() < 0.9) {
      // mostly floats, sometimes integers or exponent forms
      const u = rand();
      r.score = u < 0.2 ? new Raw(pick(kFloatForms)) : u < 0.3 ? BigInt(Math.floor(rand() * 10)) : Math.round(rand() * 1e6) / 1e6;
    }
    if (rand() < 0.9) r.ratio = new Raw(rand() < 0.5 ? pick(kFloatForms) : (rand()).toExponential(4));
    r.flag = rand() < 0.1 ? null : rand() < 0.5;
    if (rand() < 0.9) {
      r.model = { name: pick(['fraud', 'churn', 'rank']), version: pick(['v1', 'v2', '3.0.1']) };
      if (rand() < 0.7) {
        r.model.params = { lr: Math.round(rand() * 1e4) / 1e6, layers: BigInt(1 + Math.floor(rand() * 12)),
                           activations: Array.from({ length: Math.floor(rand() * 4) }, () => pick(['relu', 'tanh', 'gelu'])) };
      }
      if (rand() < 0.1) delete r.model.version;
    }
    if (rand() < 0.9) {
      r.features = {
        amount: Math.round(rand() * 1e5) / 100,
        geo: rand() < 0.1 ? null : {
          country: pick(kCountries),
          city: pick(['Berlin', 'São Paulo', 'Lagos', 'Paris', null]),
          coords: rand() < 0.2 ? null : { lat: Math.round((rand() * 180 - 90) * 1e4) / 1e4, lon: Math.round((rand() * 360 - 180) * 1e4) / 1e4 },
        },
        tags: rand() < 0.2 ? [] : Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(['a', 'b', 'c'])),
      };
    }
    const tr = rand();
    if (tr < 0.1) r.tags = null;
    else if (tr < 0.25) r.tags = [];
    else if (tr < 0.3) { /* missing */ } else {
      r.tags = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => (rand() < 0.1 ? null : pick(['canary', 'shadow', 'ab:a', 'ab:b', 'ü'])));
    }
    if (rand() < 0.7) r.embedding = Array.from({ length: Math.floor(rand() * 8) }, () => Math.round((rand() * 2 - 1) * 1e6) / 1e6);
    if (rand() < 0.6) {
      r.items = Array.from({ length: Math.floor(rand() * 4) }, () => ({
        sku: `sku-${Math.floor(rand() * 1000)}`,
        qty: BigInt(1 + Math.floor(rand() * 5)),
        price: rand() < 0.1 ? null : Math.round(rand() * 1e4) / 100,
        attrs: Array.from({ length: Math.floor(rand() * 3) }, () => ({ k: pick(['color', 'size']), v: pick(['red', 'XL', null]) })),
      }));
    }
    if (rand() < 0.5) {
      r.matrix = Array.from({ length: Math.floor(rand() * 3) },
                            () => Array.from({ length: Math.floor(rand() * 4) }, () => BigInt(Math.floor(rand() * 100))));
    }
    if (rand() < 0.3) r.deep = Deep(rand, 12, BigInt(id));
    if (rand() < 0.7) {
      const c = {};
      for (let k = Math.floor(rand() * 5); k >= 0; k--) c[pick(kHosts)] = BigInt(Math.floor(rand() * 1e6));
      r.counters = c;
    }
    if (rand() < 0.3) r['http.status'] = BigInt(pick([200, 201, 301, 404, 500]));
    if (rand() < 0.3) r['user name'] = pick(['ana', 'bo', 'cy']);
    if (rand() < 0.2) r.date = `2025-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 10)}`;
    if (rand() < 0.05) r[''] = BigInt(Math.floor(rand() * 10));
    if (rand() < 0.2) r['ключ'] = pick(['значение', 'ß', '']);
    if (rand() < 0.9) r.mixed = rand() < 0.05 ? pick(['n/a', 'unknown', '12abc']) : BigInt(Math.floor(rand() * 1000));
    if (rand() < 0.2) r.nullonly = null;
    if (rand() < 0.3) r.empty_obj = rand() < 0.5 ? {} : { a: BigInt(Math.floor(rand() * 10)) };
    if (rand() < 0.1) {
      const [text] = TimestampForm(rand, t + Math.floor(rand() * 86400000));
      r.feedback = { label: pick(['fraud', 'ok']), received_at: text };
    }
    if (conflicts) {
      // Types other than the table's (fixed by the first ingest).
      if (rand() < 0.3) r.count = new Raw(pick(['1.5', '-2.25e3', '0.001']));
      if (rand() < 0.3) r.flag = pick(['yes', 'no']);
      if (rand() < 0.2) r.level = BigInt(Math.floor(rand() * 5));
      if (rand() < 0.2) r.features = 'n/a';
      if (rand() < 0.2) r.tags = { first: 'a', second: BigInt(2) };
      if (r.model?.params && rand() < 0.3) r.model.params.layers = 'many';
      if (r.embedding?.length && rand() < 0.3) r.embedding[Math.floor(rand() * r.embedding.length)] = 'x';
      if (r.items?.length && rand() < 0.3) r.items[0].qty = `${r.items[0].qty}`;
      if (rand() < 0.5) r.added_later = { note: pick(['new column', 'évolution']), n: BigInt(Math.floor(rand() * 9)) };
    }
    records.push({ id, text: JsonOf(r), tsMicros, obj: r });
  }
  // Lines: CRLF on some, a blank line after some (line numbers must count them).
  let line = 0;
  for (const rec of records) {
    line++;
    rec.line = line;
    const crlf = rand() < 0.05;
    lines.push(rec.text + (crlf ? '\r\n' : '\n'));
    if (rand() < 0.01) {
      lines.push(rand() < 0.5 ? '\n' : '\r\n');
      line++;
    }
  }
  // bad.jsonl: a good record, a malformed one, a good one, one nested too deep.
  const tooDeep = `{"id":0,"deep":${'{"a":'.repeat(kMaxDepth + 5)}1${'}'.repeat(kMaxDepth + 5)}}`;
  const badLines = [
    `{"id":-1,"timestamp":"2025-11-21T00:00:00Z","message":"good one in bad.jsonl"}`,
    `{"id":-2,"timestamp":"2025-11-21T00:00:01Z","message":"unterminated`,
    `{"id":-3,"timestamp":"2025-11-21T00:00:02Z","message":"good two"}`,
    tooDeep,
  ];
  return { records, goodText: lines.join(''), badText: badLines.join('\n') + '\n', badLines,
           badQuarantinedLines: [2, 4], badGoodLines: [1, 3] };
}

// ---------------------------------------------------------------- canonical values

// JSON text -> plain tree with BigInt integers (exact), key order kept.
function ParseExact(text) {
  return Plain(kPeers.ParseJson(text));
}

function Plain(v) {
  if (v instanceof Map) {
    const out = {};
    for (const [k, x] of v) out[k] = Plain(x);
    return out;
  }
  if (Array.isArray(v)) return v.map(Plain);
  return v;
}

const kPeers = {};

// RFC 3339 / "YYYY-MM-DD HH:MM:SS[.f][Z|±hh:mm]" -> micros (bigint), fraction truncated to
// micros; null if not a timestamp.
function TimestampMicros(s) {
  if (typeof s !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  let micros = BigInt(ms) * 1000n + BigInt((m[7] ?? '').padEnd(6, '0').slice(0, 6) || '0');
  const z = m[8];
  if (z && z !== 'Z' && z !== 'z') {
    const sign = z[0] === '-' ? -1n : 1n;
    const digits = z.slice(1).replace(':', '');
    const off = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    micros -= sign * off * 60000000n;
  }
  return micros;
}

function UtcDate(micros) {
  const d = new Date(Number(micros / 1000n - (micros % 1000n < 0n ? 1n : 0n)));
  return d.toISOString().slice(0, 10);
}

const IsObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const IsNum = (v) => typeof v === 'number' || typeof v === 'bigint';

// Compares DuckDB's canonical value `d` (from the input) with lakewatch's `o`. Returns
// { ok, cats: Set of intended-difference categories used, why }.
function CompareValues(d, o, where = '') {
  const cats = new Set();
  const why = Cmp(d, o, where, cats);
  return { ok: why === null, cats, why };
}

function Cmp(d, o, where, cats) {
  if (d === undefined) d = null;
  if (o === undefined) o = null;
  if (d === null && o === null) return null;
  if (d === o) return null;
  // {} or an all-null object against null
  if ((d === null && IsObject(o)) || (o === null && IsObject(d))) {
    const obj = d ?? o;
    if (Object.values(obj).every((x) => x === null)) {
      cats.add(Object.keys(obj).length ? 'null-members' : 'empty-object');
      return null;
    }
    return `${where}: ${Show(d)} vs ${Show(o)}`;
  }
  if (d === null || o === null) return `${where}: ${Show(d)} vs ${Show(o)}`;
  if (IsObject(d) && IsObject(o)) {
    const keys = new Set([...Object.keys(d), ...Object.keys(o)]);
    for (const k of keys) {
      const inD = k in d, inO = k in o;
      if (!inD || !inO) {
        const v = inD ? d[k] : o[k];
        if (v === null) { cats.add('null-members'); continue; }
        if (IsObject(v) && Object.values(v).every((x) => x === null)) { cats.add('null-members'); continue; }
        return `${where}/${k}: only in ${inD ? 'DuckDB' : 'lakewatch'}: ${Show(v)}`;
      }
      const w = Cmp(d[k], o[k], `${where}/${k}`, cats);
      if (w) return w;
    }
    return null;
  }
  if (Array.isArray(d) && Array.isArray(o)) {
    if (d.length !== o.length) return `${where}: list of ${d.length} vs ${o.length}: ${Show(d)} vs ${Show(o)}`;
    for (let i = 0; i < d.length; i++) {
      const w = Cmp(d[i], o[i], `${where}/${i}`, cats);
      if (w) return w;
    }
    return null;
  }
  if (IsNum(d) && IsNum(o)) {
    if (typeof d === typeof o) return d === o || (Number.isNaN(d) && Number.isNaN(o)) ? null : `${where}: ${Show(d)} vs ${Show(o)}`;
    // An integer as a double: equal only when no digit was lost on lakewatch's side (DuckDB's
    // DOUBLE may be the rounded one).
    if (typeof d === 'bigint' ? Number.isInteger(o) && BigInt(o) === d : Number(o) === d) {
      cats.add('int-vs-double');
      return null;
    }
    return `${where}: ${Show(d)} vs ${Show(o)}`;
  }
  if (typeof d === 'string' && typeof o === 'string') {
    const a = TimestampMicros(d), b = TimestampMicros(o);
    if (a !== null && a === b) { cats.add('timestamp-text'); return null; }
    // DuckDB gives a field of mixed scalar types as the JSON text of each value ("\"n/a\"")
    if (d.startsWith('"')) {
      try {
        if (JSON.parse(d) === o) { cats.add('json-text'); return null; }
      } catch { /* not JSON text */ }
    }
    return `${where}: ${Show(d)} vs ${Show(o)}`;
  }
  // a string against a non-string: text of a scalar, or JSON text of an object/list
  const [s, v] = typeof d === 'string' ? [d, o] : typeof o === 'string' ? [o, d] : [null, null];
  if (s !== null) {
    if (!IsObject(v) && !Array.isArray(v)) {
      if (kPeers.JsonText(v) === s || String(v) === s) { cats.add('scalar-as-text'); return null; }
      if (IsNum(v) && /^-?\d/.test(s) && Number(s) === Number(v)) { cats.add('scalar-as-text'); return null; }
      return `${where}: ${Show(d)} vs ${Show(o)}`;
    }
    let parsed;
    try {
      parsed = ParseExact(s);
    } catch {
      return `${where}: ${Show(d)} vs ${Show(o)}`;
    }
    cats.add('json-text');
    return typeof d === 'string' ? Cmp(parsed, o, where, cats) : Cmp(d, parsed, where, cats);
  }
  return `${where}: ${Show(d)} vs ${Show(o)}`;
}

function Show(v) {
  const t = kPeers.JsonText(v);
  return t.length > 200 ? `${t.slice(0, 200)}…` : t;
}

// Sets `value` at JSON Pointer `pointer` (RFC 6901) inside `root` (a plain object), creating
// objects/lists on the way.
function SetAtPointer(root, pointer, value) {
  const parts = pointer.split('/').slice(1).map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  let cur = root;
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    const key = Array.isArray(cur) ? Number(parts[i]) : parts[i];
    if (last) {
      cur[key] = value;
    } else {
      if (cur[key] === null || cur[key] === undefined || typeof cur[key] !== 'object') {
        cur[key] = /^\d+$/.test(parts[i + 1]) ? [] : {};
      }
      cur = cur[key];
    }
  }
}

// lakewatch's column name for a top-level input key.
function OurName(key, timestampSource) {
  if (key === '') return '_empty';
  let n = key.replace(/[ ,;{}()\n\t=]/g, '_');
  if (kSystemColumns.has(n) && key !== timestampSource) n += '_';
  return n;
}

// DuckDB's column name for a top-level input key: read_json names the empty key C<position>.
function DuckNamer(duckNames, keys) {
  const known = new Set(keys);
  const generated = duckNames.find((n) => /^C\d+$/.test(n) && !known.has(n));
  return (key) => (key === '' ? generated : key);
}

// ---------------------------------------------------------------- the test

async function Main() {
  NeedNodeModules();
  const args = ParseArgs(process.argv.slice(2));
  let records = 20000;
  let writeInput = null;  // --write-input DIR: only write good.jsonl and bad.jsonl there
  for (let i = 0; i < args.rest.length; i++) {
    if (args.rest[i] === '--records') records = Number(args.rest[++i]);
    else if (args.rest[i] === '--write-input') writeInput = args.rest[++i];
  }
  if (writeInput) {
    const g = Generate(records, 20251127);
    writeFileSync(path.join(writeInput, 'good.jsonl'), g.goodText);
    writeFileSync(path.join(writeInput, 'bad.jsonl'), g.badText);
    process.exit(0);
  }
  const { DuckDBPeer } = await import('../peers/duckdb_query.mjs');
  Object.assign(kPeers, await import('../conformance/compare.mjs'), await import('../peers/canonical.mjs'));

  const started = Date.now();
  const results = new Results(args.verbose);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lakewatch-ingest-diff-'));
  const data = path.join(dir, 'data');
  const good = path.join(dir, 'good.jsonl');
  const bad = path.join(dir, 'bad.jsonl');
  const gen = Generate(records, 20251127);
  writeFileSync(good, gen.goodText);
  writeFileSync(bad, gen.badText);
  console.log(`input: ${records} records, ${gen.goodText.length} characters in ${good}; 4 lines in ${bad}`);

  const peer = await DuckDBPeer.Create({ threads: 1 });
  await peer.Query("SET TimeZone = 'UTC'");
  try {
    await Differential(args, peer, results, { dir, data, good, bad, gen, records });
    await TimestampSources(args, peer, results, dir);
    await Sources(args, results, dir);
    await RunExpectedFailures(args, results, dir);
  } catch (e) {
    results.Check('differential ran to the end', e?.stack ?? String(e));
  }
  peer.Close();
  if (args.keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  results.Finish(started, 'json_differential');
}

async function Differential(args, peer, results, { dir, data, good, bad, gen, records }) {
  const ing = await Ingest(args.lakewatch, data, 'diff', [good, bad], ['--input-format', 'jsonl', '--threads', '2']);
  const s = ing.summary;
  if (!results.Check('ingest exits 0 with a JSON summary', ing.run.code === 0 && s ? null
    : `${RunStatusText(ing.run, 300000)}\nstdout: ${ing.run.stdout.slice(-1000)}\nstderr: ${ing.run.stderr.slice(-2000)}`)) return;
  const rows1 = records + gen.badGoodLines.length;
  results.Check('summary has every contract key', kSummaryKeys.filter((k) => !(k in s)).map((k) => `missing "${k}"`).join(', ') || null);
  results.Check('summary: rows', s.rows === rows1 ? null : `rows ${s.rows}, expected ${rows1}`);
  results.Check('summary: quarantined', s.quarantined === gen.badQuarantinedLines.length ? null
    : `quarantined ${s.quarantined}, expected ${gen.badQuarantinedLines.length}`);
  const inBytes = Buffer.byteLength(gen.goodText) + Buffer.byteLength(gen.badText);
  results.Check('summary: table, version 0, bytes_in', s.table === 'diff' && s.version === 0 && s.bytes_in === inBytes ? null
    : `table ${s.table}, version ${s.version}, bytes_in ${s.bytes_in} (input files hold ${inBytes})`);

  // Quarantine: both bad lines of bad.jsonl, with their bytes.
  const qt = s.quarantine_table ?? 'diff_quarantine';
  const q = await Scan(args.lakewatch, data, qt);
  if (results.Check(`quarantine table ${qt} readable`, q.rows ? null : q.run.stderr.trim())) {
    const got = q.rows.map((r) => `${path.basename(String(r._source))}:${r._line}`).sort();
    const want = gen.badQuarantinedLines.map((l) => `bad.jsonl:${l}`).sort();
    results.Check('quarantine: the malformed and the too-deep line, by _source and _line',
      JSON.stringify(got) === JSON.stringify(want) ? null : `got ${JSON.stringify(got.slice(0, 20))}, expected ${JSON.stringify(want)}`);
    for (const r of q.rows) {
      if (path.basename(String(r._source)) !== 'bad.jsonl') continue;  // counted above
      const line = gen.badLines[r._line - 1];
      const rawText = r.raw === null || r.raw === undefined ? null : Buffer.from(String(r.raw), 'base64').toString('utf8');
      results.Check(`quarantine line ${r._line}: reason and raw bytes`,
        typeof r.reason === 'string' && r.reason.trim() !== '' && rawText !== null && rawText.replace(/\r?\n$/, '') === line
          ? null : `reason ${JSON.stringify(r.reason)}, raw ${JSON.stringify(rawText?.slice(0, 100))}`,
        args.verbose ? `reason: ${r.reason}` : '');
      const offset = gen.badLines.slice(0, r._line - 1).reduce((a, l) => a + Buffer.byteLength(l) + 1, 0);
      results.Check(`quarantine line ${r._line}: _offset`, Number(r._offset) === offset ? null : `_offset ${r._offset}, expected ${offset}`);
      results.Check(`quarantine line ${r._line}: ingested_at`, TimestampMicros(r.ingested_at) !== null ? null
        : `ingested_at ${JSON.stringify(r.ingested_at)}`);
    }
    const reasons = new Map();
    for (const r of q.rows) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
    console.log(`note  quarantine reasons: ${[...reasons].map(([r, n]) => `${JSON.stringify(r)} ×${n}`).join('; ')}`);
  }

  // A second ingest into the same table, its types now fixed: values of other types (a float
  // where integers were, a string for a boolean, an object for a list, ...) must land in _rest.
  const gen2 = Generate(Math.max(1000, Math.floor(records / 10)), 424242, { firstId: records + 1, conflicts: true });
  const good2 = path.join(dir, 'conflicts.jsonl');
  writeFileSync(good2, gen2.goodText);
  const ing2 = await Ingest(args.lakewatch, data, 'diff', [good2], ['--input-format', 'jsonl']);
  const s2 = ing2.summary;
  if (!results.Check('second ingest (conflicting types) into the same table', ing2.run.code === 0 && s2 &&
      s2.rows === gen2.records.length && s2.quarantined === 0 && s2.version === s.version + 1 ? null
    : `${RunStatusText(ing2.run, 300000)}: ${ing2.run.stderr.trim().slice(0, 1000)} summary ${JSON.stringify(s2)?.slice(0, 300)}`)) return;

  // Our rows, read by DuckDB from the live data files.
  const expectedRows = rows1 + gen2.records.length;
  const tf = await TableFiles(args.lakewatch, data, 'diff');
  if (!results.Check('table files', tf.files ? null : tf.run.stderr.trim())) return;
  const fileList = `[${tf.files.map((f) => SqlString(f.abs)).join(', ')}]`;
  const partOf = new Map(tf.files.map((f) => [f.abs, f.partition ?? {}]));
  const ours = await peer.QueryCanonical(
    `SELECT * FROM read_parquet(${fileList}, union_by_name = true, filename = true)`);
  const ourTypes = new Map(ours.names.map((n, i) => [n, ours.types[i].toString()]));
  results.Check('data files hold every row', ours.rows.length === expectedRows ? null : `${ours.rows.length} rows, expected ${expectedRows}`);
  const fileRows = tf.files.reduce((a, f) => a + Number(f.rows ?? 0), 0);
  results.Check('table files: numRecords sum', fileRows === expectedRows ? null : `${fileRows}, expected ${expectedRows}`);
  const scanned = await Scan(args.lakewatch, data, 'diff', { columns: ['_line'] });
  results.Check('lakewatch table scan: row count', scanned.rows?.length === expectedRows ? null
    : `${scanned.rows?.length ?? scanned.run.stderr.trim()}, expected ${expectedRows}`);
  for (const c of ['timestamp', '_source', '_line', '_rest']) {
    results.Check(`column ${c} present`, ourTypes.has(c) ? null : `columns: ${ours.names.join(', ')}`);
  }
  if (args.verbose) console.log(`our columns: ${ours.names.map((n) => `${n} ${ourTypes.get(n)}`).join(', ')}`);

  // Our rows by source file and _line.
  const bySource = new Map([['good.jsonl', new Map()], ['bad.jsonl', new Map()], ['conflicts.jsonl', new Map()]]);
  const sourceProblems = [];
  for (const r of ours.rows) {
    const src = String(r._source);
    const m = bySource.get(path.basename(src));
    if (!m) { sourceProblems.push(`_source ${JSON.stringify(src)}`); continue; }
    const line = Number(r._line);
    if (m.has(line)) sourceProblems.push(`${src}: _line ${line} twice`);
    m.set(line, r);
  }
  results.Check('_source names the file; one row per (_source, _line)', sourceProblems.length ? sourceProblems.slice(0, 5).join('; ') : null,
    `e.g. ${JSON.stringify(ours.rows[0]?._source)}`);
  const badRows = [...bySource.get('bad.jsonl').keys()].sort().join(',');
  results.Check('bad.jsonl: its two good lines are rows', badRows === gen.badGoodLines.join(',') ? null : `rows at lines ${badRows}`);

  await CompareSource(peer, results, { file: good, gen, byLine: bySource.get('good.jsonl'), ourTypes, partOf, label: 'good.jsonl' });
  await CompareSource(peer, results, { file: good2, gen: gen2, byLine: bySource.get('conflicts.jsonl'), ourTypes, partOf,
                                       label: 'conflicts.jsonl (second ingest, fixed types)', expectRest: true });
}

// Compares DuckDB's read_json of `file` with our rows of it (byLine: _line → row), field by field.
async function CompareSource(peer, results, { file, gen, byLine, ourTypes, partOf, label, expectRest = false }) {
  const input = await peer.QueryCanonical(
    `SELECT * FROM read_json(${SqlString(file)}, format = 'newline_delimited', sample_size = -1)`);
  const duckTypes = new Map(input.names.map((n, i) => [n, input.types[i].toString()]));
  results.Check(`${label}: DuckDB reads every input record`, input.rows.length === gen.records.length ? null
    : `${input.rows.length}, expected ${gen.records.length}`);
  const recById = new Map(gen.records.map((r) => [r.id, r]));
  const keys = [...new Set(gen.records.flatMap((r) => Object.keys(r.obj)))];
  const DuckName = DuckNamer(input.names, keys);

  const stats = new Map(keys.map((k) => [k, { compared: 0, equal: 0, cats: new Map(), bad: [] }]));
  const sys = { ts: [], date: [], rest: [], missing: [], restNull: [], restPointers: new Map() };
  for (const drow of input.rows) {
    const rec = recById.get(Number(drow.id));
    const orow = byLine.get(rec.line);
    if (!orow) { sys.missing.push(rec.line); continue; }
    // lakewatch's view of the record: columns by input key, then the _rest overlay.
    const tree = {};
    for (const k of keys) {
      const col = OurName(k, 'timestamp');
      if (col in orow) tree[k] = orow[col];
    }
    let restKeys = [];
    if (orow._rest !== null && orow._rest !== undefined) {
      const rest = ParseExact(String(orow._rest));
      restKeys = Object.keys(rest);
      for (const [ptr, v] of Object.entries(rest)) {
        // A null fits every column: _rest should never need one. `"timestamp": null` is the
        // documented exception (docs/ingest.md: a `timestamp` value that is neither a number nor
        // a string leaves `timestamp` null and is kept in _rest), tolerated here.
        if (v === null && ptr !== '/timestamp') sys.restNull.push(`line ${rec.line}: ${ptr}`);
        const shape = ptr.replace(/\/\d+(?=\/|$)/g, '/#');
        sys.restPointers.set(shape, (sys.restPointers.get(shape) ?? 0) + 1);
        SetAtPointer(tree, ptr, v);
      }
    }
    if (restKeys.length) sys.rest.push(`${rec.line}: ${restKeys.join(' ')}`);
    for (const k of keys) {
      const st = stats.get(k);
      let dv = drow[DuckName(k)];
      let jsonText = false;
      if (duckTypes.get(DuckName(k)) === 'JSON' && typeof dv === 'string') {
        dv = ParseExact(dv);  // DuckDB's JSON type (a field of mixed types): the value as JSON text
        jsonText = true;
      }
      const ov = tree[k];
      st.compared++;
      const c = CompareValues(dv, ov, `/${k}`);
      if (c.ok && jsonText) c.cats.add('json-text');
      if (!c.ok) {
        if (st.bad.length < 3) st.bad.push(`line ${rec.line}: ${c.why}`);
        continue;
      }
      if (!c.cats.size) st.equal++;
      for (const cat of c.cats) st.cats.set(cat, (st.cats.get(cat) ?? 0) + 1);
    }
    // System columns against the input text itself.
    const wantTs = rec.tsMicros;
    const gotTs = orow.timestamp === null ? null : TimestampMicros(orow.timestamp);
    if (wantTs !== gotTs) {
      sys.ts.push(`line ${rec.line}: ${JSON.stringify(rec.obj.timestamp)} -> ${JSON.stringify(orow.timestamp)}`);
    }
    const part = partOf.get(orow.filename) ?? partOf.get(path.resolve(orow.filename));
    const wantDate = wantTs === null ? null : UtcDate(wantTs);
    const gotDate = part ? (part.date ?? null) : undefined;
    if (gotDate !== wantDate) sys.date.push(`line ${rec.line}: file ${path.basename(path.dirname(orow.filename))}, partition ${JSON.stringify(gotDate)}, expected ${wantDate}`);
    // The data files also hold `date` (allowed: readers take partition values from the log);
    // where they do, it must agree.
    if (orow.date !== undefined && orow.date !== wantDate) sys.date.push(`line ${rec.line}: the file's date column ${orow.date}, expected ${wantDate}`);
  }
  results.Check(`${label}: every input record has a row (by _line)`, sys.missing.length ? `${sys.missing.length} missing, e.g. lines ${sys.missing.slice(0, 10).join(', ')}` : null);
  results.Check(`${label}: timestamp = the input timestamp in UTC micros (fraction beyond µs truncated)`,
    sys.ts.length ? `${sys.ts.length} rows differ:\n${sys.ts.slice(0, 5).join('\n')}` : null);
  results.Check(`${label}: date partition = UTC date of timestamp (null without one)`,
    sys.date.length ? `${sys.date.length} rows differ:\n${sys.date.slice(0, 5).join('\n')}` : null);
  results.Check(`${label}: _rest holds no null values (other than the documented "/timestamp": null)`,
    sys.restNull.length ? `${sys.restNull.length} rows, e.g. ${sys.restNull.slice(0, 5).join('; ')}` : null);
  const pointers = [...sys.restPointers].map(([p, n]) => `${p} ×${n}`).join(', ');
  console.log(`note  ${label}: ${sys.rest.length} rows carry _rest${pointers ? `: ${pointers}` : ''}`);
  if (expectRest) {
    // Every kind of conflict the generator made must have been put back from _rest.
    const missing = kConflictPointers.filter((p) => !sys.restPointers.has(p));
    results.Check(`${label}: values of other types went to _rest (${kConflictPointers.join(', ')})`,
      missing.length ? `no _rest entry for ${missing.join(', ')}` : null);
  }

  console.log(`\n${label}: field | DuckDB type (input) | lakewatch type | compared | equal | intended differences`);
  for (const k of keys) {
    const st = stats.get(k);
    const cats = [...st.cats].map(([c, n]) => `${c} ×${n}`).join(', ');
    const short = (t) => (t && t.length > 70 ? `${t.slice(0, 70)}…` : t);
    console.log(`  ${JSON.stringify(k)} | ${short(duckTypes.get(DuckName(k))) ?? '—'} | ` +
                `${short(ourTypes.get(OurName(k, 'timestamp'))) ?? '— (no column)'} | ${st.compared} | ${st.equal} | ${cats || '—'}`);
  }
  console.log('');
  for (const k of keys) {
    const st = stats.get(k);
    results.Check(`${label}: field ${JSON.stringify(k)}: every value equal up to intended differences`,
      st.bad.length ? `${st.compared - st.equal - [...st.cats.values()].reduce((a, b) => a + b, 0)} or more rows differ, e.g.\n${st.bad.join('\n')}` : null);
  }
}

// Sources: stdin (`-`: _source "-"), gzip input, --idempotent (a source already in the table
// is skipped: nothing committed, no rows added; without the flag it is appended again).
async function Sources(args, results, dir) {
  const lines = ['{"id":1,"v":"a"}', '{"id":2,"v":"b"}', '', '{"id":3,"v":"c"}'];
  const text = lines.join('\n') + '\n';
  const wantLines = [1, 2, 4];

  const data = path.join(dir, 'src-data');
  const stdin = await Run(args.lakewatch, ['--data', data, 'ingest', '--table', 'stdin', '--input-format', 'jsonl',
                                           '--format', 'json', '-'], { input: text });
  const scan = stdin.code === 0 ? await Scan(args.lakewatch, data, 'stdin') : { rows: null, run: stdin };
  const got = (scan.rows ?? []).map((r) => `${r._source}:${r._line}:${r.v}`).sort().join(' ');
  results.Check('stdin (-): every record, _source "-", _line counts the blank line', got === '-:1:a -:2:b -:4:c' ? null
    : `${RunStatusText(stdin, 120000)} ${stdin.stderr.trim()} rows ${got}`);

  const gz = path.join(dir, 'src.jsonl.gz');
  writeFileSync(gz, gzipSync(Buffer.from(text)));
  const g = await Ingest(args.lakewatch, data, 'gz', [gz], ['--input-format', 'jsonl']);
  const gscan = g.run.code === 0 ? await Scan(args.lakewatch, data, 'gz') : { rows: null };
  const glines = (gscan.rows ?? []).map((r) => Number(r._line)).sort().join(',');
  results.Check('gzip input: decompressed, same records and lines', g.run.code === 0 && glines === wantLines.join(',') &&
    g.summary?.sources?.[0]?.compression === 'gzip' ? null
    : `${RunStatusText(g.run, 300000)} ${g.run.stderr.trim()} lines ${glines} summary ${JSON.stringify(g.summary?.sources)}`);

  const file = path.join(dir, 'src.jsonl');
  writeFileSync(file, text);
  const first = await Ingest(args.lakewatch, data, 'idem', [file], ['--input-format', 'jsonl', '--idempotent']);
  const second = await Ingest(args.lakewatch, data, 'idem', [file], ['--input-format', 'jsonl', '--idempotent']);
  const count = async () => (await Scan(args.lakewatch, data, 'idem', { columns: ['id'] })).rows?.length ?? null;
  const afterSecond = await count();
  results.Check('--idempotent: the same source again adds nothing and commits nothing',
    first.summary?.rows === 3 && first.summary?.version === 0 && second.run.code === 0 && second.summary?.rows === 0 &&
    second.summary?.version === null && afterSecond === 3 ? null
      : `first ${JSON.stringify(first.summary && { rows: first.summary.rows, version: first.summary.version })}, ` +
        `second ${RunStatusText(second.run, 300000)} ${JSON.stringify(second.summary && { rows: second.summary.rows, version: second.summary.version })}, ` +
        `table rows ${afterSecond}`);
  const empty = path.join(dir, 'empty.jsonl');
  writeFileSync(empty, '');
  const e = await Ingest(args.lakewatch, data, 'empty', [empty], ['--input-format', 'jsonl']);
  results.Check('an empty source: exit 0, 0 rows, version null (nothing written)',
    e.run.code === 0 && e.summary?.rows === 0 && e.summary?.version === null ? null
      : `${RunStatusText(e.run, 300000)} ${e.run.stderr.trim()} ${JSON.stringify(e.summary)?.slice(0, 200)}`);
  const missing = path.join(dir, 'no-such-file.jsonl');
  const m = await Ingest(args.lakewatch, data, 'missing', [file, missing], ['--input-format', 'jsonl']);
  const mt = await TableFiles(args.lakewatch, data, 'missing');
  const missingOk = m.run.code === 1 && !m.run.signal && m.run.stderr.includes('no-such-file.jsonl') && !mt.files;
  results.Check('a missing source: exit 1 naming it, nothing committed', missingOk ? null
    : `${RunStatusText(m.run, 300000)} stderr ${JSON.stringify(m.run.stderr.trim())}; table files ${JSON.stringify(mt.files)}`);

  const third = await Ingest(args.lakewatch, data, 'idem', [file], ['--input-format', 'jsonl']);
  const afterThird = await count();
  results.Check('without --idempotent the same source is appended again', third.summary?.rows === 3 &&
    third.summary?.version === 1 && afterThird === 6 ? null
    : `${JSON.stringify(third.summary && { rows: third.summary.rows, version: third.summary.version })}, table rows ${afterThird}`);
}

// The timestamp comes from the first present of timestamp, @timestamp, ts, time, or from
// --timestamp FIELD; a source field with another name is kept as well.
async function TimestampSources(args, peer, results, dir) {
  const data = path.join(dir, 'ts-data');
  const file = path.join(dir, 'ts.jsonl');
  const ms = Date.UTC(2025, 10, 24, 16, 0, 0, 123);
  const rows = [
    { '@timestamp': '2025-11-24T16:00:00.123Z', n: 1 },
    { ts: '2025-11-24T18:00:00.123+02:00', n: 2 },
    { time: '2025-11-24T16:00:00.123Z', n: 3 },
    { ts: '2025-11-24T16:00:00.123Z', time: '1999-01-01T00:00:00Z', n: 4 },  // ts before time
    { event_time: '2025-11-24T16:00:00.123Z', n: 5 },                       // no known field
  ];
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const ing = await Ingest(args.lakewatch, data, 'ts', [file], ['--input-format', 'jsonl']);
  if (!results.Check('timestamp sources: ingest', ing.run.code === 0 && ing.summary?.rows === rows.length ? null
    : `${RunStatusText(ing.run, 300000)} ${ing.run.stderr.trim()} summary ${JSON.stringify(ing.summary)}`)) return;
  const scan = await Scan(args.lakewatch, data, 'ts');
  if (!results.Check('timestamp sources: scan', scan.rows ? null : scan.run.stderr.trim())) return;
  const want = kPeers.TimestampMillisText(ms);
  const byN = new Map(scan.rows.map((r) => [r.n, r]));
  for (const r of rows) {
    const got = byN.get(r.n);
    const source = kTimestampFields.find((f) => f in r);
    const expectTs = source ? want : null;
    let problem = null;
    if (!got) problem = 'row missing';
    else if (got.timestamp !== expectTs) problem = `timestamp ${JSON.stringify(got.timestamp)}, expected ${expectTs}`;
    else if (source && source !== 'timestamp' && got[source] === undefined) problem = `source field ${source} not kept: ${JSON.stringify(got)}`;
    results.Check(`timestamp sources: ${JSON.stringify(r)}`, problem);
  }
  // --timestamp FIELD names the source.
  const data2 = path.join(dir, 'ts-data2');
  const ing2 = await Ingest(args.lakewatch, data2, 'ts', [file], ['--input-format', 'jsonl', '--timestamp', 'event_time']);
  const scan2 = ing2.run.code === 0 ? await Scan(args.lakewatch, data2, 'ts') : { rows: null };
  const r5 = scan2.rows?.find((r) => r.n === 5);
  results.Check('--timestamp event_time: used as the timestamp and kept',
    r5 && r5.timestamp === want && r5.event_time !== undefined ? null
      : `${RunStatusText(ing2.run, 300000)} ${ing2.run.stderr.trim()} row ${JSON.stringify(r5)}`);
}

// Known lakewatch bugs this test found, reproduced as expected failures. Each `Run` returns null
// when lakewatch behaves as intended (then the case fails as an unexpected pass: move it into
// the differential input) or the problem text, which must contain `symptom`.
const kExpectedFailures = [];

// Bugs this test found that are fixed: each `Run` must return null (checked like any other case).
const kRegressions = [
  {
    what: 'records with an integer outside [-2^63, 2^64) are ingested, the value kept (column or _rest)',
    symptom: 'quarantined',
    reason: 'simdjson\'s DOM parser refuses such numbers ("Problem while parsing a number"), so the ' +
            'whole record is quarantined although it is valid JSON (RFC 8259 sets no range; DuckDB ' +
            'reads them as DOUBLE; InferScalar keeps out-of-range numbers as strings).',
    async Run(args, dir) {
      const data = path.join(dir, 'bigint-data');
      const file = path.join(dir, 'bigints.jsonl');
      writeFileSync(file, kBigBeyond.map((b, i) => `{"id":${i + 1},"big":${b},"ok":"x"}`).join('\n') + '\n');
      const ing = await Ingest(args.lakewatch, data, 'bigints', [file], ['--input-format', 'jsonl']);
      if (ing.run.code !== 0 || !ing.summary) return `exit ${RunStatusText(ing.run, 300000)}: ${ing.run.stderr.trim()}`;
      if (ing.summary.quarantined) return `${ing.summary.quarantined} of ${kBigBeyond.length} records quarantined`;
      const scan = await Scan(args.lakewatch, data, 'bigints', { parse: (l) => ParseExact(l) });
      if (!scan.rows) return `scan: ${scan.run.stderr.trim()}`;
      for (const r of scan.rows) {
        const text = kBigBeyond[Number(r.id) - 1];
        let v = r.big;
        if ((v === null || v === undefined) && r._rest) v = ParseExact(String(r._rest))['/big'];
        if (v === null || v === undefined || (String(v) !== text && Number(v) !== Number(text))) {
          return `id ${r.id}: big ${JSON.stringify(String(v))}, input ${text}`;
        }
      }
      return scan.rows.length === kBigBeyond.length ? null : `${scan.rows.length} rows`;
    },
  },
];

kExpectedFailures.push({
  what: 'integers in [2^63, 2^64) are stored exactly (not rounded to a double)',
  symptom: 'rounded',
  reason: 'simdjson returns them as uint64 and they end up in a DOUBLE column (their exact digits are ' +
          'also kept in _rest since the fix of the out-of-range case), so the column alone cannot tell ' +
          'different 64-bit ids apart; DuckDB reads them exactly (UBIGINT/HUGEINT). decimal(20,0) would.',
  async Run(args, dir) {
    const data = path.join(dir, 'uint64-data');
    const file = path.join(dir, 'uint64.jsonl');
    writeFileSync(file, kUint64Edges.map((b, i) => `{"id":${i + 1},"big":${b}}`).join('\n') + '\n');
    const ing = await Ingest(args.lakewatch, data, 'uint64', [file], ['--input-format', 'jsonl']);
    if (ing.run.code !== 0 || !ing.summary) return `exit ${RunStatusText(ing.run, 300000)}: ${ing.run.stderr.trim()}`;
    if (ing.summary.quarantined) return `${ing.summary.quarantined} records quarantined`;
    const scan = await Scan(args.lakewatch, data, 'uint64', { parse: (l) => ParseExact(l) });
    if (!scan.rows || scan.rows.length !== kUint64Edges.length) return `scan: ${scan.rows?.length} rows ${scan.run.stderr.trim()}`;
    for (const r of scan.rows) {
      const text = kUint64Edges[Number(r.id) - 1];
      let v = r.big;
      if ((v === null || v === undefined) && r._rest) v = ParseExact(String(r._rest))['/big'];
      if (typeof v === 'number') return `id ${r.id}: ${text} rounded to the double ${v}`;
      if (String(v) !== text) return `id ${r.id}: big ${JSON.stringify(String(v))}, input ${text}`;
    }
    return null;
  },
});

kRegressions.push({
  what: 'keys that differ only in case ("Name", "name") and a key "Date" give a readable table, every value kept',
  symptom: 'duplicate column name',
  reason: 'both keys become columns (and "Date" sits next to the partition column `date`): Delta column ' +
          'names are unique regardless of case, and lakewatch itself then refuses to read the table.',
  async Run(args, dir) {
    const data = path.join(dir, 'case-data');
    const file = path.join(dir, 'case.jsonl');
    writeFileSync(file, '{"id":1,"Name":"A","name":"a","Date":"x"}\n{"id":2,"name":"b"}\n');
    const ing = await Ingest(args.lakewatch, data, 'case', [file], ['--input-format', 'jsonl']);
    if (ing.run.code !== 0 || !ing.summary) return `exit ${RunStatusText(ing.run, 300000)}: ${ing.run.stderr.trim()}`;
    const scan = await Scan(args.lakewatch, data, 'case');
    if (!scan.rows) return scan.run.stderr.trim();
    const r1 = scan.rows.find((r) => r.id === 1);
    const text = JSON.stringify(r1 ?? {});
    for (const v of ['"A"', '"a"', '"x"']) if (!text.includes(v)) return `row 1 lost ${v}: ${text}`;
    return scan.rows.length === 2 ? null : `${scan.rows.length} rows`;
  },
});

async function RunExpectedFailures(args, results, dir) {
  for (const c of kRegressions) {
    let problem;
    try {
      problem = await c.Run(args, dir);
    } catch (e) {
      problem = `threw: ${e?.stack ?? e}`;
    }
    results.Check(c.what, problem);
  }
  for (const c of kExpectedFailures) {
    let problem;
    try {
      problem = await c.Run(args, dir);
    } catch (e) {
      problem = `threw: ${e?.stack ?? e}`;
    }
    if (problem === null) results.Check(c.what, 'unexpected pass: the bug is fixed; move this case into the differential input');
    else if (!problem.includes(c.symptom)) results.Check(c.what, `expected "${c.symptom}", got: ${problem}`);
    else results.ExpectedFailure(c.what, `${problem}: ${c.reason}`);
  }
}

Main().catch((e) => {
  console.log(`FAIL: ${e?.stack ?? e}`);
  process.exit(1);
});
