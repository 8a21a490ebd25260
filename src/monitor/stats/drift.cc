#include "monitor/stats/drift.h"

#include <fmt/format.h>

#include <cmath>
#include <string>

#include "monitor/stats/jensen_shannon.h"
#include "monitor/stats/parse_name.h"
#include "monitor/stats/psi.h"
#include "monitor/stats/two_proportion_z.h"
#include "monitor/stats/wasserstein.h"

namespace lakewatch::monitor::stats {
namespace {

// Evidently: a numeric feature with at most this many distinct values (both
// samples together) is tested as categories; at most 2 gets the Z-test.
constexpr int64_t kMaxCategoricalNumericValues = 5;
constexpr int64_t kMaxZTestValues = 2;

constexpr double kPValueThreshold = 0.05;
constexpr double kDistanceThreshold = 0.1;

struct MethodInfo {
  DriftMethod method;
  std::string_view name;
  std::string_view statistic_metric;
  std::string_view p_value_metric;  // empty for distances
};

constexpr MethodInfo kMethods[] = {
    {DriftMethod::kAuto, "auto", "", ""},
    {DriftMethod::kKs, "ks", "ks_stat", "ks_pvalue"},
    {DriftMethod::kChiSquare, "chisquare", "chi2_stat", "chi2_pvalue"},
    {DriftMethod::kZ, "z", "z_stat", "z_pvalue"},
    {DriftMethod::kPsi, "psi", "psi", ""},
    {DriftMethod::kWasserstein, "wasserstein", "wasserstein_norm", ""},
    {DriftMethod::kJensenShannon, "jensenshannon", "js_distance", ""},
};

const MethodInfo& InfoOf(DriftMethod method) {
  for (const MethodInfo& m : kMethods) {
    if (m.method == method) return m;
  }
  return kMethods[0];
}

int64_t ValueCount(const FeatureSample& s) {
  if (s.numeric()) return s.numeric_sample().size();
  int64_t n = 0;
  for (const auto& [name, count] : s.categories().counts) n += count > 0 ? count : 0;
  return n;
}

int64_t MissingCount(const FeatureSample& s) {
  return s.numeric() ? s.numeric_sample().missing() + s.numeric_sample().infinite()
                     : s.categories().missing;
}

// Distinct values of both samples together, counted only up to cap + 1.
int64_t DistinctUpTo(const SortedSample& reference, const SortedSample& current, int64_t cap) {
  if (reference.distinct() > cap || current.distinct() > cap) return cap + 1;
  return static_cast<int64_t>(AlignDistinctValues(reference, current).categories.size());
}

// The samples as category counts: categories as they are, numeric values as
// their distinct values.
Result<AlignedCounts> CountsOf(const FeatureSample& reference, const FeatureSample& current) {
  if (reference.numeric()) {
    return AlignDistinctValues(reference.numeric_sample(), current.numeric_sample());
  }
  return AlignCategories(reference.categories(), current.categories());
}

// PSI and Jensen–Shannon input: bins for numeric samples, categories otherwise.
Result<AlignedCounts> BinsOf(const FeatureSample& reference, const FeatureSample& current,
                             const DriftOptions& options) {
  if (!reference.numeric()) return CountsOf(reference, current);
  LW_ASSIGN_OR_RETURN(BinnedCounts bins, BinSamples(reference.numeric_sample(),
                                                    current.numeric_sample(), options.bins));
  AlignedCounts out;
  out.reference = std::move(bins.reference);
  out.current = std::move(bins.current);
  return out;
}

// Runs `method`, filling statistic and p_value of `r`.
Status RunMethod(DriftMethod method, const FeatureSample& reference, const FeatureSample& current,
                 const DriftOptions& options, DriftResult& r) {
  if ((method == DriftMethod::kKs || method == DriftMethod::kWasserstein) && !reference.numeric()) {
    return Status::InvalidArgument(
        fmt::format("drift method {} applies to numeric features only; this feature is categorical",
                    DriftMethodName(method)));
  }
  switch (method) {
    case DriftMethod::kKs: {
      LW_ASSIGN_OR_RETURN(KsResult ks, KsTest(reference.numeric_sample(), current.numeric_sample(),
                                              options.ks_method));
      r.statistic = ks.statistic;
      r.p_value = ks.p_value;
      return Status::OK();
    }
    case DriftMethod::kWasserstein: {
      LW_ASSIGN_OR_RETURN(r.statistic,
                          NormedWasserstein(reference.numeric_sample(), current.numeric_sample()));
      return Status::OK();
    }
    case DriftMethod::kChiSquare: {
      LW_ASSIGN_OR_RETURN(AlignedCounts counts, CountsOf(reference, current));
      LW_ASSIGN_OR_RETURN(ChiSquareResult chi,
                          options.chi_square_form == ChiSquareForm::kGoodnessOfFit
                              ? ChiSquareGoodnessOfFit(counts)
                              : ChiSquareContingency(counts));
      r.statistic = chi.statistic;
      r.p_value = chi.p_value;
      return Status::OK();
    }
    case DriftMethod::kZ: {
      LW_ASSIGN_OR_RETURN(AlignedCounts counts, CountsOf(reference, current));
      LW_ASSIGN_OR_RETURN(ZTestResult z, TwoProportionZTest(counts));
      r.statistic = z.statistic;
      r.p_value = z.p_value;
      return Status::OK();
    }
    case DriftMethod::kPsi:
    case DriftMethod::kJensenShannon: {
      LW_ASSIGN_OR_RETURN(AlignedCounts bins, BinsOf(reference, current, options));
      LW_ASSIGN_OR_RETURN(
          r.statistic, method == DriftMethod::kPsi
                           ? Psi(bins.reference, bins.current)
                           : JensenShannonDistance(bins.reference, bins.current, options.js_base));
      return Status::OK();
    }
    case DriftMethod::kAuto:
      break;
  }
  return Status::Internal("drift method auto was not resolved");
}

}  // namespace

std::string_view DriftMethodName(DriftMethod method) { return InfoOf(method).name; }

Result<DriftMethod> ParseDriftMethod(std::string_view name) {
  return ParseName(name,
                   {DriftMethod::kAuto, DriftMethod::kKs, DriftMethod::kChiSquare, DriftMethod::kZ,
                    DriftMethod::kPsi, DriftMethod::kWasserstein, DriftMethod::kJensenShannon},
                   DriftMethodName, "drift method");
}

bool HasPValue(DriftMethod method) { return !InfoOf(method).p_value_metric.empty(); }

double DefaultThreshold(DriftMethod method) {
  return HasPValue(method) ? kPValueThreshold : kDistanceThreshold;
}

DriftMetricNames MetricNames(DriftMethod method) {
  const MethodInfo& m = InfoOf(method);
  return {m.statistic_metric, m.p_value_metric};
}

Result<DriftMethod> DefaultDriftMethod(const FeatureSample& reference, const FeatureSample& current,
                                       const DriftOptions& options) {
  int64_t distinct;
  if (reference.numeric()) {
    distinct = DistinctUpTo(reference.numeric_sample(), current.numeric_sample(),
                            kMaxCategoricalNumericValues);
  } else {
    LW_ASSIGN_OR_RETURN(AlignedCounts counts, CountsOf(reference, current));
    distinct = static_cast<int64_t>(counts.categories.size());
  }
  const bool many_values = reference.numeric() && distinct > kMaxCategoricalNumericValues;
  if (ValueCount(reference) <= options.small_reference_rows) {
    if (many_values) return DriftMethod::kKs;
    return distinct > kMaxZTestValues ? DriftMethod::kChiSquare : DriftMethod::kZ;
  }
  return many_values ? DriftMethod::kWasserstein : DriftMethod::kJensenShannon;
}

Result<DriftResult> TestDrift(const FeatureSample& reference, const FeatureSample& current,
                              const DriftOptions& options) {
  if (reference.numeric() != current.numeric()) {
    return Status::InvalidArgument(
        fmt::format("drift test needs samples of one kind; the reference is {} and the current {}",
                    reference.numeric() ? "numeric" : "categorical",
                    current.numeric() ? "numeric" : "categorical"));
  }
  if (options.threshold && !std::isfinite(*options.threshold)) {
    return Status::InvalidArgument(
        fmt::format("drift threshold must be a finite number, got {}", *options.threshold));
  }
  DriftResult r;
  r.reference_n = ValueCount(reference);
  r.current_n = ValueCount(current);
  if (r.reference_n == 0 || r.current_n == 0) {
    const bool ref_empty = r.reference_n == 0;
    return Status::InvalidArgument(fmt::format(
        "drift test needs values in both samples; the {} sample has none ({} missing)",
        ref_empty ? "reference" : "current", MissingCount(ref_empty ? reference : current)));
  }
  r.method = options.method;
  if (r.method == DriftMethod::kAuto) {
    LW_ASSIGN_OR_RETURN(r.method, DefaultDriftMethod(reference, current, options));
  }
  LW_RETURN_IF_ERROR(RunMethod(r.method, reference, current, options, r));
  r.threshold = options.threshold.value_or(DefaultThreshold(r.method));
  r.drifted = r.p_value ? *r.p_value < r.threshold : r.statistic >= r.threshold;
  return r;
}

}  // namespace lakewatch::monitor::stats
