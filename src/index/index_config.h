// Which columns a table indexes, where a data file's sidecar lives, and how
// both are written down (table configuration keys). A convention shared by
// ingest, the CLI, the SQL engine and vacuum (which, in the delta module,
// cannot include this header and follows the same path rule by hand).
//
// Sidecar of a data file at table-relative path P (as on disk, partition
// folders included, not URI-encoded): "<table>/_lakewatch/index/P.lwidx".
// Other Delta readers ignore `_lakewatch/` (a directory starting with '_').
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lakewatch::index {

// How a column is indexed.
enum class IndexKind : uint8_t {
  kText = 1,     // tokens (tokenizer.h): answers match(column, 'words')
  kKeyword = 2,  // whole values, byte-exact: answers column = 'value'
};

const char* IndexKindName(IndexKind kind);  // "text" / "keyword"

struct IndexColumn {
  std::string path;  // a top-level column or a dotted path into structs ("error.message")
  IndexKind kind = IndexKind::kText;
  bool operator==(const IndexColumn&) const = default;
};

// Delta table configuration keys (metaData.configuration): comma-separated
// column paths. Absent: the defaults below; present and empty: none.
inline constexpr std::string_view kTextColumnsKey = "lakewatch.index.text";
inline constexpr std::string_view kKeywordColumnsKey = "lakewatch.index.keyword";
inline constexpr std::string_view kDefaultTextColumns = "message,error.message,template";
inline constexpr std::string_view kDefaultKeywordColumns = "request_id,trace_id,span_id";

// "a, b,,c" → {"a", "b", "c"} (spaces trimmed, empty items dropped, duplicates dropped).
std::vector<std::string> ParseColumnList(std::string_view list);
std::string FormatColumnList(const std::vector<std::string>& columns);

// The columns to index given the two configuration values (nullopt: not set,
// so the default). A column named in both lists is indexed as text and as keyword.
std::vector<IndexColumn> IndexColumnsFromConfig(const std::optional<std::string>& text,
                                                const std::optional<std::string>& keyword);

inline constexpr std::string_view kSidecarDir = "_lakewatch/index";
inline constexpr std::string_view kSidecarSuffix = ".lwidx";

// The sidecar's path relative to the table for data file `data_file` (table-
// relative, as on disk); nullopt when the data file has no sidecar (an
// absolute path or URI: a file outside the table, or a path that climbs out
// of it).
std::optional<std::string> SidecarRelativePath(std::string_view data_file);

}  // namespace lakewatch::index
