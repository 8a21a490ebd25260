#include "monitor/metrics/score_ranking.h"

#include <algorithm>
#include <cassert>

#include "monitor/metrics/compensated_sum.h"

namespace lakewatch::monitor::metrics {

template <typename Visit>
void ScoreRanking::ForEachThreshold(Visit visit) const {
  const double* positive = scores_.data_as<double>();
  const double* negative = positive + positives_;
  size_t i = positives_;
  size_t j = negatives_;
  int64_t tp = 0;
  int64_t fp = 0;
  while (i > 0 || j > 0) {
    double threshold;
    if (i == 0) {
      threshold = negative[j - 1];
    } else if (j == 0) {
      threshold = positive[i - 1];
    } else {
      threshold = std::max(positive[i - 1], negative[j - 1]);
    }
    int64_t dp = 0;
    int64_t dn = 0;
    while (i > 0 && positive[i - 1] == threshold) --i, ++dp;
    while (j > 0 && negative[j - 1] == threshold) --j, ++dn;
    visit(dp, dn, tp, fp);
    tp += dp;
    fp += dn;
  }
}

int64_t ScoreRanking::TwiceU() const {
  int64_t twice_u = 0;
  ForEachThreshold(
      [&](int64_t dp, int64_t dn, int64_t tp, int64_t) { twice_u += dn * (2 * tp + dp); });
  return twice_u;
}

double ScoreRanking::RocAuc() const {
  assert(positives() > 0 && negatives() > 0);
  return static_cast<double>(TwiceU()) /
         (2.0 * static_cast<double>(positives()) * static_cast<double>(negatives()));
}

double ScoreRanking::AveragePrecision() const {
  if (positives() == 0) return 0.0;
  const double p = static_cast<double>(positives());
  CompensatedSum ap;
  ForEachThreshold([&](int64_t dp, int64_t dn, int64_t tp, int64_t fp) {
    if (dp == 0) return;
    const auto tp_here = static_cast<double>(tp + dp);
    ap.Add(static_cast<double>(dp) / p * (tp_here / (tp_here + static_cast<double>(fp + dn))));
  });
  return ap.value();
}

double ScoreRanking::DeLongVariance() const {
  assert(positives() >= 2 && negatives() >= 2);
  const int64_t p = positives();
  const int64_t n = negatives();
  const int64_t twice_u = TwiceU();
  // Every component minus the AUC, scaled by 2PN, is an exact integer:
  //   2PN·(V10(x) − AUC) = 2P(N − fp) − P·dn − 2U   (fp negatives above x, dn tied with it)
  //   2PN·(V01(y) − AUC) = N(2tp + dp) − 2U          (tp positives above y, dp tied with it)
  const double scale = 2.0 * static_cast<double>(p) * static_cast<double>(n);
  CompensatedSum s10;
  CompensatedSum s01;
  ForEachThreshold([&](int64_t dp, int64_t dn, int64_t tp, int64_t fp) {
    const double d10 = static_cast<double>(2 * p * (n - fp) - p * dn - twice_u) / scale;
    const double d01 = static_cast<double>(n * (2 * tp + dp) - twice_u) / scale;
    s10.Add(static_cast<double>(dp) * d10 * d10);
    s01.Add(static_cast<double>(dn) * d01 * d01);
  });
  const double var10 = s10.value() / static_cast<double>(p - 1);
  const double var01 = s01.value() / static_cast<double>(n - 1);
  return var10 / static_cast<double>(p) + var01 / static_cast<double>(n);
}

}  // namespace lakewatch::monitor::metrics
