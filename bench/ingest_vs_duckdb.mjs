#!/usr/bin/env node
// The ingest benchmark: `lakewatch ingest` of a JSON-lines file into a Delta table, against
// DuckDB converting the same file to one zstd Parquet file. bench/run_ingest.sh drives it.
//
// Usage:
//   node bench/ingest_vs_duckdb.mjs run --lakewatch BIN --input FILE --dir DIR
//                                       [--threads 1,2] [--reps 3] [--events N]
//       For each thread count N, REPS times each, alternating engines:
//         lakewatch: `BIN --data DIR/lw ingest --table events --threads N --format json FILE`
//                    in a fresh data directory each repetition; time = wall clock of the whole
//                    process (start-up, parse, write, Delta commit), measured around the spawn.
//         DuckDB:    a fresh `node ingest_vs_duckdb.mjs duckdb-copy` process per repetition
//                    running `SET threads = N; COPY (SELECT * FROM read_json_auto('FILE')) TO
//                    'DIR/duckdb.parquet' (FORMAT parquet, COMPRESSION zstd)`; time = that
//                    statement only (the instance is created before the clock starts, so
//                    node's and DuckDB's start-up are NOT counted: this favours DuckDB by a
//                    few hundred ms).
//       Peak RSS of each process comes from `/usr/bin/time -v` (else from polling
//       /proc/PID/status VmHWM every 10 ms). DuckDB runs inside node, so its figure is the node
//       process's peak RSS: node's own baseline (printed as duckdb_baseline_rss_mb, measured
//       just before the instance is created) is included.
//       Stored bytes: the sum of `size` over `lakewatch table files events --format jsonl` (the
//       live data files of the last repetition) against the size of DuckDB's file.
//       Prints one JSON object per line per (engine, threads).
//   node bench/ingest_vs_duckdb.mjs report FILE...
//       Prints the comparison table (Markdown) from the lines of every FILE.
//   node bench/ingest_vs_duckdb.mjs duckdb-copy --input FILE --out FILE --threads N
//       (internal) one timed DuckDB COPY in this process; prints one JSON line.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const kSelf = fileURLToPath(import.meta.url);
const kTime = '/usr/bin/time';

function Fail(msg) {
  process.stderr.write(`ingest_vs_duckdb: ${msg}\n`);
  process.exit(1);
}

function ParseArgs(argv) {
  const args = { threads: [1, 2], reps: 3, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? Fail(`${a} needs a value`);
    if (a === '--lakewatch') args.lakewatch = value();
    else if (a === '--input') args.input = value();
    else if (a === '--dir') args.dir = value();
    else if (a === '--out') args.out = value();
    else if (a === '--events') args.events = Number(value());
    else if (a === '--threads') args.threads = value().split(',').map(Number);
    else if (a === '--reps') args.reps = Number(value());
    else args.positional.push(a);
  }
  return args;
}

const Literal = (s) => `'${s.replaceAll("'", "''")}'`;

// Runs a command; resolves {code, signal, stdout, stderr, wall, rssKb, cpu}. With /usr/bin/time
// the peak RSS and CPU seconds are the kernel's (wait4 rusage); else VmHWM polling, no CPU.
function Measure(exe, args, { timeoutMs = 3600000 } = {}) {
  const useTime = existsSync(kTime);
  const statsFile = path.join(os.tmpdir(), `lw-ingest-bench-${process.pid}-${Date.now()}.time`);
  const [cmd, argv] = useTime ? [kTime, ['-v', '-o', statsFile, exe, ...args]] : [exe, args];
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    let hwmKb = 0;
    const poll = useTime ? null : setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
      } catch { /* exited */ }
    }, 10);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('close', (code, signal) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      let rssKb = hwmKb || null;
      let cpu = null;
      if (useTime && existsSync(statsFile)) {
        const text = readFileSync(statsFile, 'utf8');
        rmSync(statsFile, { force: true });
        const num = (re) => Number(re.exec(text)?.[1] ?? NaN);
        rssKb = num(/Maximum resident set size \(kbytes\): (\d+)/);
        cpu = num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/);
        const st = /Exit status: (\d+)/.exec(text);
        if (st && code === 0) code = Number(st[1]);
        if (/Command terminated by signal (\d+)/.test(text)) signal = signal ?? 'signal';
      }
      resolve({ code, signal, wall, rssKb, cpu, stdout: Buffer.concat(out).toString('utf8'),
                stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

function LastJsonLine(text) {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  try {
    return JSON.parse(lines[lines.length - 1]);
  } catch {
    return null;
  }
}

async function Lakewatch(args, dataDir, threads) {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const r = await Measure(args.lakewatch, ['--data', dataDir, 'ingest', '--table', 'events',
                                           '--threads', String(threads), '--format', 'json',
                                           args.input]);
  if (r.code !== 0 || r.signal) {
    Fail(`lakewatch ingest (threads ${threads}): exit ${r.code ?? r.signal}: ${r.stderr.trim()}`);
  }
  const summary = LastJsonLine(r.stdout);
  if (!summary) Fail(`lakewatch ingest printed no JSON summary: ${r.stdout.slice(-500)}`);
  return { ...r, summary };
}

// Sum of the live data files' sizes, from `lakewatch table files`.
async function StoredBytes(args, dataDir) {
  const r = await Measure(args.lakewatch, ['--data', dataDir, 'table', 'files', 'events',
                                           '--format', 'jsonl']);
  if (r.code !== 0) Fail(`lakewatch table files: ${r.stderr.trim()}`);
  const files = r.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  return { bytes: files.reduce((s, f) => s + Number(f.size), 0), files: files.length,
           rows: files.reduce((s, f) => s + Number(f.rows ?? f.num_records ?? 0), 0) };
}

async function DuckCopy(args, threads) {
  const out = path.join(args.dir, 'duckdb.parquet');
  rmSync(out, { force: true });
  const r = await Measure(process.execPath, [kSelf, 'duckdb-copy', '--input', args.input,
                                             '--out', out, '--threads', String(threads)]);
  if (r.code !== 0 || r.signal) Fail(`duckdb-copy (threads ${threads}): exit ${r.code ?? r.signal}: ${r.stderr.trim()}`);
  const child = LastJsonLine(r.stdout);
  if (!child) Fail(`duckdb-copy printed no JSON: ${r.stdout}`);
  return { ...r, child, file: out };
}

function Best(runs, key = 'seconds') {
  return runs.reduce((b, r) => (r[key] < b[key] ? r : b));
}

async function Run(args) {
  if (!args.lakewatch || !args.input || !args.dir) Fail('run needs --lakewatch BIN --input FILE --dir DIR');
  if (!existsSync(args.lakewatch)) Fail(`${args.lakewatch} not found`);
  const inputBytes = statSync(args.input).size;
  mkdirSync(args.dir, { recursive: true });
  const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
  const events = args.events ?? null;
  const base = { input: args.input, input_bytes: inputBytes, events };
  for (const threads of args.threads) {
    const ours = [];
    const duck = [];
    let duckInfo = null;
    const lwDir = path.join(args.dir, `lw-${threads}`);
    const load = [os.loadavg()[0]];
    for (let rep = 0; rep < args.reps; rep++) {
      const a = await Lakewatch(args, lwDir, threads);
      ours.push({ seconds: a.wall, cpu: a.cpu, rss_mb: a.rssKb / 1024, summary: a.summary });
      process.stderr.write(`  lakewatch threads=${threads} rep ${rep + 1}: ${a.wall.toFixed(2)} s, ` +
                           `${(a.rssKb / 1024).toFixed(0)} MB peak RSS\n`);
      const d = await DuckCopy(args, threads);
      duck.push({ seconds: d.child.seconds, process_seconds: d.wall, cpu: d.child.cpu_seconds,
                  process_cpu: d.cpu, rss_mb: d.rssKb / 1024 });
      duckInfo = d;
      process.stderr.write(`  duckdb    threads=${threads} rep ${rep + 1}: ${d.child.seconds.toFixed(2)} s ` +
                           `(process ${d.wall.toFixed(2)} s), ${(d.rssKb / 1024).toFixed(0)} MB peak RSS\n`);
    }
    load.push(os.loadavg()[0]);
    const stored = await StoredBytes(args, lwDir);
    const bo = Best(ours);
    const s = bo.summary;
    const loadavg = load.map((x) => +x.toFixed(2));
    emit({ ...base, engine: 'lakewatch', threads, loadavg, seconds: +bo.seconds.toFixed(3),
           cpu_seconds: bo.cpu === null ? null : +bo.cpu.toFixed(3),
           runs: ours.map((r) => +r.seconds.toFixed(3)),
           cpu_runs: ours.map((r) => (r.cpu === null ? null : +r.cpu.toFixed(3))),
           peak_rss_mb: +Math.max(...ours.map((r) => r.rss_mb)).toFixed(1),
           rss_runs_mb: ours.map((r) => +r.rss_mb.toFixed(1)),
           rows: s.rows, quarantined: s.quarantined, version: s.version,
           summary_seconds: s.seconds, summary_mb_per_s: s.mb_per_s, summary_bytes_in: s.bytes_in,
           summary_bytes_stored: s.bytes_stored, files_written: s.files_written,
           stored_bytes: stored.bytes, live_files: stored.files, files_rows: stored.rows });
    const bd = Best(duck);
    emit({ ...base, engine: 'duckdb', threads, loadavg, version: duckInfo.child.version,
           seconds: +bd.seconds.toFixed(3), process_seconds: +bd.process_seconds.toFixed(3),
           cpu_seconds: +bd.cpu.toFixed(3),
           process_cpu_seconds: bd.process_cpu === null ? null : +bd.process_cpu.toFixed(3),
           runs: duck.map((r) => +r.seconds.toFixed(3)),
           cpu_runs: duck.map((r) => +r.cpu.toFixed(3)),
           peak_rss_mb: +Math.max(...duck.map((r) => r.rss_mb)).toFixed(1),
           rss_runs_mb: duck.map((r) => +r.rss_mb.toFixed(1)),
           baseline_rss_mb: duckInfo.child.baseline_rss_mb, rows: duckInfo.child.rows,
           stored_bytes: statSync(duckInfo.file).size });
  }
}

// One DuckDB COPY in this process (a fresh process per repetition, so peak RSS is per run).
async function DuckdbCopy(args) {
  const baseline = process.memoryUsage().rss / 1048576;
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const threads = args.threads[0];
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const con = await instance.connect();
  const version = (await con.runAndReadAll('SELECT version() AS v')).getRowObjects()[0].v;
  await con.run(`SET threads = ${threads}`);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await con.run(`COPY (SELECT * FROM read_json_auto(${Literal(args.input)})) TO ${Literal(args.out)} ` +
                '(FORMAT parquet, COMPRESSION zstd)');
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  // Untimed: the row count, read back from the file's footer.
  const rows = Number((await con.runAndReadAll(
    `SELECT count(*) AS n FROM read_parquet(${Literal(args.out)})`)).getRowObjects()[0].n);
  con.closeSync();
  instance.closeSync();
  process.stdout.write(`${JSON.stringify({ seconds, cpu_seconds: (cpu.user + cpu.system) / 1e6, version, rows,
                                           baseline_rss_mb: +baseline.toFixed(1) })}\n`);
}

// ---- report

function Report(files) {
  const lines = [];
  for (const f of files) {
    for (const l of readFileSync(f, 'utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l));
  }
  const sizes = [...new Set(lines.map((l) => l.input_bytes))].sort((a, b) => a - b);
  const threads = [...new Set(lines.map((l) => l.threads))].sort((a, b) => a - b);
  const version = lines.find((l) => l.engine === 'duckdb')?.version ?? '?';
  const out = [];
  const mb = (b) => b / 1e6;
  out.push(`Ingest benchmark: lakewatch ingest vs DuckDB ${version} read_json_auto → Parquet (zstd); ` +
           `${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average at report ` +
           `${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  out.push('');
  out.push('Time = best wall-clock seconds of the repetitions (CPU seconds of the same run in parentheses). ' +
           'lakewatch: the whole process incl. start-up and Delta commit (CPU from wait4 rusage); DuckDB: the ' +
           'COPY statement only (CPU: node\'s process.cpuUsage() around it). MB/s = input bytes ÷ time. ' +
           'Ratio = lakewatch MB/s ÷ DuckDB MB/s; cpu ratio = DuckDB CPU s ÷ lakewatch CPU s. Peak RSS: max ' +
           'over the repetitions; DuckDB\'s is its whole node process (node\'s own baseline in parentheses).');
  out.push('');
  out.push('| events | input MB | threads | lakewatch s (cpu) | lakewatch MB/s | DuckDB s (cpu) | DuckDB MB/s | ratio | cpu ratio | ' +
           'stored MB: lakewatch / DuckDB | size ratio | peak RSS MB: lakewatch / DuckDB (node baseline) |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  const problems = [];
  for (const size of sizes) {
    for (const t of threads) {
      const a = lines.find((l) => l.engine === 'lakewatch' && l.input_bytes === size && l.threads === t);
      const b = lines.find((l) => l.engine === 'duckdb' && l.input_bytes === size && l.threads === t);
      if (!a || !b) continue;
      const events = a.events ?? b.rows;
      const rate = (l) => mb(size) / l.seconds;
      const cpu = (l) => (l.cpu_seconds === null ? '' : ` (${l.cpu_seconds.toFixed(2)})`);
      out.push(`| ${Number(events).toLocaleString('en-US')} | ${mb(size).toFixed(0)} | ${t} | ` +
               `${a.seconds.toFixed(2)}${cpu(a)} | ${rate(a).toFixed(0)} | ${b.seconds.toFixed(2)}${cpu(b)} | ` +
               `${rate(b).toFixed(0)} | ${(rate(a) / rate(b)).toFixed(2)}× | ` +
               `${a.cpu_seconds && b.cpu_seconds ? `${(b.cpu_seconds / a.cpu_seconds).toFixed(2)}×` : '—'} | ` +
               `${mb(a.stored_bytes).toFixed(1)} / ${mb(b.stored_bytes).toFixed(1)} | ` +
               `${(a.stored_bytes / b.stored_bytes).toFixed(3)} | ` +
               `${a.peak_rss_mb.toFixed(0)} / ${b.peak_rss_mb.toFixed(0)} (${b.baseline_rss_mb.toFixed(0)}) |`);
      if (a.events !== null && a.rows !== a.events) problems.push(`lakewatch ${size} B, threads ${t}: ${a.rows} rows, expected ${a.events}`);
      if (a.events !== null && b.rows !== a.events) problems.push(`DuckDB ${size} B, threads ${t}: ${b.rows} rows, expected ${a.events}`);
      if (a.quarantined) problems.push(`lakewatch ${size} B, threads ${t}: ${a.quarantined} quarantined`);
      if (a.files_rows && a.files_rows !== a.rows) problems.push(`lakewatch ${size} B, threads ${t}: table files hold ${a.files_rows} rows, summary says ${a.rows}`);
    }
  }
  if (sizes.length > 1) {
    out.push('');
    for (const t of threads) {
      const rss = sizes.map((s) => lines.find((l) => l.engine === 'lakewatch' && l.input_bytes === s && l.threads === t))
        .filter(Boolean).map((l) => `${l.peak_rss_mb.toFixed(0)} MB at ${mb(l.input_bytes).toFixed(0)} MB input`);
      out.push(`lakewatch peak RSS, threads ${t}: ${rss.join(', ')}`);
    }
  }
  const loads = lines.flatMap((l) => l.loadavg ?? []);
  if (loads.length) {
    out.push('');
    out.push(`1-minute load average during the runs: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} ` +
             `(${os.cpus().length} cores; above ~0.5 other work shared the machine)`);
  }
  out.push('');
  out.push(problems.length ? `PROBLEMS:\n  ${problems.join('\n  ')}` : 'Row counts: every run wrote every event (lakewatch summary, lakewatch table files, DuckDB file), 0 quarantined.');
  process.stdout.write(`${out.join('\n')}\n`);
  return problems.length ? 1 : 0;
}

const [cmd, ...rest] = process.argv.slice(2);
const args = ParseArgs(rest);
if (cmd === 'run') {
  await Run(args).catch((e) => Fail(e?.stack ?? String(e)));
} else if (cmd === 'duckdb-copy') {
  if (!args.input || !args.out) Fail('duckdb-copy needs --input and --out');
  await DuckdbCopy(args).catch((e) => Fail(e?.message ?? String(e)));
} else if (cmd === 'report') {
  if (!args.positional.length) Fail('report needs FILE...');
  process.exit(Report(args.positional));
} else {
  Fail('usage: ingest_vs_duckdb.mjs run --lakewatch BIN --input FILE --dir DIR [--threads 1,2] [--reps R] [--events N] | report FILE...');
}
