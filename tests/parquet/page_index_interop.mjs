#!/usr/bin/env node
// Page index interop: lakewatch writes the page index (OffsetIndex + ColumnIndex, on by
// default); two independent readers parse it and use it, and it must agree with the data.
//
// Usage: node tests/parquet/page_index_interop.mjs --gen PATH/random_parquet_gen
//          [--seeds N] [--first K] [--seed K] [--out DIR] [--keep]
//
// The generator writes seeds K .. K+N-1 (default 1 .. 80; random schemas, row group and page
// sizes, codecs, dictionary on or off; see random_parquet_gen.cc). For each seed-<n>.parquet:
//  1. hyparquet (npm, readOffsetIndex; its Thrift decoder and value conversion for the
//     ColumnIndex) parses every column chunk's page index: every chunk has an OffsetIndex whose
//     page 0 starts at row 0, whose first rows strictly increase and stay inside the row group,
//     and whose pages lie in the chunk in file order; every ColumnIndex has one
//     null_pages/min/max/null_counts entry per page. (hyparquet 1.33's readColumnIndex converts
//     the bounds of all-null pages too, which the format sets to empty byte strings, and throws on
//     them for fixed-width types; so bounds are converted here for the other pages only, and
//     check 4 skips columns with an all-null page.)
//  2. hyparquet row-range reads through the OffsetIndex (useOffsetIndex: true with rowStart /
//     rowEnd, so it fetches only the pages it needs) equal the same rows of its full read, for
//     ranges at page boundaries and random ones.
//  3. DuckDB (read_parquet with file_row_number) gives each top-level primitive column's values;
//     per page: null_counts[i] = the nulls among the page's rows, null_pages[i] = all of them
//     null; for integer columns min_values[i]/max_values[i] = DuckDB's min/max of the page's
//     rows, for strings they bracket them (bytewise; long strings are truncated).
//  4. hyparquet filtered reads with usePageIndex: true (it skips pages by our ColumnIndex) return
//     the rows a full read filtered by the same predicate returns ($eq, $gt, $lt on integer
//     columns, values taken from the data).
// The last line is "page_index_interop: N passed, M failed"; exit status 0 only when all passed.

import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetReadObjects,
  readOffsetIndex,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { convertMetadata } from 'hyparquet/src/metadata.js';
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ParseSeedArgs, RunSeeds } from './seed_runner.mjs';

const kIntegerKinds = new Set(['int8', 'int16', 'int32', 'int64']);

// What was checked, over all seeds (printed at the end, so a run that checks nothing shows).
const checked = { chunks: 0, columnIndexes: 0, pagesVsDuckDB: 0, rowRanges: 0, filters: 0 };

// Deterministic per seed (xorshift), so a failure reproduces.
function Rng(seed) {
  let s = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
  return (n) => {
    s ^= s << 13n; s &= (1n << 64n) - 1n;
    s ^= s >> 7n;
    s ^= s << 17n; s &= (1n << 64n) - 1n;
    return Number(s % BigInt(Math.max(1, n)));
  };
}

// Canonical text of hyparquet values (BigInt, bytes, dates, nested), for equality checks.
function Text(v) {
  return JSON.stringify(v, (_, x) => {
    if (typeof x === 'bigint') return `${x}n`;
    if (x instanceof Uint8Array) return `b64:${Buffer.from(x).toString('base64')}`;
    if (typeof x === 'number' && !Number.isFinite(x)) return `num:${x}`;
    return x;
  });
}

// Leaf schema elements by dotted path (the flattened schema, depth first).
function LeafElements(schema) {
  const out = new Map();
  let i = 1;
  const walk = (prefix, count) => {
    for (let c = 0; c < count; c++) {
      const el = schema[i++];
      const path = prefix ? `${prefix}.${el.name}` : el.name;
      if (el.num_children) walk(path, el.num_children);
      else out.set(path, el);
    }
  };
  walk('', schema[0].num_children ?? 0);
  return out;
}

// [start, end) rows of page p.
function PageRows(pages, p, groupRows) {
  return [Number(pages[p].first_row_index),
          p + 1 < pages.length ? Number(pages[p + 1].first_row_index) : groupRows];
}

// A ColumnIndex with the bounds of pages that hold values converted to JavaScript values.
function ColumnIndex(reader, element) {
  const t = deserializeTCompactProtocol(reader);
  const convert = (values) => values.map((v, p) =>
    (t.field_1[p] ? v : convertMetadata(v, element, DEFAULT_PARSERS)));
  return { null_pages: t.field_1, min_values: convert(t.field_2), max_values: convert(t.field_3),
           null_counts: t.field_5 };
}

function CompareBytes(a, b) {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

async function CheckSeed(connection, dir, seed) {
  const path = join(dir, `seed-${seed}.parquet`);
  const desc = JSON.parse(readFileSync(join(dir, `seed-${seed}.schema.json`), 'utf8'));
  const bytes = readFileSync(path);
  const view = (offset, length) =>
    ({ view: new DataView(bytes.buffer, bytes.byteOffset + Number(offset), length), offset: 0 });
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const leaves = LeafElements(metadata.schema);
  const fields = new Map(desc.fields.map((f) => [f.name, f]));
  const rng = Rng(seed);
  const Fail = (msg) => `seed ${seed} (${desc.ddl}): ${msg}`;

  // Column values per top-level primitive field, by file row (DuckDB).
  const flat = desc.fields.filter((f) => kIntegerKinds.has(f.type.kind) || f.type.kind === 'string');
  const duck = new Map();
  if (flat.length > 0 && Number(metadata.num_rows) > 0) {
    const cols = flat.map((f) => `"${f.name}"`).join(', ');
    const reader = await connection.runAndReadAll(
      `SELECT ${cols} FROM read_parquet('${path}', file_row_number = true) ORDER BY file_row_number`);
    const rows = reader.getRows();
    flat.forEach((f, c) => duck.set(f.name, rows.map((r) => r[c])));
  }

  // 1 + 3: parse every index; check it against the chunk and DuckDB's values.
  let groupStart = 0;
  const groupPages = [];  // page first rows of the first leaf, per row group
  const nullPageColumns = new Set();
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const rg = metadata.row_groups[g];
    const groupRows = Number(rg.num_rows);
    for (const chunk of rg.columns) {
      const meta = chunk.meta_data;
      const name = meta.path_in_schema.join('.');
      const where = `row group ${g} column ${name}`;
      if (chunk.offset_index_offset === undefined) return Fail(`${where}: no offset index`);
      const pages = readOffsetIndex(view(chunk.offset_index_offset, chunk.offset_index_length))
        .page_locations;
      if (groupPages.length === g) groupPages.push(pages);
      checked.chunks++;
      const chunkStart = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      const chunkEnd = chunkStart + Number(meta.total_compressed_size);
      let prevEnd = chunkStart;
      for (let p = 0; p < pages.length; p++) {
        const first = Number(pages[p].first_row_index);
        const offset = Number(pages[p].offset);
        if (p === 0 ? first !== 0 : first <= Number(pages[p - 1].first_row_index) || first >= groupRows) {
          return Fail(`${where}: page ${p} first row ${first}`);
        }
        if (offset < prevEnd || offset + pages[p].compressed_page_size > chunkEnd) {
          return Fail(`${where}: page ${p} at ${offset} (+${pages[p].compressed_page_size}) ` +
                      `outside ${chunkStart}..${chunkEnd} or before the previous page's end`);
        }
        prevEnd = offset + pages[p].compressed_page_size;
      }
      if (groupRows > 0 && pages.length === 0) return Fail(`${where}: no pages`);
      if (chunk.column_index_offset === undefined) continue;  // e.g. an all-NaN page
      const ci = ColumnIndex(view(chunk.column_index_offset, chunk.column_index_length),
                             leaves.get(name));
      if (ci.null_pages.some((x) => x)) nullPageColumns.add(name);
      checked.columnIndexes++;
      for (const list of ['null_pages', 'min_values', 'max_values', 'null_counts']) {
        if (ci[list]?.length !== pages.length) {
          return Fail(`${where}: column index ${list} has ${ci[list]?.length} entries, ${pages.length} pages`);
        }
      }
      const values = duck.get(name);
      if (!values || meta.path_in_schema.length !== 1) continue;
      const integer = kIntegerKinds.has(fields.get(name).type.kind);
      for (let p = 0; p < pages.length; p++) {
        const [a, b] = PageRows(pages, p, groupRows);
        const page = values.slice(groupStart + a, groupStart + b).filter((v) => v !== null);
        const nulls = b - a - page.length;
        if (Number(ci.null_counts[p]) !== nulls || ci.null_pages[p] !== (page.length === 0)) {
          return Fail(`${where}: page ${p} (rows ${a}..${b}): null_counts ${ci.null_counts[p]}, ` +
                      `null_pages ${ci.null_pages[p]}; DuckDB finds ${nulls} nulls of ${b - a}`);
        }
        checked.pagesVsDuckDB++;
        if (page.length === 0) continue;
        if (integer) {
          const ints = page.map((v) => BigInt(v));
          const min = ints.reduce((x, y) => (y < x ? y : x));
          const max = ints.reduce((x, y) => (y > x ? y : x));
          if (BigInt(ci.min_values[p]) !== min || BigInt(ci.max_values[p]) !== max) {
            return Fail(`${where}: page ${p}: bounds ${ci.min_values[p]}..${ci.max_values[p]}, ` +
                        `DuckDB ${min}..${max}`);
          }
        } else {
          const sorted = [...page].sort(CompareBytes);
          if (CompareBytes(ci.min_values[p], sorted[0]) > 0 ||
              CompareBytes(ci.max_values[p], sorted[sorted.length - 1]) < 0) {
            return Fail(`${where}: page ${p}: bounds ${Text(ci.min_values[p])}..` +
                        `${Text(ci.max_values[p])} do not bracket DuckDB's ` +
                        `${Text(sorted[0])}..${Text(sorted[sorted.length - 1])}`);
          }
        }
      }
    }
    groupStart += groupRows;
  }

  // 2: row ranges through the OffsetIndex equal slices of the full read.
  const read = (extra) => parquetReadObjects({ file, metadata, compressors, utf8: false, ...extra });
  const all = await read({});
  const total = all.length;
  const ranges = [];
  groupStart = 0;
  for (let g = 0; g < groupPages.length; g++) {
    for (const loc of groupPages[g].slice(0, 4)) {
      const first = groupStart + Number(loc.first_row_index);
      ranges.push([first, first + 1], [Math.max(0, first - 1), first + 2]);
    }
    groupStart += Number(metadata.row_groups[g].num_rows);
  }
  for (let k = 0; k < 4 && total > 0; k++) {
    const a = rng(total);
    ranges.push([a, a + 1 + rng(Math.min(50, total - a))]);
  }
  for (const [a, b0] of ranges) {
    const b = Math.min(b0, total);
    if (a >= b) continue;
    const got = await read({ rowStart: a, rowEnd: b, useOffsetIndex: true });
    checked.rowRanges++;
    if (Text(got) !== Text(all.slice(a, b))) {
      return Fail(`hyparquet rows ${a}..${b} through the offset index differ from the full read`);
    }
  }

  // 4: page pruning by our ColumnIndex keeps every matching row.
  for (const f of desc.fields.filter((x) => kIntegerKinds.has(x.type.kind) && !nullPageColumns.has(x.name))) {
    const present = all.map((r) => r[f.name]).filter((v) => v !== null && v !== undefined);
    if (present.length === 0) continue;
    for (const op of ['$eq', '$gt', '$lt']) {
      const value = present[rng(present.length)];
      const filter = { [f.name]: { [op]: value } };
      const match = (v) => v !== null && v !== undefined &&
        (op === '$eq' ? v === value : op === '$gt' ? v > value : v < value);
      const want = all.filter((r) => match(r[f.name]));
      const got = await read({ filter, usePageIndex: true, useOffsetIndex: true });
      checked.filters++;
      if (Text(got) !== Text(want)) {
        return Fail(`hyparquet filter ${Text(filter)} with the page index: ${got.length} rows, ` +
                    `${want.length} match`);
      }
    }
  }
  return null;
}

async function Main(argv) {
  await RunSeeds('page_index_interop', ParseSeedArgs('page_index_interop', argv, 80), CheckSeed, {
    Summary: () => ({
      lines: [`checked ${checked.chunks} offset indexes, ${checked.columnIndexes} column indexes, ` +
              `${checked.pagesVsDuckDB} pages against DuckDB, ${checked.rowRanges} row ranges, ` +
              `${checked.filters} filtered reads`],
      failed: checked.pagesVsDuckDB === 0 || checked.rowRanges === 0 || checked.filters === 0,
    }),
  });
}

Main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`page_index_interop: ${e?.stack ?? e}\n`);
  process.exit(1);
});
