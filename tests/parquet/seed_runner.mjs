// Shared driver of the random-file checks in tests/parquet: runs random_parquet_gen for a range
// of seeds into a directory, opens one DuckDB instance, calls a per-seed check, and reports.
//
// Library use:
//   const args = ParseSeedArgs('my_check', process.argv.slice(2), 80);  // default seed count
//   await RunSeeds('my_check', { gen, first, seeds, out, keep }, async (connection, dir, seed) =>
//     problem_text_or_null, { Summary: () => ({ lines: [...], failed: bool }) });
// `connection` is a @duckdb/node-api connection; a check that throws counts as a failure. Prints
// "FAIL <problem>" per failing seed, a timing line, the optional summary lines, and last
// "<name>: N passed, M failed"; exits 0 only when every seed passed (and the summary did not
// fail). The directory (a fresh temporary one unless `out`) is removed unless `keep` or a failure.

import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Parses --gen GEN [--seeds N] [--first K] [--seed K] [--out DIR] [--keep]; exits 1 with the
// usage on a bad argument.
export function ParseSeedArgs(name, argv, defaultSeeds) {
  const Usage = (msg) => {
    process.stderr.write(`${name}: ${msg}\nusage: ${name}.mjs --gen GEN [--seeds N] [--first K] ` +
                         '[--seed K] [--out DIR] [--keep]\n');
    process.exit(1);
  };
  const a = { gen: null, first: 1, seeds: defaultSeeds, out: null, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const next = () => argv[++i] ?? Usage(`${k} needs a value`);
    if (k === '--gen') a.gen = next();
    else if (k === '--seeds') a.seeds = Number(next());
    else if (k === '--first') a.first = Number(next());
    else if (k === '--seed') { a.first = Number(next()); a.seeds = 1; }
    else if (k === '--out') a.out = next();
    else if (k === '--keep') a.keep = true;
    else Usage(`unknown argument '${k}'`);
  }
  if (!a.gen) Usage('--gen is required');
  if (!Number.isInteger(a.seeds) || a.seeds < 1 || !Number.isInteger(a.first) || a.first < 0) {
    Usage('--seeds/--first/--seed take non-negative integers');
  }
  return a;
}

export async function RunSeeds(name, args, checkSeed, options = {}) {
  const started = Date.now();
  const dir = args.out ?? mkdtempSync(join(tmpdir(), `lw-${name}-`));
  mkdirSync(dir, { recursive: true });
  const genArgs = ['--out', dir, '--first', String(args.first), '--seeds', String(args.seeds)];
  const gen = spawnSync(args.gen, genArgs, { stdio: ['ignore', 'inherit', 'inherit'] });
  // A failing seed makes the generator exit 1 after writing seed-<n>.error.txt; the others are
  // still checked.
  if (gen.error || (gen.status !== 0 && gen.status !== 1)) {
    const why = gen.error?.message ?? `exit ${gen.status}`;
    process.stderr.write(`${name}: ${args.gen} failed (${why})\n`);
    process.stdout.write(`${name}: 0 passed, ${args.seeds} failed\n`);
    process.exit(1);
  }
  const generated = Date.now();

  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await instance.connect();
  let passed = 0;
  let failed = 0;
  try {
    for (let seed = args.first; seed < args.first + args.seeds; seed++) {
      let problem;
      try {
        problem = await checkSeed(connection, dir, seed);
      } catch (err) {
        problem = `seed ${seed}: ${err?.stack ?? err}`;
      }
      if (problem) {
        failed++;
        process.stdout.write(`FAIL ${problem}\n`);
      } else {
        passed++;
      }
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  const secs = (ms) => (ms / 1000).toFixed(1);
  const last = args.first + args.seeds - 1;
  process.stdout.write(`${name}: seeds ${args.first}..${last}, ` +
                       `generated in ${secs(generated - started)} s, checked in ` +
                       `${secs(Date.now() - generated)} s\n`);
  const summary = options.Summary?.();
  for (const line of summary?.lines ?? []) process.stdout.write(`${name}: ${line}\n`);
  if (summary?.failed) failed++;
  if (failed === 0 && !args.keep && !args.out) rmSync(dir, { recursive: true, force: true });
  else process.stdout.write(`${name}: files kept in ${dir}\n`);
  process.stdout.write(`${name}: ${passed} passed, ${failed} failed\n`);
  process.exit(failed === 0 ? 0 : 1);
}
