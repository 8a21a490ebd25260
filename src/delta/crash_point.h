// Test-only crash points: named places in the writer (commit, checkpoint,
// append, optimize) where a crash test can make the process die exactly.
//
// When the environment variable LAKEWATCH_TEST_CRASH_POINT names a point, the
// process sends itself SIGKILL the first time it reaches that point — the same
// as `kill -9` from outside, but at a chosen instant. Unset (always, outside
// tests) the check is one cached getenv() and a string comparison. The names
// are listed in docs/delta.md ("Concurrency and crash safety").
//
// Thread-safety: safe from any thread.
#pragma once

namespace lakewatch::delta {

// Dies with SIGKILL when LAKEWATCH_TEST_CRASH_POINT equals `name`.
void CrashPoint(const char* name);
// Tests (e.g. a forked child, after the environment was read): makes `name`
// the crash point, overriding the environment; nullptr restores it. The
// string must outlive its use.
void SetCrashPointForTest(const char* name);

}  // namespace lakewatch::delta
