#include "monitor/metrics/multiclass_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <vector>

#include "monitor/metrics/binary_metrics.h"
#include "monitor/metrics/compensated_sum.h"
#include "monitor/metrics/input_check.h"
#include "monitor/metrics/label_encoder.h"
#include "monitor/metrics/precision_recall.h"
#include "monitor/metrics/score_ranking.h"

namespace lakewatch::monitor::metrics {
namespace {

// The window's labels as dense codes: labels() of the encoder in order of first appearance,
// rank[] their sklearn (sorted) order.
template <typename Label>
struct EncodedLabels {
  LabelEncoder<Label> encoder{kMaxClasses};
  std::vector<int32_t> true_code;
  std::vector<int32_t> pred_code;  // empty when no predictions
  std::vector<int32_t> rank;
  std::vector<std::string> names;  // by rank
};

template <typename Label>
Status EncodeColumn(std::string_view name, std::span<const Label> labels,
                    LabelEncoder<Label>* encoder, std::vector<int32_t>* codes) {
  codes->resize(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    const int32_t code = encoder->Encode(labels[i]);
    if (code < 0) {
      return Status::ResourceExhausted(
          fmt::format("{}[{}] = '{}' is distinct label number {}: multiclass metrics are limited "
                      "to {} classes",
                      name, i, LabelText(labels[i]), kMaxClasses + 1, kMaxClasses));
    }
    (*codes)[i] = code;
  }
  return Status::OK();
}

template <typename Label>
Status Encode(const MulticlassInput<Label>& in, EncodedLabels<Label>* e) {
  LW_RETURN_IF_ERROR(EncodeColumn("y_true", in.y_true, &e->encoder, &e->true_code));
  LW_RETURN_IF_ERROR(EncodeColumn("y_pred", in.y_pred, &e->encoder, &e->pred_code));
  e->rank = e->encoder.SortedRanks();
  e->names.resize(e->rank.size());
  for (size_t c = 0; c < e->rank.size(); ++c) {
    e->names[e->rank[c]] = LabelText(e->encoder.labels()[c]);
  }
  return Status::OK();
}

// Appends s to *out with '%', ',' and '=' percent-encoded.
void AppendCellLabel(std::string_view s, std::string* out) {
  for (const char ch : s) {
    switch (ch) {
      case '%':
        *out += "%25";
        break;
      case ',':
        *out += "%2C";
        break;
      case '=':
        *out += "%3D";
        break;
      default:
        *out += ch;
    }
  }
}

// Per-class and averaged precision / recall / F1 and the confusion cells, from the
// confusion matrix in sorted class order.
void AddPredictionFigures(const std::vector<std::string>& names,
                          const std::vector<int64_t>& confusion, int64_t n, Figures* out) {
  const size_t k = names.size();
  const auto rows = static_cast<double>(n);
  std::vector<int64_t> predicted(k, 0);
  std::vector<int64_t> actual(k, 0);
  int64_t correct = 0;
  for (size_t t = 0; t < k; ++t) {
    for (size_t p = 0; p < k; ++p) {
      actual[t] += confusion[t * k + p];
      predicted[p] += confusion[t * k + p];
    }
    correct += confusion[t * k + t];
  }
  std::vector<PrecisionRecall> per_class(k);
  PrecisionRecall macro;
  PrecisionRecall weighted;
  for (size_t c = 0; c < k; ++c) {
    const PrecisionRecall& pr = per_class[c] =
        PrecisionRecallOf(confusion[c * k + c], predicted[c], actual[c]);
    const auto w = static_cast<double>(actual[c]);
    macro.precision += pr.precision, macro.recall += pr.recall, macro.f1 += pr.f1;
    weighted.precision += pr.precision * w, weighted.recall += pr.recall * w;
    weighted.f1 += pr.f1 * w;
  }
  const PrecisionRecall micro = PrecisionRecallOf(correct, n, n);
  const auto classes = static_cast<double>(k);
  out->push_back({"accuracy", "", static_cast<double>(correct) / rows, n});
  out->push_back({"precision_micro", "", micro.precision, n});
  out->push_back({"recall_micro", "", micro.recall, n});
  out->push_back({"f1_micro", "", micro.f1, n});
  out->push_back({"precision_macro", "", macro.precision / classes, n});
  out->push_back({"recall_macro", "", macro.recall / classes, n});
  out->push_back({"f1_macro", "", macro.f1 / classes, n});
  out->push_back({"precision_weighted", "", weighted.precision / rows, n});
  out->push_back({"recall_weighted", "", weighted.recall / rows, n});
  out->push_back({"f1_weighted", "", weighted.f1 / rows, n});
  for (size_t c = 0; c < k; ++c) {
    const int64_t tp = confusion[c * k + c];
    out->push_back({"precision", names[c], per_class[c].precision, predicted[c]});
    out->push_back({"recall", names[c], per_class[c].recall, actual[c]});
    out->push_back({"f1", names[c], per_class[c].f1, predicted[c] + actual[c] - tp});
    out->push_back({"prediction_rate", names[c], static_cast<double>(predicted[c]) / rows, n});
  }
  for (size_t t = 0; t < k; ++t) {
    for (size_t p = 0; p < k; ++p) {
      if (confusion[t * k + p] == 0) continue;
      out->push_back({"confusion", ConfusionCell(names[t], names[p]),
                      static_cast<double>(confusion[t * k + p]), n});
    }
  }
}

// log_loss as sklearn 1.2.1 forms it: clip every probability to [eps, 1 − eps], divide the row
// by its sum, take −log of the true class's entry; then the one-vs-rest AUCs.
void AddProbabilityFigures(const std::vector<std::string>& class_names,
                           const std::vector<int32_t>& true_column, std::span<const double> proba,
                           Figures* out) {
  const size_t k = class_names.size();
  const size_t rows = true_column.size();
  const auto n = static_cast<int64_t>(rows);
  CompensatedSum log_loss;
  for (size_t i = 0; i < rows; ++i) {
    const double* row = proba.data() + i * k;
    double sum = 0;
    for (size_t c = 0; c < k; ++c) sum += std::clamp(row[c], kLogLossEps, 1.0 - kLogLossEps);
    log_loss.Add(-std::log(std::clamp(row[true_column[i]], kLogLossEps, 1.0 - kLogLossEps) / sum));
  }
  out->push_back({"log_loss", "", log_loss.value() / static_cast<double>(n), n});

  double auc_sum = 0;
  bool every_class_present = true;
  Figures per_class;
  for (size_t c = 0; c < k; ++c) {
    const auto column = static_cast<int32_t>(c);
    const auto ranking = ScoreRanking::Build(proba.data() + c, rows, k,
                                             [&](size_t i) { return true_column[i] == column; });
    if (ranking.positives() == 0 || ranking.negatives() == 0) {
      every_class_present = every_class_present && ranking.positives() > 0;
      continue;
    }
    const double auc = ranking.RocAuc();
    auc_sum += auc;
    per_class.push_back({"roc_auc", class_names[c], auc, n});
  }
  if (every_class_present) {
    out->push_back({"roc_auc", "", auc_sum / static_cast<double>(k), n});
  }
  out->insert(out->end(), per_class.begin(), per_class.end());
}

// (A Status and an out-parameter: g++ 12 -O2 warns falsely on a Result of an unordered_map.)
template <typename Label>
Status ProbabilityColumns(std::span<const Label> classes,
                          std::unordered_map<Label, int32_t>* column_of) {
  for (size_t c = 0; c < classes.size(); ++c) {
    if (!column_of->emplace(classes[c], static_cast<int32_t>(c)).second) {
      return Status::InvalidArgument(
          fmt::format("classes[{}] = '{}' repeats an earlier class", c, LabelText(classes[c])));
    }
  }
  return Status::OK();
}

}  // namespace

std::string ConfusionCell(std::string_view true_label, std::string_view pred_label) {
  std::string cell = "true=";
  AppendCellLabel(true_label, &cell);
  cell += ",pred=";
  AppendCellLabel(pred_label, &cell);
  return cell;
}

template <typename Label>
Result<Figures> MulticlassMetrics(const MulticlassInput<Label>& in) {
  const size_t rows = in.y_true.size();
  const size_t k = in.classes.size();
  if (!in.y_pred.empty()) LW_RETURN_IF_ERROR(CheckLength("y_pred", in.y_pred.size(), rows));
  const bool has_proba = !in.proba.empty() || k > 0;
  if (has_proba) {
    if (k < 2) {
      return Status::InvalidArgument(fmt::format(
          "proba needs at least two classes (log_loss and roc_auc are undefined), got {}", k));
    }
    LW_RETURN_IF_ERROR(CheckLength("proba", in.proba.size(), rows * k));
    LW_RETURN_IF_ERROR(CheckProbabilities("proba", in.proba));
  }
  std::unordered_map<Label, int32_t> column_of;
  if (has_proba) LW_RETURN_IF_ERROR(ProbabilityColumns(in.classes, &column_of));

  const auto n = static_cast<int64_t>(rows);
  Figures out;
  out.push_back({"count", "", static_cast<double>(n), n});
  if (n == 0) return out;

  EncodedLabels<Label> e;
  LW_RETURN_IF_ERROR(Encode(in, &e));
  const size_t labels = e.rank.size();

  // Every label of y_true must have a probability column; find the first row that has none.
  std::vector<int32_t> true_column;
  if (has_proba) {
    std::vector<int32_t> column_of_code(labels);
    for (size_t c = 0; c < labels; ++c) {
      const auto it = column_of.find(e.encoder.labels()[c]);
      column_of_code[c] = it == column_of.end() ? -1 : it->second;
    }
    true_column.resize(rows);
    for (size_t i = 0; i < rows; ++i) {
      true_column[i] = column_of_code[e.true_code[i]];
      if (true_column[i] < 0) {
        return Status::InvalidArgument(
            fmt::format("y_true[{}] = '{}' is not one of the {} classes of proba", i,
                        LabelText(in.y_true[i]), k));
      }
    }
  }

  std::vector<int64_t> actual(labels, 0);
  for (const int32_t code : e.true_code) ++actual[e.rank[code]];
  for (size_t c = 0; c < labels; ++c) {
    out.push_back({"support", e.names[c], static_cast<double>(actual[c]), actual[c]});
    out.push_back(
        {"positive_rate", e.names[c], static_cast<double>(actual[c]) / static_cast<double>(n), n});
  }
  if (!e.pred_code.empty()) {
    std::vector<int64_t> confusion(labels * labels, 0);
    for (size_t i = 0; i < rows; ++i) {
      ++confusion[e.rank[e.true_code[i]] * labels + e.rank[e.pred_code[i]]];
    }
    AddPredictionFigures(e.names, confusion, n, &out);
  }
  if (has_proba) {
    std::vector<std::string> class_names(k);
    for (size_t c = 0; c < k; ++c) class_names[c] = LabelText(in.classes[c]);
    AddProbabilityFigures(class_names, true_column, in.proba, &out);
  }
  return out;
}

template Result<Figures> MulticlassMetrics(const MulticlassInput<std::string_view>&);
template Result<Figures> MulticlassMetrics(const MulticlassInput<int64_t>&);

}  // namespace lakewatch::monitor::metrics
