#include "common/decimal.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace lakewatch {
namespace {

std::string Str(__int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 m =
      neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string s;
  while (m != 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  }
  return neg ? "-" + s : s;
}

constexpr __int128 kMaxI128 = static_cast<__int128>((~static_cast<unsigned __int128>(0)) >> 1);

TEST(DecimalTest, PowersOfTenCoverTheDecimalRange) {
  EXPECT_EQ(Str(Pow10(0)), "1");
  EXPECT_EQ(Str(Pow10(18)), "1000000000000000000");
  EXPECT_EQ(Str(Pow10(38)), "1" + std::string(38, '0'));
}

TEST(DecimalTest, ScalingNeverOverflowsSilently) {
  __int128 out = 7;
  EXPECT_TRUE(ScaleUp(0, 1000, &out));
  EXPECT_EQ(out, 0);
  EXPECT_FALSE(ScaleUp(1, 39, &out));
  EXPECT_TRUE(ScaleUp(1, 38, &out));
  EXPECT_EQ(out, Pow10(38));
  EXPECT_FALSE(ScaleUp(2, 38, &out));  // 2 * 10^38 > 2^127
  EXPECT_FALSE(ScaleUp(-Pow10(20), 19, &out));
  EXPECT_EQ(ScaleDownHalfUp(kMaxI128, 39), 0);
  EXPECT_EQ(ScaleDownHalfUp(kMaxI128, 38), 2);  // 1.70...
  EXPECT_EQ(ScaleDownHalfUp(-kMaxI128, 38), -2);
  EXPECT_EQ(ScaleDownHalfUp(15, 1), 2);
  EXPECT_EQ(ScaleDownHalfUp(-15, 1), -2);
  EXPECT_EQ(ScaleDownHalfUp(14, 1), 1);
  // Remainder of 10^38 - 1 against a divisor of 10^38: doubling it would overflow.
  EXPECT_EQ(ScaleDownHalfUp(Pow10(38) - 1, 38), 1);
  EXPECT_EQ(ScaleDownHalfUp(Pow10(38) / 2 - 1, 38), 0);
  EXPECT_EQ(ScaleDownTruncate(-19, 1), -1);
  EXPECT_EQ(ScaleDownTruncate(Pow10(38), 100), 0);
  EXPECT_TRUE(FitsPrecision(Pow10(38) - 1, 38));
  EXPECT_FALSE(FitsPrecision(Pow10(38), 38));
  EXPECT_FALSE(FitsPrecision(-Pow10(5), 5));
}

TEST(DecimalTest, ComparesAcrossScalesWithoutOverflow) {
  EXPECT_EQ(CompareDecimals(15, 1, 150, 2), 0);
  EXPECT_EQ(CompareDecimals(1, 0, Pow10(38) - 1, 38), 1);  // 1 > 0.99...
  EXPECT_EQ(CompareDecimals(Pow10(37), 0, 1, 38), 1);      // scaling 10^37 by 10^38 overflows
  EXPECT_EQ(CompareDecimals(-Pow10(37), 0, 1, 38), -1);
  EXPECT_EQ(CompareDecimals(1, 38, -Pow10(37), 0), 1);
  EXPECT_EQ(CompareDecimals(1, 38, Pow10(37), 0), -1);
  EXPECT_EQ(CompareDecimals(-3, 0, -29, 1), -1);
}

TEST(DecimalTest, WideArithmeticIsExactWhereInt128Overflows) {
  __int128 r = 0;
  // 0.1 * 0.1 at DECIMAL(38,38): the product 10^74 is far past int128.
  ASSERT_TRUE(DecimalMul(Pow10(37), Pow10(37), 38 + 38 - 37, &r));
  EXPECT_EQ(Str(r), "1" + std::string(35, '0'));  // 0.01 at scale 37
  // 12345678901234567890.123456789012345678 * 2 (both DECIMAL(38,18)) at scale 6.
  __int128 x = 0;
  for (char c : std::string("12345678901234567890123456789012345678")) x = x * 10 + (c - '0');
  ASSERT_TRUE(DecimalMul(x, 2 * Pow10(18), 18 + 18 - 6, &r));
  EXPECT_EQ(Str(r), "24691357802469135780246914");
  ASSERT_TRUE(DecimalMul(-x, 2 * Pow10(18), 30, &r));
  EXPECT_EQ(Str(r), "-24691357802469135780246914");
  // A product that does not fit even after scaling down.
  EXPECT_FALSE(DecimalMul(x, x, 0, &r));
  // 10^37 * 10^39 / 1 is computed but does not fit.
  EXPECT_FALSE(DecimalDiv(Pow10(37), 1, 39, &r));
  ASSERT_TRUE(
      DecimalDiv(Pow10(27), 30, 12, &r));  // 10^39 overflows int128 before the division by 30
  EXPECT_EQ(Str(r), std::string(38, '3'));
  ASSERT_TRUE(DecimalDiv(2 * Pow10(27), -30, 12, &r));  // -6.66...7
  EXPECT_EQ(Str(r), "-" + std::string(37, '6') + "7");
  ASSERT_TRUE(DecimalDiv(Pow10(20), Pow10(37), -30, &r));  // 10^20 / 10^67 rounds to 0
  EXPECT_EQ(r, 0);
  ASSERT_TRUE(DecimalDiv(5, 1, -1, &r));  // 5 / 10 = 0.5 rounds half up
  EXPECT_EQ(r, 1);
  EXPECT_FALSE(DecimalDiv(5, 0, 0, &r));
  // 12345678901234567890 + 0.123... at scale 6: aligning to scale 38 needs 58 digits.
  ASSERT_TRUE(DecimalAdd(12345678901234567890ULL, 0, x, 38, 6, &r));
  EXPECT_EQ(Str(r), "12345678901234567890123457");
  ASSERT_TRUE(DecimalAdd(-Pow10(37), 0, 1, 38, 0, &r));
  EXPECT_EQ(r, -Pow10(37));
  // -70 % 0.3 = -0.1 (the sign of the dividend); -70 at scale 37 overflows int128.
  ASSERT_TRUE(DecimalRem(-70, 0, 3 * Pow10(36), 37, 37, &r));
  EXPECT_EQ(r, -Pow10(36));
  EXPECT_FALSE(DecimalRem(1, 0, 0, 5, 5, &r));
}

// The 256-bit paths agree with plain int128 arithmetic wherever that fits.
TEST(DecimalTest, WidePathsAgreeWithTheInt128PathsOnRandomValues) {
  std::mt19937_64 rng(42);
  auto value = [&](int digits) {
    std::uniform_int_distribution<int64_t> d(-999999999999999999LL, 999999999999999999LL);
    __int128 v = d(rng);
    if (digits > 18) v = v * Pow10(digits - 18) + d(rng) % Pow10(digits - 18);
    return v;
  };
  for (int i = 0; i < 20000; ++i) {
    int dx = 1 + static_cast<int>(rng() % 36), dy = 1 + static_cast<int>(rng() % 36);
    __int128 x = value(dx), y = value(dy);
    int sx = static_cast<int>(rng() % 20), sy = static_cast<int>(rng() % 20),
        s = static_cast<int>(rng() % 25);
    SCOPED_TRACE(Str(x) + " " + Str(y) + " sx=" + std::to_string(sx) + " sy=" + std::to_string(sy) +
                 " s=" + std::to_string(s));
    __int128 narrow = 0, wide = 0;
    int sc = std::max(sx, sy);
    __int128 xa, ya, sum;
    if (ScaleUp(x, sc - sx, &xa) && ScaleUp(y, sc - sy, &ya) &&
        !__builtin_add_overflow(xa, ya, &sum) && Rescale(sum, sc, s, &narrow)) {
      ASSERT_TRUE(decimal_detail::AddWide(x, sx, y, sy, s, &wide));
      ASSERT_EQ(Str(wide), Str(narrow));
      if (y != 0) {
        bool fits = Rescale(xa % ya, sc, s, &narrow);
        ASSERT_EQ(decimal_detail::RemWide(x, sx, y, sy, s, &wide), fits);
        if (fits) {
          ASSERT_EQ(Str(wide), Str(narrow));
        }
      }
    }
    __int128 prod;
    int k = sx + sy - s;
    if (!__builtin_mul_overflow(x, y, &prod) && k >= 0) {
      ASSERT_TRUE(decimal_detail::MulWide(x, y, k, &wide));
      ASSERT_EQ(Str(wide), Str(ScaleDownHalfUp(prod, k)));
    }
    int kd = static_cast<int>(rng() % 20);
    __int128 num;
    if (y != 0 && ScaleUp(x, kd, &num)) {
      ASSERT_TRUE(DecimalDiv(x, y, kd, &narrow));
      ASSERT_TRUE(decimal_detail::DivWide(x, y, kd, &wide));
      ASSERT_EQ(Str(wide), Str(narrow));
    }
  }
}

}  // namespace
}  // namespace lakewatch
