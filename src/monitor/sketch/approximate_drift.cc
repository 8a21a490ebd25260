#include "monitor/sketch/approximate_drift.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <tuple>
#include <vector>

#include "monitor/stats/jensen_shannon.h"
#include "monitor/stats/kolmogorov_distribution.h"
#include "monitor/stats/psi.h"
#include "monitor/stats/wasserstein.h"

namespace lakewatch::monitor::sketch {
namespace {

Status RequireValues(const FeatureSummary& reference, const FeatureSummary& current,
                     FeatureKind kind, std::string_view what) {
  const char* kind_name = kind == FeatureKind::kNumeric ? "numeric" : "categorical";
  for (const auto& [summary, side] :
       {std::pair{&reference, "reference"}, std::pair{&current, "current"}}) {
    if (summary->kind() != kind) {
      return Status::InvalidArgument(std::string(what) + ": the " + side + " summary is not " +
                                     kind_name);
    }
    if (summary->count() == 0) {
      return Status::InvalidArgument(std::string(what) + ": the " + side +
                                     " summary holds no values");
    }
  }
  return Status::OK();
}

struct CdfDistances {
  double ks = 0;  // sup |F_a - F_b|
  double w1 = 0;  // integral |F_a - F_b| dx
};

// One walk over the union of two views' items: both CDFs are step functions
// that jump only at items, so the supremum is attained at an item and the
// integral is a sum over the gaps between consecutive items.
CdfDistances CompareCdfs(const KllSortedView& a, const KllSortedView& b) {
  const std::vector<double>& xa = a.items();
  const std::vector<double>& xb = b.items();
  const std::vector<uint64_t>& ca = a.cumulative_weights();
  const std::vector<uint64_t>& cb = b.cumulative_weights();
  const auto na = static_cast<double>(a.n());
  const auto nb = static_cast<double>(b.n());
  CdfDistances out;
  size_t i = 0, j = 0;
  double x = std::min(xa.front(), xb.front());
  while (true) {
    // Items within a view are distinct: at most one step on each side.
    if (i < xa.size() && xa[i] == x) ++i;
    if (j < xb.size() && xb[j] == x) ++j;
    double fa = i == 0 ? 0 : static_cast<double>(ca[i - 1]) / na;
    double fb = j == 0 ? 0 : static_cast<double>(cb[j - 1]) / nb;
    double gap = std::fabs(fa - fb);
    out.ks = std::max(out.ks, gap);
    if (i == xa.size() && j == xb.size()) break;
    double next = j == xb.size() || (i < xa.size() && xa[i] < xb[j]) ? xa[i] : xb[j];
    if (gap > 0) out.w1 += gap * (next - x);  // (0 · ∞ where the range overflows is no distance)
    x = next;
  }
  return out;
}

// Counts per bin cut by ascending `edges`: bin i holds the weight of items x
// with #{edges <= x} == i (stats::BinSamples' rule).
std::vector<int64_t> CountBins(const KllSortedView& view, const std::vector<double>& edges) {
  std::vector<int64_t> counts;
  counts.reserve(edges.size() + 1);
  uint64_t below = 0;
  for (double e : edges) {
    uint64_t upto = view.WeightBelow(e);
    counts.push_back(static_cast<int64_t>(upto - below));
    below = upto;
  }
  counts.push_back(static_cast<int64_t>(view.n() - below));
  return counts;
}

// The k-quantile edges of the reference, as np.quantile(x, [1/k .. (k-1)/k]),
// repeated edges merged.
std::vector<double> QuantileEdges(const KllSortedView& reference, int k) {
  std::vector<double> edges;
  for (int i = 1; i < k; ++i) edges.push_back(reference.QuantileLinear(static_cast<double>(i) / k));
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

// The inner edges of np.histogram_bin_edges(reference ∪ current, bins='sturges'):
// log2(n) + 1 bins' width over the joint range, as many equal bins as cover it.
std::vector<double> SturgesEdges(const FeatureSummary& reference, const FeatureSummary& current) {
  const double lo = std::min(reference.min(), current.min());
  const double hi = std::max(reference.max(), current.max());
  const double n = static_cast<double>(reference.count() + current.count());
  const double width = (hi - lo) / (std::log2(n) + 1);
  // A single value: numpy widens the range to [lo - 0.5, hi + 0.5], one bin. A range
  // beyond the largest double has no Sturges bins either.
  if (width == 0 || !std::isfinite(width)) return {};
  const auto bins = static_cast<int64_t>(std::ceil((hi - lo) / width));
  const double step = (hi - lo) / static_cast<double>(bins);
  std::vector<double> edges;
  for (int64_t i = 1; i < bins; ++i) edges.push_back(lo + static_cast<double>(i) * step);
  return edges;
}

struct ValueTable {
  std::map<double, std::pair<int64_t, int64_t>> counts;  // value -> (reference, current)
  void Add(const std::vector<FeatureSummary::ValueCount>& values, bool reference) {
    for (const FeatureSummary::ValueCount& vc : values) {
      auto& cell = counts[vc.value];
      (reference ? cell.first : cell.second) += static_cast<int64_t>(vc.count);
    }
  }
};

// The distinct items of a view with their weights (exact values while the
// sketch is exact, the sketch's estimate beyond).
std::vector<FeatureSummary::ValueCount> ViewValues(const KllSortedView& view) {
  std::vector<FeatureSummary::ValueCount> out;
  uint64_t prev = 0;
  for (size_t i = 0; i < view.items().size(); ++i) {
    out.push_back({view.items()[i], view.cumulative_weights()[i] - prev});
    prev = view.cumulative_weights()[i];
  }
  return out;
}

struct Bins {
  std::vector<int64_t> reference, current;
};

Result<Bins> BinSummaries(const FeatureSummary& reference, const FeatureSummary& current,
                          const KllSortedView& ref_view, const KllSortedView& cur_view,
                          const stats::BinOptions& options) {
  if (options.quantile_bins < 1) {
    return Status::InvalidArgument("approximate drift: quantile bins must be at least 1, got " +
                                   std::to_string(options.quantile_bins));
  }
  Bins out;
  auto ref_values = reference.value_counts();
  if (ref_values && static_cast<int64_t>(ref_values->size()) <= options.max_value_bins) {
    ValueTable table;
    table.Add(*ref_values, true);
    auto cur_values = current.value_counts();
    table.Add(cur_values ? *cur_values : ViewValues(cur_view), false);
    for (const auto& [value, cell] : table.counts) {
      out.reference.push_back(cell.first);
      out.current.push_back(cell.second);
    }
    return out;
  }
  std::vector<double> edges = options.rule == stats::Binning::kSturges
                                  ? SturgesEdges(reference, current)
                                  : QuantileEdges(ref_view, options.quantile_bins);
  out.reference = CountBins(ref_view, edges);
  out.current = CountBins(cur_view, edges);
  return out;
}

// Text of a double that reads back as the same value (the shortest such).
std::string ShortestText(double v) {
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v == 0 ? 0.0 : v).ptr);
}

}  // namespace

Result<NumericDriftEstimate> EstimateNumericDrift(const FeatureSummary& reference,
                                                  const FeatureSummary& current,
                                                  const stats::BinOptions& bins) {
  LW_RETURN_IF_ERROR(
      RequireValues(reference, current, FeatureKind::kNumeric, "approximate numeric drift"));
  const KllSketch& ref_sketch = reference.quantiles();
  const KllSketch& cur_sketch = current.quantiles();
  KllSortedView ref_view = ref_sketch.SortedView();
  KllSortedView cur_view = cur_sketch.SortedView();

  NumericDriftEstimate out;
  out.n_reference = ref_sketch.n();
  out.n_current = cur_sketch.n();
  out.exact = ref_sketch.exact() && cur_sketch.exact();
  for (const KllSketch* s : {&ref_sketch, &cur_sketch}) {
    if (!s->exact()) out.ks_error_bound += KllSketch::NormalizedRankError(s->k());
  }
  CdfDistances d = CompareCdfs(ref_view, cur_view);
  out.ks_statistic = d.ks;
  const double n1 = static_cast<double>(out.n_reference), n2 = static_cast<double>(out.n_current);
  // Exact sketches: scipy's p-value; estimated statistics: its O(1) large-n forms.
  const int64_t n_eff = std::llround(n1 * n2 / (n1 + n2));
  out.ks_pvalue = out.exact ? stats::KolmogorovSf(n_eff, d.ks)
                            : stats::KolmogorovSfAsymptotic(n_eff, d.ks);
  out.wasserstein = d.w1;
  out.wasserstein_norm = d.w1 / std::max(reference.stddev(), stats::kWassersteinStdFloor);

  LW_ASSIGN_OR_RETURN(Bins binned, BinSummaries(reference, current, ref_view, cur_view, bins));
  out.bins = binned.reference.size();
  LW_ASSIGN_OR_RETURN(out.psi, stats::Psi(binned.reference, binned.current));
  LW_ASSIGN_OR_RETURN(out.js_distance,
                      stats::JensenShannonDistance(binned.reference, binned.current));
  return out;
}

Result<stats::AlignedCounts> AlignSummaryCategories(const FeatureSummary& reference,
                                                    const FeatureSummary& current) {
  for (const FeatureSummary* s : {&reference, &current}) {
    if (s->numeric()) {
      return Status::InvalidArgument("aligning categories: a summary is numeric");
    }
  }
  // Exact on both sides: every category. Else only the categories both sides
  // count to within kCategoryCountError, so each listed count is close on both
  // sides and "other" holds the same remainder of categories on both sides.
  const bool exact = reference.items().exact() && current.items().exact();
  auto precise = [](const FrequentItems::Item& it) {
    return static_cast<double>(it.upper - it.lower) <=
           kCategoryCountError * static_cast<double>(it.lower);
  };
  std::map<std::string, std::pair<int64_t, int64_t>> table;
  for (FrequentItems::Item& it : reference.items().Items()) {
    if (precise(it)) table[std::move(it.item)].first = static_cast<int64_t>(it.lower);
  }
  for (FrequentItems::Item& it : current.items().Items()) {
    if (!precise(it)) continue;
    auto found = table.find(it.item);
    if (found != table.end()) {
      found->second.second = static_cast<int64_t>(it.lower);
    } else if (exact) {
      table.emplace(std::move(it.item), std::pair<int64_t, int64_t>{0, it.lower});
    }
  }
  stats::AlignedCounts out;
  int64_t kept_ref = 0, kept_cur = 0;
  for (auto& [category, cell] : table) {
    if (!exact && (cell.first == 0 || cell.second == 0)) continue;
    out.categories.push_back(category);
    out.reference.push_back(cell.first);
    out.current.push_back(cell.second);
    kept_ref += cell.first;
    kept_cur += cell.second;
  }
  const int64_t other_ref = static_cast<int64_t>(reference.items().total()) - kept_ref;
  const int64_t other_cur = static_cast<int64_t>(current.items().total()) - kept_cur;
  if (other_ref > 0 || other_cur > 0) {
    out.categories.emplace_back(kOtherCategory);
    out.reference.push_back(other_ref);
    out.current.push_back(other_cur);
  }
  return out;
}

Result<stats::AlignedCounts> AlignSummaryValues(const FeatureSummary& reference,
                                                const FeatureSummary& current) {
  ValueTable table;
  for (const auto& [summary, side, is_reference] :
       {std::tuple{&reference, "reference", true}, std::tuple{&current, "current", false}}) {
    auto values = summary->numeric() ? summary->value_counts() : std::nullopt;
    if (!values) {
      return Status::InvalidArgument(std::string("aligning values: the ") + side +
                                     (summary->numeric()
                                          ? " summary has more than 32 distinct values"
                                          : " summary is not numeric"));
    }
    table.Add(*values, is_reference);  // by side, not by address: a summary may be compared with itself
  }
  stats::AlignedCounts out;
  for (const auto& [value, cell] : table.counts) {
    out.categories.push_back(ShortestText(value));
    out.reference.push_back(cell.first);
    out.current.push_back(cell.second);
  }
  return out;
}

Result<CategoricalDriftEstimate> EstimateCategoricalDrift(const FeatureSummary& reference,
                                                          const FeatureSummary& current) {
  LW_RETURN_IF_ERROR(RequireValues(reference, current, FeatureKind::kCategorical,
                                   "approximate categorical drift"));
  LW_ASSIGN_OR_RETURN(stats::AlignedCounts counts, AlignSummaryCategories(reference, current));
  CategoricalDriftEstimate out;
  out.exact = reference.items().exact() && current.items().exact();
  out.n_reference = reference.count();
  out.n_current = current.count();
  out.categories = counts.categories.size();
  LW_ASSIGN_OR_RETURN(out.chi_square, stats::ChiSquareContingency(counts));
  LW_ASSIGN_OR_RETURN(out.psi, stats::Psi(counts.reference, counts.current));
  LW_ASSIGN_OR_RETURN(out.js_distance,
                      stats::JensenShannonDistance(counts.reference, counts.current));
  return out;
}

}  // namespace lakewatch::monitor::sketch
