#!/usr/bin/env node
// The DuckDB side of the search index benchmark: how long DuckDB takes for the queries the
// index serves, over the Parquet files `build/index_bench --dir DIR` leaves in DIR — the
// reference of the goals (a needle search at <= 0.1x DuckDB's `LIKE '%needle%'`, a point
// lookup at <= 0.2x DuckDB's `request_id = 'x'`).
//
// Usage: node bench/index_vs_duckdb.mjs --dir DIR [--threads N] [--reps R]
//        (N default 2, R default 5). Prints one Markdown table: best and median wall-clock ms of
//        each query (one DuckDB instance, files in the page cache after a first untimed run).
import { DuckDBInstance } from '@duckdb/node-api';

const args = { dir: null, threads: 2, reps: 5 };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--dir') args.dir = process.argv[++i];
  else if (a === '--threads') args.threads = Number(process.argv[++i]);
  else if (a === '--reps') args.reps = Number(process.argv[++i]);
  else { process.stderr.write(`index_vs_duckdb: unknown argument ${a}\n`); process.exit(1); }
}
if (!args.dir) { process.stderr.write('index_vs_duckdb: --dir DIR is required\n'); process.exit(1); }

const files = `read_parquet('${args.dir.replaceAll("'", "''")}/*.parquet')`;
const instance = await DuckDBInstance.create(':memory:', { threads: String(args.threads) });
const con = await instance.connect();
const id = (await con.runAndReadAll(`SELECT request_id FROM ${files} LIMIT 1 OFFSET 6679011`))
  .getRowObjects()[0].request_id;
const queries = [
  ["message LIKE '%zebra3%' (the rare token)", `SELECT count(*) AS n FROM ${files} WHERE message LIKE '%zebra3%'`],
  ["message LIKE '%needle%' AND LIKE '%zebra7%'", `SELECT count(*) AS n FROM ${files} WHERE message LIKE '%needle%' AND message LIKE '%zebra7%'`],
  ["request_id = '<one id>'", `SELECT count(*) AS n FROM ${files} WHERE request_id = '${id}'`],
  ["request_id = '<one id>', every column", `SELECT * FROM ${files} WHERE request_id = '${id}'`],
];
const version = (await con.runAndReadAll('SELECT version() AS v')).getRowObjects()[0].v;
console.log(`DuckDB ${version}, threads ${args.threads}, best of ${args.reps}\n`);
console.log('| query | best ms | median ms | rows |');
console.log('|---|---|---|---|');
for (const [name, sql] of queries) {
  let rows = (await con.runAndReadAll(sql)).getRowObjects();  // untimed: warms the page cache
  const times = [];
  for (let r = 0; r < args.reps; r++) {
    const t0 = process.hrtime.bigint();
    rows = (await con.runAndReadAll(sql)).getRowObjects();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const n = rows.length === 1 && rows[0].n !== undefined ? Number(rows[0].n) : rows.length;
  console.log(`| ${name} | ${times[0].toFixed(1)} | ${times[Math.floor(times.length / 2)].toFixed(1)} | ${n} |`);
}
con.closeSync();
instance.closeSync();
