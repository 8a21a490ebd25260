// Helpers shared by the end-to-end tests of `lakewatch ingest` (tests/ingest/*.mjs).
//
// Nothing here imports an npm package: a test that needs DuckDB imports ../peers/duckdb_query.mjs
// itself, after NeedNodeModules() (exit 77 = skipped when node_modules is missing).
//
// The contract under test (lakewatch ingest, see docs/cli.md):
//   lakewatch [--data DIR] ingest --table T [--input-format F] [--timestamp FIELD] [--idempotent]
//             [--threads N] [--format text|json] FILE...|-
//   --format json: the last stdout line is the summary {"table","version","rows","quarantined",
//   "quarantine_table","bytes_in","bytes_stored","files_written","seconds","mb_per_s",
//   "rows_per_s","sources"}. Table <DIR>/<T>: Delta, partitioned by `date`; extra columns
//   `timestamp`, `date`, `_source`, `_line`, `_rest`. Bad records: table <T>_quarantine
//   (_source, _line, _offset, reason, raw, ingested_at).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const kRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The external test data (read-only): LW_SHARED_DATA, else ../shared/data next to the repository.
export const kSharedData = process.env.LW_SHARED_DATA || path.resolve(kRoot, '../shared/data');

export function Skip(msg) {
  console.log(`SKIP: ${msg}`);
  process.exit(77);
}

export function NeedNodeModules(deps = ['@duckdb/node-api']) {
  for (const dep of deps) {
    if (!existsSync(path.join(kRoot, 'node_modules', dep))) Skip(`node_modules/${dep} missing (run make deps)`);
  }
}

export function NeedSharedData(...parts) {
  const p = path.join(kSharedData, ...parts);
  if (!existsSync(p)) Skip(`${p} missing (the external test data, ../shared/data)`);
  return p;
}

// --lakewatch BIN (default build/lakewatch), --keep, --verbose; other flags are returned in
// `rest`.
export function ParseArgs(argv) {
  const args = { lakewatch: path.join(kRoot, 'build/lakewatch'), keep: false, verbose: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--lakewatch') args.lakewatch = argv[++i];
    else if (a === '--keep') args.keep = true;
    else if (a === '--verbose') args.verbose = true;
    else args.rest.push(a);
  }
  if (!existsSync(args.lakewatch)) {
    console.log(`FAIL: lakewatch binary not found at ${args.lakewatch}`);
    process.exit(1);
  }
  return args;
}

// Runs `exe args...`; resolves { code, signal, stdout, stderr, timedOut, ms }; never rejects.
// stdout/stderr are strings (UTF-8). `input`: bytes written to stdin (else stdin is /dev/null).
export function Run(exe, args, { timeoutMs = 120000, input = null, cwd = undefined } = {}) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(exe, args, { cwd, stdio: [input === null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    if (input !== null) {
      child.stdin.on('error', () => {});  // EPIPE when the child exits early
      child.stdin.end(input);
    }
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout: '', stderr: String(e.message), timedOut, ms: 0 });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, ms: Number(process.hrtime.bigint() - start) / 1e6,
                stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

// "exit 1" / "signal SIGSEGV" / "timed out after 60 s".
export function RunStatusText(run, timeoutMs) {
  if (run.timedOut) return `timed out after ${timeoutMs / 1000} s`;
  if (run.signal) return `killed by ${run.signal}`;
  return `exit ${run.code}`;
}

// A process that ended on its own with 0 or 1 (the CLI's "success" and "user error").
export function CleanExit(run) {
  return !run.timedOut && !run.signal && (run.code === 0 || run.code === 1);
}

// The summary object: the last non-empty stdout line, parsed; null if it is not JSON.
export function Summary(stdout) {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  if (!lines.length) return null;
  try {
    const v = JSON.parse(lines[lines.length - 1]);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

export const kSummaryKeys = ['table', 'version', 'rows', 'quarantined', 'quarantine_table', 'bytes_in',
  'bytes_stored', 'files_written', 'seconds', 'mb_per_s', 'rows_per_s', 'sources'];

// `lakewatch --data DATA ingest --table T --format json [extra...] inputs...`:
// { run, summary, args }.
export async function Ingest(lakewatch, data, table, inputs, extra = [], { timeoutMs = 300000 } = {}) {
  const args = ['--data', data, 'ingest', '--table', table, '--format', 'json', ...extra, ...inputs];
  const run = await Run(lakewatch, args, { timeoutMs });
  return { run, summary: Summary(run.stdout), args };
}

// The rows of `lakewatch table scan T --format jsonl [--columns ...]`, parsed with `parse`
// (default JSON.parse); null when the command fails (e.g. the table does not exist), with the
// run in `.run`.
export async function Scan(lakewatch, data, table, { columns = null, parse = JSON.parse, timeoutMs = 300000 } = {}) {
  const args = ['--data', data, 'table', 'scan', table, '--format', 'jsonl'];
  if (columns) args.push('--columns', columns.join(','));
  const run = await Run(lakewatch, args, { timeoutMs });
  if (run.code !== 0) return { run, rows: null };
  return { run, rows: run.stdout.split('\n').filter((l) => l !== '').map(parse) };
}

// `lakewatch table files T --format jsonl`: [{path, size, rows?, partition_values?...}] with
// `abs` (the absolute path of the file) added; null when the command fails.
export async function TableFiles(lakewatch, data, table) {
  const run = await Run(lakewatch, ['--data', data, 'table', 'files', table, '--format', 'jsonl']);
  if (run.code !== 0) return { run, files: null };
  const files = run.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
  for (const f of files) {
    const rel = decodeURIComponent(String(f.path));
    f.abs = path.isAbsolute(rel) ? rel : path.join(data, table, rel);
  }
  return { run, files };
}

// Pass/fail bookkeeping with readable output.
export class Results {
  constructor(verbose = false) {
    this.verbose_ = verbose;
    this.failures = [];
    this.passes = 0;
    this.expected = 0;
    this.notes = [];
  }
  Check(what, problem, detail = '') {
    if (problem) {
      this.failures.push(what);
      console.log(`FAIL  ${what}\n      ${String(problem).split('\n').join('\n      ')}`);
    } else {
      this.passes++;
      if (this.verbose_ || detail) console.log(`ok    ${what}${detail ? ': ' + detail : ''}`);
    }
    return !problem;
  }
  // A known lakewatch bug that still reproduces: reported, not a failure (see the test's
  // kExpectedFailures; once fixed, the case fails as an "unexpected pass").
  ExpectedFailure(what, reason) {
    this.expected++;
    console.log(`xfail ${what}\n      ${String(reason).split('\n').join('\n      ')}`);
  }
  Note(text) {
    this.notes.push(text);
    console.log(`note  ${text}`);
  }
  Finish(started, name) {
    console.log(`\n${name}: ${this.passes} checks passed, ${this.failures.length} failed, ` +
                `${this.expected} known bugs reproduced (expected failures); ` +
                `${((Date.now() - started) / 1000).toFixed(1)} s`);
    process.exit(this.failures.length ? 1 : 0);
  }
}

export const SqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;
export const SqlIdent = (s) => `"${String(s).replaceAll('"', '""')}"`;

// Deterministic pseudo-random numbers (mulberry32), so a failure reproduces.
export function Random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
