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
#include <string_view>
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

// Decodes a pair of PLAIN-encoded bounds (Statistics.min_value/max_value, or
// ColumnIndex.min_values[i]/max_values[i]) into stats->min/max and sets
// stats->has_bounds; leaves it false when either bound cannot be used (wrong
// size, NaN, INT96, a conversion without an order-preserving decoding).
// A zero float bound is widened to cover both signed zeros.
void DecodeBounds(const LeafDescriptor& leaf, const std::string& lo, const std::string& hi,
                  ColumnStats* stats);

// PLAIN-encodes the bounds `lo` and `hi` (of the leaf's logical type) as the
// format wants them written: a zero float min as -0.0, a zero max as +0.0.
void EncodeBounds(const LeafDescriptor& leaf, Scalar lo, Scalar hi, std::string* min,
                  std::string* max);

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
  // Updates a string or binary leaf with `values[0, n)` (the same bounds as
  // Update over any list holding the same distinct values).
  void UpdateStrings(const std::string_view* values, int64_t n);
  void AddNulls(int64_t n) { null_count_ += n; }
  // Adds everything `other` (of the same leaf) has seen.
  void Merge(const StatsCollector& other);
  Statistics ToStatistics() const;
  void Reset();

  // What was seen: bounds over the non-NaN values (valid when has_bounds()),
  // whether a NaN was seen, and the number of nulls.
  bool has_bounds() const { return has_; }
  bool has_nan() const { return has_nan_; }
  const Scalar& min() const { return min_; }
  const Scalar& max() const { return max_; }
  int64_t null_count() const { return null_count_; }

 private:
  void Add(Scalar lo, Scalar hi);  // widens the bounds to include [lo, hi]
  const LeafDescriptor* leaf_;
  bool has_ = false;
  bool has_nan_ = false;
  Scalar min_, max_;
  int64_t null_count_ = 0;
};

}  // namespace lakewatch::parquet
