#include "monitor/stats/category_counts.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <numeric>

namespace lakewatch::monitor::stats {

void CategoryCounts::Add(std::string_view category, int64_t count) {
  auto it = counts.find(category);
  if (it == counts.end()) {
    counts.emplace(std::string(category), count);
  } else {
    // Saturates instead of overflowing: no real sample reaches 2^63 values,
    // but counts decoded from a damaged sketch can.
    if (__builtin_add_overflow(it->second, count, &it->second)) {
      it->second = std::numeric_limits<int64_t>::max();
    }
  }
}

int64_t AlignedCounts::reference_total() const {
  return std::accumulate(reference.begin(), reference.end(), int64_t{0});
}

int64_t AlignedCounts::current_total() const {
  return std::accumulate(current.begin(), current.end(), int64_t{0});
}

Result<AlignedCounts> AlignCategories(const CategoryCounts& reference,
                                      const CategoryCounts& current) {
  std::vector<std::string_view> names;
  for (const auto* sample : {&reference, &current}) {
    for (const auto& [name, count] : sample->counts) {
      if (count < 0) {
        return Status::InvalidArgument(fmt::format("{} count of category '{}' is negative ({})",
                                                   sample == &reference ? "reference" : "current",
                                                   name, count));
      }
      if (count > 0) names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  AlignedCounts out;
  out.categories.reserve(names.size());
  for (std::string_view name : names) {
    out.categories.emplace_back(name);
    const auto r = reference.counts.find(name);
    const auto c = current.counts.find(name);
    out.reference.push_back(r == reference.counts.end() ? 0 : r->second);
    out.current.push_back(c == current.counts.end() ? 0 : c->second);
  }
  return out;
}

AlignedCounts AlignDistinctValues(const SortedSample& reference, const SortedSample& current) {
  AlignedCounts out;
  size_t i0 = 0;
  size_t j0 = 0;
  ForEachDistinctValue(reference.values(), current.values(),
                       [&](double x, size_t i, size_t j, double) {
                         out.categories.push_back(fmt::format("{}", x == 0 ? 0.0 : x));
                         out.reference.push_back(static_cast<int64_t>(i - i0));
                         out.current.push_back(static_cast<int64_t>(j - j0));
                         i0 = i;
                         j0 = j;
                       });
  return out;
}

Status ValidateAlignedCounts(const AlignedCounts& counts, std::string_view test) {
  const size_t k = counts.categories.size();
  if (counts.reference.size() != k || counts.current.size() != k) {
    return Status::InvalidArgument(
        fmt::format("{}: {} categories but {} reference and {} current counts", test, k,
                    counts.reference.size(), counts.current.size()));
  }
  for (size_t i = 0; i < k; ++i) {
    if (counts.reference[i] < 0 || counts.current[i] < 0) {
      return Status::InvalidArgument(
          fmt::format("{}: negative count for category '{}'", test, counts.categories[i]));
    }
    if (counts.reference[i] == 0 && counts.current[i] == 0) {
      return Status::InvalidArgument(fmt::format("{}: category '{}' has no value in either sample",
                                                 test, counts.categories[i]));
    }
  }
  for (const auto* side : {&counts.reference, &counts.current}) {
    int64_t total = 0;
    for (int64_t c : *side) {
      if (__builtin_add_overflow(total, c, &total)) {
        return Status::InvalidArgument(
            fmt::format("{}: the {} counts add up to more than 2^63", test,
                        side == &counts.reference ? "reference" : "current"));
      }
    }
  }
  if (counts.reference_total() == 0 || counts.current_total() == 0) {
    return Status::InvalidArgument(
        fmt::format("{} needs values in both samples; the {} sample has none", test,
                    counts.reference_total() == 0 ? "reference" : "current"));
  }
  return Status::OK();
}

}  // namespace lakewatch::monitor::stats
