#include "cli/row_output.h"

#include <unistd.h>

#include <algorithm>

#include "common/json_format.h"

namespace lakewatch::cli {

Result<RowFormat> ParseRowFormat(const std::string& name, FILE* stream) {
  if (name.empty()) return isatty(fileno(stream)) ? RowFormat::kTable : RowFormat::kJsonl;
  if (name == "table") return RowFormat::kTable;
  if (name == "json") return RowFormat::kJson;
  if (name == "jsonl") return RowFormat::kJsonl;
  if (name == "csv") return RowFormat::kCsv;
  return Status::InvalidArgument("unknown format '" + name + "' (expected table, json, jsonl or csv)");
}

namespace {

void AppendCsvCell(const std::string& s, std::string* out) {
  bool quote = s.find_first_of(",\"\r\n") != std::string::npos ||
               (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) {
    out->append(s);
    return;
  }
  out->push_back('"');
  for (char c : s) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

// Display width in code points (good enough for aligned terminal tables).
size_t DisplayWidth(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Truncate(const std::string& s, size_t max) {
  if (DisplayWidth(s) <= max) return s;
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if ((c & 0xC0) != 0x80) {
      if (n == max - 1) break;
      ++n;
    }
    out.push_back(static_cast<char>(c));
  }
  return out + "…";
}

}  // namespace

void RowOutput::Write(const RecordBatch& batch) {
  if (!started_) {
    started_ = true;
    for (const Field& f : batch.schema.fields) header_.push_back(f.name);
    if (format_ == RowFormat::kJson) std::fputs("[", out_);
    if (format_ == RowFormat::kCsv) {
      buf_.clear();
      for (size_t c = 0; c < header_.size(); ++c) {
        if (c) buf_.push_back(',');
        AppendCsvCell(header_[c], &buf_);
      }
      buf_.push_back('\n');
      std::fwrite(buf_.data(), 1, buf_.size(), out_);
    }
  }
  std::string cell;
  for (int64_t r = 0; r < batch.num_rows; ++r) {
    buf_.clear();
    switch (format_) {
      case RowFormat::kJsonl:
        AppendJsonRow(batch, r, &buf_);
        buf_.push_back('\n');
        break;
      case RowFormat::kJson:
        if (rows_ > 0) buf_.push_back(',');
        buf_.append("\n");
        AppendJsonRow(batch, r, &buf_);
        break;
      case RowFormat::kCsv:
        for (size_t c = 0; c < batch.columns.size(); ++c) {
          if (c) buf_.push_back(',');
          cell.clear();
          AppendTextValue(*batch.columns[c], r, &cell);
          AppendCsvCell(cell, &buf_);
        }
        buf_.push_back('\n');
        break;
      case RowFormat::kTable: {
        std::vector<std::string> row;
        for (const ColumnPtr& col : batch.columns) {
          cell.clear();
          if (col->IsNull(r)) {
            cell = "NULL";
          } else {
            AppendTextValue(*col, r, &cell);
          }
          std::replace(cell.begin(), cell.end(), '\n', ' ');
          row.push_back(Truncate(cell, 48));
        }
        table_.push_back(std::move(row));
        break;
      }
    }
    std::fwrite(buf_.data(), 1, buf_.size(), out_);
    ++rows_;
  }
}

void RowOutput::FlushTable() {
  std::vector<size_t> w(header_.size());
  for (size_t c = 0; c < header_.size(); ++c) w[c] = DisplayWidth(header_[c]);
  for (const auto& row : table_) {
    for (size_t c = 0; c < row.size(); ++c) w[c] = std::max(w[c], DisplayWidth(row[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s = "│";
    for (size_t c = 0; c < cells.size(); ++c) {
      s += " " + cells[c] + std::string(w[c] - DisplayWidth(cells[c]), ' ') + " │";
    }
    s += "\n";
    std::fputs(s.c_str(), out_);
  };
  auto rule = [&](const char* l, const char* m, const char* r) {
    std::string s = l;
    for (size_t c = 0; c < w.size(); ++c) {
      for (size_t k = 0; k < w[c] + 2; ++k) s += "─";
      s += c + 1 < w.size() ? m : r;
    }
    s += "\n";
    std::fputs(s.c_str(), out_);
  };
  if (header_.empty()) return;
  rule("┌", "┬", "┐");
  line(header_);
  rule("├", "┼", "┤");
  for (const auto& row : table_) line(row);
  rule("└", "┴", "┘");
  std::fprintf(out_, "%lld row%s\n", static_cast<long long>(rows_), rows_ == 1 ? "" : "s");
}

void RowOutput::Finish() {
  switch (format_) {
    case RowFormat::kJson: std::fputs(started_ ? "\n]\n" : "[]\n", out_); break;
    case RowFormat::kTable: FlushTable(); break;
    default: break;
  }
  std::fflush(out_);
}

}  // namespace lakewatch::cli
