#include "index/index_config.h"

#include <algorithm>

namespace lakewatch::index {

const char* IndexKindName(IndexKind kind) { return kind == IndexKind::kText ? "text" : "keyword"; }

std::vector<std::string> ParseColumnList(std::string_view list) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view item = list.substr(pos, comma - pos);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) out.emplace_back(item);
    pos = comma + 1;
  }
  return out;
}

std::string FormatColumnList(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& c : columns) {
    if (!out.empty()) out += ',';
    out += c;
  }
  return out;
}

std::vector<IndexColumn> IndexColumnsFromConfig(const std::optional<std::string>& text,
                                                const std::optional<std::string>& keyword) {
  std::vector<IndexColumn> out;
  for (std::string& c : ParseColumnList(text.has_value() ? *text : kDefaultTextColumns)) {
    out.push_back({std::move(c), IndexKind::kText});
  }
  for (std::string& c : ParseColumnList(keyword.has_value() ? *keyword : kDefaultKeywordColumns)) {
    out.push_back({std::move(c), IndexKind::kKeyword});
  }
  return out;
}

std::optional<std::string> SidecarRelativePath(std::string_view data_file) {
  if (data_file.empty() || data_file.front() == '/' || data_file.find("://") != std::string_view::npos ||
      data_file.find(':') != std::string_view::npos) {
    return std::nullopt;
  }
  // No component may climb out of the table (or be empty / ".").
  size_t pos = 0;
  while (pos <= data_file.size()) {
    size_t slash = data_file.find('/', pos);
    if (slash == std::string_view::npos) slash = data_file.size();
    std::string_view part = data_file.substr(pos, slash - pos);
    if (part.empty() || part == "." || part == "..") return std::nullopt;
    pos = slash + 1;
  }
  std::string out(kSidecarDir);
  out += '/';
  out += data_file;
  out += kSidecarSuffix;
  return out;
}

}  // namespace lakewatch::index
