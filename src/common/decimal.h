// Unscaled-decimal arithmetic on __int128: a DECIMAL(p, s) value v stands
// for v / 10^s with |v| < 10^p, p <= 38. Every helper here is free of
// signed overflow for any input (the int128 range is only ~1.7 * 10^38, so
// "multiply by a power of ten" and "double the remainder" both need care);
// callers turn a reported overflow into NULL, as Spark's non-ANSI mode does.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

namespace lakewatch {

inline constexpr int kMaxDecimalDigits = 38;

// 10^n. REQUIRES: 0 <= n <= 38.
inline __int128 Pow10(int n) {
  static constexpr auto kTable = [] {
    struct T {
      __int128 v[kMaxDecimalDigits + 1];
    } t{};
    __int128 p = 1;
    for (int i = 0; i <= kMaxDecimalDigits; ++i) {
      t.v[i] = p;
      if (i < kMaxDecimalDigits) p *= 10;
    }
    return t;
  }();
  return kTable.v[n];
}

// v * 10^n for n >= 0; false (and *out untouched) when it does not fit.
inline bool ScaleUp(__int128 v, int n, __int128* out) {
  if (v == 0) {
    *out = 0;
    return true;
  }
  if (n > kMaxDecimalDigits) return false;
  return !__builtin_mul_overflow(v, Pow10(n), out);
}

// |r| * 2 >= d for 0 <= |r| < d, without forming 2 * |r|.
inline bool HalfOrMore(__int128 r, __int128 d) {
  __int128 a = r < 0 ? -r : r;
  return a >= d - a;
}

// v / 10^n for n >= 0, rounded half away from zero (Spark's HALF_UP).
// Any n: past 38 digits every int128 rounds to 0.
inline __int128 ScaleDownHalfUp(__int128 v, int n) {
  if (n <= 0) return v;
  if (n > kMaxDecimalDigits) return 0;
  __int128 d = Pow10(n), q = v / d, r = v % d;
  if (r != 0 && HalfOrMore(r, d)) q += v < 0 ? -1 : 1;
  return q;
}

// v / 10^n for n >= 0, truncated toward zero.
inline __int128 ScaleDownTruncate(__int128 v, int n) {
  if (n <= 0) return v;
  if (n > kMaxDecimalDigits) return 0;
  return v / Pow10(n);
}

// Moves v from scale `from` to scale `to` (rounding half up when the scale
// shrinks); false when the result does not fit an int128.
inline bool Rescale(__int128 v, int from, int to, __int128* out) {
  if (to >= from) return ScaleUp(v, to - from, out);
  *out = ScaleDownHalfUp(v, from - to);
  return true;
}

// Whether v fits DECIMAL(precision, *): |v| < 10^precision.
inline bool FitsPrecision(__int128 v, int precision) {
  return precision >= kMaxDecimalDigits + 1 || (v < Pow10(precision) && v > -Pow10(precision));
}

// Compares a / 10^sa with b / 10^sb exactly: -1, 0 or 1.
inline int CompareDecimals(__int128 a, int sa, __int128 b, int sb) {
  // Bring the smaller scale up to the larger; if that overflows, the scaled
  // side's magnitude exceeds anything the other side can hold.
  if (sa < sb) {
    __int128 x;
    if (!ScaleUp(a, sb - sa, &x)) return a < 0 ? -1 : 1;
    a = x;
  } else if (sb < sa) {
    __int128 y;
    if (!ScaleUp(b, sa - sb, &y)) return b < 0 ? 1 : -1;
    b = y;
  }
  return a < b ? -1 : (b < a ? 1 : 0);
}

// ---- exact arithmetic (Spark computes with BigDecimal and rounds the exact
// result half up to the result scale). Each fast path stays in int128; when
// an intermediate would overflow, a 256-bit one takes over, so
// DECIMAL(38,18) * DECIMAL(38,18) is exact rather than NULL. All return
// false when the result does not fit an int128 (or on division by zero);
// the caller then checks the result precision.

namespace decimal_detail {
bool AddWide(__int128 x, int sx, __int128 y, int sy, int s, __int128* out);
bool MulWide(__int128 x, __int128 y, int k, __int128* out);
bool DivWide(__int128 x, __int128 y, int k, __int128* out);
bool RemWide(__int128 x, int sx, __int128 y, int sy, int s, __int128* out);
}  // namespace decimal_detail

// x / 10^sx + y / 10^sy at scale s.
inline bool DecimalAdd(__int128 x, int sx, __int128 y, int sy, int s, __int128* out) {
  int sc = sx > sy ? sx : sy;
  __int128 xa, ya, r;
  if (ScaleUp(x, sc - sx, &xa) && ScaleUp(y, sc - sy, &ya) && !__builtin_add_overflow(xa, ya, &r)) {
    return Rescale(r, sc, s, out);
  }
  return decimal_detail::AddWide(x, sx, y, sy, s, out);
}

// x * y / 10^k: the product of values at scales sx and sy lands at sx + sy;
// k = sx + sy - s brings it to the result scale s (k < 0 scales up).
inline bool DecimalMul(__int128 x, __int128 y, int k, __int128* out) {
  __int128 r;
  if (!__builtin_mul_overflow(x, y, &r)) {
    if (k >= 0) {
      *out = ScaleDownHalfUp(r, k);
      return true;
    }
    return ScaleUp(r, -k, out);
  }
  return decimal_detail::MulWide(x, y, k, out);
}

// x * 10^k / y rounded half up: x at scale sx divided by y at scale sy lands
// at scale s with k = s - sx + sy (k < 0 scales y up instead).
inline bool DecimalDiv(__int128 x, __int128 y, int k, __int128* out) {
  if (y == 0) return false;
  __int128 num;
  if (k >= 0 && ScaleUp(x, k, &num)) {
    __int128 q = num / y, r = num % y;
    if (r != 0 && HalfOrMore(r, y < 0 ? -y : y)) q += (num < 0) != (y < 0) ? -1 : 1;
    *out = q;
    return true;
  }
  return decimal_detail::DivWide(x, y, k, out);
}

// x / 10^sx modulo y / 10^sy (sign of x, as Java's BigDecimal.remainder) at scale s.
inline bool DecimalRem(__int128 x, int sx, __int128 y, int sy, int s, __int128* out) {
  if (y == 0) return false;
  int sc = sx > sy ? sx : sy;
  __int128 xa, ya;
  if (ScaleUp(x, sc - sx, &xa) && ScaleUp(y, sc - sy, &ya)) return Rescale(xa % ya, sc, s, out);
  return decimal_detail::RemWide(x, sx, y, sy, s, out);
}

}  // namespace lakewatch
