#include "monitor/stats/binning.h"

#include <algorithm>
#include <cmath>
#include <span>
#include <string>

#include "monitor/stats/category_counts.h"
#include "monitor/stats/parse_name.h"

namespace lakewatch::monitor::stats {
namespace {

// numpy's linear interpolation (_lerp): a + (b - a) t, computed from b's side
// when t >= 1/2 so that t = 1 gives b exactly.
double Lerp(double a, double b, double t) {
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

// The k-quantile edges of sorted `v`, as np.quantile(v, np.linspace(0, 1, k + 1))[1:-1].
std::vector<double> QuantileEdges(std::span<const double> v, int k) {
  std::vector<double> edges;
  const double step = 1.0 / k;
  const double last_index = static_cast<double>(v.size() - 1);
  for (int i = 1; i < k; ++i) {
    const double virtual_index = last_index * (i * step);
    const double below = std::floor(virtual_index);
    const size_t lo = static_cast<size_t>(below);
    const size_t hi = std::min(lo + 1, v.size() - 1);
    edges.push_back(Lerp(v[lo], v[hi], virtual_index - below));
  }
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

// The inner edges of np.histogram_bin_edges(a ∪ b, bins='sturges').
std::vector<double> SturgesEdges(std::span<const double> a, std::span<const double> b) {
  double first = std::min(a.front(), b.front());
  double last = std::max(a.back(), b.back());
  if (first == last) {
    first -= 0.5;
    last += 0.5;
  }
  const double n = static_cast<double>(a.size() + b.size());
  const double width =
      (std::max(a.back(), b.back()) - std::min(a.front(), b.front())) / (std::log2(n) + 1.0);
  const int64_t bins = width != 0 ? static_cast<int64_t>(std::ceil((last - first) / width)) : 1;
  const double step = (last - first) / static_cast<double>(bins);  // np.linspace
  std::vector<double> edges;
  for (int64_t i = 1; i < bins; ++i) edges.push_back(static_cast<double>(i) * step + first);
  return edges;
}

// Counts of sorted `v` in the bins cut by ascending `edges`: bin i holds the
// values x with #{edges <= x} == i.
std::vector<int64_t> CountBins(std::span<const double> v, const std::vector<double>& edges) {
  std::vector<int64_t> counts(edges.size() + 1);
  size_t start = 0;
  for (size_t i = 0; i < edges.size(); ++i) {
    const size_t end =
        static_cast<size_t>(std::lower_bound(v.begin() + start, v.end(), edges[i]) - v.begin());
    counts[i] = static_cast<int64_t>(end - start);
    start = end;
  }
  counts.back() = static_cast<int64_t>(v.size() - start);
  return counts;
}

}  // namespace

std::string_view BinningName(Binning binning) {
  return binning == Binning::kSturges ? "sturges" : "quantiles";
}

Result<Binning> ParseBinning(std::string_view name) {
  return ParseName(name, {Binning::kReferenceQuantiles, Binning::kSturges}, BinningName, "binning");
}

Result<BinnedCounts> BinSamples(const SortedSample& reference, const SortedSample& current,
                                const BinOptions& options) {
  LW_RETURN_IF_ERROR(RequireValues(reference, current, "binning"));
  if (options.quantile_bins < 1) {
    return Status::InvalidArgument("quantile bins must be at least 1, got " +
                                   std::to_string(options.quantile_bins));
  }
  BinnedCounts out;
  if (reference.distinct() <= options.max_value_bins) {
    AlignedCounts by_value = AlignDistinctValues(reference, current);
    out.reference = std::move(by_value.reference);
    out.current = std::move(by_value.current);
    return out;
  }
  out.edges = options.rule == Binning::kSturges
                  ? SturgesEdges(reference.values(), current.values())
                  : QuantileEdges(reference.values(), options.quantile_bins);
  out.reference = CountBins(reference.values(), out.edges);
  out.current = CountBins(current.values(), out.edges);
  return out;
}

}  // namespace lakewatch::monitor::stats
