// The sidecar files of a table: writing one durably, and building one from
// a Parquet data file (backfill of tables written elsewhere, files written by
// optimize).
//
// Thread-safety: free functions; concurrent calls for different data files
// are safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "index/sidecar_builder.h"

namespace lakewatch::index {

// Writes the sidecar of data file `data_file` (table-relative, as on disk)
// of the table at `table` with `bytes`, durably: a temporary file in the
// same directory, fsynced, renamed into place, then the directory (and any
// directory this call created) fsynced — so a commit that follows finds it
// after a crash. InvalidArgument when the data file has no sidecar path.
Status WriteSidecar(const std::string& table, const std::string& data_file, std::string_view bytes);

// Full path of the sidecar of `data_file`, or "" when it has none.
std::string SidecarPath(const std::string& table, const std::string& data_file);

// Builds the sidecar of a Parquet file by reading its indexed columns one row
// group at a time (memory: one row group of those columns).
Result<std::string> BuildSidecarFromParquet(const std::string& parquet_path, const SidecarOptions& options);

}  // namespace lakewatch::index
