// Helpers for the metrics unit tests: look a figure up by (metric, column).
#pragma once

#include <optional>
#include <string_view>

#include "monitor/metrics/figure.h"

namespace lakewatch::monitor::metrics {

inline const Figure* FindFigure(const Figures& figures, std::string_view metric,
                                std::string_view column = "") {
  for (const Figure& f : figures) {
    if (f.metric == metric && f.column == column) return &f;
  }
  return nullptr;
}

// The figure's value; nullopt when there is no such figure.
inline std::optional<double> ValueOf(const Figures& figures, std::string_view metric,
                                     std::string_view column = "") {
  const Figure* f = FindFigure(figures, metric, column);
  return f ? std::optional<double>(f->value) : std::nullopt;
}

}  // namespace lakewatch::monitor::metrics
