#include "monitor/metrics/input_check.h"

#include <fmt/format.h>

#include <cmath>

namespace lakewatch::monitor::metrics {

Status CheckLength(std::string_view name, size_t got, size_t want) {
  if (got == want) return Status::OK();
  return Status::InvalidArgument(
      fmt::format("{} has {} entries, expected {} (one per labelled row)", name, got, want));
}

Status CheckZeroOne(std::string_view name, std::span<const uint8_t> values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] > 1) {
      return Status::InvalidArgument(fmt::format(
          "{}[{}] = {}: binary labels must be 0 or 1 (map other labels with EncodeBinaryLabels)",
          name, i, values[i]));
    }
  }
  return Status::OK();
}

Status CheckFinite(std::string_view name, std::span<const double> values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      return Status::InvalidArgument(
          fmt::format("{}[{}] = {}: expected a finite number", name, i, values[i]));
    }
  }
  return Status::OK();
}

Status CheckProbabilities(std::string_view name, std::span<const double> values) {
  for (size_t i = 0; i < values.size(); ++i) {
    // Written so that NaN fails too.
    if (!(values[i] >= 0.0 && values[i] <= 1.0)) {
      return Status::InvalidArgument(
          fmt::format("{}[{}] = {}: expected a probability in [0, 1]", name, i, values[i]));
    }
  }
  return Status::OK();
}

}  // namespace lakewatch::monitor::metrics
