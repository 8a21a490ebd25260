// BinShares: two samples' counts per bin turned into shares (count / total),
// after the checks PSI and Jensen–Shannon both need.
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace lakewatch::monitor::stats {

struct BinShares {
  std::vector<double> reference;  // reference[i] = count_i / total
  std::vector<double> current;
};

// InvalidArgument (naming `test`) when the lengths differ or are 0, a count is
// negative, or a sample's counts sum to 0.
Result<BinShares> ToShares(std::span<const int64_t> reference, std::span<const int64_t> current,
                           std::string_view test);

}  // namespace lakewatch::monitor::stats
