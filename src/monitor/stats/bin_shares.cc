#include "monitor/stats/bin_shares.h"

#include <fmt/format.h>

namespace lakewatch::monitor::stats {
namespace {

Result<std::vector<double>> SharesOf(std::span<const int64_t> counts, std::string_view test,
                                     std::string_view side) {
  int64_t total = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] < 0) {
      return Status::InvalidArgument(
          fmt::format("{}: {} count of bin {} is negative ({})", test, side, i, counts[i]));
    }
    if (__builtin_add_overflow(total, counts[i], &total)) {
      return Status::InvalidArgument(
          fmt::format("{}: {} counts add up to more than 2^63", test, side));
    }
  }
  if (total == 0) {
    return Status::InvalidArgument(
        fmt::format("{} needs values in both samples; the {} sample has none", test, side));
  }
  std::vector<double> shares(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) {
    shares[i] = static_cast<double>(counts[i]) / static_cast<double>(total);
  }
  return shares;
}

}  // namespace

Result<BinShares> ToShares(std::span<const int64_t> reference, std::span<const int64_t> current,
                           std::string_view test) {
  if (reference.size() != current.size() || reference.empty()) {
    return Status::InvalidArgument(
        fmt::format("{} needs the same nonzero number of bins on both sides, got {} and {}", test,
                    reference.size(), current.size()));
  }
  BinShares out;
  LW_ASSIGN_OR_RETURN(out.reference, SharesOf(reference, test, "reference"));
  LW_ASSIGN_OR_RETURN(out.current, SharesOf(current, test, "current"));
  return out;
}

}  // namespace lakewatch::monitor::stats
