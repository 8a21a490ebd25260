// Column-chunk statistics: decoding the footer's min/max/null_count into
// logical Scalars, deciding whether a row group may hold rows matching a
// predicate, and (for the writer) accumulating min/max/null_count while
// values are written.
//
// Which bounds are trusted: min_value/max_value (ColumnOrder TYPE_ORDER);
// the deprecated min/max only for types whose order was always signed
// (integers with signed annotations, float, double, date, timestamp,
// boolean) — never for byte arrays, unsigned integers or INT96. A NaN bound
// means "no bounds" (parquet-format: such stats must be ignored).
//
// Thread-safety: pure functions; accumulators are single-threaded.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/column.h"
#include "common/scalar.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"

namespace lakewatch::parquet {

struct ColumnStats {
  bool has_bounds = false;
  Scalar min;  // valid when has_bounds
  Scalar max;
  std::optional<int64_t> null_count;
  int64_t num_values = 0;  // entries in the chunk, nulls included
};

// Decodes the statistics of one column chunk. `type_order_known` is whether
// FileMetaData.column_orders says TYPE_ORDER for this leaf.
ColumnStats DecodeColumnStats(const LeafDescriptor& leaf, const ColumnMetaData& meta,
                              bool type_order_known);

// One conjunct of a scan filter: <leaf column> <op> <literal>.
struct StatsPredicate {
  enum class Op { kEq, kLt, kLe, kGt, kGe, kIsNull, kIsNotNull };
  std::string column;  // dotted path of a non-repeated leaf ("features.amount")
  Op op = Op::kEq;
  Scalar value;        // ignored for kIsNull / kIsNotNull
};

// False only when the statistics prove no row can satisfy `pred`.
bool StatsMayMatch(const ColumnStats& stats, const StatsPredicate& pred);

// Accumulates min/max/null_count over the values of one column chunk as the
// writer sees them, and renders them as Parquet Statistics (min_value /
// max_value PLAIN-encoded). Byte-array bounds longer than `kMaxStatBytes` are
// omitted rather than truncated.
class StatsCollector {
 public:
  static constexpr size_t kMaxStatBytes = 64;
  explicit StatsCollector(const LeafDescriptor& leaf) : leaf_(&leaf) {}
  // Updates with the dense (non-null) values `values[begin, end)`.
  void Update(const Column& values, int64_t begin, int64_t end);
  void AddNulls(int64_t n) { null_count_ += n; }
  Statistics ToStatistics() const;
  void Reset();

 private:
  const LeafDescriptor* leaf_;
  bool has_ = false;
  bool has_nan_ = false;
  Scalar min_, max_;
  int64_t null_count_ = 0;
};

}  // namespace lakewatch::parquet
