// libFuzzer target for the monitor's sketch deserializers (monitor/sketch/):
// KllSketch, HyperLogLog, FrequentItems and FeatureSummary::Deserialize, the
// bytes a table column holds.
//
// Input: a selector byte, then the bytes. Selector bits 0-1 choose the sketch
// (0 kll, 1 hyperloglog, 2 frequent items, 3 feature summary); bits 2-3 how the
// bytes are used:
//   0      as they are: a whole envelope (sketch_encoding.cc), as read from a table;
//   1      the same, with the trailing checksum recomputed, so that mutations of
//          the envelope's version, kind and length fields get past the checksum;
//   2, 3   as a payload only, sealed here in a valid envelope of the chosen kind,
//          so that mutations reach the payload parsers. For a feature summary the
//          payload is split at kPartSeparator: the first part is the summary's own
//          fields up to its nested sketches, every later part the payload of one
//          nested sketch (kll for a numeric summary; frequent items, then
//          hyperloglog for a categorical one), each sealed in its own envelope.
//
// Deserialize must give a sketch or a Status. A sketch it accepts must then
// hold up as one built by updates would:
//   - queries answer within their contracts (ranks in [0, 1], quantiles within
//     [min, max], bounds lower <= upper, finite non-negative estimates);
//   - Serialize gives bytes Deserialize accepts again, and those reserialize to
//     the same bytes;
//   - merging with a copy of itself succeeds and gives the same sketch as merging
//     with itself (the aliasing path), which again round-trips;
//   - summaries go through approximate drift (quantile and Sturges bins) against
//     themselves and against the merge.
// Any other outcome (crash, sanitizer report, leak, hang, failed check) is a bug
// in monitor/sketch/.
#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "monitor/sketch/approximate_drift.h"
#include "monitor/sketch/feature_summary.h"
#include "monitor/sketch/frequent_items.h"
#include "monitor/sketch/hyperloglog.h"
#include "monitor/sketch/kll_sketch.h"
#include "monitor/sketch/sketch_encoding.h"

namespace {

namespace sk = lakewatch::monitor::sketch;

constexpr size_t kMaxInputBytes = size_t{1} << 20;
constexpr size_t kEnvelopeHeader = 10;   // magic, version, kind, payload length
constexpr size_t kEnvelopeChecksum = 8;  // XXH3_64bits of everything before it
constexpr std::string_view kPartSeparator = "#LW#";

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "check failed: %s\n", what);
    std::abort();
  }
}

std::string Seal(std::string_view payload, sk::SketchKind kind) {
  sk::ByteWriter w;
  for (char c : payload) w.U8(static_cast<uint8_t>(c));
  return std::move(w).Seal(kind);
}

std::vector<std::string_view> SplitParts(std::string_view bytes) {
  std::vector<std::string_view> parts;
  for (size_t at; (at = bytes.find(kPartSeparator)) != std::string_view::npos;) {
    parts.push_back(bytes.substr(0, at));
    bytes.remove_prefix(at + kPartSeparator.size());
  }
  parts.push_back(bytes);
  return parts;
}

// A feature summary's payload from its parts (see the top of this file).
std::string SealSummary(std::string_view bytes) {
  std::vector<std::string_view> parts = SplitParts(bytes);
  const bool numeric =
      !parts[0].empty() && parts[0][0] == static_cast<char>(sk::FeatureKind::kNumeric);
  sk::ByteWriter w;
  for (char c : parts[0]) w.U8(static_cast<uint8_t>(c));
  for (size_t i = 1; i < parts.size(); ++i) {
    sk::SketchKind kind = numeric  ? sk::SketchKind::kKll
                          : i == 1 ? sk::SketchKind::kFrequentItems
                                   : sk::SketchKind::kHyperLogLog;
    w.Bytes(Seal(parts[i], kind));
  }
  return std::move(w).Seal(sk::SketchKind::kFeatureSummary);
}

// The sketch's bytes must deserialize again and reserialize to themselves.
template <typename Sketch>
void CheckRoundTrip(const Sketch& s, const char* what) {
  const std::string bytes = s.Serialize();
  auto again = Sketch::Deserialize(bytes);
  if (!again.ok()) {
    std::fprintf(stderr, "check failed: %s: its serialized form is refused: %s\n", what,
                 again.status().ToString().c_str());
    std::abort();
  }
  Check(again->Serialize() == bytes, "serialize(deserialize(serialize(s))) == serialize(s)");
}

// Merging with a copy and with itself must agree (and succeed: the same parameters).
template <typename Sketch>
Sketch CheckSelfMerge(const Sketch& s) {
  Sketch with_copy = s;
  const lakewatch::Status a = with_copy.Merge(s);
  Sketch with_self = s;
  const lakewatch::Status b = with_self.Merge(with_self);
  if (!a.ok() || !b.ok()) {
    // Only a merged count past the 2^62-row limit (kMaxSketchRows) may refuse, and then both alike.
    Check(!a.ok() && !b.ok() && a.message().find("2^62") != std::string::npos &&
              b.message().find("2^62") != std::string::npos,
          "merge with a copy / with itself refused for another reason than the row limit");
    return s;
  }
  Check(with_copy.Serialize() == with_self.Serialize(), "merge with itself == merge with a copy");
  CheckRoundTrip(with_copy, "the merge with itself");
  return with_copy;
}

// ---- KllSketch

void UseKll(const sk::KllSketch& s) {
  const double probes[] = {0.0,
                           -1.0,
                           1.0,
                           std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::max()};
  for (double x : probes) {
    double r = s.Rank(x);
    Check(r >= 0 && r <= 1, "kll rank in [0, 1]");
  }
  sk::KllSortedView view = s.SortedView();
  Check(view.n() == s.n(), "sorted view n");
  if (s.empty()) {
    Check(view.items().empty(), "an empty kll sketch retains nothing");
    return;
  }
  Check(!view.cumulative_weights().empty() && view.cumulative_weights().back() == s.n(),
        "kll weights sum to n");
  Check(s.Rank(s.max()) == 1, "kll rank of max is 1");
  for (double q : {0.0, 0.01, 0.25, 0.5, 0.75, 0.99, 1.0}) {
    double v = s.Quantile(q);
    Check(v >= s.min() && v <= s.max(), "kll quantile within [min, max]");
    Check(view.Quantile(q) == v, "sorted view quantile == sketch quantile");
    (void)view.QuantileLinear(q);
    (void)s.Rank(v);
  }
  Check(view.WeightBelow(s.min()) == 0, "no weight below min");
  Check(view.WeightAtOrBelow(s.max()) == s.n(), "all weight at or below max");
}

void FuzzKll(std::string_view bytes) {
  auto s = sk::KllSketch::Deserialize(bytes);
  if (!s.ok()) return;
  UseKll(*s);
  CheckRoundTrip(*s, "kll sketch");
  sk::KllSketch merged = CheckSelfMerge(*s);
  UseKll(merged);
}

// ---- HyperLogLog

void UseHll(const sk::HyperLogLog& s) {
  double e = s.Estimate();
  Check(!std::isnan(e) && e >= 0, "hyperloglog estimate is a number >= 0");
  Check(s.empty() == (e == 0), "hyperloglog estimate 0 exactly when empty");
}

void FuzzHll(std::string_view bytes) {
  auto s = sk::HyperLogLog::Deserialize(bytes);
  if (!s.ok()) return;
  UseHll(*s);
  CheckRoundTrip(*s, "hyperloglog");
  sk::HyperLogLog merged = CheckSelfMerge(*s);
  Check(merged.Serialize() == s->Serialize(), "a hyperloglog merged with itself is unchanged");
}

// ---- FrequentItems

void UseItems(const sk::FrequentItems& s) {
  Check(s.num_counters() <= s.capacity(), "frequent items within capacity");
  std::vector<sk::FrequentItems::Item> items = s.Items();
  Check(items.size() == s.num_counters(), "Items() lists every counter");
  for (const sk::FrequentItems::Item& it : items) {
    Check(it.lower <= it.upper, "frequent items lower <= upper");
    Check(it.lower <= s.total(), "frequent items lower <= total");
    Check(s.LowerBound(it.item) == it.lower && s.UpperBound(it.item) == it.upper,
          "bounds agree with Items()");
  }
  constexpr std::string_view kAbsent = "\xff\xfe never counted";
  bool counted = false;
  for (const sk::FrequentItems::Item& it : items) counted = counted || it.item == kAbsent;
  if (!counted) {
    Check(s.LowerBound(kAbsent) == 0 && s.UpperBound(kAbsent) == s.max_error(),
          "an absent item's bounds are [0, offset]");
  }
  std::vector<sk::FrequentItems::Item> top = s.Items(1);
  Check(top.size() == std::min<size_t>(1, items.size()), "Items(1) lists at most one item");
}

void FuzzItems(std::string_view bytes) {
  auto s = sk::FrequentItems::Deserialize(bytes);
  if (!s.ok()) return;
  UseItems(*s);
  CheckRoundTrip(*s, "frequent items");
  UseItems(CheckSelfMerge(*s));
}

// ---- FeatureSummary

void UseSummary(const sk::FeatureSummary& s) {
  double rate = s.missing_rate();
  Check(rate >= 0 && rate <= 1, "missing rate in [0, 1]");
  if (s.numeric()) {
    Check(s.count() == s.quantiles().n(), "numeric count == kll n");
    UseKll(s.quantiles());
    (void)s.variance();
    (void)s.stddev();
    (void)s.sum();
    (void)s.sum_of_squares();
    if (auto values = s.value_counts()) {
      Check(values->size() <= sk::FeatureSummary::kMaxTrackedValues, "tracked values bounded");
    }
    return;
  }
  UseItems(s.items());
  UseHll(s.distinct_sketch());
  double d = s.distinct_count();
  Check(!std::isnan(d) && d >= 0, "distinct count is a number >= 0");
}

// Approximate drift between two summaries; a summary against itself shows none.
void Drift(const sk::FeatureSummary& a, const sk::FeatureSummary& b) {
  const bool same = &a == &b;
  auto check_aligned = [&](const auto& aligned) {
    if (same && aligned.ok()) {
      Check(aligned->reference == aligned->current, "a summary aligned with itself: equal counts");
    }
  };
  if (a.numeric()) {
    lakewatch::monitor::stats::BinOptions sturges;
    sturges.rule = lakewatch::monitor::stats::Binning::kSturges;
    sturges.max_value_bins = 0;
    for (const auto& options : {lakewatch::monitor::stats::BinOptions{}, sturges}) {
      auto d = sk::EstimateNumericDrift(a, b, options);
      if (same && d.ok()) {
        Check(d->ks_statistic == 0 && d->wasserstein == 0, "no numeric drift against itself");
        Check(std::fabs(d->psi) < 1e-9, "psi 0 against itself");
      }
    }
    check_aligned(sk::AlignSummaryValues(a, b));
  } else {
    auto d = sk::EstimateCategoricalDrift(a, b);
    if (same && d.ok()) Check(std::fabs(d->psi) < 1e-9, "psi 0 against itself");
    check_aligned(sk::AlignSummaryCategories(a, b));
  }
}

void FuzzSummary(std::string_view bytes) {
  auto s = sk::FeatureSummary::Deserialize(bytes);
  if (!s.ok()) return;
  UseSummary(*s);
  Drift(*s, *s);
  CheckRoundTrip(*s, "feature summary");
  sk::FeatureSummary merged = CheckSelfMerge(*s);
  UseSummary(merged);
  Drift(*s, merged);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > kMaxInputBytes) return -1;  // -1: never added to the corpus
  const uint8_t selector = data[0];
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const int type = selector & 3;
  const int mode = (selector >> 2) & 3;
  static constexpr sk::SketchKind kKinds[] = {sk::SketchKind::kKll, sk::SketchKind::kHyperLogLog,
                                              sk::SketchKind::kFrequentItems,
                                              sk::SketchKind::kFeatureSummary};
  if (mode == 1 && bytes.size() >= kEnvelopeHeader + kEnvelopeChecksum) {
    const size_t body = bytes.size() - kEnvelopeChecksum;
    uint64_t sum = XXH3_64bits(bytes.data(), body);
    for (size_t i = 0; i < kEnvelopeChecksum; ++i) {
      bytes[body + i] = static_cast<char>((sum >> (8 * i)) & 0xff);
    }
  } else if (mode >= 2) {
    bytes = type == 3 ? SealSummary(bytes) : Seal(bytes, kKinds[type]);
  }
  switch (type) {
    case 0:
      FuzzKll(bytes);
      break;
    case 1:
      FuzzHll(bytes);
      break;
    case 2:
      FuzzItems(bytes);
      break;
    default:
      FuzzSummary(bytes);
      break;
  }
  return 0;
}
