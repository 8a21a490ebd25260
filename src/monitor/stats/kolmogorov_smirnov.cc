#include "monitor/stats/kolmogorov_smirnov.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "monitor/stats/kolmogorov_distribution.h"
#include "monitor/stats/parse_name.h"

namespace lakewatch::monitor::stats {
namespace {

// scipy's MAX_AUTO_N: 'auto' is exact when both samples are at most this large.
constexpr int64_t kMaxAutoExactN = 10000;

// max(F_ref - F_cur) and max(F_cur - F_ref) (each >= 0) over all values, the
// CDFs as the doubles count/n that scipy subtracts.
struct CdfGaps {
  double above = 0;  // max(F_ref - F_cur)
  double below = 0;  // max(F_cur - F_ref)
};

CdfGaps MaxCdfGaps(std::span<const double> a, std::span<const double> b) {
  const double na = static_cast<double>(a.size());
  const double nb = static_cast<double>(b.size());
  CdfGaps gaps;
  ForEachDistinctValue(a, b, [&](double, size_t i, size_t j, double) {
    const double diff = static_cast<double>(i) / na - static_cast<double>(j) / nb;
    gaps.above = std::max(gaps.above, diff);
    gaps.below = std::max(gaps.below, -diff);
  });
  return gaps;
}

// Equal sizes: P(D_{n,n} >= h/n) = 2 sum_{k>=1} (-1)^(k+1) C(2n, n-kh) / C(2n, n),
// evaluated as 2 A_1 (1 - A_2 (1 - A_3 (...))) with A_k the ratio of
// consecutive terms, each a product of h simple factors.
double SquareSf(int64_t n, int64_t h) {
  double p = 0;
  for (int64_t k = n / h; k >= 0; --k) {
    double ratio = 1.0;
    for (int64_t j = 0; j < h; ++j) {
      ratio = static_cast<double>(n - k * h - j) * ratio / static_cast<double>(n + k * h + j + 1);
    }
    p = ratio * (1.0 - p);
  }
  return 2 * p;
}

int64_t FloorDiv(int64_t a, int64_t b) {  // b > 0
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int64_t CeilDiv(int64_t a, int64_t b) {  // a >= 0, b > 0
  return (a + b - 1) / b;
}

// Unequal sizes: a(x, y) = probability that a uniformly random monotone path
// to (x, y) has left the band |ng x - mg y| < h (m >= n, mg = m/g, ng = n/g).
// a = 1 outside the band, a(0, y) = 0 inside, and inside
//   a(x, y) = (x a(x-1, y) + y a(x, y-1)) / (x + y),
// the path-count weights of the two predecessors. One column of y is kept;
// cells above the band were never written and hold their initial 1.
double BandLeavingProbability(int64_t m, int64_t n, int64_t g, int64_t h) {
  if (m < n) std::swap(m, n);
  const int64_t mg = m / g;
  const int64_t ng = n / g;
  std::vector<double> column(static_cast<size_t>(n) + 1, 1.0);
  const int64_t first_hi = std::min(CeilDiv(h, mg), n + 1);
  std::fill(column.begin(), column.begin() + first_hi, 0.0);
  int64_t hi = first_hi;
  for (int64_t x = 1; x <= m; ++x) {
    const int64_t lo = std::min(std::max(FloorDiv(ng * x - h, mg) + 1, int64_t{0}), n);
    hi = std::min(CeilDiv(ng * x + h, mg), n + 1);
    if (hi <= lo) return 1.0;
    const double xd = static_cast<double>(x);
    double below = lo == 0 ? 0.0 : 1.0;  // a(x, lo - 1): outside the band
    for (int64_t y = lo; y < hi; ++y) {
      const double yd = static_cast<double>(y);
      below = (column[y] * xd + below * yd) / static_cast<double>(x + y);
      column[y] = below;
    }
  }
  return column[hi - 1];
}

}  // namespace

std::string_view KsMethodName(KsMethod method) {
  switch (method) {
    case KsMethod::kAuto:
      return "auto";
    case KsMethod::kExact:
      return "exact";
    case KsMethod::kAsymp:
      return "asymp";
  }
  return "?";
}

Result<KsMethod> ParseKsMethod(std::string_view name) {
  return ParseName(name, {KsMethod::kAuto, KsMethod::kExact, KsMethod::kAsymp}, KsMethodName,
                   "KS method");
}

std::optional<double> KsExactSf(int64_t n1, int64_t n2, int64_t h) {
  if (h == 0) return 1.0;
  const int64_t g = std::gcd(n1, n2);
  const double p = n1 == n2 ? SquareSf(n1, h) : BandLeavingProbability(n1, n2, g, h);
  if (!(p >= 0.0 && p <= 1.0)) return std::nullopt;
  return p;
}

Result<KsResult> KsTest(const SortedSample& reference, const SortedSample& current,
                        KsMethod method) {
  LW_RETURN_IF_ERROR(RequireValues(reference, current, "KS test"));
  const int64_t n1 = reference.size();
  const int64_t n2 = current.size();
  const CdfGaps gaps = MaxCdfGaps(reference.values(), current.values());
  KsResult r;
  r.statistic = std::max(gaps.above, gaps.below);
  const int64_t g = std::gcd(n1, n2);
  const int64_t n1g = n1 / g;
  const int64_t n2g = n2 / g;
  if (method == KsMethod::kAuto) {
    method = std::max(n1, n2) <= kMaxAutoExactN ? KsMethod::kExact : KsMethod::kAsymp;
  } else if (method == KsMethod::kExact &&
             static_cast<double>(n1g) >= static_cast<double>(std::numeric_limits<int32_t>::max()) /
                                             static_cast<double>(n2g)) {
    method = KsMethod::kAsymp;  // lcm(n1, n2) too large for path counting
  }
  if (method == KsMethod::kExact) {
    const int64_t lcm = n1g * n2;
    const int64_t h = static_cast<int64_t>(std::nearbyint(r.statistic * static_cast<double>(lcm)));
    r.statistic = static_cast<double>(h) / static_cast<double>(lcm);
    if (std::optional<double> p = KsExactSf(n1, n2, h)) {
      r.p_value = *p;
      r.method = KsMethod::kExact;
      return r;
    }
  }
  // Effective sample size of the one-sample distribution.
  const double big = static_cast<double>(std::max(n1, n2));
  const double small = static_cast<double>(std::min(n1, n2));
  const double effective_n = std::nearbyint(big * small / (big + small));
  if (effective_n < 1) {
    return Status::InvalidArgument("asymptotic KS p-value undefined for samples of " +
                                   std::to_string(n1) + " and " + std::to_string(n2) +
                                   " values (effective n rounds to 0); use method exact");
  }
  r.p_value = std::clamp(KolmogorovSf(static_cast<int64_t>(effective_n), r.statistic), 0.0, 1.0);
  r.method = KsMethod::kAsymp;
  return r;
}

}  // namespace lakewatch::monitor::stats
