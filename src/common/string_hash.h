// StringHash: the hash of string keys that also takes string_views, so a map
// keyed by std::string (or by views into stable storage) is probed with a view
// without building a string (heterogeneous lookup, C++20):
//
//   std::unordered_map<std::string, int, StringHash, std::equal_to<>> counts;
//   counts.find(std::string_view("key"));
//
// Thread-safety: stateless.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

namespace lakewatch {

struct StringHash {
  using is_transparent = void;  // NOLINT(readability-identifier-naming): the standard's name
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace lakewatch
