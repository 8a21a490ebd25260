// Test helper: skips a test (with the reason) when outside data it needs —
// ../shared/data, defined as LW_SHARED_DATA for test binaries — is absent,
// as in a clone outside the workplace. Tests never silently pass instead.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#define LW_SKIP_IF_MISSING(path)                                                        \
  do {                                                                                  \
    if (!std::filesystem::exists(path)) {                                               \
      GTEST_SKIP() << "test data not found: " << (path) << " (../shared/data absent)"; \
    }                                                                                   \
  } while (0)
