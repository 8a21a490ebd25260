// Precision, recall and F1 from counts with sklearn 1.2's zero_division="warn" convention: a
// ratio whose denominator is 0 is 0 (sklearn warns and returns 0.0), and F1 is 0 when
// precision + recall is 0. F1 is formed from the two ratios, 2·P·R / (P + R), as sklearn does.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

namespace lakewatch::monitor::metrics {

struct PrecisionRecall {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
};

// `tp` correct predictions of the class, `predicted` predictions of it, `actual` rows of it.
inline PrecisionRecall PrecisionRecallOf(int64_t tp, int64_t predicted, int64_t actual) {
  PrecisionRecall r;
  if (predicted > 0) r.precision = static_cast<double>(tp) / static_cast<double>(predicted);
  if (actual > 0) r.recall = static_cast<double>(tp) / static_cast<double>(actual);
  const double denominator = r.precision + r.recall;
  if (denominator != 0.0) r.f1 = 2.0 * r.precision * r.recall / denominator;
  return r;
}

}  // namespace lakewatch::monitor::metrics
