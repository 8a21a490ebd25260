#include "monitor/stats/smirnov_distribution.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace lakewatch::monitor::stats {
namespace {

// log(2^-1075): below this, exp() is zero (the cephes MINLOG scipy uses).
constexpr double kMinLog = -745.1332191019412076235;
// Above this n, scipy approximates rather than sums (SMIRNOV_MAX_COMPUTE_N).
constexpr int64_t kMaxSummedN = 1000000;

// floor(n * d) and its fraction, from the exact product (fma recovers the
// rounding error of n * d), so terms near d + v/n = 1 keep their precision.
struct SplitProduct {
  int64_t whole;
  double fraction;  // in [0, 1)
};

SplitProduct SplitNTimesD(int64_t n, double d) {
  const double nd = static_cast<double>(n) * d;
  const double error = std::fma(static_cast<double>(n), d, -nd);
  double whole = std::floor(nd);
  double fraction = (nd - whole) + error;
  if (fraction < 0) {
    whole -= 1;
    fraction += 1;
  }
  if (fraction >= 1) {
    whole += 1;
    fraction = 0;
  }
  return {static_cast<int64_t>(whole), fraction};
}

// The Birnbaum–Tingey sum for 1/n < d < 1 - 1/n, in long double. C(n, v) is
// carried as mantissa * 2^exponent and updated by the ratio (n - v)/(v + 1)
// (no lgamma); the powers are exp of logs of (v + nd) / n and
// (n - v - nd) / n, whose integer and fractional parts are kept apart.
double LowerSum(int64_t n, double d, SplitProduct nd) {
  using LD = long double;
  const int64_t last = n - nd.whole - 1;  // the last v with 1 - d - v/n > 0
  const LD n_ld = static_cast<LD>(n);
  const LD log_n = std::log(n_ld);
  const LD ln2 = std::numbers::ln2_v<LD>;
  const LD alpha = nd.fraction;
  LD binomial = 1;  // C(n, v) = binomial * 2^binomial_exponent
  int binomial_exponent = 0;
  LD sum = 0;
  for (int64_t v = 0; v <= last; ++v) {
    const LD up = static_cast<LD>(v + nd.whole) + alpha;        // n * (d + v/n)
    const LD down = static_cast<LD>(n - v - nd.whole) - alpha;  // n * (1 - d - v/n)
    const LD log_power = static_cast<LD>(v - 1) * (std::log(up) - log_n) +
                         static_cast<LD>(n - v) * (std::log(down) - log_n);
    const LD term = binomial * std::exp(log_power + static_cast<LD>(binomial_exponent) * ln2);
    sum += term;
    // The remaining terms cannot change the double result.
    if (term != 0 &&
        4 * static_cast<LD>(last - v) * term < std::numeric_limits<double>::epsilon() * sum) {
      break;
    }
    int e;
    binomial = std::frexp(binomial * static_cast<LD>(n - v) / static_cast<LD>(v + 1), &e);
    binomial_exponent += e;
  }
  return static_cast<double>(static_cast<LD>(d) * sum);
}

}  // namespace

double SmirnovSf(int64_t n, double d) {
  if (!(n > 0 && d >= 0.0 && d <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
  if (n == 1) return 1.0 - d;
  if (d == 0.0) return 1.0;
  if (d == 1.0) return 0.0;
  const double nn = static_cast<double>(n);
  const SplitProduct nd = SplitNTimesD(n, d);
  if (nd.whole == 0 || (nd.whole == 1 && nd.fraction == 0)) {
    // d <= 1/n: the CDF is d (1 + d)^(n-1).
    const double cdf = d * std::exp((nn - 1) * std::log1p(d));
    return std::clamp(1.0 - cdf, 0.0, 1.0);
  }
  if (-2 * nn * d * d < kMinLog) return 0.0;
  if (nd.whole >= n - 1) return std::pow(1.0 - d, nn);  // d >= 1 - 1/n
  if (n > kMaxSummedN) return SmirnovSfAsymptotic(n, d);
  return std::clamp(LowerSum(n, d, nd), 0.0, 1.0);
}

double SmirnovSfAsymptotic(int64_t n, double d) {
  const double nn = static_cast<double>(n);
  const double log_p = -std::pow(6.0 * nn * d + 1, 2) / 18.0 / nn;
  return log_p < -std::log(2.0) ? std::exp(log_p) : 1.0 + std::expm1(log_p);
}

}  // namespace lakewatch::monitor::stats
