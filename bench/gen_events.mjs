#!/usr/bin/env node
// Deterministic generator of realistic ML inference events as JSON lines: the input of the
// ingest benchmark (bench/run_ingest.sh, bench/ingest_vs_duckdb.mjs).
//
// Usage: node bench/gen_events.mjs [--events N] [--seed S] [--days D] [--start ISO]
//                                  [--sql-fields] [--labels FILE] --out FILE
//        (N default 1000000, S default 42, D default 3, start default 2025-11-20T00:00:00Z;
//         --out - writes to stdout)
// Prints one JSON summary line to stderr: {"events", "bytes", "avg_line_bytes", "seconds"}.
//
// The same (N, seed, days, start) always gives byte-identical output (mulberry32 PRNG, no
// Math.random, no wall-clock time). One event per line, fields in this order:
//   timestamp        RFC 3339 UTC with milliseconds ("2025-11-20T00:00:00.259Z"), non-decreasing,
//                    spread over D days whatever N is
//   request_id       UUID v4 text from the PRNG
//   level            "info" | "warn" | "error" (error iff the event has an `error` object)
//   model            {name, version}: 3 models, 2-3 versions each
//   features         15 fields: amount (float, 2 decimals, log-normal), age (int, 3% null),
//                    country (20 weighted categories), device, merchant_category (15),
//                    account_age_days (int), txn_count_24h (int), avg_amount_30d (float,
//                    missing on 5%), is_international (bool), hour_of_day (int),
//                    email_domain (string, missing on 20%, null on 2%), ip_risk_score (float 0-1, missing on
//                    4%), card_type, distance_from_home_km (float, missing on 10%),
//                    previous_fraud (bool, missing on 30%)
//   prediction       {label, score (float), probabilities (list of 2 or 3 floats)}
//   latency_ms       float, 2 decimals, log-normal around 20 ms with a heavy tail
//   tags             list of 0-3 strings
//   error            on ~2%: {type, message, stack (multi-line text, \n escaped)}
//   feedback         on ~8%: {label, received_at (RFC 3339), source}
// Average line length ~400 bytes.
//
// Additions for the SQL benchmark (bench/sql_vs_duckdb.mjs), off by default so that the lines
// above stay byte-identical; they draw from their own PRNG streams, so turning them on changes
// none of the fields above either:
//   --sql-fields     two more fields at the END of each event:
//                      user_id  "u_000123": 200,000 users, skewed (a few are very active)
//                      message  a log line consistent with the event (level, error, latency,
//                               user); exactly min(N, 5) events carry the rare "needle"
//                               message "model weights checksum mismatch on shard …", the only
//                               messages with the words "checksum" or "mismatch"
//   --labels FILE    late ground truth for ~30% of the events, one JSON line each, in event
//                    order: {request_id, label, received_at} — label agrees with the prediction
//                    ~90% of the time (less for some versions), received_at is 10 min to 2 days
//                    after the event.

import { closeSync, openSync, writeSync } from 'node:fs';

function Fail(msg) {
  process.stderr.write(`gen_events: ${msg}\n`);
  process.exit(1);
}

function ParseArgs(argv) {
  const args = { events: 1000000, seed: 42, days: 3, start: '2025-11-20T00:00:00Z', out: null,
                 sqlFields: false, labels: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? Fail(`${a} needs a value`);
    if (a === '--events') args.events = Number(value());
    else if (a === '--seed') args.seed = Number(value());
    else if (a === '--days') args.days = Number(value());
    else if (a === '--start') args.start = value();
    else if (a === '--out') args.out = value();
    else if (a === '--sql-fields') args.sqlFields = true;
    else if (a === '--labels') args.labels = value();
    else Fail(`unknown argument '${a}'`);
  }
  if (!Number.isInteger(args.events) || args.events < 0) Fail('--events must be an integer ≥ 0');
  if (!args.out) Fail('--out FILE is required (- for stdout)');
  if (Number.isNaN(Date.parse(args.start))) Fail(`--start '${args.start}' is not a date`);
  return args;
}

// mulberry32: small, fast, deterministic.
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

const kModels = [
  { name: 'fraud', versions: ['v3.1', 'v3.2', 'v4.0-rc1'], labels: ['legit', 'fraud'] },
  { name: 'churn', versions: ['2024.11', '2025.02'], labels: ['stay', 'churn'] },
  { name: 'credit', versions: ['1.8.2', '1.9.0'], labels: ['low', 'medium', 'high'] },
];
// [value, weight]
const kCountries = [['US', 30], ['GB', 8], ['DE', 8], ['FR', 6], ['IN', 7], ['BR', 5], ['NG', 3],
  ['JP', 4], ['CA', 4], ['MX', 3], ['ES', 3], ['IT', 3], ['NL', 2], ['SE', 1], ['PL', 2],
  ['TR', 2], ['ZA', 1], ['AU', 3], ['KR', 2], ['AR', 1]];
const kDevices = [['ios', 35], ['android', 40], ['web', 20], ['pos', 5]];
const kMerchants = ['grocery', 'electronics', 'travel', 'restaurants', 'fuel', 'fashion',
  'gaming', 'health', 'utilities', 'entertainment', 'home_improvement', 'education',
  'gambling', 'crypto_exchange', 'marketplace'];
const kEmailDomains = [['gmail.com', 40], ['yahoo.com', 10], ['outlook.com', 12],
  ['icloud.com', 8], ['proton.me', 2], ['company.example', 5], ['mail.ru', 2], ['web.de', 3]];
const kTags = ['canary', 'shadow', 'ab:control', 'ab:treatment', 'batch', 'realtime', 'retry',
  'cold-start', 'cache-hit', 'eu-west-1', 'us-east-1'];
const kErrors = [
  ['TimeoutError', 'feature store lookup timed out after 250 ms', 'feature_store.py', 'fetch'],
  ['ValueError', 'input contains NaN in column "amount"', 'preprocess.py', 'validate'],
  ['ModelNotLoaded', 'model artifact not found in registry: s3://models/fraud/v4.0-rc1', 'registry.py', 'load'],
  ['ResourceExhausted', 'CUDA out of memory. Tried to allocate 20.00 MiB', 'runtime.py', 'infer'],
  ['ConnectionError', 'upstream 10.0.3.17:8501 refused the connection', 'client.py', 'post'],
];
const kFeedbackSources = ['chargeback', 'manual_review', 'customer_report', 'auto_label'];
// --sql-fields / --labels (their own PRNG streams, see the header).
const kSqlFieldsSeedMix = 0x9e3779b9;
const kLabelsSeedMix = 0x7f4a7c15;
const kUsers = 200000;
const kNeedleEvents = 5;
const kUpstreams = ['feature-store.internal:8443', '10.0.3.17:8501', 'embeddings.svc:9000',
  'geoip.svc:8080'];
// Probability that the late label agrees with the prediction, by model version.
const kLabelAgreement = { 'v3.1': 0.91, 'v3.2': 0.93, 'v4.0-rc1': 0.78, '2024.11': 0.88,
  '2025.02': 0.9, '1.8.2': 0.84, '1.9.0': 0.86 };

function Weighted(table) {
  const total = table.reduce((s, [, w]) => s + w, 0);
  const cum = [];
  let acc = 0;
  for (const [v, w] of table) {
    acc += w / total;
    cum.push([v, acc]);
  }
  return (u) => {
    for (const [v, c] of cum) if (u < c) return v;
    return cum[cum.length - 1][0];
  };
}

const Round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;

// Standard normal from two uniforms (Box-Muller).
function Normal(rand) {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

const kHex = '0123456789abcdef';
function RequestId(rand) {
  let s = 'req_';
  for (let i = 0; i < 12; i++) s += kHex[Math.floor(rand() * 16)];
  return s;
}

// user_id and message of event number `n` (--sql-fields), from the stream `r`.
function SqlFields(e, n, needles, r) {
  const user = Math.floor(kUsers * r() ** 2);
  const uid = `u_${String(user).padStart(6, '0')}`;
  let message;
  if (needles.has(n)) {
    let shard = '';
    for (let i = 0; i < 4; i++) shard += kHex[Math.floor(r() * 16)];
    message = `model weights checksum mismatch on shard ${shard}, reloading ${e.model.name}/${e.model.version} from registry`;
  } else if (e.error) {
    message = `request failed: ${e.error.type}: ${e.error.message}`;
  } else if (e.level === 'warn') {
    const u = r();
    if (u < 0.5) message = `slow feature store response: ${Math.floor(200 + r() * 800)} ms for user ${uid}`;
    else if (u < 0.8) message = `retrying upstream call to ${kUpstreams[Math.floor(r() * kUpstreams.length)]} (attempt ${2 + Math.floor(r() * 3)})`;
    else message = `fallback to cached features for user ${uid}`;
  } else {
    const u = r();
    if (u < 0.8) message = `scored request for user ${uid}: ${e.prediction.label} (${e.prediction.score}) in ${e.latency_ms} ms`;
    else if (u < 0.9) message = `feature vector assembled from ${1 + Math.floor(r() * 6)} sources in ${Math.floor(r() * 40)} ms`;
    else message = `cache hit for user ${uid} (model ${e.model.name})`;
  }
  return { user_id: uid, message };
}

export function* Events({ events, seed = 42, days = 3, start = '2025-11-20T00:00:00Z', sqlFields = false }) {
  const rand = Random(seed);
  const rand2 = Random((seed ^ kSqlFieldsSeedMix) >>> 0);
  const needles = new Set();
  for (let k = 0; k < Math.min(events, kNeedleEvents); k++) needles.add(Math.floor(((k + 0.5) * events) / kNeedleEvents));
  const country = Weighted(kCountries);
  const device = Weighted(kDevices);
  const emailDomain = Weighted(kEmailDomains);
    const meanStepMs = events > 0 ? (days * 86400000) / events : 0;
  let t = Date.parse(start);
  for (let n = 0; n < events; n++) {
    t += Math.floor(rand() * 2 * meanStepMs);
    const m = kModels[Math.floor(rand() * kModels.length)];
    const version = m.versions[Math.floor(rand() * m.versions.length)];
    const ts = new Date(t);
    const amount = Round(Math.exp(3.5 + 1.2 * Normal(rand)), 2);
    const features = {
      amount,
      age: rand() < 0.03 ? null : 18 + Math.floor(rand() * 72),
      country: country(rand()),
      device: device(rand()),
      merchant_category: kMerchants[Math.floor(rand() * kMerchants.length)],
      tenure: Math.floor(rand() * 3650),
      txn_24h: Math.floor(-Math.log(Math.max(rand(), 1e-9)) * 3),
    };
    if (rand() >= 0.05) features.avg_amt_30d = Round(amount * (0.5 + rand()), 2);
    features.intl = rand() < 0.12;
    const email = rand();
    if (email < 0.8) features.email_domain = email < 0.02 ? null : emailDomain(rand());
    if (rand() >= 0.04) features.ip_risk = Round(rand() ** 3, 3);

    let probabilities;
    if (m.labels.length === 2) {
      const p = Round(rand() ** 4, 3);
      probabilities = [Round(1 - p, 3), p];
    } else {
      const a = rand(), b = rand(), c = rand();
      const s = a + b + c;
      probabilities = [Round(a / s, 3), Round(b / s, 3), Round(c / s, 3)];
    }
    let best = 0;
    for (let k = 1; k < probabilities.length; k++) if (probabilities[k] > probabilities[best]) best = k;
    const prediction = { label: m.labels[best], score: probabilities[best], probabilities };
    const latency = Round(Math.exp(3 + 0.6 * Normal(rand)), 2);
    const tags = [];
    const nTags = Math.floor(rand() * 3);
    for (let k = 0; k < nTags; k++) tags.push(kTags[Math.floor(rand() * kTags.length)]);

    const isError = rand() < 0.02;
    const e = {
      timestamp: ts.toISOString(),
      request_id: RequestId(rand),
      level: isError ? 'error' : rand() < 0.05 ? 'warn' : 'info',
      model: { name: m.name, version },
      features,
      prediction,
      latency_ms: latency,
      tags,
    };
    if (isError) {
      const [type, message, file, fn] = kErrors[Math.floor(rand() * kErrors.length)];
      e.error = {
        type,
        message,
        stack: `Traceback (most recent call last):\n  File "/srv/app/serve.py", line ${100 + Math.floor(rand() * 300)}, in handle\n` +
               `  File "/srv/app/${file}", line ${10 + Math.floor(rand() * 200)}, in ${fn}\n${type}: ${message}`,
      };
    }
    if (rand() < 0.08) {
      e.feedback = {
        label: m.labels[Math.floor(rand() * m.labels.length)],
        received_at: new Date(t + Math.floor(rand() * 7 * 86400000)).toISOString(),
        source: kFeedbackSources[Math.floor(rand() * kFeedbackSources.length)],
      };
    }
    if (sqlFields) Object.assign(e, SqlFields(e, n, needles, rand2));
    yield e;
  }
}

// The late label of event `e` (or null), from the stream `r` (--labels).
function Label(e, r) {
  if (r() >= 0.3) return null;
  const labels = kModels.find((m) => m.name === e.model.name).labels;
  let label = e.prediction.label;
  if (r() >= kLabelAgreement[e.model.version]) {
    const others = labels.filter((l) => l !== label);
    label = others[Math.floor(r() * others.length)];
  }
  const delayMs = 600000 + Math.floor(r() * 2 * 86400000);
  return { request_id: e.request_id, label, received_at: new Date(Date.parse(e.timestamp) + delayMs).toISOString() };
}

function Main() {
  const args = ParseArgs(process.argv.slice(2));
  const started = process.hrtime.bigint();
  const fd = args.out === '-' ? 1 : openSync(args.out, 'w');
  let bytes = 0;
  let pending = [];
  let pendingBytes = 0;
  const flush = () => {
    if (!pending.length) return;
    const buf = Buffer.from(pending.join(''), 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    bytes += buf.length;
    pending = [];
    pendingBytes = 0;
  };
  // --labels: a second output, buffered the same way.
  const labelsFd = args.labels ? openSync(args.labels, 'w') : null;
  const labelRand = Random((args.seed ^ kLabelsSeedMix) >>> 0);
  let labelLines = [];
  let labelCount = 0;
  const flushLabels = () => {
    if (!labelLines.length) return;
    const buf = Buffer.from(labelLines.join(''), 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(labelsFd, buf, off, buf.length - off);
    labelLines = [];
  };
  let count = 0;
  for (const e of Events(args)) {
    const line = JSON.stringify(e) + '\n';
    pending.push(line);
    pendingBytes += line.length;
    count++;
    if (pendingBytes >= 4 << 20) flush();
    if (labelsFd !== null) {
      const l = Label(e, labelRand);
      if (l) {
        labelLines.push(JSON.stringify(l) + '\n');
        labelCount++;
        if (labelLines.length >= 16384) flushLabels();
      }
    }
  }
  flush();
  if (fd !== 1) closeSync(fd);
  if (labelsFd !== null) {
    flushLabels();
    closeSync(labelsFd);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = { events: count, bytes, avg_line_bytes: count ? +(bytes / count).toFixed(1) : 0,
                   seconds: +seconds.toFixed(2) };
  if (labelsFd !== null) summary.labels = labelCount;
  process.stderr.write(`${JSON.stringify(summary)}\n`);
}

// Run as a script (not when imported).
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('gen_events.mjs')) Main();
