#include "monitor/sketch/frequent_items.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "monitor/sketch/sketch_encoding.h"
#include "monitor/sketch/sketch_test_util.h"

namespace lakewatch::monitor::sketch {
namespace {

// A Zipf(1.1)-like stream over `distinct` items, reproducible from `seed`.
std::vector<std::string> ZipfStream(size_t n, size_t distinct, uint64_t seed) {
  std::vector<double> weights(distinct);
  for (size_t i = 0; i < distinct; ++i)
    weights[i] = 1.0 / std::pow(static_cast<double>(i + 1), 1.1);
  std::discrete_distribution<size_t> pick(weights.begin(), weights.end());
  std::mt19937_64 gen(seed);
  std::vector<std::string> out(n);
  for (std::string& s : out) s = "item-" + std::to_string(pick(gen));
  return out;
}

std::map<std::string, uint64_t> ExactCounts(const std::vector<std::string>& stream) {
  std::map<std::string, uint64_t> m;
  for (const std::string& s : stream) ++m[s];
  return m;
}

// The guarantees of the header, checked against exact counts.
void ExpectBoundsHold(const FrequentItems& fi, const std::map<std::string, uint64_t>& exact) {
  uint64_t n = 0;
  for (const auto& [item, count] : exact) n += count;
  ASSERT_EQ(fi.total(), n);
  EXPECT_LE(fi.num_counters(), fi.capacity());
  EXPECT_LE(static_cast<double>(fi.max_error()),
            2.0 * static_cast<double>(n) / (fi.capacity() + 1));
  for (const auto& [item, count] : exact) {
    EXPECT_LE(fi.LowerBound(item), count) << item;
    EXPECT_GE(fi.UpperBound(item), count) << item;
    if (static_cast<double>(count) > 2.0 * static_cast<double>(n) / (fi.capacity() + 1)) {
      EXPECT_GT(fi.LowerBound(item), 0u) << "heavy item " << item << " lost";
    }
  }
  EXPECT_EQ(fi.UpperBound("never-seen"), fi.max_error());
}

TEST(FrequentItems, EmptySketch) {
  FrequentItems fi;
  EXPECT_TRUE(fi.empty());
  EXPECT_TRUE(fi.exact());
  EXPECT_TRUE(fi.Items().empty());
  fi.Add("x", 0);
  EXPECT_TRUE(fi.empty());
  auto back = FrequentItems::Deserialize(fi.Serialize());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->empty());
  EXPECT_EQ(back->capacity(), FrequentItems::kDefaultCapacity);
}

TEST(FrequentItems, ExactWhileAtMostCapacityDistinct) {
  std::vector<std::string> stream = ZipfStream(20000, 50, 1);
  FrequentItems fi(51);
  for (const std::string& s : stream) fi.Add(s);
  fi.Add("", 3);  // the empty string is an item like any other: 51 distinct
  ASSERT_TRUE(fi.exact());
  std::map<std::string, uint64_t> exact = ExactCounts(stream);
  exact[""] += 3;
  ASSERT_EQ(exact.size(), 51u);
  for (const auto& [item, count] : exact) {
    EXPECT_EQ(fi.LowerBound(item), count);
    EXPECT_EQ(fi.UpperBound(item), count);
  }
  std::vector<FrequentItems::Item> items = fi.Items();
  ASSERT_EQ(items.size(), exact.size());
  for (size_t i = 1; i < items.size(); ++i) EXPECT_GE(items[i - 1].lower, items[i].lower);
  EXPECT_EQ(fi.Items(3).size(), 3u);
  EXPECT_EQ(fi.Items(3)[0].item, items[0].item);
}

TEST(FrequentItems, OneItemOverCapacityLeavesExactMode) {
  FrequentItems fi(4);
  for (std::string s : {"a", "b", "c", "d"}) fi.Add(s, 10);
  EXPECT_TRUE(fi.exact());
  fi.Add("e");
  EXPECT_FALSE(fi.exact());
  EXPECT_EQ(fi.total(), 41u);
  EXPECT_LE(fi.num_counters(), 4u);
  ExpectBoundsHold(fi, {{"a", 10}, {"b", 10}, {"c", 10}, {"d", 10}, {"e", 1}});
}

// An item kept since the start took every decrement: its bounds meet.
TEST(FrequentItems, ItemKeptSinceTheStartIsExact) {
  FrequentItems fi(8);
  fi.Add("heavy", 1000);
  for (int i = 0; i < 500; ++i) fi.Add("light-" + std::to_string(i));
  fi.Add("heavy", 7);
  EXPECT_FALSE(fi.exact());
  EXPECT_EQ(fi.LowerBound("heavy"), 1007u);
  EXPECT_EQ(fi.UpperBound("heavy"), 1007u);
  FrequentItems other(8);
  for (int i = 0; i < 100; ++i) other.Add("other-" + std::to_string(i));
  other.Add("heavy", 5);
  ASSERT_TRUE(fi.Merge(other).ok());
  EXPECT_LE(fi.LowerBound("heavy"), 1012u);
  EXPECT_GE(fi.UpperBound("heavy"), 1012u);
  EXPECT_EQ(fi.Items(1)[0].item, "heavy");
}

TEST(FrequentItems, BoundsHoldOnSkewedStreams) {
  for (uint32_t capacity : {16, 100, 1000}) {
    std::vector<std::string> stream = ZipfStream(300000, 30000, capacity);
    FrequentItems fi(capacity);
    for (const std::string& s : stream) fi.Add(s);
    EXPECT_FALSE(fi.exact());
    ExpectBoundsHold(fi, ExactCounts(stream));
  }
}

// Hourly sketches merged in different orders keep the guarantees for the whole.
TEST(FrequentItems, MergedHourlySketchesKeepTheBounds) {
  std::vector<FrequentItems> hourly;
  std::vector<std::string> all;
  for (uint64_t hour = 0; hour < 24; ++hour) {
    std::vector<std::string> part = ZipfStream(5000 + 500 * hour, 2000 + 100 * hour, 50 + hour);
    FrequentItems fi(64);
    for (size_t i = 0; i < part.size(); ++i) fi.Add(part[i], 1 + i % 3);
    for (size_t i = 0; i < part.size(); ++i) all.insert(all.end(), 1 + i % 3, part[i]);
    hourly.push_back(std::move(fi));
  }
  std::map<std::string, uint64_t> exact = ExactCounts(all);
  FrequentItems forward(64), backward(64);
  for (const FrequentItems& h : hourly) ASSERT_TRUE(forward.Merge(h).ok());
  for (auto it = hourly.rbegin(); it != hourly.rend(); ++it) ASSERT_TRUE(backward.Merge(*it).ok());
  ExpectBoundsHold(forward, exact);
  ExpectBoundsHold(backward, exact);
  FrequentItems self = hourly[0];
  ASSERT_TRUE(self.Merge(self).ok());
  EXPECT_EQ(self.total(), 2 * hourly[0].total());
  EXPECT_EQ(FrequentItems(32).Merge(hourly[0]).code(), StatusCode::kInvalidArgument);
}

TEST(FrequentItems, SerializationRoundTrip) {
  FrequentItems fi(100);
  for (const std::string& s : ZipfStream(20000, 5000, 3)) fi.Add(s);
  std::string bytes = fi.Serialize();
  auto back = FrequentItems::Deserialize(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->Serialize(), bytes);
  EXPECT_EQ(back->total(), fi.total());
  EXPECT_EQ(back->max_error(), fi.max_error());
  std::vector<FrequentItems::Item> a = fi.Items(), b = back->Items();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].item, b[i].item);
    EXPECT_EQ(a[i].lower, b[i].lower);
    EXPECT_EQ(a[i].upper, b[i].upper);
  }
}

TEST(FrequentItems, CorruptBytesRejected) {
  FrequentItems fi(4);
  for (std::string s : {"alpha", "beta", "beta", "gamma", "delta", "epsilon", "beta"}) fi.Add(s);
  ASSERT_FALSE(fi.exact());
  testing::ExpectEveryCorruptionRejected(
      fi.Serialize(), [](std::string_view b) { return FrequentItems::Deserialize(b); });
}

TEST(FrequentItems, MutatedPayloadsRefusedOrUsable) {
  FrequentItems fi(4);
  for (std::string s : {"alpha", "beta", "beta", "gamma", "delta", "epsilon", "beta", "alpha"}) {
    fi.Add(s);
  }
  testing::ForEachResealedMutation(fi.Serialize(), SketchKind::kFrequentItems, 3000,
                                   [&](std::string b) {
                                     auto r = FrequentItems::Deserialize(b);
                                     if (!r.ok()) {
                                       EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
                                       return;
                                     }
                                     FrequentItems g = *r;
                                     for (int i = 0; i < 50; ++i)
                                       g.Add("x" + std::to_string(i % 7), 1 + i % 3);
                                     FrequentItems copy = g;
                                     ASSERT_TRUE(g.Merge(copy).ok());
                                     for (const FrequentItems::Item& it : g.Items())
                                       EXPECT_LE(it.lower, it.upper);
                                     EXPECT_TRUE(FrequentItems::Deserialize(g.Serialize()).ok());
                                   });
}

TEST(FrequentItems, InvariantViolationsRejected) {
  struct Entry {
    std::string item;
    uint64_t count;
    uint64_t base = 0;
  };
  auto error = [](uint64_t capacity, uint64_t total, uint64_t offset, std::vector<Entry> entries) {
    ByteWriter w;
    w.Varint(capacity);
    w.Varint(total);
    w.Varint(offset);
    w.Varint(entries.size());
    for (const Entry& e : entries) {
      w.Bytes(e.item);
      w.Varint(e.count);
      w.Varint(e.base);
    }
    auto r = FrequentItems::Deserialize(std::move(w).Seal(SketchKind::kFrequentItems));
    return r.ok() ? std::string("ok") : r.status().message();
  };
  EXPECT_EQ(error(4, 5, 0, {{"a", 2}, {"b", 3}}), "ok");
  EXPECT_EQ(error(4, 20, 3, {{"a", 2}, {"b", 3, 1}}), "ok");
  EXPECT_NE(error(4, 20, 3, {{"a", 2, 4}}).find("base above the offset"), std::string::npos);
  EXPECT_NE(error(4, 7, 1, {{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}}).find("lower bounds exceed"),
            std::string::npos);
  EXPECT_NE(error(1, 0, 0, {}).find("capacity 1"), std::string::npos);
  EXPECT_NE(error(4, 6, 0, {{"a", 2}, {"b", 3}}).find("do not sum"), std::string::npos);
  EXPECT_NE(error(4, 10, 3, {{"a", 2}, {"b", 3}}).find("exceed the total"), std::string::npos);
  EXPECT_NE(error(4, 5, 0, {{"b", 2}, {"a", 3}}).find("ascending"), std::string::npos);
  EXPECT_NE(error(4, 5, 0, {{"a", 2}, {"a", 3}}).find("ascending"), std::string::npos);
  EXPECT_NE(error(4, 5, 0, {{"a", 0}, {"b", 5}}).find("count 0"), std::string::npos);
  EXPECT_NE(error(2, 3, 0, {{"a", 1}, {"b", 1}, {"c", 1}}).find("exceed the capacity"),
            std::string::npos);
}

}  // namespace
}  // namespace lakewatch::monitor::sketch
