#!/usr/bin/env node
// Parquet round trip: what lakewatch's writer produces, read back by two other readers.
//
// Usage: node tests/conformance/parquet_roundtrip.mjs [--lakewatch BUILD/lakewatch]
//          [--corpus DIR] [--only SUBSTRING] [--keep] [--verbose]
// Run from the repository root (ctest does); the corpus defaults to
// ../shared/data/conformance/parquet-testing (see its SOURCES.md).
//
// For every data/*.parquet that lakewatch reads (all but kExpectedFailures in expectations.mjs):
//  1. `lakewatch parquet convert F OUT --compression zstd` (and snappy and none for the files in
//     kAllCodecFiles) into a temporary directory;
//  2. OUT is read by DuckDB and by hyparquet, and both must equal what the oracle reads from the
//     ORIGINAL file: DuckDB, or hyparquet where DuckDB cannot read the original (LZ4 codec,
//     BYTE_STREAM_SPLIT on integers, MAP without value). The comparison is compare.mjs's
//     semantic one, with the oracle's types: e.g. a UINT_64 column comes back as decimal(20,0)
//     (lakewatch's Spark mapping) and still equals DuckDB's UBIGINT by value; INT96 comes back as
//     INT64 TIMESTAMP(UTC, MICROS); FLOAT16 as FLOAT;
//  3. OUT's footer (DuckDB parquet_file_metadata / parquet_metadata): column_orders holds one
//     TypeDefinedOrder per leaf column; every column chunk uses the requested codec, has a
//     null_count, and has min_value/max_value whenever it holds a non-null value (for FLOAT and
//     DOUBLE: a non-NaN one). For top-level primitive columns the statistics are checked against
//     the data of their row group: null_count = count of nulls, min/max = DuckDB's min()/max()
//     (text; floating point by value, -0 = 0, NaN ignored; strings whose bound is marked inexact
//     need only bracket the data).
// Exit status: 0 all good, 1 failures, 77 corpus absent (ctest SKIP_RETURN_CODE).

import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DuckDBPeer } from '../peers/duckdb_query.mjs';
import {
  CompareTables,
  Diffs,
  DiffsText,
  DuckRead,
  HyparquetRead,
  OracleRead,
  Run,
  ToleratedText,
} from './compare.mjs';
import { kDefaultCorpus, kExpectedFailures } from './expectations.mjs';

// Converted with snappy and none as well as zstd: a spread of types, nesting, encodings, sizes.
const kAllCodecFiles = new Set([
  'alltypes_plain.parquet',
  'alltypes_tiny_pages.parquet',
  'byte_array_decimal.parquet',
  'byte_stream_split_extended.gzip.parquet',
  'concatenated_gzip_members.parquet',
  'delta_byte_array.parquet',
  'fixed_length_decimal.parquet',
  'float16_nonzeros_and_nans.parquet',
  'int96_from_spark.parquet',
  'map_no_value.parquet',
  'nested_maps.snappy.parquet',
  'nested_structs.rust.parquet',
  'nullable.impala.parquet',
  'overflow_i16_page_cnt.parquet',
  'repeated_no_annotation.parquet',
]);

const kCodecName = { zstd: 'ZSTD', snappy: 'SNAPPY', none: 'UNCOMPRESSED' };

function ParseArgs(argv) {
  const args = { lakewatch: 'build/lakewatch', corpus: kDefaultCorpus, only: null, keep: false,
                 verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--lakewatch') args.lakewatch = argv[++i];
    else if (a === '--corpus') args.corpus = argv[++i];
    else if (a === '--only') args.only = argv[++i];
    else if (a === '--keep') args.keep = true;
    else if (a === '--verbose') args.verbose = true;
    else {
      process.stderr.write(`parquet_roundtrip: unknown argument '${a}'\n`);
      process.exit(2);
    }
  }
  return args;
}

function Indent(text, prefix = '      ') {
  return text.split('\n').map((l) => prefix + l).join('\n');
}

function SqlString(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

function SqlIdent(s) {
  return `"${s.replaceAll('"', '""')}"`;
}

// Rows of a DuckRead table as Maps keyed by column name (the shape CompareTables wants).
function AsActual(table) {
  return {
    names: table.names,
    rows: table.rows.map((row) => new Map(table.names.map((n, c) => [n, row[c]]))),
  };
}

function IsFloating(physical) {
  return physical === 'FLOAT' || physical === 'DOUBLE';
}

function SameNumber(a, b) {
  const x = Number(a);
  const y = Number(b);
  return !Number.isNaN(x) && x === y;  // -0 === 0
}

// Footer checks of a converted file; `data` is its DuckRead table. Adds problems to `diffs`.
async function CheckFooter(peer, file, data, codec, diffs) {
  const f = SqlString(file);
  const { rows: [fmeta] } = await peer.QueryCanonical(
    `SELECT num_rows, column_orders FROM parquet_file_metadata(${f})`);
  const { rows: chunks } = await peer.QueryCanonical(
    `SELECT row_group_id, row_group_num_rows, column_id, path_in_schema, type, num_values,
            compression, stats_null_count, stats_min_value, stats_max_value, min_is_exact,
            max_is_exact
     FROM parquet_metadata(${f}) ORDER BY row_group_id, column_id`);
  const { rows: leaves } = await peer.QueryCanonical(
    `SELECT count(*) AS n FROM parquet_schema(${f}) WHERE num_children IS NULL`);
  const numLeaves = Number(leaves[0].n);
  const orders = fmeta.column_orders ?? [];
  if (orders.length !== numLeaves || !orders.every((o) => /TypeDefinedOrder/.test(o))) {
    diffs.Add('footer', `column_orders ${JSON.stringify(orders)} for ${numLeaves} leaf columns`);
  }
  const topLevel = new Map(data.names.map((n, c) => [n, data.descs[c]]));
  // Row groups in file order: [first row, end row) of each.
  const groups = new Map();
  let next = 0;
  for (const ch of chunks) {
    const rg = Number(ch.row_group_id);
    if (!groups.has(rg)) {
      groups.set(rg, { lo: next, hi: next + Number(ch.row_group_num_rows), chunks: [] });
      next += Number(ch.row_group_num_rows);
    }
    groups.get(rg).chunks.push(ch);
  }
  for (const [rg, group] of groups) {
    const primitive = [];  // top-level primitive chunks, checked against the data below
    for (const ch of group.chunks) {
      const where = `row group ${rg} column ${ch.path_in_schema}`;
      if (ch.compression !== kCodecName[codec]) {
        diffs.Add(where, `codec ${ch.compression}, asked for ${kCodecName[codec]}`);
      }
      if (ch.stats_null_count === null) {
        diffs.Add(where, 'no null_count statistic');
        continue;
      }
      const desc = topLevel.get(ch.path_in_schema);
      if (desc && !['list', 'struct', 'map'].includes(desc.kind)) {
        primitive.push(ch);
        continue;
      }
      // Nested leaf: min/max required when some value is non-null (floating point: unknown
      // whether all are NaN, so not required there).
      const nonNull = Number(ch.num_values) - Number(ch.stats_null_count);
      const hasMinMax = ch.stats_min_value !== null && ch.stats_max_value !== null;
      if (nonNull > 0 && !hasMinMax && !IsFloating(ch.type)) {
        diffs.Add(where, `no min/max statistics although ${nonNull} values are not null`);
      }
    }
    if (!primitive.length) continue;
    // One scan of the row group computes nulls, count of non-null (non-NaN) values, min and max
    // of every top-level primitive column.
    const select = primitive.map((ch, k) => {
      const c = SqlIdent(ch.path_in_schema);
      const valid = IsFloating(ch.type) ? `${c} IS NOT NULL AND NOT isnan(${c})`
                                        : `${c} IS NOT NULL`;
      return `count(*) - count(${c}) AS nulls${k}, count(*) FILTER (WHERE ${valid}) AS n${k},
              (min(${c}) FILTER (WHERE ${valid}))::VARCHAR AS lo${k},
              (max(${c}) FILTER (WHERE ${valid}))::VARCHAR AS hi${k}`;
    }).join(', ');
    const { rows: [agg] } = await peer.QueryCanonical(
      `SELECT ${select} FROM read_parquet(${f}, file_row_number = true)
       WHERE file_row_number >= ${group.lo} AND file_row_number < ${group.hi}`);
    primitive.forEach((ch, k) => {
      const where = `row group ${rg} column ${ch.path_in_schema}`;
      if (Number(agg[`nulls${k}`]) !== Number(ch.stats_null_count)) {
        diffs.Add(where, `null_count ${ch.stats_null_count}, the data has ${agg[`nulls${k}`]} nulls`);
      }
      if (Number(agg[`n${k}`]) === 0) return;
      if (ch.stats_min_value === null || ch.stats_max_value === null) {
        diffs.Add(where, `no min/max statistics although ${agg[`n${k}`]} values are not null`);
        return;
      }
      const Check = (stat, actual, exact, side) => {
        let ok;
        if (IsFloating(ch.type)) ok = SameNumber(stat, actual);
        else if (exact === false) ok = side === 'min' ? stat <= actual : stat >= actual;
        else ok = stat === actual;
        if (!ok) {
          diffs.Add(where, `${side}_value ${JSON.stringify(stat)}, data ${side} ${JSON.stringify(actual)}`);
        }
      };
      Check(ch.stats_min_value, agg[`lo${k}`], ch.min_is_exact, 'min');
      Check(ch.stats_max_value, agg[`hi${k}`], ch.max_is_exact, 'max');
    });
  }
}

async function Main() {
  const args = ParseArgs(process.argv.slice(2));
  const dataDir = path.join(args.corpus, 'data');
  if (!existsSync(dataDir)) {
    console.log('SKIP: ../shared/data/conformance not found');
    process.exit(77);
  }
  if (!existsSync(args.lakewatch)) {
    console.log(`FAIL: lakewatch binary not found at ${args.lakewatch}`);
    process.exit(1);
  }
  const started = Date.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lakewatch-roundtrip-'));
  const peer = await DuckDBPeer.Create({ threads: 1 });
  const results = [];
  const Report = (what, status, detail = '') => {
    results.push({ what, status, detail });
    const bad = status.startsWith('FAIL');
    console.log(`${status.padEnd(16)} ${what}${detail && (bad || args.verbose) ? '\n' + Indent(detail)
                                                                            : ''}`);
  };

  const files = readdirSync(dataDir)
    .filter((f) => f.endsWith('.parquet') && !kExpectedFailures[f] &&
                   (!args.only || f.includes(args.only)))
    .sort();
  let converted = 0;
  // Conversions run as separate processes: start the next file's while this one is checked.
  const Convert = (name) => {
    const file = path.join(dataDir, name);
    const codecs = kAllCodecFiles.has(name) ? ['zstd', 'snappy', 'none'] : ['zstd'];
    const outs = codecs.map((c) => path.join(tmp, `${name.replace(/\.parquet$/, '')}.${c}.parquet`));
    const runs = Promise.all(codecs.map((c, k) => Run(
      args.lakewatch, ['parquet', 'convert', file, outs[k], '--compression', c])));
    return { file, codecs, outs, runs };
  };
  let pending = files.length ? Convert(files[0]) : null;
  for (let i = 0; i < files.length; i++) {
    const name = files[i];
    const { file, codecs, outs } = pending;
    const runs = await pending.runs;
    pending = i + 1 < files.length ? Convert(files[i + 1]) : null;
    const oracle = await OracleRead(peer, file);
    for (let k = 0; k < codecs.length; k++) {
      const what = `${name} [${codecs[k]}]`;
      const run = runs[k];
      if (run.code !== 0) {
        Report(what, 'FAIL convert', `exit ${run.code ?? run.signal}: ${run.stderr.trim()}`);
        continue;
      }
      converted++;
      if (!oracle.table) {
        Report(what, 'FAIL no oracle', `DuckDB: ${oracle.duckError}\nhyparquet: ${oracle.hyparquetError}`);
        continue;
      }
      const problems = [];
      const notes = [];
      // DuckDB reading the converted file, then its footer; hyparquet meanwhile (it runs on this
      // thread, DuckDB on its own).
      const viaDuck = (async () => {
        try {
          const back = await DuckRead(peer, outs[k]);
          const d = CompareTables(AsActual(back), oracle.table);
          if (!d.ok) problems.push(`DuckDB reading the output differs:\n${DiffsText(d)}`);
          if (d.tolerated.size) notes.push(`DuckDB: ${ToleratedText(d)}`);
          const f = new Diffs(12);
          await CheckFooter(peer, outs[k], back, codecs[k], f);
          if (!f.ok) problems.push(`footer:\n${DiffsText(f)}`);
        } catch (e) {
          problems.push(`DuckDB cannot read the output: ${e.message}`);
        }
      })();
      const viaHyparquet = (async () => {
        try {
          const back = await HyparquetRead(outs[k]);
          const d = CompareTables({ names: back.names, rows: back.objects }, oracle.table);
          if (!d.ok) problems.push(`hyparquet reading the output differs:\n${DiffsText(d)}`);
          if (d.tolerated.size) notes.push(`hyparquet: ${ToleratedText(d)}`);
        } catch (e) {
          problems.push(`hyparquet cannot read the output: ${e.message}`);
        }
      })();
      await Promise.all([viaDuck, viaHyparquet]);
      const via = oracle.oracle === 'duckdb' ? 'DuckDB' : 'hyparquet (DuckDB cannot read the original)';
      if (problems.length) {
        Report(what, 'FAIL', `oracle: ${via}\n${problems.join('\n')}`);
      } else {
        Report(what, 'ok', `${oracle.table.rows.length} rows; DuckDB and hyparquet read back what ${via} ` +
               `reads from the original${notes.length ? '; tolerated: ' + notes.join('; ') : ''}`);
      }
    }
  }
  peer.Close();
  if (!args.keep) rmSync(tmp, { recursive: true, force: true });
  else console.log(`converted files kept in ${tmp}`);

  const failures = results.filter((r) => r.status.startsWith('FAIL'));
  console.log('\nsummary:');
  console.log(`  ${files.length} readable files, ${converted} conversions ` +
              `(zstd for all, snappy and none for ${[...kAllCodecFiles].filter((f) => files.includes(f)).length}); ` +
              `${results.filter((r) => r.status === 'ok').length} read back equal by DuckDB and hyparquet ` +
              'with a complete footer');
  console.log(`  skipped (lakewatch refuses them, see expectations.mjs): ` +
              Object.keys(kExpectedFailures).join(', '));
  for (const r of results.filter((x) => x.detail.includes('tolerated'))) {
    console.log(`  note ${r.what}: ${r.detail}`);
  }
  console.log(`  ${failures.length} failures; ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(failures.length ? 1 : 0);
}

Main().catch((e) => {
  console.log(`FAIL: ${e?.stack ?? e}`);
  process.exit(1);
});
