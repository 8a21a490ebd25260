// The Boost.Math policy of the drift tests: report domain, pole, overflow
// and evaluation errors by return value (NaN, ±inf, best estimate) instead of
// throwing, since no exception may cross a lakewatch module boundary.
#pragma once

#include <boost/math/policies/policy.hpp>

namespace lakewatch::monitor::stats {

using NoThrowPolicy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>,
    boost::math::policies::promote_double<false>>;

}  // namespace lakewatch::monitor::stats
