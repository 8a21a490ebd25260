#include "monitor/drift.h"

#include <unordered_set>

#include "monitor/frame.h"
#include "monitor/stats/drift.h"
#include "sql/engine.h"
#include "sql/function/function_registry.h"

namespace lakewatch::monitor {

namespace {

stats::FeatureSample SampleOf(const Distribution& d) {
  return d.numeric ? stats::FeatureSample::Numeric(d.sample) : stats::FeatureSample::Categorical(d.categories);
}

int64_t Present(const Distribution& d) {
  if (d.numeric) return d.sample.size();
  int64_t n = 0;
  for (const auto& [value, count] : d.categories.counts) n += count;
  return n;
}

}  // namespace

Result<DriftOutcome> TestDistributions(const Distribution& reference, const Distribution& current,
                                       const std::string& method, std::optional<double> threshold) {
  DriftOutcome out;
  if (Present(reference) == 0 || Present(current) == 0 || reference.numeric != current.numeric) return out;
  const stats::FeatureSample ref = SampleOf(reference), cur = SampleOf(current);
  stats::DriftOptions options;
  LW_ASSIGN_OR_RETURN(options.method, stats::ParseDriftMethod(method));
  options.threshold = threshold;
  LW_ASSIGN_OR_RETURN(stats::DriftResult decisive, stats::TestDrift(ref, cur, options));
  out.tested = true;
  out.method = std::string(stats::DriftMethodName(decisive.method));
  out.statistic = decisive.statistic;
  out.p_value = decisive.p_value;
  out.threshold = decisive.threshold;
  out.drifted = decisive.drifted;
  auto add = [&](stats::DriftMethod m, const stats::DriftResult& r, bool decides) {
    const stats::DriftMetricNames names = stats::MetricNames(m);
    // The decision is on the p-value where the test has one, else on the statistic.
    out.figures.push_back(DriftFigure{std::string(names.statistic), r.statistic, decides && !r.p_value.has_value()});
    if (r.p_value.has_value()) out.figures.push_back(DriftFigure{std::string(names.p_value), *r.p_value, decides});
  };
  add(decisive.method, decisive, true);
  // Beside the deciding test, the cheap distances every dashboard shows: PSI and
  // Jensen–Shannon always, the normed Wasserstein distance for numeric columns.
  std::vector<stats::DriftMethod> extra = {stats::DriftMethod::kPsi, stats::DriftMethod::kJensenShannon};
  if (reference.numeric) extra.push_back(stats::DriftMethod::kWasserstein);
  for (stats::DriftMethod m : extra) {
    if (m == decisive.method) continue;
    stats::DriftOptions o;
    o.method = m;
    auto r = stats::TestDrift(ref, cur, o);
    if (r.ok()) add(m, *r, false);
  }
  return out;
}

Result<std::vector<ColumnDrift>> CompareResults(const sql::QueryResult& reference, const sql::QueryResult& current,
                                                const CompareOptions& options) {
  std::vector<std::string> columns = options.columns;
  if (columns.empty()) {
    for (const Field& f : reference.schema.fields) {
      if (current.schema.FieldIndex(f.name) >= 0) columns.push_back(f.name);
    }
    if (columns.empty()) {
      return Status::InvalidArgument("the reference and current queries have no column in common (reference: " +
                                     reference.schema.ToString() + "; current: " + current.schema.ToString() + ")");
    }
  }
  std::unordered_set<std::string> seen;
  std::vector<ColumnDrift> out;
  for (const std::string& name : columns) {
    if (!seen.insert(name).second) continue;
    const int ri = reference.schema.FieldIndex(name), ci = current.schema.FieldIndex(name);
    if (ri < 0 || ci < 0) {
      return Status::InvalidArgument("column '" + name + "' is not in the " + (ri < 0 ? "reference" : "current") +
                                     " result (" + (ri < 0 ? reference : current).schema.ToString() + ")");
    }
    const TypePtr& rt = reference.schema.fields[static_cast<size_t>(ri)].type;
    const TypePtr& ct = current.schema.fields[static_cast<size_t>(ci)].type;
    ColumnDrift cd;
    cd.column = name;
    cd.reference_rows = reference.num_rows;
    cd.current_rows = current.num_rows;
    const bool numeric = sql::IsNumeric(rt) && sql::IsNumeric(ct);
    cd.kind = numeric ? "numeric" : "categorical";
    Distribution ref, cur;
    ref.numeric = cur.numeric = numeric;
    auto fill = [&](const sql::QueryResult& r, int index, Distribution* d) -> Status {
      d->rows = r.num_rows;
      if (numeric) {
        NumericValues v = ExtractNumeric(r, index);
        d->sample = stats::SortedSample::FromValues(v.values, options.threads);
        d->missing = d->rows - d->sample.size();
        return Status::OK();
      }
      CategoricalValues c = ExtractCategorical(r, index);
      std::vector<int64_t> counts(c.dictionary.size(), 0);
      for (int32_t code : c.codes) {
        if (code >= 0) ++counts[static_cast<size_t>(code)];
      }
      for (size_t i = 0; i < counts.size(); ++i) {
        if (counts[i] > 0) d->categories.Add(c.dictionary[i], counts[i]);
      }
      d->missing = c.missing;
      return Status::OK();
    };
    LW_RETURN_IF_ERROR(fill(reference, ri, &ref));
    LW_RETURN_IF_ERROR(fill(current, ci, &cur));
    auto outcome = TestDistributions(ref, cur, options.method, options.threshold);
    if (!outcome.ok()) return outcome.status().WithContext("column '" + name + "'");
    cd.outcome = std::move(*outcome);
    out.push_back(std::move(cd));
  }
  return out;
}

}  // namespace lakewatch::monitor
