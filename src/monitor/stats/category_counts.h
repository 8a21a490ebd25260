// Category counts of categorical samples, and two samples' counts aligned on
// the union of their categories: the input of the chi-square, Z, PSI and
// Jensen–Shannon tests for categorical features (and for numeric features with
// few distinct values, whose values serve as categories).
//
// Thread-safety: values; one writer at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "common/string_hash.h"
#include "monitor/stats/sorted_sample.h"

namespace lakewatch::monitor::stats {

// A categorical sample: how often each category occurs; missing values apart.
struct CategoryCounts {
  std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>> counts;
  int64_t missing = 0;

  void Add(std::string_view category, int64_t count = 1);
  void AddMissing(int64_t count = 1) { missing += count; }
};

// Two samples' counts over one list of categories.
struct AlignedCounts {
  std::vector<std::string> categories;
  std::vector<int64_t> reference;  // reference[i]: count of categories[i]
  std::vector<int64_t> current;

  int64_t reference_total() const;
  int64_t current_total() const;
};

// The categories with a positive count in either sample, in byte order (the
// order Python's sorted() gives str keys, which Evidently's Z test relies
// on), each with its count in both samples (0 where absent).
// InvalidArgument when a count is negative.
Result<AlignedCounts> AlignCategories(const CategoryCounts& reference,
                                      const CategoryCounts& current);

// The distinct values of two numeric samples as categories, in numeric order
// (-0.0 and +0.0 are one value), labelled by their shortest round-trip text.
AlignedCounts AlignDistinctValues(const SortedSample& reference, const SortedSample& current);

// Checks what every test on aligned counts needs: equal lengths, no negative
// count, a positive total on both sides, no category absent from both.
// `test` names the caller in the message.
Status ValidateAlignedCounts(const AlignedCounts& counts, std::string_view test);

}  // namespace lakewatch::monitor::stats
