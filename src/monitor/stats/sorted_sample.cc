#include "monitor/stats/sorted_sample.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <thread>

#include "monitor/metrics/compensated_sum.h"
#include "monitor/metrics/sort_doubles.h"

namespace lakewatch::monitor::stats {
namespace {

using metrics::CompensatedSum;

// Below this size a second thread costs more than it saves.
constexpr size_t kMinParallelSort = 1 << 16;

// Sorts `v` (finite values) with the radix sort, each half by its own thread
// when `threads` is 2, the halves then merged.
void SortValues(std::vector<double>& v, int threads) {
  if (threads < 2 || v.size() < kMinParallelSort) {
    metrics::SortDoubles(v);
    return;
  }
  const std::span<double> all(v);
  const size_t half = all.size() / 2;
  std::thread sorter([all, half] { metrics::SortDoubles(all.subspan(half)); });
  metrics::SortDoubles(all.first(half));
  sorter.join();
  std::inplace_merge(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(half), v.end());
}

}  // namespace

SortedSample SortedSample::FromValues(std::span<const double> values, int threads) {
  SortedSample s;
  s.values_.reserve(values.size());
  for (double v : values) {
    if (std::isnan(v)) {
      ++s.missing_;
    } else if (std::isinf(v)) {
      ++s.infinite_;
    } else {
      s.values_.push_back(v);
    }
  }
  SortValues(s.values_, threads);
  if (s.values_.empty()) {
    s.mean_ = std::numeric_limits<double>::quiet_NaN();
    return s;
  }
  CompensatedSum sum;
  for (size_t i = 0; i < s.values_.size(); ++i) {
    sum.Add(s.values_[i]);
    if (i == 0 || s.values_[i] != s.values_[i - 1]) ++s.distinct_;
  }
  s.mean_ = sum.value() / static_cast<double>(s.values_.size());
  CompensatedSum squares;
  for (double v : s.values_) squares.Add((v - s.mean_) * (v - s.mean_));
  s.squared_deviations_ = squares.value();
  return s;
}

double SortedSample::StdDev(int ddof) const {
  if (size() <= ddof) return std::numeric_limits<double>::quiet_NaN();
  return std::sqrt(squared_deviations_ / static_cast<double>(size() - ddof));
}

Status RequireValues(const SortedSample& reference, const SortedSample& current,
                     std::string_view test) {
  if (!reference.empty() && !current.empty()) return Status::OK();
  return Status::InvalidArgument(std::string(test) + " needs values in both samples; the " +
                                 (reference.empty() ? "reference" : "current") +
                                 " sample has none");
}

}  // namespace lakewatch::monitor::stats
