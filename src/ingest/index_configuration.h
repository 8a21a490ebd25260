// The search index configuration of a table (which columns get sidecars,
// docs/search-index.md) as stored in its Delta metaData.configuration, for
// the writers that build sidecars: ingest and `lakewatch index build`.
//
// Thread-safety: free functions; StoreIndexConfiguration commits with
// optimistic concurrency like any Delta writer.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "delta/actions.h"
#include "delta/table.h"
#include "index/index_config.h"

namespace lakewatch::ingest {

// The columns to index: `text` / `keyword` (comma-separated) when given, else
// the table's configuration (`metadata` may be null: a new table), else the
// defaults.
std::vector<index::IndexColumn> TableIndexColumns(const delta::Metadata* metadata,
                                                  const std::optional<std::string>& text,
                                                  const std::optional<std::string>& keyword);

// The lists given, normalized, as configuration entries (for a table being
// created); empty when none is given.
delta::StringMap IndexConfiguration(const std::optional<std::string>& text,
                                    const std::optional<std::string>& keyword);

// Commits the lists given to the existing table's configuration when they
// differ from it (a metaData-only commit, operation SET TBLPROPERTIES, as
// Spark's ALTER TABLE ... SET TBLPROPERTIES writes). Nothing given: no-op.
Status StoreIndexConfiguration(const delta::DeltaTable& table, const std::optional<std::string>& text,
                               const std::optional<std::string>& keyword);

}  // namespace lakewatch::ingest
