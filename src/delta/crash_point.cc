#include "delta/crash_point.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace lakewatch::delta {

void CrashPoint(const char* name) {
  static const char* const wanted = std::getenv("LAKEWATCH_TEST_CRASH_POINT");
  if (wanted == nullptr || std::strcmp(wanted, name) != 0) return;
  ::kill(::getpid(), SIGKILL);
  ::pause();  // SIGKILL is delivered before kill() returns to a single-threaded caller
}

}  // namespace lakewatch::delta
