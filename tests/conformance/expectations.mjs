// What the conformance corpus (../shared/data/conformance/parquet-testing, see its SOURCES.md)
// is expected to do with lakewatch; shared by parquet_conformance.mjs and parquet_roundtrip.mjs.

export const kDefaultCorpus = '../shared/data/conformance/parquet-testing';

// data/ files lakewatch must refuse: why, and a substring its one-line error must contain.
export const kExpectedFailures = {
  'datapage_v1-corrupt-checksum.parquet': {
    reason: 'one data page per column has a wrong CRC; lakewatch verifies page CRCs',
    error: 'CRC mismatch',
  },
  'rle-dict-uncompressed-corrupt-checksum.parquet': {
    reason: 'the dictionary page has a wrong CRC; lakewatch verifies page CRCs',
    error: 'CRC mismatch',
  },
  'nation.dict-malformed.parquet': {
    reason: 'malformed dictionary page (its header claims more bytes than the column chunk has)',
    error: 'runs past the column chunk',
  },
};

// bad_data/ files that may also read correctly (then their rows must equal DuckDB's).
export const kBadDataMayRead = {
  'ARROW-GH-43605.parquet': 'RLE dictionary indices with bit width 0 are legal (all indices 0)',
};
