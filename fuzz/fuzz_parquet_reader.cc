// libFuzzer target for the Parquet reader: the input is a whole file. It is
// opened from memory, every row group is read with every column, and every row
// is rendered to JSON, so the fuzzer reaches the footer (Thrift), schema
// resolution, page headers, codecs, every value encoding, record assembly and
// the JSON renderer. Any outcome other than a clean Status (crash, sanitizer
// report, leak, hang, huge allocation) is a bug in the reader.
//
// Work is capped so a small input cannot legitimately ask for unbounded work:
// inputs above kMaxInputBytes are rejected, and row groups that declare more
// than kMaxDeclaredValues rows or entries in a column chunk are skipped. A few
// KiB of RLE can declare billions of levels, and a valid 60 KB file with 10^6
// rows takes tens of seconds to decode and render under ASan: valid Parquet,
// but not something to spend a fuzzing iteration on (libFuzzer would report it
// as a timeout).
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/json_format.h"
#include "parquet/file_reader.h"

namespace {

constexpr size_t kMaxInputBytes = size_t{1} << 20;
constexpr int64_t kMaxDeclaredValues = int64_t{1} << 17;
constexpr int64_t kMaxPageBytes = int64_t{64} << 20;

bool RowGroupWithinBudget(const lakewatch::parquet::RowGroup& rg) {
  if (rg.num_rows > kMaxDeclaredValues) return false;
  for (const auto& chunk : rg.columns) {
    if (!chunk.meta_data.has_value()) continue;
    const auto& m = *chunk.meta_data;
    if (m.num_values < 0 || m.num_values > kMaxDeclaredValues) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInputBytes) return -1;  // -1: never added to the corpus
  using lakewatch::parquet::ParquetFileReader;
  lakewatch::parquet::ReaderOptions options;
  options.column.max_page_bytes = kMaxPageBytes;
  auto reader = ParquetFileReader::FromBuffer(
      std::string(reinterpret_cast<const char*>(data), size), "fuzz.parquet", options);
  if (!reader.ok()) return 0;
  const ParquetFileReader& r = **reader;
  auto plans = r.schema().Project({});
  if (!plans.ok()) return 0;
  std::string json;
  for (int rg = 0; rg < r.num_row_groups(); ++rg) {
    if (!RowGroupWithinBudget(r.metadata().row_groups[rg])) continue;
    auto batch = r.ReadRowGroup(rg, *plans);
    if (!batch.ok()) continue;
    for (int64_t row = 0; row < batch->num_rows; ++row) {
      json.clear();
      lakewatch::AppendJsonRow(*batch, row, &json);
    }
  }
  return 0;
}
