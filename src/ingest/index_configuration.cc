#include "ingest/index_configuration.h"

#include <algorithm>

#include "common/json_format.h"
#include "delta/transaction.h"

namespace lakewatch::ingest {

std::vector<index::IndexColumn> TableIndexColumns(const delta::Metadata* metadata,
                                                  const std::optional<std::string>& text,
                                                  const std::optional<std::string>& keyword) {
  std::optional<std::string> t = text, k = keyword;
  if (metadata != nullptr) {
    if (!t.has_value()) t = metadata->Config(index::kTextColumnsKey);
    if (!k.has_value()) k = metadata->Config(index::kKeywordColumnsKey);
  }
  return index::IndexColumnsFromConfig(t, k);
}

delta::StringMap IndexConfiguration(const std::optional<std::string>& text,
                                    const std::optional<std::string>& keyword) {
  delta::StringMap config;
  for (const auto& [key, list] : {std::pair{index::kTextColumnsKey, &text}, std::pair{index::kKeywordColumnsKey, &keyword}}) {
    if (list->has_value()) config.emplace_back(key, index::FormatColumnList(index::ParseColumnList(**list)));
  }
  return config;
}

Status StoreIndexConfiguration(const delta::DeltaTable& table, const std::optional<std::string>& text,
                               const std::optional<std::string>& keyword) {
  const delta::StringMap wanted = IndexConfiguration(text, keyword);
  if (wanted.empty()) return Status::OK();
  LW_ASSIGN_OR_RETURN(std::shared_ptr<const delta::Snapshot> snap, table.Load());
  delta::Metadata md = snap->metadata();
  bool changed = false;
  std::string properties = "{";
  for (const auto& [key, value] : wanted) {
    if (properties.size() > 1) properties += ',';
    AppendJsonString(key, &properties);
    properties += ':';
    AppendJsonString(value, &properties);
    if (md.Config(key) == std::optional<std::string>(value)) continue;
    changed = true;
    const std::string& name = key;  // a structured binding cannot be captured before C++20 in clang 14
    auto it = std::find_if(md.configuration.begin(), md.configuration.end(),
                           [&name](const auto& kv) { return kv.first == name; });
    if (it != md.configuration.end()) {
      it->second = value;
    } else {
      md.configuration.emplace_back(key, value);
    }
  }
  if (!changed) return Status::OK();
  delta::Transaction tx(table.store(), snap);
  tx.SetMetadata(std::move(md));
  tx.SetOperation("SET TBLPROPERTIES", {{"properties", properties + "}"}});
  return tx.Commit().status();
}

}  // namespace lakewatch::ingest
