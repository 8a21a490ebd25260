// End-to-end check of full-text search and point lookups through the search index:
// `match(message, …)` and `request_id = '…'` give the same rows on a table ingested with
// search-index sidecars as on the same events ingested without them (a plain scan), also after
// a sidecar is corrupted or deleted — and the indexed scan reads fewer rows.
//
// usage: node tests/sql/search_index_e2e.mjs --lakewatch build/lakewatch
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const lakewatch = args[args.indexOf('--lakewatch') + 1];
if (!lakewatch || !fs.existsSync(lakewatch)) {
  console.error('usage: search_index_e2e.mjs --lakewatch PATH');
  process.exit(2);
}

// Deterministic PRNG (mulberry32).
let seed = 7;
function rand() {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-search-e2e-'));
let failures = 0;
function check(ok, what) {
  if (!ok) {
    failures++;
    console.error('FAIL: ' + what);
  }
}

try {
  const words = ['request', 'served', 'cache', 'miss', 'hit', 'model', 'loaded', 'retry', 'upstream', 'slow'];
  const lines = [];
  const ids = [];
  const N = 60000;
  for (let i = 0; i < N; i++) {
    const id = `req-${i.toString(36)}-${Math.floor(rand() * 1e9).toString(36)}`;
    ids.push(id);
    let msg = Array.from({ length: 3 + Math.floor(rand() * 5) }, () => pick(words)).join(' ');
    if (i === 12345 || i === 54321) msg += ' CUDA out of memory: tried to allocate 2.00 GiB';
    if (i % 9973 === 0) msg = msg.toUpperCase() + ' Timeout!';
    const ev = {
      timestamp: new Date(Date.UTC(2025, 10, 24) + i * 1000).toISOString(),
      request_id: id,
      level: i % 50 === 0 ? 'error' : 'info',
      message: i % 997 === 0 ? null : msg,
      error: i % 50 === 0 ? { type: 'E', message: `upstream ${pick(words)} failed after ${i % 7} retries` } : undefined,
    };
    lines.push(JSON.stringify(ev));
  }
  const input = path.join(dir, 'ev.jsonl');
  fs.writeFileSync(input, lines.join('\n') + '\n');
  const data = path.join(dir, 'data');
  const run = (...a) => execFileSync(lakewatch, ['--data', data, ...a], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  run('ingest', '--table', 'indexed', input);
  run('ingest', '--table', 'plain', '--no-index', input);
  const sidecars = [];
  (function walk(d) {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.lwidx')) sidecars.push(p);
    }
  })(path.join(data, 'indexed', '_lakewatch', 'index'));
  check(sidecars.length > 0, 'ingest wrote search index sidecars');
  check(!fs.existsSync(path.join(data, 'plain', '_lakewatch', 'index')) ||
        fs.readdirSync(path.join(data, 'plain', '_lakewatch', 'index')).length === 0, '--no-index wrote none');

  const query = (table, where) => {
    const out = execFileSync(lakewatch, ['--data', data, 'query', '--format', 'jsonl',
      `SELECT request_id, message FROM ${table} WHERE ${where} ORDER BY request_id`],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out;
  };
  // Rows the scan read for a count over `where` (lakewatch query --stats).
  const statsOf = (table, where) => {
    const res = spawnSync(lakewatch, ['--data', data, 'query', '--format', 'jsonl', '--stats',
      `SELECT count(*) FROM ${table} WHERE ${where}`], { encoding: 'utf8' });
    const m = /rows scanned: (\d+)/.exec(res.stderr);
    return m ? Number(m[1]) : -1;
  };

  const conditions = [
    "match(message, 'CUDA memory')",
    "match(message, 'cuda OUT of memory allocate')",
    "match(message, 'timeout')",
    "match(message, 'retry upstream')",
    "match(message, 'nosuchword')",
    "match(error.message, 'failed retries')",
    `request_id = '${ids[777]}'`,
    `request_id = '${ids[59999]}'`,
    "request_id = 'absent-id'",
    `match(message, 'cache') AND request_id = '${ids[4242]}'`,
    "match(message, 'slow') AND level = 'error'",
  ];
  for (const c of conditions) {
    const a = query('indexed', c);
    const b = query('plain', c);
    check(a === b, `same rows with and without the index for ${c}\n indexed: ${a.slice(0, 300)}\n plain:   ${b.slice(0, 300)}`);
  }
  // The rare needle and the point lookup read few rows through the index.
  const needle = statsOf('indexed', "match(message, 'CUDA memory')");
  const needlePlain = statsOf('plain', "match(message, 'CUDA memory')");
  check(needlePlain === N, `the plain table scans every row (${needlePlain})`);
  check(needle > 0 && needle < N / 2, `the needle search reads few rows through the index (${needle} of ${N})`);
  const point = statsOf('indexed', `request_id = '${ids[777]}'`);
  check(point > 0 && point < N / 2, `the point lookup reads few rows through the index (${point} of ${N})`);
  const cuda = query('indexed', "match(message, 'CUDA memory')").trim().split('\n');
  check(cuda.length === 2, `two CUDA rows (${cuda.length})`);

  // A corrupt sidecar and a missing one: still the same answers (the scan falls back).
  const buf = fs.readFileSync(sidecars[0]);
  for (let i = 64; i < buf.length; i += 97) buf[i] ^= 0x5a;
  fs.writeFileSync(sidecars[0], buf);
  if (sidecars.length > 1) fs.unlinkSync(sidecars[sidecars.length - 1]);
  for (const c of conditions) {
    check(query('indexed', c) === query('plain', c), `same rows after damaging sidecars for ${c}`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
if (failures > 0) {
  console.error(`${failures} check(s) failed`);
  process.exit(1);
}
console.log('search index e2e: all checks passed');
