// CompensatedSum: Neumaier's variant of Kahan summation. Its error is about one rounding of the
// final sum whatever the number of terms, so a mean over 10M rows agrees with numpy's pairwise
// sum (sklearn's reference) to ~1e-16 relative instead of drifting by n·eps.
//
// Thread-safety: a plain value; one accumulator per thread.
#pragma once

#include <cmath>

namespace lakewatch::monitor::metrics {

class CompensatedSum {
 public:
  void Add(double x) {
    const double t = sum_ + x;
    if (std::fabs(sum_) >= std::fabs(x)) {
      compensation_ += (sum_ - t) + x;
    } else {
      compensation_ += (x - t) + sum_;
    }
    sum_ = t;
  }
  double value() const { return sum_ + compensation_; }

 private:
  double sum_ = 0;
  double compensation_ = 0;  // the low-order bits the running sum lost
};

}  // namespace lakewatch::monitor::metrics
