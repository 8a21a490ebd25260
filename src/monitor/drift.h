// Drift between two distributions of one column (a baseline and a current
// window, or two ad-hoc query results): the method Evidently would choose or
// the one asked for, its figures under monitor_metrics names, and whether it
// drifted (docs/drift-tests.md).
//
// Thread-safety: pure functions over immutable inputs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "monitor/stats/category_counts.h"
#include "monitor/stats/sorted_sample.h"

namespace lakewatch::sql {
struct QueryResult;
}

namespace lakewatch::monitor {

// The values of one column: a sorted numeric sample, or counts per category.
struct Distribution {
  bool numeric = true;
  stats::SortedSample sample;             // numeric
  stats::CategoryCounts categories;       // categorical (its `missing` unused: see below)
  int64_t rows = 0;                       // missing values included
  int64_t missing = 0;
  double missing_rate() const { return rows > 0 ? static_cast<double>(missing) / static_cast<double>(rows) : 0; }
};

struct DriftFigure {
  std::string metric;    // ks_stat, ks_pvalue, wasserstein_norm, psi, js_distance, chi2_stat, chi2_pvalue, z_stat, z_pvalue
  double value = 0;
  bool decides = false;  // the figure the threshold applies to
};

struct DriftOutcome {
  bool tested = false;  // false: nothing to compare (an empty side)
  std::string method;   // ks, chisquare, z, psi, wasserstein, jensenshannon
  std::vector<DriftFigure> figures;
  double statistic = 0;
  std::optional<double> p_value;
  double threshold = 0;
  bool drifted = false;
};

// `method` "auto" picks as Evidently does (docs/drift-tests.md); `threshold`
// overrides the method's default.
Result<DriftOutcome> TestDistributions(const Distribution& reference, const Distribution& current,
                                       const std::string& method, std::optional<double> threshold);

// `lakewatch drift`: one row per column of two query results.
struct ColumnDrift {
  std::string column;
  std::string kind;  // numeric | categorical
  int64_t reference_rows = 0, current_rows = 0;
  DriftOutcome outcome;
};
struct CompareOptions {
  std::vector<std::string> columns;  // empty: every column both results have
  std::string method = "auto";
  std::optional<double> threshold;
  int threads = 1;
};
Result<std::vector<ColumnDrift>> CompareResults(const sql::QueryResult& reference, const sql::QueryResult& current,
                                                const CompareOptions& options);

}  // namespace lakewatch::monitor
