// Input checks shared by the metric functions. Each returns InvalidArgument naming the array,
// the first offending row and the value found, so a caller can point at the event at fault.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/status.h"

namespace lakewatch::monitor::metrics {

// `name` has `got` entries where `want` were expected (the length of y_true, or a multiple).
Status CheckLength(std::string_view name, size_t got, size_t want);
// Every entry is 0 or 1.
Status CheckZeroOne(std::string_view name, std::span<const uint8_t> values);
// Every entry is a finite number.
Status CheckFinite(std::string_view name, std::span<const double> values);
// Every entry is a probability: finite and within [0, 1].
Status CheckProbabilities(std::string_view name, std::span<const double> values);

}  // namespace lakewatch::monitor::metrics
