// The tables of the SQL differential test (tests/sql/differential.mjs), generated from a seed.
//
// WriteTables(dir, seed, {events}) writes JSON-lines files and returns the ingest plan:
//   events   ~`events` prediction events in two files (the second adds a column `session`, so the
//            table's files have different schemas) over 2025-11-24..26 UTC: timestamp (ms),
//            model {name (skewed), version}, request_id (duplicates, '' and nulls),
//            features {amount (signed, dyadic), age (int, negatives), country (skewed: a few
//            values dominate, a long tail of rare ones, ''), flag}, latency_ms (heavy tail),
//            score, status, level, message, tags (array of strings, sometimes empty).
//            Every field is sometimes null and sometimes missing; whole structs too. Some
//            records have no timestamp (their `date` partition is __HIVE_DEFAULT_PARTITION__).
//   labels   delayed labels for ~60% of the request ids (some twice, some for unknown ids):
//            timestamp, request_id, label (0/1, nulls), weight (dyadic, nulls).
//   models   a small dimension table (no timestamp, not partitioned): name, owner, tier.
//
// Number choices that keep the comparison exact (see differential.mjs, "Exactness"):
// `features.amount` and `labels.weight` are multiples of 1/8 below 2^20, so any sum of them is
// exact in a double whatever the order of addition; `latency_ms` and `score` are arbitrary
// doubles but never negative, so their sums agree to ~1e-12 relative in any order. Integers are
// small (no overflow in any generated expression). Every double is written with a fraction or
// an exponent so that ingest types the column `double`, never `bigint`.

import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { Random } from '../ingest/ingest_common.mjs';

export const kModelNames = ['churn', 'fraud', 'ranker', 'ctr', 'pricing', 'legacy'];
export const kCountriesTop = ['US', 'DE', 'IN', 'BR'];
export const kLevels = ['INFO', 'WARN', 'ERROR', 'DEBUG', 'info', ''];
export const kTags = ['a', 'b', 'beta', 'canary', 'eu', 'us', 'gpu', 'retry', ''];
export const kStart = Date.UTC(2025, 10, 24, 0, 0, 0);  // 2025-11-24T00:00:00Z
export const kDays = 3;

// A double as JSON text that ingest reads as a double (never an integer token).
function DoubleText(x) {
  if (Object.is(x, -0)) return '-0.0';
  const s = JSON.stringify(x);
  return /[.eE]/.test(s) ? s : s + '.0';
}

// A JSON value serialised with `Double` wrappers written as doubles; `undefined` members are
// left out (a missing field), `null` ones kept.
class Double {
  constructor(x) { this.x = x; }
}
function Json(v) {
  if (v instanceof Double) return DoubleText(v.x);
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(Json).join(',')}]`;
  if (typeof v === 'object') {
    const parts = [];
    for (const [k, x] of Object.entries(v)) if (x !== undefined) parts.push(`${JSON.stringify(k)}:${Json(x)}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(v);
}

function Generator(seed) {
  const rand = Random(seed);
  const g = {
    rand,
    int: (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)),
    pick: (a) => a[Math.floor(rand() * a.length)],
    chance: (p) => rand() < p,
    // The value, or (with probability p each) null or a missing field.
    maybe: (p, f) => {
      const r = rand();
      if (r < p) return null;
      if (r < 2 * p) return undefined;
      return f();
    },
  };
  return g;
}

function Country(g) {
  const r = g.rand();
  if (r < 0.45) return 'US';
  if (r < 0.65) return 'DE';
  if (r < 0.75) return 'IN';
  if (r < 0.8) return 'BR';
  if (r < 0.82) return '';
  // long tail: 300 rare codes, some seen once
  return `X${String(Math.floor(Math.pow(g.rand(), 2) * 300)).padStart(3, '0')}`;
}

function Amount(g) {
  const r = g.rand();
  if (r < 0.08) return 0;
  if (r < 0.1) return -0;
  if (r < 0.3) return -g.int(1, 8 * 500) / 8;           // negatives
  if (r < 0.9) return g.int(1, 8 * 2000) / 8;
  return g.int(1, 8 * 100000) / 8;                       // big ones (< 2^20)
}

function Latency(g) {
  const r = g.rand();
  if (r < 0.03) return 0;
  // Pareto(alpha = 1.2) tail over a 2 ms floor: mostly tens of ms, rarely minutes.
  const x = 2 / Math.pow(1 - g.rand() * 0.999999, 1 / 1.2);
  return Math.min(x, 1e6);
}

const kMessages = [
  (g) => `user ${g.int(1, 5000)} logged in`,
  (g) => `user ${g.int(1, 5000)} logged out`,
  (g) => `payment of ${g.int(1, 999)}.50 EUR declined: insufficient funds`,
  (g) => `timeout after ${g.pick([100, 250, 1000, 3000])} ms calling feature-store`,
  () => 'model loaded',
  () => 'Zürich 東京 naïve — “quotes”',
  () => "it's 100% done_ok",
  () => '',
];

function Event(g, i, requestIds, withSession) {
  const t = kStart + Math.floor(g.rand() * kDays * 86400000);
  let ts = new Date(t).toISOString();
  const tsChoice = g.rand();
  const e = {};
  if (tsChoice < 0.02) e.timestamp = undefined;
  else if (tsChoice < 0.03) e.timestamp = null;
  else e.timestamp = ts;
  // model: whole struct null/missing sometimes, members too
  const mr = g.rand();
  if (mr < 0.02) e.model = null;
  else if (mr < 0.04) e.model = undefined;
  else {
    const nr = g.rand();
    const name = nr < 0.5 ? 'churn' : nr < 0.8 ? 'fraud' : nr < 0.9 ? 'ranker' : nr < 0.97 ? 'ctr' : 'pricing';
    e.model = { name: g.maybe(0.02, () => name), version: g.maybe(0.02, () => g.int(1, 4)) };
  }
  // request ids: mostly unique, some repeated (retries), some '' or null
  const rr = g.rand();
  let rid;
  if (rr < 0.02) rid = null;
  else if (rr < 0.03) rid = undefined;
  else if (rr < 0.035) rid = '';
  else if (rr < 0.1 && requestIds.length) rid = g.pick(requestIds);
  else {
    rid = `r${String(i).padStart(6, '0')}`;
    requestIds.push(rid);
  }
  e.request_id = rid;
  const fr = g.rand();
  if (fr < 0.02) e.features = null;
  else if (fr < 0.04) e.features = undefined;
  else {
    e.features = {
      amount: g.maybe(0.03, () => new Double(Amount(g))),
      age: g.maybe(0.03, () => (g.chance(0.02) ? -g.int(1, 5) : g.int(0, 110))),
      country: g.maybe(0.03, () => Country(g)),
      flag: g.maybe(0.03, () => g.chance(0.3)),
    };
  }
  e.latency_ms = g.maybe(0.03, () => new Double(Latency(g)));
  e.score = g.maybe(0.03, () => new Double(g.chance(0.05) ? g.pick([0, 1]) : g.rand()));
  e.status = g.maybe(0.02, () => g.pick([200, 200, 200, 200, 200, 200, 201, 204, 400, 404, 429, 500, 503]));
  e.level = g.maybe(0.03, () => {
    const r = g.rand();
    return r < 0.7 ? 'INFO' : r < 0.82 ? 'WARN' : r < 0.9 ? 'ERROR' : r < 0.96 ? 'DEBUG' : g.pick(kLevels);
  });
  e.message = g.maybe(0.03, () => g.pick(kMessages)(g));
  e.tags = g.maybe(0.05, () => {
    const n = g.pick([0, 0, 1, 1, 1, 2, 2, 3, 4]);
    return Array.from({ length: n }, () => g.pick(kTags));
  });
  if (withSession) e.session = g.maybe(0.1, () => `s${g.int(1, 400)}`);
  return e;
}

// Writes events_1.jsonl, events_2.jsonl, labels.jsonl, models.jsonl into `dir`. Returns
// [{table, files, extra}] for `lakewatch ingest` (in order) and a few facts the query generator
// uses (the request ids that exist, for literals).
export function WriteTables(dir, seed, { events = 30000 } = {}) {
  const g = Generator(seed);
  const requestIds = [];
  const lines1 = [];
  const lines2 = [];
  const n1 = Math.floor(events * 0.7);
  for (let i = 0; i < events; i++) {
    const e = Event(g, i, requestIds, i >= n1);
    const line = Json(e);
    (i < n1 ? lines1 : lines2).push(line);
    // exact duplicate records
    if (g.chance(0.01)) (i < n1 ? lines1 : lines2).push(line);
  }
  const labels = [];
  for (const rid of requestIds) {
    if (!g.chance(0.6)) continue;
    const copies = g.chance(0.05) ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const t = kStart + 3600000 + Math.floor(g.rand() * kDays * 86400000);
      labels.push(Json({
        timestamp: g.maybe(0.01, () => new Date(t).toISOString()),
        request_id: rid,
        label: g.maybe(0.03, () => (g.chance(0.3) ? 1 : 0)),
        weight: g.maybe(0.05, () => new Double(g.chance(0.1) ? -g.int(0, 16) / 8 : g.int(0, 80) / 8)),
      }));
    }
  }
  for (let i = 0; i < events / 100; i++) {
    labels.push(Json({ timestamp: new Date(kStart + g.int(0, kDays * 86400000)).toISOString(),
      request_id: `u${i}`, label: g.int(0, 1), weight: new Double(1) }));
  }
  labels.push(Json({ timestamp: new Date(kStart).toISOString(), request_id: null, label: 1, weight: new Double(0.5) }));
  labels.push(Json({ timestamp: new Date(kStart).toISOString(), request_id: '', label: 0, weight: new Double(0.25) }));
  const models = [
    { name: 'churn', owner: 'ana', tier: 1 },
    { name: 'fraud', owner: 'bo', tier: 1 },
    { name: 'ranker', owner: 'ana', tier: 2 },
    { name: 'ctr', owner: null, tier: 3 },
    { name: 'unused', owner: 'cy', tier: null },
    { name: 'churn', owner: 'dup', tier: 9 },
  ].map(Json);
  const write = (name, lines) => {
    const p = path.join(dir, name);
    writeFileSync(p, lines.join('\n') + '\n');
    return p;
  };
  return [
    { table: 'events', files: [write('events_1.jsonl', lines1)], extra: [] },
    { table: 'events', files: [write('events_2.jsonl', lines2)], extra: [] },
    { table: 'labels', files: [write('labels.jsonl', labels)], extra: [] },
    { table: 'models', files: [write('models.jsonl', models)], extra: ['--no-partition'] },
  ];
}
