// ParseName: the option parsers of the drift tests (methods, binning rules,
// chi-square forms) in one place: the enum value whose name is `name`, or
// InvalidArgument listing the names accepted.
//
// Thread-safety: pure function.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "common/status.h"

namespace lakewatch::monitor::stats {

// `what` names the option in the message ("drift method", "binning", ...).
template <typename Enum>
Result<Enum> ParseName(std::string_view name, std::initializer_list<Enum> values,
                       std::string_view (*name_of)(Enum), std::string_view what) {
  std::string expected;
  for (Enum v : values) {
    if (name == name_of(v)) return v;
    expected += expected.empty() ? "" : ", ";
    expected += name_of(v);
  }
  return Status::InvalidArgument("unknown " + std::string(what) + " '" + std::string(name) +
                                 "' (expected one of " + expected + ")");
}

}  // namespace lakewatch::monitor::stats
