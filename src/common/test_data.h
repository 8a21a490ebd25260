// Test helper: skips a test (with the reason) when outside data it needs —
// ../shared/data, defined as LW_SHARED_DATA for test binaries — is absent,
// as in a clone outside the workplace. Tests never silently pass instead.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

// Sanitizer builds (ASan+UBSan, LW_SANITIZED) run the heaviest randomized tests
// on a fraction of their cases — they are 10–30× slower there — and skip the
// throughput tests; the normal build runs every case.
namespace lakewatch {
#ifdef LW_SANITIZED
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif
// `full` in the normal build, `full / divisor` (at least 1) in sanitizer builds.
constexpr int SanitizerScaled(int full, int divisor = 5) {
  return kSanitizedBuild ? (full / divisor > 0 ? full / divisor : 1) : full;
}
}  // namespace lakewatch

#define LW_SKIP_IN_SANITIZER_BUILD()                                                              \
  do {                                                                                             \
    if (::lakewatch::kSanitizedBuild) GTEST_SKIP() << "a throughput figure means nothing under ASan"; \
  } while (0)

#define LW_SKIP_IF_MISSING(path)                                                        \
  do {                                                                                  \
    if (!std::filesystem::exists(path)) {                                               \
      GTEST_SKIP() << "test data not found: " << (path) << " (../shared/data absent)"; \
    }                                                                                   \
  } while (0)
