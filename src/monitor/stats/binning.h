// Bins two numeric samples on common edges, for PSI and Jensen–Shannon on
// numeric features. Two rules:
//
//   kReferenceQuantiles (default): the k-quantiles of the reference (numpy's
//     default 'linear' np.quantile at 1/k, ..., (k-1)/k; repeated edges
//     merged) cut the line into at most k bins, the outer two open-ended so
//     current values beyond the reference range still count. A value x falls
//     in bin #{edges <= x} (np.searchsorted(edges, x, side='right')).
//   kSturges: Evidently's rule: np.histogram_bin_edges(reference ∪ current,
//     bins='sturges'), i.e. ceil(range / (range / (log2(n1 + n2) + 1))) equal
//     bins from the smallest to the largest value of both samples, counted as
//     np.histogram counts (bins closed on the left, the last also on the right).
//
// Under either rule, a reference with at most max_value_bins distinct values
// (Evidently: 20) is binned by value instead: one bin per distinct value of
// either sample.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "monitor/stats/sorted_sample.h"

namespace lakewatch::monitor::stats {

enum class Binning {
  kReferenceQuantiles,  // k quantile bins of the reference
  kSturges,             // Evidently: Sturges' equal-width bins over both samples
};

std::string_view BinningName(Binning binning);  // "quantiles", "sturges"
Result<Binning> ParseBinning(std::string_view name);

struct BinOptions {
  Binning rule = Binning::kReferenceQuantiles;
  int quantile_bins = 10;       // k for kReferenceQuantiles (deciles)
  int64_t max_value_bins = 20;  // reference distinct values up to this: one bin per value
};

struct BinnedCounts {
  std::vector<int64_t> reference;  // count per bin
  std::vector<int64_t> current;
  // The edges between bins (bin i holds [edges[i-1], edges[i])); empty when
  // binned by value.
  std::vector<double> edges;
};

// InvalidArgument when either sample is empty or quantile_bins < 1.
Result<BinnedCounts> BinSamples(const SortedSample& reference, const SortedSample& current,
                                const BinOptions& options);

}  // namespace lakewatch::monitor::stats
