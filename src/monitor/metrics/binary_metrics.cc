#include "monitor/metrics/binary_metrics.h"

#include <algorithm>
#include <cmath>

#include "monitor/metrics/compensated_sum.h"
#include "monitor/metrics/input_check.h"
#include "monitor/metrics/precision_recall.h"
#include "monitor/metrics/score_ranking.h"

namespace lakewatch::monitor::metrics {
namespace {

// The figures that need only the labels and the hard predictions.
void AddConfusionFigures(std::span<const uint8_t> y_true, std::span<const uint8_t> y_pred,
                         Figures* out) {
  int64_t counts[2][2] = {{0, 0}, {0, 0}};  // [true][pred]
  for (size_t i = 0; i < y_true.size(); ++i) ++counts[y_true[i]][y_pred[i]];
  const int64_t tn = counts[0][0], fp = counts[0][1], fn = counts[1][0], tp = counts[1][1];
  const auto n = static_cast<int64_t>(y_true.size());
  const auto rows = static_cast<double>(n);
  const PrecisionRecall pr = PrecisionRecallOf(tp, tp + fp, tp + fn);
  out->push_back({"accuracy", "", static_cast<double>(tp + tn) / rows, n});
  out->push_back({"precision", "", pr.precision, tp + fp});
  out->push_back({"recall", "", pr.recall, tp + fn});
  out->push_back({"f1", "", pr.f1, tp + fp + fn});
  out->push_back({"tp", "", static_cast<double>(tp), n});
  out->push_back({"fp", "", static_cast<double>(fp), n});
  out->push_back({"tn", "", static_cast<double>(tn), n});
  out->push_back({"fn", "", static_cast<double>(fn), n});
  out->push_back({"prediction_rate", "", static_cast<double>(tp + fp) / rows, n});
}

// log_loss exactly as sklearn 1.2.1 forms it for a 1-D probability p of the positive class:
// clip p to [eps, 1 − eps], build the row (1 − p, p), divide it by its sum, take −log of the
// entry of the true class.
double LogLossTerm(uint8_t y, double score) {
  const double p = std::clamp(score, kLogLossEps, 1.0 - kLogLossEps);
  const double q = 1.0 - p;
  const double sum = q + p;
  return -std::log((y ? p : q) / sum);
}

void AddScoreFigures(std::span<const uint8_t> y_true, std::span<const double> score, Figures* out) {
  const auto n = static_cast<int64_t>(y_true.size());
  CompensatedSum log_loss;
  CompensatedSum brier;
  for (size_t i = 0; i < y_true.size(); ++i) {
    log_loss.Add(LogLossTerm(y_true[i], score[i]));
    const double d = static_cast<double>(y_true[i]) - score[i];
    brier.Add(d * d);
  }
  const auto ranking =
      ScoreRanking::Build(score.data(), score.size(), 1, [&](size_t i) { return y_true[i] != 0; });
  if (ranking.positives() > 0 && ranking.negatives() > 0) {
    out->push_back({"roc_auc", "", ranking.RocAuc(), n});
  }
  out->push_back({"pr_auc", "", ranking.AveragePrecision(), n});
  out->push_back({"log_loss", "", log_loss.value() / static_cast<double>(n), n});
  out->push_back({"brier", "", brier.value() / static_cast<double>(n), n});
}

template <typename Label>
std::vector<uint8_t> EncodeLabels(std::span<const Label> labels, const Label& positive) {
  std::vector<uint8_t> out(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) out[i] = labels[i] == positive ? 1 : 0;
  return out;
}

}  // namespace

Result<Figures> BinaryMetrics(const BinaryInput& in) {
  const size_t rows = in.y_true.size();
  if (!in.y_pred.empty()) LW_RETURN_IF_ERROR(CheckLength("y_pred", in.y_pred.size(), rows));
  if (!in.score.empty()) LW_RETURN_IF_ERROR(CheckLength("score", in.score.size(), rows));
  LW_RETURN_IF_ERROR(CheckZeroOne("y_true", in.y_true));
  LW_RETURN_IF_ERROR(CheckZeroOne("y_pred", in.y_pred));
  LW_RETURN_IF_ERROR(CheckProbabilities("score", in.score));

  const auto n = static_cast<int64_t>(rows);
  Figures out;
  out.push_back({"count", "", static_cast<double>(n), n});
  if (n == 0) return out;
  const auto positives = std::count(in.y_true.begin(), in.y_true.end(), uint8_t{1});
  out.push_back({"positive_rate", "", static_cast<double>(positives) / static_cast<double>(n), n});
  if (!in.y_pred.empty()) AddConfusionFigures(in.y_true, in.y_pred, &out);
  if (!in.score.empty()) AddScoreFigures(in.y_true, in.score, &out);
  return out;
}

std::vector<uint8_t> EncodeBinaryLabels(std::span<const std::string_view> labels,
                                        std::string_view positive) {
  return EncodeLabels(labels, positive);
}

std::vector<uint8_t> EncodeBinaryLabels(std::span<const int64_t> labels, int64_t positive) {
  return EncodeLabels(labels, positive);
}

}  // namespace lakewatch::monitor::metrics
