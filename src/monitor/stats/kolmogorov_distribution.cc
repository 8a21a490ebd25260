#include "monitor/stats/kolmogorov_distribution.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "monitor/stats/smirnov_distribution.h"

namespace lakewatch::monitor::stats {
namespace {

// Intermediate results are rescaled by 2^±128 and the exponent kept apart.
constexpr int kScaleBits = 128;
const double kScaleUp = std::ldexp(1.0, kScaleBits);
const double kScaleDown = std::ldexp(1.0, -kScaleBits);

double Clip01(double p) { return std::clamp(p, 0.0, 1.0); }

// log(n! / n^n) by Stirling's series with the n log n term removed up front
// (no cancellation): log(n)/2 - n + log(2 pi)/2 + sum_j B_2j / (2j (2j-1) n^(2j-1)).
double LogFactorialOverPower(int64_t n) {
  // B_2j / (2j (2j - 1)) for j = 8 .. 1.
  static constexpr double kStirling[] = {-2.955065359477124183e-2,  6.4102564102564102564e-3,
                                         -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                                         -5.952380952380952381e-4,  7.9365079365079365079e-4,
                                         -2.7777777777777777778e-3, 8.3333333333333333333e-2};
  const double nn = static_cast<double>(n);
  const double rn = 1.0 / nn;
  double series = 0;
  for (double c : kStirling) series = series * (rn / nn) + c;
  return std::log(nn) / 2 - nn + std::log(2 * std::numbers::pi) / 2 + rn * series;
}

// Dense square matrices, row-major.
class SquareMatrix {
 public:
  explicit SquareMatrix(int m) : m_(m), a_(static_cast<size_t>(m) * m, 0.0) {}
  static SquareMatrix Identity(int m) {
    SquareMatrix id(m);
    for (int i = 0; i < m; ++i) id(i, i) = 1.0;
    return id;
  }
  double& operator()(int r, int c) { return a_[static_cast<size_t>(r) * m_ + c]; }
  double operator()(int r, int c) const { return a_[static_cast<size_t>(r) * m_ + c]; }
  SquareMatrix operator*(const SquareMatrix& b) const {
    SquareMatrix out(m_);
    for (int r = 0; r < m_; ++r) {
      for (int k = 0; k < m_; ++k) {
        const double x = (*this)(r, k);
        if (x == 0) continue;
        for (int c = 0; c < m_; ++c) out(r, c) += x * b(k, c);
      }
    }
    return out;
  }
  void Scale(double f) {
    for (double& x : a_) x *= f;
  }

 private:
  int m_;
  std::vector<double> a_;
};

// P(D_n < d) by Durbin's matrix method as Marsaglia, Tsang & Wang evaluate it:
// with n d = k - h (k integer, 0 <= h < 1), the CDF is n!/n^n times entry
// (k, k) of H^n for an explicit (2k-1) x (2k-1) matrix H.
double DurbinCdf(int64_t n, double d) {
  if (d >= 1.0) return 1.0;
  const double nd = static_cast<double>(n) * d;
  if (nd <= 0.5) return 0.0;
  const int k = static_cast<int>(std::ceil(nd));
  const double h = k - nd;
  const int m = 2 * k - 1;
  std::vector<double> first_column(m);  // (1 - h^j) / j!, j = 1..m (last entry patched)
  std::vector<double> inverse_fact(m);  // 1 / (j-1)!
  double fact = 1.0;
  for (int j = 1; j <= m; ++j) {
    inverse_fact[j - 1] = fact;
    fact /= j;
    first_column[j - 1] = (1.0 - std::pow(h, j)) * fact;
  }
  first_column[m - 1] = (1.0 + std::pow(std::max(2 * h - 1, 0.0), m) - 2 * std::pow(h, m)) * fact;
  SquareMatrix hm(m);
  for (int c = 1; c < m; ++c) {
    for (int r = c - 1; r < m; ++r) hm(r, c) = inverse_fact[r - c + 1];
  }
  for (int r = 0; r < m; ++r) hm(r, 0) = first_column[r];
  for (int c = 0; c < m; ++c) hm(m - 1, c) = first_column[m - 1 - c];

  SquareMatrix power = SquareMatrix::Identity(m);
  int64_t exponent = 0;    // power's true value is power * 2^exponent
  int64_t h_exponent = 0;  // likewise for hm
  for (int64_t rest = n; rest > 0; rest /= 2) {
    if (rest % 2 == 1) {
      power = power * hm;
      exponent += h_exponent;
    }
    if (rest == 1) break;
    hm = hm * hm;
    h_exponent *= 2;
    if (std::fabs(hm(k - 1, k - 1)) > kScaleUp) {
      hm.Scale(kScaleDown);
      h_exponent += kScaleBits;
    }
  }
  double p = power(k - 1, k - 1);
  const double nn = static_cast<double>(n);
  for (int64_t i = 1; i <= n; ++i) {  // times n!/n^n
    p = static_cast<double>(i) * p / nn;
    if (std::fabs(p) < kScaleDown) {
      p *= kScaleUp;
      exponent -= kScaleBits;
    }
  }
  return Clip01(std::ldexp(p, static_cast<int>(exponent)));
}

// Index bounds [lo, hi] of row i of Pomeranz's recursion (2n + 2 rows), for
// t = n d = ell + f with ceil_f = (f > 0), round_f = (f > 1/2).
struct RowBounds {
  int64_t lo;
  int64_t hi;
};

RowBounds PomeranzRow(int64_t i, int64_t n, int64_t ell, int64_t ceil_f, int64_t round_f) {
  int64_t lo;
  int64_t hi;
  if (i == 0) {
    lo = 1 - ell - ceil_f;
    hi = ell + ceil_f - 1;
  } else if (i % 2 == 1) {
    const int64_t q = (i + 1) / 2;
    if (q == n + 1) {
      lo = n - ell - ceil_f + 1;
      hi = n + ell + ceil_f - 1;
    } else {
      lo = q - ell - round_f;
      hi = q + ell + ceil_f - 2;
    }
  } else {
    const int64_t q = i / 2;
    lo = q - ell;
    hi = q + ell + round_f - 1;
  }
  return {std::max<int64_t>(lo, 0), std::min(hi, n)};
}

// P(D_n < d) by Pomeranz's recursion: the boundary points A_1 <= ... <= A_2n+2
// cut [0, n] into pieces of length g, 2g or 1 - 2g (g = min(f, 1 - f));
// each row convolves the previous one with the Poisson weights
// (len/n)^m / m! of its piece, and the CDF is n! times the last row at n.
double PomeranzCdf(int64_t n, double d) {
  const double t = static_cast<double>(n) * d;
  const int64_t ell = static_cast<int64_t>(std::floor(t));
  const double f = t - static_cast<double>(ell);
  const double g = std::min(f, 1.0 - f);
  const int64_t ceil_f = f > 0 ? 1 : 0;
  const int64_t round_f = f > 0.5 ? 1 : 0;
  const size_t width = static_cast<size_t>(2 * (ell + 1));
  const double nn = static_cast<double>(n);
  // weights[kind][m] = (len / n)^m / m! for len = g, 2g, 1 - 2g.
  std::vector<double> weights[3];
  const double lens[3] = {g / nn, 2 * g / nn, (1 - 2 * g) / nn};
  for (int kind = 0; kind < 3; ++kind) {
    weights[kind].resize(width);
    weights[kind][0] = 1.0;
    for (size_t m = 1; m < width; ++m) {
      weights[kind][m] = weights[kind][m - 1] * lens[kind] / static_cast<double>(m);
    }
  }
  // Row values for j in [bounds.lo, bounds.hi], stored from offset 0.
  std::vector<double> prev(width, 0.0);
  std::vector<double> row(width, 0.0);
  row[0] = 1.0;
  RowBounds bounds = PomeranzRow(0, n, ell, ceil_f, round_f);
  int64_t exponent = 0;
  for (int64_t i = 1; i <= 2 * n + 1; ++i) {
    std::swap(prev, row);
    std::fill(row.begin(), row.end(), 0.0);
    const int64_t prev_lo = bounds.lo;
    bounds = PomeranzRow(i, n, ell, ceil_f, round_f);
    if (bounds.hi < prev_lo) return 0.0;  // an empty row: no path survives
    const std::vector<double>& w =
        (i == 1 || i == 2 * n + 1) ? weights[0] : weights[i % 2 == 1 ? 1 : 2];
    double row_max = 0;
    for (int64_t j = bounds.lo; j <= bounds.hi; ++j) {
      double sum = 0;
      for (int64_t k = prev_lo; k <= j; ++k) sum += prev[k - prev_lo] * w[j - k];
      row[j - bounds.lo] = sum;
      row_max = std::max(row_max, sum);
    }
    if (row_max > 0 && row_max < kScaleDown) {
      for (double& x : row) x *= kScaleUp;
      exponent -= kScaleBits;
    }
  }
  double p = row[n - bounds.lo];
  for (int64_t m = 1; m <= n; ++m) {  // times n!
    if (std::fabs(p) > kScaleUp) {
      p *= kScaleDown;
      exponent += kScaleBits;
    }
    p *= static_cast<double>(m);
  }
  return Clip01(std::ldexp(p, static_cast<int>(exponent)));
}

// The Pelz–Good asymptotic series for P(D_n <= d): the Li-Chien/Korolyuk
// expansion K0(z) + K1(z)/sqrt(n) + K2(z)/n + K3(z)/n^1.5 (z = d sqrt(n)),
// each K rewritten through Jacobi's theta transformation into series in
// q = exp(-pi^2 / (8 z^2)) that converge fast for small z.
double PelzGoodCdf(int64_t n, double d) {
  if (d <= 0.0) return 0.0;
  if (d >= 1.0) return 1.0;
  constexpr double kPi = std::numbers::pi;
  const double pi2 = kPi * kPi;
  const double pi4 = std::pow(kPi, 4);
  const double pi6 = std::pow(kPi, 6);
  const double sqrt_2pi = std::sqrt(2 * kPi);
  const double nn = static_cast<double>(n);
  const double z = std::sqrt(nn) * d;
  const double z2 = z * z;
  const double z3 = std::pow(z, 3);
  const double z4 = std::pow(z, 4);
  const double z6 = std::pow(z, 6);
  const double log_q = -pi2 / 8 / z2;
  if (log_q < -708) return 0.0;
  const double q = std::exp(log_q);

  const double k1a = -z2;
  const double k1b = pi2 / 4;
  const double k2a = 6 * z6 + 2 * z4;
  const double k2b = (2 * z4 - 5 * z2) * pi2 / 4;
  const double k2c = pi4 * (1 - 2 * z2) / 16;
  const double k3d = pi6 * (5 - 30 * z2) / 64;
  const double k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
  const double k3b = pi2 * (135 * z4 - 96 * z6) / 4;
  const double k3a = -30 * z6 - 90 * std::pow(z, 8);

  // Sums over odd m = 2k - 1 of c_i(m) q^(m^2), by Horner's rule in q^(8k).
  double terms[4] = {0, 0, 0, 0};
  const int64_t max_k = static_cast<int64_t>(std::ceil(16 * z / kPi));
  for (int64_t k = max_k; k >= 1; --k) {
    const double m = static_cast<double>(2 * k - 1);
    const double m2 = m * m;
    const double m4 = std::pow(m, 4);
    const double m6 = std::pow(m, 6);
    const double q_power = std::pow(q, static_cast<double>(8 * k));
    const double coeffs[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                              k3a + k3b * m2 + k3c * m4 + k3d * m6};
    for (int i = 0; i < 4; ++i) terms[i] = terms[i] * q_power + coeffs[i];
  }
  const double divisors[4] = {z, 6 * z4, 72 * std::pow(z, 7), 6480 * std::pow(z, 10)};
  for (int i = 0; i < 4; ++i) terms[i] = terms[i] * q * sqrt_2pi / divisors[i];

  // The sums over all k >= 1 in K2 and K3, in q' = exp(-pi^2 / (2 z^2)).
  const double q_all = std::exp(-pi2 / 2 / z2);
  const double sqrt3_z = std::sqrt(3.0) * z;
  double k2_extra = 0;
  double k3_extra = 0;
  for (int64_t k = max_k; k >= 1; --k) {
    const double kk = static_cast<double>(k);
    const double q_k2 = std::pow(q_all, kk * kk);
    const double k_pi = kPi * kk;
    k2_extra += kk * kk * q_k2;
    k3_extra += (sqrt3_z + k_pi) * (sqrt3_z - k_pi) * kk * kk * q_k2;
  }
  terms[2] += k2_extra * (pi2 * sqrt_2pi / (-36 * z3));
  terms[3] += k3_extra * (pi2 * sqrt_2pi / (216 * z6));
  double cdf = 0;
  for (int i = 0; i < 4; ++i) cdf += terms[i] / std::pow(nn, i / 2.0);
  return cdf;
}

double Sf(int64_t n, double d, bool asymptotic) {
  if (n < 1 || std::isnan(d)) return std::numeric_limits<double>::quiet_NaN();
  if (d >= 1.0) return 0.0;
  if (d <= 0.0) return 1.0;
  const double nn = static_cast<double>(n);
  const double t = nn * d;
  if (t <= 1.0) {  // Ruben–Gambino: 1/(2n) < d <= 1/n
    if (t <= 0.5) return 1.0;
    double cdf;
    if (n <= 140) {
      cdf = 1.0;
      for (int64_t i = 1; i <= n; ++i) cdf *= static_cast<double>(i) * (1.0 / nn) * (2 * t - 1);
    } else {
      cdf = std::exp(LogFactorialOverPower(n) + nn * std::log(2 * t - 1));
    }
    return Clip01(1.0 - cdf);
  }
  if (t >= nn - 1) return Clip01(2 * std::pow(1.0 - d, nn));  // Ruben–Gambino
  if (d >= 0.5) return Clip01(2 * SmirnovSf(n, d));
  const double nd2 = t * d;
  if (n <= 140) {
    if (nd2 <= 0.754693) return Clip01(1.0 - DurbinCdf(n, d));
    if (nd2 <= 4) return Clip01(1.0 - PomeranzCdf(n, d));
    return Clip01(2 * SmirnovSf(n, d));  // Miller's approximation
  }
  if (nd2 >= 370.0) return 0.0;
  if (nd2 >= 2.2) return Clip01(2 * (asymptotic ? SmirnovSfAsymptotic(n, d) : SmirnovSf(n, d)));
  const bool durbin = !asymptotic && n <= 100000 && nn * std::pow(d, 1.5) <= 1.4;
  return Clip01(1.0 - Clip01(durbin ? DurbinCdf(n, d) : PelzGoodCdf(n, d)));
}

}  // namespace

double KolmogorovSf(int64_t n, double d) { return Sf(n, d, false); }

double KolmogorovSfAsymptotic(int64_t n, double d) { return Sf(n, d, true); }

}  // namespace lakewatch::monitor::stats
