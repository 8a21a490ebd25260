#include "parquet/leaf_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace lakewatch::parquet {

namespace {

// Appends dense values [begin, end) of `src` (a primitive column without
// nulls) to *dst.
void AppendDenseValues(const Column& src, int64_t begin, int64_t end, Column* dst) {
  const int64_t n = end - begin;
  if (n <= 0) return;
  if (src.type->is_binary_like()) {
    const int64_t* so = src.offset_values();
    const int64_t base = static_cast<int64_t>(dst->data.size()) - so[begin];
    dst->data.Append(src.data.data() + so[begin], static_cast<size_t>(so[end] - so[begin]));
    const size_t ob = dst->offsets.size();
    dst->offsets.Resize(ob + static_cast<size_t>(n) * sizeof(int64_t));
    int64_t* d = reinterpret_cast<int64_t*>(dst->offsets.data() + ob);
    for (int64_t i = 0; i < n; ++i) d[i] = so[begin + i + 1] + base;
  } else {
    const size_t w = static_cast<size_t>(src.type->byte_width());
    dst->data.Append(src.data.data() + static_cast<size_t>(begin) * w, static_cast<size_t>(n) * w);
  }
  dst->length += n;
}

void AppendLevels(const Buffer& src, int64_t begin, int64_t end, Buffer* dst) {
  dst->Append(src.data() + begin * sizeof(int16_t), static_cast<size_t>(end - begin) * sizeof(int16_t));
}

// Walks the rows of one LeafData: entry e starts row `row`; v values precede it.
class RowCursor {
 public:
  explicit RowCursor(const LeafData& in, int64_t first_row)
      : rep_(in.max_rep > 0 ? in.rep_levels.data_as<int16_t>() : nullptr),
        def_(in.max_def > 0 ? in.def_levels.data_as<int16_t>() : nullptr),
        max_def_(in.max_def),
        n_(in.num_entries),
        row_(first_row) {}

  // Moves past `count` rows, or to the end.
  void Skip(int64_t count) {
    if (rep_ == nullptr) {
      const int64_t take = std::min(count, n_ - e_);
      if (def_ == nullptr) {
        v_ += take;
      } else {
        for (int64_t i = e_; i < e_ + take; ++i) v_ += def_[i] == max_def_;
      }
      e_ += take;
      row_ += take;
      return;
    }
    for (; count > 0 && e_ < n_; --count, ++row_) {
      do {
        v_ += def_ == nullptr || def_[e_] == max_def_;
        ++e_;
      } while (e_ < n_ && rep_[e_] != 0);
    }
  }
  bool done() const { return e_ >= n_; }
  int64_t entry() const { return e_; }
  int64_t value() const { return v_; }
  int64_t row() const { return row_; }

 private:
  const int16_t* rep_;
  const int16_t* def_;
  int16_t max_def_;
  int64_t n_;
  int64_t e_ = 0, v_ = 0, row_;
};

}  // namespace

Status AppendLeafRows(const LeafData& in, int64_t first_row, const RowSelection& rows,
                      LeafData* out, int64_t* rows_in) {
  if (in.max_rep > 0 && in.num_entries > 0 && in.rep_levels.data_as<int16_t>()[0] != 0) {
    return Status::Corrupt(fmt::format("data at row {} does not start at a row boundary "
                                       "(first repetition level is not 0)",
                                       first_row));
  }
  const std::vector<RowRange>& ranges = rows.ranges();
  auto k = std::upper_bound(ranges.begin(), ranges.end(), first_row,
                            [](int64_t r, const RowRange& range) { return r < range.end; });
  RowCursor c(in, first_row);
  for (; k != ranges.end() && !c.done(); ++k) {
    c.Skip(std::max<int64_t>(0, k->begin - c.row()));
    if (c.done()) break;
    const int64_t e0 = c.entry(), v0 = c.value();
    c.Skip(k->end - c.row());
    if (c.value() > in.values->length) {
      return Status::Corrupt(fmt::format("levels at row {} define {} values, the data holds {}",
                                         first_row, c.value(), in.values->length));
    }
    if (in.max_def > 0) AppendLevels(in.def_levels, e0, c.entry(), &out->def_levels);
    if (in.max_rep > 0) AppendLevels(in.rep_levels, e0, c.entry(), &out->rep_levels);
    out->num_entries += c.entry() - e0;
    AppendDenseValues(*in.values, v0, c.value(), out->values.get());
  }
  c.Skip(INT64_MAX);
  *rows_in = c.row() - first_row;
  return Status::OK();
}

}  // namespace lakewatch::parquet
