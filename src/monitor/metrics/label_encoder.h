// LabelEncoder: dense integer codes for the distinct labels of a window, assigned in order of
// first appearance, and their ranks in sklearn's class order (np.unique: ascending — numeric for
// integers, by code point for strings, which byte order of UTF-8 preserves).
//
// One hash lookup per row and no allocation per row; string_view labels reference the caller's
// memory, which must outlive the encoder.
//
// Thread-safety: not thread-safe; one encoder per call.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lakewatch::monitor::metrics {

template <typename Label>
class LabelEncoder {
 public:
  explicit LabelEncoder(size_t max_labels) : max_labels_(max_labels) {}

  // The code of `label`, or -1 when it would be distinct label number max_labels + 1.
  int32_t Encode(const Label& label) {
    if (!labels_.empty() && label == labels_[last_]) return last_;  // runs of one label are common
    auto it = codes_.find(label);
    if (it == codes_.end()) {
      if (labels_.size() == max_labels_) return -1;
      it = codes_.emplace(label, static_cast<int32_t>(labels_.size())).first;
      labels_.push_back(label);
    }
    last_ = it->second;
    return last_;
  }

  size_t size() const { return labels_.size(); }
  // The distinct labels, indexed by code.
  const std::vector<Label>& labels() const { return labels_; }

  // rank[code] = position of labels()[code] in ascending order.
  std::vector<int32_t> SortedRanks() const {
    std::vector<int32_t> order(labels_.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [this](int32_t a, int32_t b) { return labels_[a] < labels_[b]; });
    std::vector<int32_t> rank(labels_.size());
    for (size_t r = 0; r < order.size(); ++r) rank[order[r]] = static_cast<int32_t>(r);
    return rank;
  }

 private:
  size_t max_labels_;
  std::unordered_map<Label, int32_t> codes_;
  std::vector<Label> labels_;
  int32_t last_ = 0;
};

inline std::string LabelText(std::string_view label) { return std::string(label); }
inline std::string LabelText(int64_t label) { return std::to_string(label); }

}  // namespace lakewatch::monitor::metrics
