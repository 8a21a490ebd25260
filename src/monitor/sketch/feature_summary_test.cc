#include "monitor/sketch/feature_summary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "monitor/sketch/sketch_encoding.h"
#include "monitor/sketch/sketch_test_util.h"

namespace lakewatch::monitor::sketch {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct ExactMoments {
  double mean = 0, variance = 0, sum_sq = 0;
};

// Two-pass mean and population variance (ddof 0), the reference for Welford.
ExactMoments Moments(const std::vector<double>& v) {
  ExactMoments m;
  long double sum = 0;
  for (double x : v) sum += x;
  m.mean = static_cast<double>(sum / static_cast<long double>(v.size()));
  long double dev = 0, sq = 0;
  for (double x : v) {
    dev += (x - static_cast<long double>(m.mean)) * (x - static_cast<long double>(m.mean));
    sq += static_cast<long double>(x) * x;
  }
  m.variance = static_cast<double>(dev / static_cast<long double>(v.size()));
  m.sum_sq = static_cast<double>(sq);
  return m;
}

std::vector<double> Normal(size_t n, double mean, double sd, uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> d(mean, sd);
  std::vector<double> v(n);
  for (double& x : v) x = d(gen);
  return v;
}

void ExpectMomentsNear(const FeatureSummary& s, const std::vector<double>& finite) {
  ExactMoments m = Moments(finite);
  ASSERT_EQ(s.count(), finite.size());
  EXPECT_NEAR(s.mean(), m.mean, 1e-12 * (std::fabs(m.mean) + std::sqrt(m.variance)));
  EXPECT_NEAR(s.variance(), m.variance, 1e-9 * m.variance);
  EXPECT_NEAR(s.sum(), m.mean * static_cast<double>(finite.size()),
              1e-9 * std::fabs(m.mean) * static_cast<double>(finite.size()));
  EXPECT_NEAR(s.sum_of_squares(), m.sum_sq, 1e-9 * m.sum_sq);
  EXPECT_EQ(s.min(), *std::min_element(finite.begin(), finite.end()));
  EXPECT_EQ(s.max(), *std::max_element(finite.begin(), finite.end()));
}

TEST(FeatureSummary, EmptySummaries) {
  for (FeatureSummary s : {FeatureSummary::Numeric(), FeatureSummary::Categorical()}) {
    EXPECT_EQ(s.count(), 0u);
    EXPECT_EQ(s.missing_rate(), 0.0);
    auto back = FeatureSummary::Deserialize(s.Serialize());
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->kind(), s.kind());
    EXPECT_EQ(back->count(), 0u);
    EXPECT_EQ(back->Serialize(), s.Serialize());
  }
  FeatureSummary n = FeatureSummary::Numeric();
  EXPECT_EQ(n.variance(), 0.0);
  EXPECT_TRUE(n.value_counts().has_value());
  EXPECT_TRUE(n.value_counts()->empty());
  EXPECT_EQ(FeatureSummary::Categorical().distinct_count(), 0.0);
}

TEST(FeatureSummary, NumericFiguresMissingAndInfinite) {
  std::vector<double> v = Normal(50000, 3, 2, 1);
  FeatureSummary s = FeatureSummary::Numeric();
  for (size_t i = 0; i < v.size(); ++i) {
    s.AddNumber(v[i]);
    if (i % 100 == 0) s.AddNumber(std::nan(""));
    if (i % 1000 == 0) s.AddNumber(i % 2000 ? kInf : -kInf);
  }
  s.AddMissing(10);
  ExpectMomentsNear(s, v);
  EXPECT_EQ(s.missing_count(), 510u);
  EXPECT_EQ(s.infinite_count(), 50u);
  EXPECT_DOUBLE_EQ(s.missing_rate(), 510.0 / (50000 + 510 + 50));
  EXPECT_FALSE(s.value_counts().has_value());
  EXPECT_EQ(s.quantiles().n(), v.size());
}

// AddNumbers is AddNumber on each value: the same counts, moments (to
// rounding), tracked values and quantiles within the KLL bound.
TEST(FeatureSummary, AddNumbersEqualsAddNumber) {
  for (int shape = 0; shape < 3; ++shape) {
    std::vector<double> v = Normal(30000, 1.7e9 * (shape == 1), 2, 20 + shape);
    if (shape == 2) {
      for (double& x : v) x = std::round(x);  // few distinct values: tracked
    }
    for (size_t i = 0; i < v.size(); i += 97) v[i] = i % 2 ? std::nan("") : kInf;
    FeatureSummary one = FeatureSummary::Numeric();
    for (double x : v) one.AddNumber(x);
    FeatureSummary batch = FeatureSummary::Numeric();
    batch.AddNumbers(std::span<const double>(v).first(5000));
    batch.AddNumbers(std::span<const double>(v).subspan(5000));
    EXPECT_EQ(batch.count(), one.count());
    EXPECT_EQ(batch.missing_count(), one.missing_count());
    EXPECT_EQ(batch.infinite_count(), one.infinite_count());
    EXPECT_NEAR(batch.mean(), one.mean(), 1e-14 * std::max(1.0, std::fabs(one.mean())));
    std::vector<double> finite;
    for (double x : v) {
      if (std::isfinite(x)) finite.push_back(x);
    }
    const ExactMoments m = Moments(finite);  // (two-pass per block: closer than Welford here)
    EXPECT_NEAR(batch.variance(), m.variance, 1e-9 * m.variance);
    EXPECT_EQ(batch.min(), one.min());
    EXPECT_EQ(batch.max(), one.max());
    ASSERT_EQ(batch.value_counts().has_value(), shape == 2);
    if (shape == 2) {
      auto a = *batch.value_counts(), b = *one.value_counts();
      ASSERT_EQ(a.size(), b.size());
      for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].value, b[i].value);
        EXPECT_EQ(a[i].count, b[i].count);
      }
    }
  }
  // Values near DBL_MAX: a block whose sum overflows keeps a finite mean.
  FeatureSummary big = FeatureSummary::Numeric();
  std::vector<double> huge(100, std::numeric_limits<double>::max());
  big.AddNumbers(huge);
  EXPECT_DOUBLE_EQ(big.mean(), std::numeric_limits<double>::max());
}

// Welford's moments keep the variance where sum and sum of squares would
// cancel: values near 1.7e9 (epoch seconds) with unit spread.
TEST(FeatureSummary, VarianceAccurateAtLargeOffsets) {
  std::vector<double> all;
  FeatureSummary merged = FeatureSummary::Numeric();
  for (uint64_t part = 0; part < 8; ++part) {
    std::vector<double> v = Normal(20000, 1.7e9, 1, 10 + part);
    FeatureSummary s = FeatureSummary::Numeric();
    for (double x : v) s.AddNumber(x);
    ASSERT_TRUE(merged.Merge(s).ok());
    all.insert(all.end(), v.begin(), v.end());
  }
  ExactMoments m = Moments(all);
  EXPECT_NEAR(merged.variance(), m.variance, 1e-6 * m.variance);
  EXPECT_NEAR(merged.mean(), m.mean, 1e-14 * m.mean);  // a few ulps
}

TEST(FeatureSummary, ValueCountsTrackedUpTo32Distinct) {
  FeatureSummary a = FeatureSummary::Numeric(), b = FeatureSummary::Numeric();
  std::map<double, uint64_t> exact;
  for (int i = 0; i < 1000; ++i) {
    double x = i % 20;
    a.AddNumber(x);
    ++exact[x];
  }
  a.AddNumber(-0.0);  // the same value as 0.0
  ++exact[0.0];
  auto counts = a.value_counts();
  ASSERT_TRUE(counts.has_value());
  ASSERT_EQ(counts->size(), exact.size());
  size_t i = 0;
  for (const auto& [value, count] : exact) {
    EXPECT_EQ((*counts)[i].value, value);
    EXPECT_EQ((*counts)[i].count, count);
    ++i;
  }
  for (int j = 0; j < 12; ++j) b.AddNumber(100 + j);
  FeatureSummary ab = a;
  ASSERT_TRUE(ab.Merge(b).ok());
  ASSERT_TRUE(ab.value_counts().has_value());
  EXPECT_EQ(ab.value_counts()->size(), 32u);
  b.AddNumber(1000);  // 33 distinct once merged
  ASSERT_TRUE(a.Merge(b).ok());
  EXPECT_FALSE(a.value_counts().has_value());
  FeatureSummary c = FeatureSummary::Numeric();
  for (int j = 0; j < 33; ++j) c.AddNumber(j);
  EXPECT_FALSE(c.value_counts().has_value());
}

// Twenty-four hourly summaries merged equal (moments, counts) or approximate
// within the sketches' bounds (quantiles, distinct count) one summary of the day.
TEST(FeatureSummary, HourlySummariesMergeIntoTheDay) {
  FeatureSummary day_num = FeatureSummary::Numeric();
  FeatureSummary day_cat = FeatureSummary::Categorical();
  std::vector<double> all;
  std::map<std::string, uint64_t> exact_cat;
  std::mt19937_64 gen(5);
  for (uint64_t hour = 0; hour < 24; ++hour) {
    FeatureSummary num = FeatureSummary::Numeric();
    FeatureSummary cat = FeatureSummary::Categorical();
    std::vector<double> v = Normal(5000 + 100 * hour, static_cast<double>(hour), 3, 100 + hour);
    for (double x : v) num.AddNumber(x);
    num.AddMissing(hour);
    all.insert(all.end(), v.begin(), v.end());
    std::uniform_int_distribution<int> pick(0, 299 + static_cast<int>(hour) * 10);
    for (int i = 0; i < 3000; ++i) {
      std::string c = "c" + std::to_string(pick(gen));
      cat.AddCategory(c);
      ++exact_cat[c];
    }
    cat.AddMissing(1);
    // Through bytes, as the monitor stores them.
    auto num_back = FeatureSummary::Deserialize(num.Serialize());
    auto cat_back = FeatureSummary::Deserialize(cat.Serialize());
    ASSERT_TRUE(num_back.ok() && cat_back.ok());
    ASSERT_TRUE(day_num.Merge(*num_back).ok());
    ASSERT_TRUE(day_cat.Merge(*cat_back).ok());
  }
  ExpectMomentsNear(day_num, all);
  EXPECT_EQ(day_num.missing_count(), 23u * 24 / 2);
  std::sort(all.begin(), all.end());
  EXPECT_LT(testing::MaxRankError(day_num.quantiles().SortedView(), all),
            KllSketch::NormalizedRankError(day_num.quantiles().k()));

  EXPECT_EQ(day_cat.count(), 24u * 3000);
  EXPECT_EQ(day_cat.missing_count(), 24u);
  ASSERT_TRUE(day_cat.items().exact());  // 530 categories < 1024
  for (const auto& [c, count] : exact_cat) EXPECT_EQ(day_cat.items().LowerBound(c), count);
  EXPECT_EQ(day_cat.distinct_count(), static_cast<double>(exact_cat.size()));
  double hll = day_cat.distinct_sketch().Estimate();
  double n = static_cast<double>(exact_cat.size());
  EXPECT_NEAR(hll, n, 4 * HyperLogLog::RelativeStandardError(14) * n);
}

TEST(FeatureSummary, HighCardinalityCategoriesUseTheSketches) {
  SummaryOptions options;
  options.items_capacity = 64;
  FeatureSummary s = FeatureSummary::Categorical(options);
  for (int i = 0; i < 20000; ++i) s.AddCategory("id-" + std::to_string(i % 5000), 1 + i % 2);
  EXPECT_FALSE(s.items().exact());
  EXPECT_EQ(s.count(), 30000u);
  EXPECT_NEAR(s.distinct_count(), 5000, 5000 * 4 * HyperLogLog::RelativeStandardError(14));
}

TEST(FeatureSummary, MismatchedMergeRefusedAndLeavesTheSummaryUnchanged) {
  FeatureSummary num = FeatureSummary::Numeric();
  num.AddNumber(1);
  std::string before = num.Serialize();
  EXPECT_EQ(num.Merge(FeatureSummary::Categorical()).code(), StatusCode::kInvalidArgument);
  SummaryOptions small;
  small.kll_k = 100;
  FeatureSummary other = FeatureSummary::Numeric(small);
  other.AddNumber(2);
  Status st = num.Merge(other);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("kll k 100 into 200"), std::string::npos) << st.message();
  EXPECT_EQ(num.Serialize(), before);
  small.hll_precision = 12;
  FeatureSummary cat = FeatureSummary::Categorical();
  EXPECT_EQ(cat.Merge(FeatureSummary::Categorical(small)).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(num.Merge(num).ok());
  EXPECT_EQ(num.count(), 2u);
}

TEST(FeatureSummary, SerializationRoundTrip) {
  FeatureSummary num = FeatureSummary::Numeric();
  for (double x : Normal(30000, 0, 1, 3)) num.AddNumber(x);
  num.AddNumber(kInf);
  num.AddMissing(4);
  FeatureSummary cat = FeatureSummary::Categorical();
  for (int i = 0; i < 5000; ++i) cat.AddCategory(i % 7 ? "a" : "b" + std::to_string(i % 13));
  for (const FeatureSummary* s : {&num, &cat}) {
    std::string bytes = s->Serialize();
    auto back = FeatureSummary::Deserialize(bytes);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->Serialize(), bytes);
    EXPECT_EQ(back->count(), s->count());
    EXPECT_EQ(back->missing_count(), s->missing_count());
    EXPECT_EQ(back->infinite_count(), s->infinite_count());
  }
  auto back = FeatureSummary::Deserialize(num.Serialize());
  EXPECT_EQ(back->mean(), num.mean());
  EXPECT_EQ(back->variance(), num.variance());
  EXPECT_EQ(back->quantiles().Quantile(0.5), num.quantiles().Quantile(0.5));
}

TEST(FeatureSummary, CorruptBytesRejected) {
  auto deserialize = [](std::string_view b) { return FeatureSummary::Deserialize(b); };
  SummaryOptions small;
  small.kll_k = 8;
  small.items_capacity = 2;
  small.hll_precision = 4;
  FeatureSummary num = FeatureSummary::Numeric(small);
  for (double x : {1.5, 2.5, 1.5, -3.0}) num.AddNumber(x);
  num.AddMissing();
  testing::ExpectEveryCorruptionRejected(num.Serialize(), deserialize);
  FeatureSummary cat = FeatureSummary::Categorical(small);
  for (std::string c : {"x", "y", "x", "z"}) cat.AddCategory(c);
  testing::ExpectEveryCorruptionRejected(cat.Serialize(), deserialize);
}

TEST(FeatureSummary, MutatedPayloadsRefusedOrUsable) {
  SummaryOptions small;
  small.kll_k = 8;
  small.items_capacity = 2;
  small.hll_precision = 4;
  FeatureSummary num = FeatureSummary::Numeric(small);
  for (double x : {1.5, 2.5, 1.5, -3.0, 7.0, 8.0, 9.0, 1.5, 2.0, 3.0, 4.0}) num.AddNumber(x);
  FeatureSummary cat = FeatureSummary::Categorical(small);
  for (std::string c : {"x", "y", "x", "z"}) cat.AddCategory(c);
  for (const FeatureSummary* original : {&num, &cat}) {
    testing::ForEachResealedMutation(
        original->Serialize(), SketchKind::kFeatureSummary, 2000, [&](std::string b) {
          auto r = FeatureSummary::Deserialize(b);
          if (!r.ok()) {
            EXPECT_EQ(r.status().code(), StatusCode::kCorrupt) << r.status().ToString();
            return;
          }
          FeatureSummary s = *r;
          if (s.numeric()) {
            for (int i = 0; i < 40; ++i) s.AddNumber(i);
            (void)s.value_counts();
            EXPECT_GE(s.variance(), 0);
          } else {
            s.AddCategory("w", 3);
            EXPECT_GE(s.distinct_count(), 0);
          }
          FeatureSummary copy = s;
          Status merged = s.Merge(copy);
          EXPECT_TRUE(merged.ok()) << merged.ToString();
          EXPECT_TRUE(FeatureSummary::Deserialize(s.Serialize()).ok());
        });
  }
}

TEST(FeatureSummary, InvariantViolationsRejected) {
  KllSketch kll;
  kll.Update(1);
  kll.Update(2);
  auto numeric = [&](std::vector<std::pair<double, uint64_t>> values, const KllSketch& sketch) {
    ByteWriter w;
    w.U8(1);
    w.Varint(0);
    w.Varint(0);
    w.F64(1.5);
    w.F64(0.5);
    w.U8(1);
    w.Varint(values.size());
    for (const auto& [v, c] : values) {
      w.F64(v);
      w.Varint(c);
    }
    w.Bytes(sketch.Serialize());
    auto r = FeatureSummary::Deserialize(std::move(w).Seal(SketchKind::kFeatureSummary));
    return r.ok() ? std::string("ok") : r.status().message();
  };
  EXPECT_EQ(numeric({{1, 1}, {2, 1}}, kll), "ok");
  EXPECT_NE(numeric({{1, 1}, {2, 2}}, kll).find("tracked counts exceed the sketch's count"), std::string::npos);
  // Counts that would wrap 64 bits when summed (2^63 + 2^63 + 1 ≡ 1) are refused, not summed.
  EXPECT_NE(numeric({{1, uint64_t{1} << 63}, {2, (uint64_t{1} << 63) + 1}}, kll).find("exceed"), std::string::npos);
  EXPECT_NE(numeric({{1, 1}, {5, 1}}, kll).find("outside the sketch"), std::string::npos);
  EXPECT_NE(numeric({{2, 1}, {1, 1}}, kll).find("ascending"), std::string::npos);
  KllSketch with_inf;
  with_inf.Update(kInf);
  EXPECT_NE(numeric({}, with_inf).find("infinite"), std::string::npos);
  ByteWriter bad_kind;
  bad_kind.U8(3);
  auto r = FeatureSummary::Deserialize(std::move(bad_kind).Seal(SketchKind::kFeatureSummary));
  EXPECT_NE(r.status().message().find("unknown feature kind 3"), std::string::npos);
  // A nested sketch's error names where it sits.
  ByteWriter nested;
  nested.U8(2);
  nested.Varint(0);
  nested.Varint(0);
  nested.Bytes("garbage");
  r = FeatureSummary::Deserialize(std::move(nested).Seal(SketchKind::kFeatureSummary));
  EXPECT_NE(r.status().message().find("feature summary: frequent items"), std::string::npos)
      << r.status().message();
}

// Values near ±DBL_MAX: the mean stays finite (the variance is infinite), so the
// summary still serializes and reads back (found by reasoning over the fuzz target).
TEST(FeatureSummary, ExtremeValuesKeepAFiniteMean) {
  FeatureSummary s = FeatureSummary::Numeric();
  s.AddNumber(-1.5e308);
  s.AddNumber(1.5e308);
  EXPECT_TRUE(std::isfinite(s.mean()));
  EXPECT_EQ(s.mean(), 0.0);
  auto back = FeatureSummary::Deserialize(s.Serialize());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->count(), 2u);
  FeatureSummary t = FeatureSummary::Numeric();
  t.AddNumber(1.7e308);
  FeatureSummary u = FeatureSummary::Numeric();
  u.AddNumber(-1.7e308);
  ASSERT_TRUE(t.Merge(u).ok());
  EXPECT_TRUE(std::isfinite(t.mean()));
  EXPECT_TRUE(FeatureSummary::Deserialize(t.Serialize()).ok());
}

}  // namespace
}  // namespace lakewatch::monitor::sketch
