// TestDrift: one feature's drift between a reference (baseline) sample and a
// current sample, by a chosen method or by Evidently's default choice, with
// the verdict against a threshold. The entry point of lakewatch's data-drift
// monitors and of `lakewatch drift`.
//
// Default choice (method kAuto), Evidently's: let n_ref be the reference's
// non-missing values and u the distinct values of both samples together.
//   n_ref <= 1000: numeric with u > 5 -> ks; otherwise (numeric with u <= 5,
//                  or categorical) chisquare when u > 2, else z.
//   n_ref >  1000: numeric with u > 5 -> wasserstein (normed); otherwise
//                  jensenshannon.
// Verdict: p-value tests (ks, chisquare, z) drift when p < threshold (default
// 0.05); distances (psi, wasserstein, jensenshannon) when statistic >=
// threshold (default 0.1).
//
// Methods and inputs: ks and wasserstein need numeric samples; chisquare and
// z take categories (a numeric sample's distinct values serve as categories,
// as in Evidently); psi and jensenshannon take categories or bins
// (binning.h). Missing values are left out of every test and reported as
// counts by the samples.
//
// Thread-safety: pure functions; samples may be shared by concurrent calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "monitor/stats/binning.h"
#include "monitor/stats/category_counts.h"
#include "monitor/stats/chi_square.h"
#include "monitor/stats/kolmogorov_smirnov.h"
#include "monitor/stats/sorted_sample.h"

namespace lakewatch::monitor::stats {

enum class DriftMethod {
  kAuto,           // Evidently's default choice (above)
  kKs,             // two-sample Kolmogorov–Smirnov: D and p-value
  kChiSquare,      // chi-square on category counts: statistic and p-value
  kZ,              // two-proportion Z-test: z and p-value
  kPsi,            // population stability index
  kWasserstein,    // Wasserstein-1 distance / reference std (ddof 0, floor 0.001)
  kJensenShannon,  // Jensen–Shannon distance
};

// "auto", "ks", "chisquare", "z", "psi", "wasserstein", "jensenshannon".
std::string_view DriftMethodName(DriftMethod method);
Result<DriftMethod> ParseDriftMethod(std::string_view name);
// ks, chisquare and z report a p-value; the others a distance.
bool HasPValue(DriftMethod method);
// 0.05 for the p-value tests, 0.1 for the distances.
double DefaultThreshold(DriftMethod method);

// The monitor_metrics names of a method's figures (DESIGN.md "Monitor
// results"): ks_stat/ks_pvalue, chi2_stat/chi2_pvalue, z_stat/z_pvalue, psi,
// wasserstein_norm, js_distance. p_value is empty for distances.
struct DriftMetricNames {
  std::string_view statistic;
  std::string_view p_value;
};
DriftMetricNames MetricNames(DriftMethod method);

struct DriftOptions {
  DriftMethod method = DriftMethod::kAuto;
  std::optional<double> threshold;  // default: DefaultThreshold(method that runs)
  KsMethod ks_method = KsMethod::kAuto;
  ChiSquareForm chi_square_form = ChiSquareForm::kContingency;
  BinOptions bins;                      // psi and jensenshannon on numeric samples
  std::optional<double> js_base;        // nullopt: natural log (scipy's and Evidently's default)
  int64_t small_reference_rows = 1000;  // kAuto: p-value tests up to this many reference values
};

// One side of a comparison: a numeric or a categorical sample. A view: the
// sample it refers to must outlive every use of the FeatureSample.
class FeatureSample {
 public:
  static FeatureSample Numeric(const SortedSample& sample) {
    return FeatureSample(&sample, nullptr);
  }
  static FeatureSample Categorical(const CategoryCounts& counts) {
    return FeatureSample(nullptr, &counts);
  }
  bool numeric() const { return numeric_ != nullptr; }
  // REQUIRES: numeric()
  const SortedSample& numeric_sample() const { return *numeric_; }
  // REQUIRES: !numeric()
  const CategoryCounts& categories() const { return *categorical_; }

 private:
  FeatureSample(const SortedSample* n, const CategoryCounts* c) : numeric_(n), categorical_(c) {}
  const SortedSample* numeric_;
  const CategoryCounts* categorical_;
};

struct DriftResult {
  DriftMethod method = DriftMethod::kAuto;  // the method that ran (never kAuto)
  double statistic = 0;
  std::optional<double> p_value;  // for ks, chisquare and z
  double threshold = 0;
  bool drifted = false;
  int64_t reference_n = 0;  // values compared (missing values left out)
  int64_t current_n = 0;
};

// The method kAuto stands for, given the two samples (Evidently's rule above).
// REQUIRES: both samples numeric or both categorical.
Result<DriftMethod> DefaultDriftMethod(const FeatureSample& reference, const FeatureSample& current,
                                       const DriftOptions& options);

// InvalidArgument when the samples are of different kinds, either has no
// values, the method does not apply to the samples' kind (ks or wasserstein
// on categories), or the threshold is not a finite number.
Result<DriftResult> TestDrift(const FeatureSample& reference, const FeatureSample& current,
                              const DriftOptions& options = {});

}  // namespace lakewatch::monitor::stats
