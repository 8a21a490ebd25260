// SortDoubles: ascending sort of finite doubles by an LSD radix sort on their bit patterns
// (11-bit digits, at most 6 passes, passes whose digit is the same for every key skipped), with
// std::sort below a few thousand values. The ranking metrics sort millions of scores per window;
// this is several times faster than a comparison sort there.
//
// -0.0 sorts just before +0.0; they still compare equal, which is all callers rely on.
//
// Thread-safety: pure function; allocates two scratch arrays of the input's size.
#pragma once

#include <vector>

namespace lakewatch::monitor::metrics {

// REQUIRES: no NaN in *values.
void SortDoubles(std::vector<double>* values);

}  // namespace lakewatch::monitor::metrics
