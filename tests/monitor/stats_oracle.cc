// stats_oracle: the C++ side of the drift-statistics oracle test. Reads one
// case per line (JSON) on stdin, runs it through lakewatch::monitor::stats and
// prints one JSON line per case:
//   {"id":N, <figures>}   or   {"id":N,"error":"message"}
// tests/monitor/stats_oracle.py writes the cases and checks the answers
// against scipy / numpy (and Evidently's definitions).
//
// Numeric arrays hold numbers, null (NaN: missing) or "inf" / "-inf".
// Cases ("test" selects what runs):
//   ks           ref, cur, method (auto|exact|asymp) -> statistic, p_value, used
//   kstwo        n, d -> sf (KolmogorovSf); smirnov  n, d -> sf (SmirnovSf)
//   wasserstein  ref, cur -> distance, normed, std0, std1, missing_ref, missing_cur
//   bins         ref, cur, rule (quantiles|sturges), k -> edges, ref_counts, cur_counts,
//                psi, js, js2 (base 2)
//   categorical  ref {cat: count}, cur {cat: count} -> categories, chi2 {statistic, p_value,
//                dof}, gof {...}, z {statistic, p_value}, psi, js
//   drift        kind (numeric|categorical), ref, cur, method, [threshold], [binning]
//                -> method, statistic, p_value|null, threshold, drifted
#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_format.h"
#include "common/status.h"
#include "monitor/stats/binning.h"
#include "monitor/stats/category_counts.h"
#include "monitor/stats/chi_square.h"
#include "monitor/stats/drift.h"
#include "monitor/stats/jensen_shannon.h"
#include "monitor/stats/kolmogorov_distribution.h"
#include "monitor/stats/kolmogorov_smirnov.h"
#include "monitor/stats/psi.h"
#include "monitor/stats/smirnov_distribution.h"
#include "monitor/stats/two_proportion_z.h"
#include "monitor/stats/wasserstein.h"

namespace lakewatch::monitor::stats {
namespace {

using simdjson::dom::element;

Status BadField(std::string_view key) {
  return Status::InvalidArgument("case field '" + std::string(key) + "' is missing or malformed");
}

Result<std::vector<double>> ReadValues(element c, std::string_view key) {
  simdjson::dom::array array;
  if (c[key].get(array) != simdjson::SUCCESS) return BadField(key);
  std::vector<double> out;
  for (element v : array) {
    double d;
    std::string_view s;
    if (v.is_null()) {
      out.push_back(std::numeric_limits<double>::quiet_NaN());
    } else if (v.get(s) == simdjson::SUCCESS) {
      out.push_back(s == "-inf" ? -std::numeric_limits<double>::infinity()
                                : std::numeric_limits<double>::infinity());
    } else if (v.get(d) == simdjson::SUCCESS) {
      out.push_back(d);
    } else {
      return BadField(key);
    }
  }
  return out;
}

Result<CategoryCounts> ReadCounts(element c, std::string_view key) {
  simdjson::dom::object object;
  if (c[key].get(object) != simdjson::SUCCESS) return BadField(key);
  CategoryCounts out;
  for (auto field : object) {
    int64_t n;
    if (field.value.get(n) != simdjson::SUCCESS) return BadField(key);
    out.Add(field.key, n);
  }
  return out;
}

std::string ReadString(element c, std::string_view key, std::string_view fallback) {
  std::string_view s;
  return c[key].get(s) == simdjson::SUCCESS ? std::string(s) : std::string(fallback);
}

// Appends ,"key":value.
void Put(std::string& out, std::string_view key, double v) {
  out += ",\"";
  out += key;
  out += "\":";
  AppendDouble(v, &out);
}

void PutText(std::string& out, std::string_view key, std::string_view text) {
  out += ",\"";
  out += key;
  out += "\":";
  AppendJsonString(text, &out);
}

template <typename T>
void PutArray(std::string& out, std::string_view key, const std::vector<T>& values) {
  out += ",\"";
  out += key;
  out += "\":[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    if constexpr (std::is_same_v<T, std::string>) {
      AppendJsonString(values[i], &out);
    } else {
      AppendDouble(static_cast<double>(values[i]), &out);
    }
  }
  out += ']';
}

struct Samples {
  SortedSample ref;
  SortedSample cur;
};

Result<Samples> ReadSamples(element c) {
  LW_ASSIGN_OR_RETURN(std::vector<double> ref, ReadValues(c, "ref"));
  LW_ASSIGN_OR_RETURN(std::vector<double> cur, ReadValues(c, "cur"));
  return Samples{SortedSample::FromValues(ref), SortedSample::FromValues(cur, 2)};
}

Status RunKs(element c, std::string& out) {
  LW_ASSIGN_OR_RETURN(Samples s, ReadSamples(c));
  LW_ASSIGN_OR_RETURN(KsMethod method, ParseKsMethod(ReadString(c, "method", "auto")));
  LW_ASSIGN_OR_RETURN(KsResult r, KsTest(s.ref, s.cur, method));
  Put(out, "statistic", r.statistic);
  Put(out, "p_value", r.p_value);
  PutText(out, "used", KsMethodName(r.method));
  return Status::OK();
}

Status RunDistribution(element c, bool two_sided, std::string& out) {
  int64_t n;
  double d;
  if (c["n"].get(n) != simdjson::SUCCESS) return BadField("n");
  if (c["d"].get(d) != simdjson::SUCCESS) return BadField("d");
  Put(out, "sf", two_sided ? KolmogorovSf(n, d) : SmirnovSf(n, d));
  return Status::OK();
}

Status RunWasserstein(element c, std::string& out) {
  LW_ASSIGN_OR_RETURN(Samples s, ReadSamples(c));
  LW_ASSIGN_OR_RETURN(double distance, WassersteinDistance(s.ref, s.cur));
  LW_ASSIGN_OR_RETURN(double normed, NormedWasserstein(s.ref, s.cur));
  Put(out, "distance", distance);
  Put(out, "normed", normed);
  Put(out, "std0", s.ref.StdDev(0));
  Put(out, "std1", s.ref.StdDev(1));
  Put(out, "mean", s.ref.mean());
  Put(out, "distinct", static_cast<double>(s.ref.distinct()));
  Put(out, "missing_ref", static_cast<double>(s.ref.missing() + s.ref.infinite()));
  Put(out, "missing_cur", static_cast<double>(s.cur.missing() + s.cur.infinite()));
  return Status::OK();
}

Status RunBins(element c, std::string& out) {
  LW_ASSIGN_OR_RETURN(Samples s, ReadSamples(c));
  BinOptions options;
  LW_ASSIGN_OR_RETURN(options.rule, ParseBinning(ReadString(c, "rule", "quantiles")));
  int64_t k;
  if (c["k"].get(k) != simdjson::SUCCESS) k = 10;
  options.quantile_bins = static_cast<int>(k);
  LW_ASSIGN_OR_RETURN(BinnedCounts bins, BinSamples(s.ref, s.cur, options));
  PutArray(out, "edges", bins.edges);
  PutArray(out, "ref_counts", bins.reference);
  PutArray(out, "cur_counts", bins.current);
  LW_ASSIGN_OR_RETURN(double psi, Psi(bins.reference, bins.current));
  LW_ASSIGN_OR_RETURN(double js, JensenShannonDistance(bins.reference, bins.current));
  LW_ASSIGN_OR_RETURN(double js2, JensenShannonDistance(bins.reference, bins.current, 2.0));
  Put(out, "psi", psi);
  Put(out, "js", js);
  Put(out, "js2", js2);
  return Status::OK();
}

void PutChi(std::string& out, std::string_view key, const ChiSquareResult& r) {
  out += ",\"";
  out += key;
  out += "\":{\"statistic\":";
  AppendDouble(r.statistic, &out);
  out += ",\"p_value\":";
  AppendDouble(r.p_value, &out);
  out += ",\"dof\":" + std::to_string(r.dof) + "}";
}

Status RunCategorical(element c, std::string& out) {
  LW_ASSIGN_OR_RETURN(CategoryCounts ref, ReadCounts(c, "ref"));
  LW_ASSIGN_OR_RETURN(CategoryCounts cur, ReadCounts(c, "cur"));
  LW_ASSIGN_OR_RETURN(AlignedCounts counts, AlignCategories(ref, cur));
  LW_ASSIGN_OR_RETURN(ChiSquareResult chi, ChiSquareContingency(counts));
  LW_ASSIGN_OR_RETURN(ChiSquareResult gof, ChiSquareGoodnessOfFit(counts));
  LW_ASSIGN_OR_RETURN(ZTestResult z, TwoProportionZTest(counts));
  LW_ASSIGN_OR_RETURN(double psi, Psi(counts.reference, counts.current));
  LW_ASSIGN_OR_RETURN(double js, JensenShannonDistance(counts.reference, counts.current));
  PutArray(out, "categories", counts.categories);
  PutChi(out, "chi2", chi);
  PutChi(out, "gof", gof);
  Put(out, "z_stat", z.statistic);
  Put(out, "z_pvalue", z.p_value);
  Put(out, "psi", psi);
  Put(out, "js", js);
  return Status::OK();
}

Status RunDrift(element c, std::string& out) {
  DriftOptions options;
  LW_ASSIGN_OR_RETURN(options.method, ParseDriftMethod(ReadString(c, "method", "auto")));
  LW_ASSIGN_OR_RETURN(options.bins.rule, ParseBinning(ReadString(c, "binning", "quantiles")));
  double threshold;
  if (c["threshold"].get(threshold) == simdjson::SUCCESS) options.threshold = threshold;
  DriftResult r;
  if (ReadString(c, "kind", "numeric") == "categorical") {
    LW_ASSIGN_OR_RETURN(CategoryCounts ref, ReadCounts(c, "ref"));
    LW_ASSIGN_OR_RETURN(CategoryCounts cur, ReadCounts(c, "cur"));
    LW_ASSIGN_OR_RETURN(
        r, TestDrift(FeatureSample::Categorical(ref), FeatureSample::Categorical(cur), options));
  } else {
    LW_ASSIGN_OR_RETURN(Samples s, ReadSamples(c));
    LW_ASSIGN_OR_RETURN(
        r, TestDrift(FeatureSample::Numeric(s.ref), FeatureSample::Numeric(s.cur), options));
  }
  PutText(out, "method", DriftMethodName(r.method));
  Put(out, "statistic", r.statistic);
  if (r.p_value) {
    Put(out, "p_value", *r.p_value);
  } else {
    out += ",\"p_value\":null";
  }
  Put(out, "threshold", r.threshold);
  out += r.drifted ? ",\"drifted\":true" : ",\"drifted\":false";
  PutText(out, "stat_metric", MetricNames(r.method).statistic);
  PutText(out, "p_metric", MetricNames(r.method).p_value);
  return Status::OK();
}

Status RunCase(element c, std::string& out) {
  const std::string test = ReadString(c, "test", "");
  if (test == "ks") return RunKs(c, out);
  if (test == "kstwo") return RunDistribution(c, true, out);
  if (test == "smirnov") return RunDistribution(c, false, out);
  if (test == "wasserstein") return RunWasserstein(c, out);
  if (test == "bins") return RunBins(c, out);
  if (test == "categorical") return RunCategorical(c, out);
  if (test == "drift") return RunDrift(c, out);
  return Status::InvalidArgument("unknown test '" + test + "'");
}

}  // namespace
}  // namespace lakewatch::monitor::stats

int main() {
  using namespace lakewatch::monitor::stats;  // NOLINT(google-build-using-namespace)
  simdjson::dom::parser parser;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    simdjson::dom::element c;
    int64_t id = -1;
    std::string out;
    lakewatch::Status st;
    if (parser.parse(line).get(c) != simdjson::SUCCESS) {
      st = lakewatch::Status::InvalidArgument("case is not valid JSON");
    } else {
      if (c["id"].get(id) != simdjson::SUCCESS) id = -1;
      st = RunCase(c, out);
    }
    std::string text = "{\"id\":" + std::to_string(id);
    if (st.ok()) {
      text += out;
    } else {
      text += ",\"error\":";
      lakewatch::AppendJsonString(st.message(), &text);
    }
    text += "}\n";
    std::cout << text;
  }
  return 0;
}
