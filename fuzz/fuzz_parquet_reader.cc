// libFuzzer target for the Parquet reader: the input is a whole file. It is
// opened from memory, every row group is read with every column, and every row
// is rendered to JSON, so the fuzzer reaches the footer (Thrift), schema
// resolution, page headers, codecs, every value encoding, record assembly and
// the JSON renderer. Then the page index: each chunk's OffsetIndex and
// ColumnIndex are read, a row-range read (ReadRowGroupRows) of a few ranges
// derived from the input goes through the OffsetIndex (or the whole-chunk
// fallback), and PagesMayMatch evaluates a predicate per column. Any outcome
// other than a clean Status (crash, sanitizer report, leak, hang, huge
// allocation) is a bug in the reader.
//
// Work is capped so a small input cannot legitimately ask for unbounded work:
// inputs above kMaxInputBytes are rejected, and row groups that declare more
// than kMaxDeclaredValues rows or entries in a column chunk are skipped. A few
// KiB of RLE can declare billions of levels, and a valid 60 KB file with 10^6
// rows takes tens of seconds to decode and render under ASan: valid Parquet,
// but not something to spend a fuzzing iteration on (libFuzzer would report it
// as a timeout).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/json_format.h"
#include "common/scalar.h"
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

// A few row ranges of a row group of `rows` rows, derived from the input so
// the fuzzer can steer them: a single row, a short run, the last row.
lakewatch::parquet::RowSelection SelectionFor(const uint8_t* data, size_t size, int64_t rows) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a of the last bytes (the footer)
  for (size_t i = size > 64 ? size - 64 : 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ull;
  lakewatch::parquet::RowSelection sel;
  if (rows <= 0) return sel;
  const int64_t a = static_cast<int64_t>(h % static_cast<uint64_t>(rows));
  const int64_t b = std::max(a + 1, static_cast<int64_t>((h >> 20) % static_cast<uint64_t>(rows)));
  sel.Append(a, a + 1);
  if (b < rows) sel.Append(b, std::min(rows, b + 1 + static_cast<int64_t>((h >> 40) % 64)));
  if (rows - 1 > std::max(a, b + 64)) sel.Append(rows - 1, rows);
  return sel;
}

// One predicate per flat leaf, with a literal its type compares with.
std::vector<lakewatch::parquet::StatsPredicate> Predicates(const lakewatch::parquet::ParquetSchema& schema) {
  using lakewatch::Scalar;
  using lakewatch::TypeId;
  using Op = lakewatch::parquet::StatsPredicate::Op;
  std::vector<lakewatch::parquet::StatsPredicate> preds;
  for (const auto& leaf : schema.leaves()) {
    // A leaf no field maps to (a malformed map or list group) keeps no type.
    if (leaf.max_rep > 0 || leaf.type == nullptr) continue;
    const TypeId id = leaf.type->id();
    Scalar v = id == TypeId::kString || id == TypeId::kBinary     ? Scalar::String("m")
               : id == TypeId::kFloat || id == TypeId::kDouble    ? Scalar::Double(0.5)
                                                                   : Scalar::Int64(7);
    preds.push_back({leaf.DottedPath(), preds.size() % 2 ? Op::kGe : Op::kEq, std::move(v)});
  }
  return preds;
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
  const auto predicates = Predicates(r.schema());
  for (int rg = 0; rg < r.num_row_groups(); ++rg) {
    if (!RowGroupWithinBudget(r.metadata().row_groups[rg])) continue;
    auto batch = r.ReadRowGroup(rg, *plans);
    if (batch.ok()) {
      for (int64_t row = 0; row < batch->num_rows; ++row) {
        json.clear();
        lakewatch::AppendJsonRow(*batch, row, &json);
      }
    }
    const int64_t rows = r.metadata().row_groups[rg].num_rows;
    for (int leaf = 0; leaf < static_cast<int>(r.schema().leaves().size()); ++leaf) {
      auto offsets = r.ReadOffsetIndex(rg, leaf);
      if (offsets.ok()) (void)r.ReadColumnIndex(rg, leaf, *offsets);
    }
    auto selected = r.ReadRowGroupRows(rg, *plans, SelectionFor(data, size, rows));
    if (selected.ok()) {
      for (int64_t row = 0; row < selected->num_rows; ++row) {
        json.clear();
        lakewatch::AppendJsonRow(*selected, row, &json);
      }
    }
    for (const auto& pred : predicates) (void)r.PagesMayMatch(rg, {pred});
  }
  return 0;
}
