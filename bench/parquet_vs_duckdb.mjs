#!/usr/bin/env node
// The DuckDB side of the Parquet benchmark, and the report (bench/run.sh drives both sides).
//
// Usage:
//   node bench/parquet_vs_duckdb.mjs run --results FILE --dir DIR [--threads 1,2] [--reps R]
//       FILE holds the lines parquet_bench printed so far: the "generate" line names the TSV
//       with the data set and its columns, the "write" lines name lakewatch's file. Loads the
//       TSV into an in-memory DuckDB table (untimed), then times, R times per thread count
//       (SET threads=N):
//         write: COPY events TO 'DIR/duckdb.parquet' (FORMAT parquet, COMPRESSION zstd)
//                (with COMPRESSION_LEVEL n when the environment sets DUCKDB_ZSTD_LEVEL=n;
//                DuckDB's default is zstd's level 3, lakewatch writes level 1)
//         read:  the checksum query below over read_parquet(F), for F = lakewatch's file and
//                DuckDB's file.
//       Prints one JSON object per line per measurement, like parquet_bench.
//   node bench/parquet_vs_duckdb.mjs report FILE
//       Prints the comparison table (Markdown) from every line of FILE, and checks that both
//       engines saw the same values in every file (exit status 1 if not). lakewatch's "scan"
//       lines (row group at a time) are compared with the same DuckDB read figures.
//
// The read query aggregates every column with a function that needs every value decoded and
// that Parquet statistics cannot answer: sum() for numbers, sum(epoch_us()) for timestamps,
// sum(strlen()) for strings, count_if() for booleans, and count() of every column. The same
// aggregates are the checksums parquet_bench computes over the Columns it decoded.
//
// Timing: wall-clock around each statement (best of R); "cpu_seconds" is the process's CPU
// time (every DuckDB thread) over the same interval.

import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function Fail(msg) {
  process.stderr.write(`parquet_vs_duckdb: ${msg}\n`);
  process.exit(1);
}

function ParseArgs(argv) {
  const args = { threads: [1, 2], reps: 3, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? Fail(`${a} needs a value`);
    if (a === '--results') args.results = value();
    else if (a === '--dir') args.dir = value();
    else if (a === '--threads') args.threads = value().split(',').map(Number);
    else if (a === '--reps') args.reps = Number(value());
    else args.positional.push(a);
  }
  return args;
}

function ReadLines(file) {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
}

const Quote = (name) => `"${name.replaceAll('"', '""')}"`;
const Literal = (s) => `'${s.replaceAll("'", "''")}'`;

// Spark DDL type (as parquet_bench prints it) -> DuckDB type of the table column, and the
// type the TSV field is read as.
const kTypes = {
  bigint: { table: 'BIGINT', csv: 'BIGINT' },
  int: { table: 'INTEGER', csv: 'INTEGER' },
  double: { table: 'DOUBLE', csv: 'DOUBLE' },
  float: { table: 'FLOAT', csv: 'FLOAT' },
  boolean: { table: 'BOOLEAN', csv: 'BOOLEAN' },
  string: { table: 'VARCHAR', csv: 'VARCHAR' },
  timestamp: { table: 'TIMESTAMPTZ', csv: 'BIGINT' },  // TSV: microseconds since the epoch
};

function ChecksumSql(columns, from) {
  const items = [];
  for (const c of columns) {
    const q = Quote(c.name);
    let agg;
    switch (c.type) {
      case 'timestamp': agg = `sum(epoch_us(${q}))::VARCHAR`; break;
      case 'string': agg = `sum(strlen(${q}))::VARCHAR`; break;
      case 'boolean': agg = `count_if(${q})::VARCHAR`; break;
      case 'double':
      case 'float': agg = `sum(${q})::DOUBLE`; break;
      default: agg = `sum(${q})::VARCHAR`; break;
    }
    items.push(`${agg} AS ${Quote(`${c.name}.agg`)}`, `count(${q}) AS ${Quote(`${c.name}.count`)}`);
  }
  return `SELECT ${items.join(', ')} FROM ${from}`;
}

// A checksum result row -> {column: {agg, count}} as parquet_bench prints them.
function ChecksumsOf(row, columns) {
  const out = {};
  for (const c of columns) {
    const agg = row[`${c.name}.agg`];
    out[c.name] = {
      agg: typeof agg === 'number' ? agg : agg === null ? '0' : String(agg),
      count: Number(row[`${c.name}.count`]),
    };
  }
  return out;
}

async function Timed(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = await fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, value };
}

function RunsJson(runs) {
  const best = (k) => Math.min(...runs.map((r) => r[k]));
  return {
    seconds: +best('wall').toFixed(4),
    cpu_seconds: +best('cpu').toFixed(4),
    runs: runs.map((r) => +r.wall.toFixed(4)),
    cpu_runs: runs.map((r) => +r.cpu.toFixed(4)),
  };
}

async function Run(args) {
  if (!args.results || !args.dir) Fail('run needs --results FILE and --dir DIR');
  const lines = ReadLines(args.results);
  const gen = lines.find((l) => l.op === 'generate');
  const ours = lines.find((l) => l.op === 'write' && l.engine === 'lakewatch');
  if (!gen || !gen.tsv) Fail(`${args.results}: no "generate" line with a TSV`);
  if (!ours) Fail(`${args.results}: no lakewatch "write" line`);
  const columns = gen.columns;
  const duckFile = path.join(args.dir, 'duckdb.parquet');
  const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    const version = (await con.runAndReadAll('SELECT version() AS v')).getRowObjects()[0].v;
    await con.run("SET TimeZone = 'UTC'");
    const csvColumns = columns.map((c) => `${Literal(c.name)}: ${Literal(kTypes[c.type].csv)}`);
    const select = columns.map((c) => c.type === 'timestamp'
      ? `make_timestamp(${Quote(c.name)})::TIMESTAMPTZ AS ${Quote(c.name)}`
      : `${Quote(c.name)}::${kTypes[c.type].table} AS ${Quote(c.name)}`);
    const load = await Timed(() => con.run(
      `CREATE TABLE events AS SELECT ${select.join(', ')} FROM read_csv(${Literal(gen.tsv)}, ` +
      `delim='\t', header=false, quote='', escape='', nullstr='\\N', auto_detect=false, ` +
      `columns={${csvColumns.join(', ')}})`));
    process.stderr.write(`parquet_vs_duckdb: loaded ${gen.tsv} in ${load.wall.toFixed(1)} s\n`);
    const table = (await con.runAndReadAll(ChecksumSql(columns, 'events'))).getRowObjects()[0];
    emit({ engine: 'duckdb', op: 'table', version, rows: gen.rows, checksums: ChecksumsOf(table, columns) });

    const level = process.env.DUCKDB_ZSTD_LEVEL;
    if (level !== undefined && !/^-?[0-9]+$/.test(level)) throw new Error(`DUCKDB_ZSTD_LEVEL=${level}: not an integer`);
    const zstdLevel = level === undefined ? '' : `, COMPRESSION_LEVEL ${level}`;
    for (const threads of args.threads) {
      await con.run(`SET threads = ${threads}`);
      const runs = [];
      for (let rep = 0; rep < args.reps; rep++) {
        if (existsSync(duckFile)) unlinkSync(duckFile);
        runs.push(await Timed(() => con.run(
          `COPY events TO ${Literal(duckFile)} (FORMAT parquet, COMPRESSION zstd${zstdLevel})`)));
      }
      emit({ engine: 'duckdb', op: 'write', version, threads, rows: gen.rows, file: duckFile,
             file_bytes: statSync(duckFile).size, ...RunsJson(runs) });
    }
    for (const file of [ours.file, duckFile]) {
      for (const threads of args.threads) {
        await con.run(`SET threads = ${threads}`);
        const runs = [];
        let row = null;
        for (let rep = 0; rep < args.reps; rep++) {
          const r = await Timed(async () => (await con.runAndReadAll(
            ChecksumSql(columns, `read_parquet(${Literal(file)})`))).getRowObjects()[0]);
          row = r.value;
          runs.push(r);
        }
        emit({ engine: 'duckdb', op: 'read', version, threads, rows: gen.rows, file,
               ...RunsJson(runs), checksums: ChecksumsOf(row, columns) });
      }
    }
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

// ---- report

// Integer aggregates must match exactly; floating-point sums depend on the summation order
// (threads, row groups), so they match to a relative 1e-9.
function Same(a, b, type) {
  if (a.count !== b.count) return false;
  if (type === 'double' || type === 'float' || typeof a.agg === 'number' || typeof b.agg === 'number') {
    const x = Number(a.agg), y = Number(b.agg);
    return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
  }
  return String(a.agg) === String(b.agg);
}

function Report(file) {
  const lines = ReadLines(file);
  const gen = lines.find((l) => l.op === 'generate');
  if (!gen) Fail(`${file}: no "generate" line`);
  const find = (engine, op, threads, f) => lines.find((l) => l.engine === engine && l.op === op &&
    l.threads === threads && (f === undefined || path.basename(l.file) === f));
  const threadCounts = [...new Set(lines.filter((l) => l.op === 'write').map((l) => l.threads))]
    .sort((a, b) => a - b);
  const version = lines.find((l) => l.engine === 'duckdb')?.version ?? '?';
  const mb = gen.value_bytes / 1e6;
  const fmtRate = (l) => l ? `${(gen.rows / l.seconds / 1e6).toFixed(2)} M/s, ${(mb / l.seconds).toFixed(0)} MB/s` : '—';
  const fmtTime = (l) => l ? `${l.seconds.toFixed(2)} (${l.cpu_seconds.toFixed(2)})` : '—';
  const ratio = (a, b, k = 'seconds') => (a && b ? b[k] / a[k] : NaN);
  const fmtRatio = (r) => Number.isNaN(r) ? '—' : `${r.toFixed(2)}×`;

  const out = [];
  out.push(`Parquet benchmark: ${gen.rows.toLocaleString('en-US')} rows × ${gen.columns.length} columns, ` +
           `${mb.toFixed(0)} MB of values in memory, zstd; lakewatch vs DuckDB ${version}; ` +
           `${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average at report ` +
           `${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  out.push('');
  out.push('Time = best wall-clock seconds of the repetitions (CPU seconds of the process in parentheses). ' +
           'Ratio = lakewatch rows/s ÷ DuckDB rows/s (wall); "cpu ratio" the same from CPU seconds. ' +
           'write: in-memory table to a zstd file. read: lakewatch ReadAll of every column into Columns ' +
           '(the whole file in memory) vs DuckDB\'s aggregate over every column of read_parquet(). ' +
           'scan: lakewatch reading a row group at a time per thread, aggregating the same checksums and ' +
           'dropping it, vs the same DuckDB query.');
  out.push('');
  out.push('| op | threads | file read | lakewatch rows/s, MB/s | lakewatch s (cpu) | DuckDB rows/s, MB/s | DuckDB s (cpu) | ratio | cpu ratio |');
  out.push('|---|---|---|---|---|---|---|---|---|');
  const goals = [];
  for (const t of threadCounts) {
    const a = find('lakewatch', 'write', t), b = find('duckdb', 'write', t);
    out.push(`| write | ${t} | | ${fmtRate(a)} | ${fmtTime(a)} | ${fmtRate(b)} | ${fmtTime(b)} | ` +
             `${fmtRatio(ratio(a, b))} | ${fmtRatio(ratio(a, b, 'cpu_seconds'))} |`);
    goals.push(['write ≥ 1.5× DuckDB', `threads=${t}`, ratio(a, b), 1.5]);
  }
  // "read": lakewatch ReadAll (whole file materialized) vs DuckDB's aggregate scan — the
  // issue's measure. "scan": lakewatch row group at a time, aggregated and dropped, vs the
  // same DuckDB figures.
  for (const op of ['read', 'scan']) {
    for (const f of ['lakewatch.parquet', 'duckdb.parquet']) {
      for (const t of threadCounts) {
        const a = find('lakewatch', op, t, f), b = find('duckdb', 'read', t, f);
        if (!a) continue;
        out.push(`| ${op} | ${t} | ${f} | ${fmtRate(a)} | ${fmtTime(a)} | ${fmtRate(b)} | ${fmtTime(b)} | ` +
                 `${fmtRatio(ratio(a, b))} | ${fmtRatio(ratio(a, b, 'cpu_seconds'))} |`);
        if (op === 'read') goals.push(['read ≥ 1.0× DuckDB', `threads=${t}, ${f}`, ratio(a, b), 1.0]);
      }
    }
  }
  const ow = find('lakewatch', 'write', threadCounts[0]), dw = find('duckdb', 'write', threadCounts[0]);
  if (ow && dw) {
    const r = ow.file_bytes / dw.file_bytes;
    out.push('');
    out.push(`File size (zstd): lakewatch ${(ow.file_bytes / 1e6).toFixed(1)} MB, DuckDB ` +
             `${(dw.file_bytes / 1e6).toFixed(1)} MB, ratio ${r.toFixed(3)} (lakewatch ÷ DuckDB)`);
    goals.push(['size ≤ 1.0× DuckDB', '', 1 / r, 1.0]);
  }
  out.push('');
  out.push('Goals (issue 2):');
  for (const [what, where, r, need] of goals) {
    const shown = what.startsWith('size') ? (1 / r).toFixed(3) : `${r.toFixed(2)}×`;
    out.push(`  ${r >= need ? 'met    ' : 'NOT met'}  ${what}${where ? ` (${where})` : ''}: ${shown}`);
  }

  // Every engine must have seen the same values: the generated data, DuckDB's table, and
  // each file read by each engine.
  const sources = [['generated (lakewatch)', gen]];
  const table = lines.find((l) => l.op === 'table');
  if (table) sources.push(['DuckDB table', table]);
  for (const l of lines.filter((x) => x.op === 'read' || x.op === 'scan')) {
    sources.push([`${l.engine} ${l.op === 'scan' ? 'scanning' : 'reading'} ${path.basename(l.file)} ` +
                  `(threads=${l.threads})`, l]);
  }
  const bad = [];
  for (const [name, l] of sources.slice(1)) {
    for (const c of gen.columns) {
      if (!l.checksums?.[c.name] || !Same(gen.checksums[c.name], l.checksums[c.name], c.type)) {
        bad.push(`${name}: column ${c.name}: ${JSON.stringify(l.checksums?.[c.name])} vs generated ` +
                 `${JSON.stringify(gen.checksums[c.name])}`);
      }
    }
  }
  out.push('');
  out.push(bad.length === 0
    ? `Checksums: all ${sources.length} sources agree on every column (${sources.map((s) => s[0]).join('; ')}).`
    : `Checksums DIFFER:\n  ${bad.join('\n  ')}`);
  process.stdout.write(`${out.join('\n')}\n`);
  return bad.length === 0 ? 0 : 1;
}

const [cmd, ...rest] = process.argv.slice(2);
const args = ParseArgs(rest);
if (cmd === 'run') {
  await Run(args).catch((e) => Fail(e?.message ?? String(e)));
} else if (cmd === 'report') {
  if (args.positional.length !== 1) Fail('report needs FILE');
  process.exit(Report(args.positional[0]));
} else {
  Fail('usage: parquet_vs_duckdb.mjs run --results FILE --dir DIR [--threads 1,2] [--reps R] | report FILE');
}
