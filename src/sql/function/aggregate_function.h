// Aggregate functions. An AggregateState holds the running state of one
// aggregate for every group of one hash table (struct of arrays indexed by
// group id), so an update is one virtual call per batch, not per row.
// Parallel aggregation gives each thread its own states and merges them.
//
// Functions: count(*), count(x…), count(DISTINCT …), count_if, sum, avg/mean,
// min, max, stddev/stddev_samp/std, stddev_pop, variance/var_samp, var_pop,
// first/first_value, last/last_value (with ignoreNulls), any_value,
// bool_and/every, bool_or/any/some, percentile_approx/approx_percentile,
// percentile (exact, interpolated), median, approx_count_distinct
// (HyperLogLog), collect_list, collect_set. DISTINCT works with all of them.
//
// Thread-safety: a state is used by one thread at a time; BoundAggregate is
// immutable and shared.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/column.h"
#include "common/status.h"
#include "sql/planner/bound_expression.h"

namespace lakewatch::sql {

class AggregateState {
 public:
  virtual ~AggregateState() = default;
  // Makes room for group ids < groups (new groups start empty).
  virtual void Resize(size_t groups) = 0;
  // Folds rows 0..n of `args` into groups gids[0..n).
  virtual void Update(const std::vector<Datum>& args, const uint32_t* gids, int64_t n) = 0;
  // Folds other's group g into this state's group mapping[g], for g < other_groups.
  // REQUIRES: other was made by the same BoundAggregate.
  virtual void Merge(AggregateState& other, const uint32_t* mapping, size_t other_groups) = 0;
  // The result per group, groups 0..groups.
  virtual ColumnPtr Finalize(size_t groups) = 0;
  // Bytes held (for the query memory limit).
  virtual size_t MemoryUsage() const = 0;
  // Makes this state read the values that `first` — a state of an aggregate
  // with the same share_key, made for the same groups — collects, so one copy
  // of them serves both: this state's own Update and Merge then do nothing.
  // False (and no change) when the two cannot share.
  virtual bool ShareValuesOf(AggregateState& first) { return false; }
};

struct BoundAggregate {
  std::string name;
  TypePtr type;                       // result type
  std::vector<BoundExprPtr> args;     // evaluated on the aggregate's input
  bool distinct = false;
  std::function<std::unique_ptr<AggregateState>()> make_state;
  std::string key;                    // the call as written (all arguments, parameters too)
  // Aggregates with the same non-empty share_key collect the same values
  // (percentiles of one column: percentile_approx(x, 0.5), (x, 0.95), …);
  // their states share them (AggregateState::ShareValuesOf).
  std::string share_key;
  std::string ToString() const;       // canonical text: "percentile_approx(#2, 0.5:double)"
};

bool IsAggregateFunction(const std::string& name);
// Binds an aggregate call. `star` is count(*). Constant parameters
// (percentile_approx's percentage and accuracy, first's ignoreNulls) must be
// constants.
Result<BoundAggregate> BindAggregate(const std::string& name, std::vector<BoundExprPtr> args, bool distinct,
                                     bool star);

}  // namespace lakewatch::sql
