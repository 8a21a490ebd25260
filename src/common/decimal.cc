#include "common/decimal.h"

namespace lakewatch::decimal_detail {

namespace {

using u128 = unsigned __int128;

// An unsigned 256-bit magnitude, little-endian 64-bit limbs. Decimal
// operands are below 10^38 < 2^127, so products and operands scaled by up
// to 10^38 fit (10^76 < 2^256).
struct U256 {
  uint64_t w[4] = {0, 0, 0, 0};
};

U256 From128(u128 v) {
  U256 r;
  r.w[0] = static_cast<uint64_t>(v);
  r.w[1] = static_cast<uint64_t>(v >> 64);
  return r;
}

u128 Magnitude(__int128 v) { return v < 0 ? -static_cast<u128>(v) : static_cast<u128>(v); }

int Compare(const U256& a, const U256& b) {
  for (int i = 3; i >= 0; --i) {
    if (a.w[i] != b.w[i]) return a.w[i] < b.w[i] ? -1 : 1;
  }
  return 0;
}

bool IsZero(const U256& a) { return (a.w[0] | a.w[1] | a.w[2] | a.w[3]) == 0; }

// a += b; returns the carry out.
bool AddTo(U256* a, const U256& b) {
  u128 carry = 0;
  for (int i = 0; i < 4; ++i) {
    u128 t = static_cast<u128>(a->w[i]) + b.w[i] + carry;
    a->w[i] = static_cast<uint64_t>(t);
    carry = t >> 64;
  }
  return carry != 0;
}

// a -= b. REQUIRES: a >= b (or a wrapped value whose true value is).
void SubFrom(U256* a, const U256& b) {
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    u128 t = static_cast<u128>(a->w[i]) - b.w[i] - borrow;
    a->w[i] = static_cast<uint64_t>(t);
    borrow = static_cast<uint64_t>(t >> 64) & 1;
  }
}

// a *= m; false when the product leaves 256 bits.
bool MulSmall(U256* a, uint64_t m) {
  u128 carry = 0;
  for (int i = 0; i < 4; ++i) {
    u128 t = static_cast<u128>(a->w[i]) * m + carry;
    a->w[i] = static_cast<uint64_t>(t);
    carry = t >> 64;
  }
  return carry == 0;
}

// a *= 10^n; false when the product leaves 256 bits.
bool MulPow10(U256* a, int n) {
  for (; n > 0; n -= 19) {
    if (!MulSmall(a, static_cast<uint64_t>(Pow10(n < 19 ? n : 19)))) return false;
  }
  return true;
}

// a /= d (d > 0); returns the remainder.
uint64_t DivSmall(U256* a, uint64_t d) {
  u128 rem = 0;
  for (int i = 3; i >= 0; --i) {
    u128 cur = (rem << 64) | a->w[i];
    a->w[i] = static_cast<uint64_t>(cur / d);
    rem = cur % d;
  }
  return static_cast<uint64_t>(rem);
}

// a / 10^n rounded half up. Dividing in steps of at most 10^19, only the
// last step's remainder decides the rounding: with D = D' * d (d even),
// the total remainder r * D' + r' (r' < D') is >= D / 2 exactly when r >= d / 2.
U256 DivPow10HalfUp(U256 a, int n) {
  bool up = false;
  for (; n > 0; n -= 19) {
    uint64_t d = static_cast<uint64_t>(Pow10(n < 19 ? n : 19));
    uint64_t r = DivSmall(&a, d);
    up = r >= d - r;
  }
  if (up) AddTo(&a, From128(1));
  return a;
}

// q = n / d, r = n % d by binary long division (the wide path is rare).
void DivMod(const U256& n, const U256& d, U256* q, U256* r) {
  *q = U256{};
  *r = U256{};
  for (int bit = 255; bit >= 0; --bit) {
    bool carry = (r->w[3] >> 63) != 0;
    for (int i = 3; i > 0; --i) r->w[i] = (r->w[i] << 1) | (r->w[i - 1] >> 63);
    r->w[0] = (r->w[0] << 1) | ((n.w[bit / 64] >> (bit % 64)) & 1);
    if (carry || Compare(*r, d) >= 0) {
      SubFrom(r, d);
      q->w[bit / 64] |= uint64_t{1} << (bit % 64);
    }
  }
}

// Signs a magnitude back into an int128; false when it does not fit.
bool ToSigned(const U256& m, bool negative, __int128* out) {
  if (m.w[2] != 0 || m.w[3] != 0) return false;
  u128 v = (static_cast<u128>(m.w[1]) << 64) | m.w[0];
  if (v >> 127) return false;
  *out = negative ? -static_cast<__int128>(v) : static_cast<__int128>(v);
  return true;
}

// A value scaled up to a common scale: sign and 256-bit magnitude.
struct Wide {
  bool negative;
  U256 mag;
};

bool ScaleWide(__int128 v, int up, Wide* out) {
  out->negative = v < 0;
  out->mag = From128(Magnitude(v));
  return MulPow10(&out->mag, up);
}

// Brings a wide value from scale `from` to `to` and into an int128.
bool Finish(const Wide& v, int from, int to, __int128* out) {
  U256 m = v.mag;
  if (to < from) {
    m = DivPow10HalfUp(m, from - to);
  } else if (!MulPow10(&m, to - from)) {
    return false;
  }
  return ToSigned(m, v.negative, out);
}

}  // namespace

bool AddWide(__int128 x, int sx, __int128 y, int sy, int s, __int128* out) {
  int sc = sx > sy ? sx : sy;
  Wide a, b;
  if (!ScaleWide(x, sc - sx, &a) || !ScaleWide(y, sc - sy, &b)) return false;
  Wide sum;
  if (a.negative == b.negative) {
    sum = a;
    if (AddTo(&sum.mag, b.mag)) return false;
  } else if (Compare(a.mag, b.mag) >= 0) {
    sum = a;
    SubFrom(&sum.mag, b.mag);
  } else {
    sum = b;
    SubFrom(&sum.mag, a.mag);
  }
  return Finish(sum, sc, s, out);
}

bool MulWide(__int128 x, __int128 y, int k, __int128* out) {
  u128 a = Magnitude(x), b = Magnitude(y);
  uint64_t a0 = static_cast<uint64_t>(a), a1 = static_cast<uint64_t>(a >> 64);
  uint64_t b0 = static_cast<uint64_t>(b), b1 = static_cast<uint64_t>(b >> 64);
  u128 p00 = static_cast<u128>(a0) * b0, p01 = static_cast<u128>(a0) * b1;
  u128 p10 = static_cast<u128>(a1) * b0, p11 = static_cast<u128>(a1) * b1;
  Wide p{(x < 0) != (y < 0), U256{}};
  u128 mid = (p00 >> 64) + static_cast<uint64_t>(p01) + static_cast<uint64_t>(p10);
  u128 high = (mid >> 64) + (p01 >> 64) + (p10 >> 64) + static_cast<uint64_t>(p11);
  p.mag.w[0] = static_cast<uint64_t>(p00);
  p.mag.w[1] = static_cast<uint64_t>(mid);
  p.mag.w[2] = static_cast<uint64_t>(high);
  p.mag.w[3] = static_cast<uint64_t>((high >> 64) + (p11 >> 64));
  return Finish(p, k, 0, out);
}

bool DivWide(__int128 x, __int128 y, int k, __int128* out) {
  if (y == 0) return false;
  Wide num{}, den{};
  // x * 10^k / y; a negative k scales y up instead.
  if (!ScaleWide(x, k > 0 ? k : 0, &num)) return false;  // quotient >= 2^256 / 2^127: too big
  if (!ScaleWide(y, k < 0 ? -k : 0, &den)) {
    *out = 0;  // |y| * 10^-k >= 2^256 > 2 |x|: rounds to 0
    return true;
  }
  U256 q, r;
  DivMod(num.mag, den.mag, &q, &r);
  U256 rest = den.mag;  // r >= den - r  <=>  r * 2 >= den
  SubFrom(&rest, r);
  if (!IsZero(r) && Compare(r, rest) >= 0) AddTo(&q, From128(1));
  return ToSigned(q, num.negative != den.negative, out);
}

bool RemWide(__int128 x, int sx, __int128 y, int sy, int s, __int128* out) {
  if (y == 0) return false;
  int sc = sx > sy ? sx : sy;
  Wide a, b;
  if (!ScaleWide(x, sc - sx, &a) || !ScaleWide(y, sc - sy, &b)) return false;
  Wide r{a.negative, U256{}};
  U256 q;
  DivMod(a.mag, b.mag, &q, &r.mag);
  return Finish(r, sc, s, out);
}

}  // namespace lakewatch::decimal_detail
