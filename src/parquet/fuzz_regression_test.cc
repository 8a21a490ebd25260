// Regression tests for inputs the fuzzer (fuzz/fuzz_parquet_reader.cc) found to crash
// the reader. Each test reads the (minimized) input from an inline byte array the way the
// fuzz target does: open from memory, read every row group with every column, render
// every row to JSON. Several failures only show under the sanitizers (`make asan-test`).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "common/json_format.h"
#include "parquet/file_reader.h"

namespace lakewatch::parquet {
namespace {

template <size_t N>
std::string Bytes(const uint8_t (&b)[N]) {
  return std::string(reinterpret_cast<const char*>(b), N);
}

// Reads every row group as the fuzz target does; returns the status of the first failure.
Status ReadEverything(const std::string& bytes, int64_t* rows) {
  LW_ASSIGN_OR_RETURN(auto reader, ParquetFileReader::FromBuffer(bytes, "regression.parquet"));
  LW_ASSIGN_OR_RETURN(auto plans, reader->schema().Project({}));
  *rows = 0;
  std::string json;
  for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
    LW_ASSIGN_OR_RETURN(RecordBatch batch, reader->ReadRowGroup(rg, plans));
    for (int64_t r = 0; r < batch.num_rows; ++r) {
      json.clear();
      AppendJsonRow(batch, r, &json);
    }
    *rows += batch.num_rows;
  }
  return Status::OK();
}

// A row group of 0 rows with an optional INT32 column (no pages: num_values 0). Record
// assembly called memcpy(validity, nullptr, 0) — undefined behaviour that UBSan reports
// (found on parquet-testing's column_chunk_key_value_metadata.parquet, a 0-row file).
TEST(FuzzRegression, OptionalColumnInEmptyRowGroup) {
  static const uint8_t kInput[] = {
      0x50, 0x41, 0x52, 0x31, 0x15, 0x02, 0x19, 0x2c, 0x48, 0x06, 0x73, 0x63, 0x68, 0x65, 0x6d,
      0x61, 0x15, 0x02, 0x00, 0x15, 0x02, 0x25, 0x02, 0x18, 0x01, 0x63, 0x00, 0x16, 0x00, 0x19,
      0x1c, 0x19, 0x1c, 0x26, 0x00, 0x1c, 0x15, 0x02, 0x19, 0x15, 0x00, 0x19, 0x18, 0x01, 0x63,
      0x15, 0x00, 0x16, 0x00, 0x16, 0x00, 0x16, 0x00, 0x26, 0x08, 0x00, 0x00, 0x16, 0x00, 0x16,
      0x00, 0x00, 0x00, 0x3b, 0x00, 0x00, 0x00, 0x50, 0x41, 0x52, 0x31};
  int64_t rows = -1;
  Status st = ReadEverything(Bytes(kInput), &rows);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rows, 0);
}

}  // namespace
}  // namespace lakewatch::parquet
