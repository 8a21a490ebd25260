#include "delta/crash_point.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace lakewatch::delta {

namespace {
std::atomic<const char*> g_override{nullptr};
}  // namespace

void SetCrashPointForTest(const char* name) { g_override.store(name); }

void CrashPoint(const char* name) {
  static const char* const from_env = std::getenv("LAKEWATCH_TEST_CRASH_POINT");
  const char* over = g_override.load(std::memory_order_relaxed);
  const char* wanted = over != nullptr ? over : from_env;
  if (wanted == nullptr || std::strcmp(wanted, name) != 0) return;
  ::kill(::getpid(), SIGKILL);
  ::pause();  // SIGKILL is delivered before kill() returns to a single-threaded caller
}

}  // namespace lakewatch::delta
