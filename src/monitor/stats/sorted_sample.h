// SortedSample: the values of one numeric column, sorted once and shared by
// every numeric drift test (Kolmogorov–Smirnov, Wasserstein, PSI and
// Jensen–Shannon bins, distinct-value tables), with the facts they need.
//
// Missing values: NaN is a missing value; ±infinity is dropped as well (as
// Evidently drops both before any test, and no distance is defined with it).
// Both are counted, never silently lost.
//
// Thread-safety: immutable after construction; share freely between threads.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace lakewatch::monitor::stats {

class SortedSample {
 public:
  SortedSample() = default;  // empty: no values, nothing missing

  // Keeps the finite values of `values`, sorted ascending by the radix sort
  // (monitor/metrics/sort_doubles.h); with threads = 2 each half of a large
  // sample is sorted by its own thread and the halves merged. Copies; `values`
  // may be discarded afterwards.
  static SortedSample FromValues(std::span<const double> values, int threads = 1);

  // The finite values, ascending.
  std::span<const double> values() const { return values_; }
  int64_t size() const { return static_cast<int64_t>(values_.size()); }
  bool empty() const { return values_.empty(); }
  // NaN values left out.
  int64_t missing() const { return missing_; }
  // ±infinity values left out.
  int64_t infinite() const { return infinite_; }
  // Number of distinct values (-0.0 and +0.0 are one value).
  int64_t distinct() const { return distinct_; }
  // Arithmetic mean; NaN when empty.
  double mean() const { return mean_; }
  // sqrt(sum((x - mean)^2) / (n - ddof)): ddof 0 is numpy's np.std default
  // (what Evidently divides the Wasserstein distance by), ddof 1 the sample
  // standard deviation. NaN when size() <= ddof.
  double StdDev(int ddof) const;

 private:
  std::vector<double> values_;
  int64_t missing_ = 0;
  int64_t infinite_ = 0;
  int64_t distinct_ = 0;
  double mean_ = 0;
  double squared_deviations_ = 0;  // sum((x - mean)^2)
};

// Walks the union of two ascending runs of finite values once, in order, and
// calls visit(x, i, j, next) for each distinct value x, where i and j count
// the values <= x in `a` and `b` and next is the following distinct value
// (+infinity after the last). The merge step is branch-free: a random
// interleaving of two samples costs no mispredictions.
template <typename Visit>
void ForEachDistinctValue(std::span<const double> a, std::span<const double> b, Visit&& visit) {
  constexpr double kEnd = std::numeric_limits<double>::infinity();
  const size_t total = a.size() + b.size();
  size_t i = 0;
  size_t j = 0;
  double va = a.empty() ? kEnd : a[0];
  double vb = b.empty() ? kEnd : b[0];
  while (i + j < total) {
    const bool take_a = va <= vb;
    const double x = take_a ? va : vb;
    i += take_a ? 1 : 0;
    j += take_a ? 0 : 1;
    va = i < a.size() ? a[i] : kEnd;
    vb = j < b.size() ? b[j] : kEnd;
    const double next = va < vb ? va : vb;
    if (next != x) visit(x, i, j, next);
  }
}

// OK when both samples hold values; else InvalidArgument naming `test` and
// the empty side.
Status RequireValues(const SortedSample& reference, const SortedSample& current,
                     std::string_view test);

}  // namespace lakewatch::monitor::stats
