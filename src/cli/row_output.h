// RowOutput: prints record batches in the formats every row-printing command
// shares (DESIGN.md): table (aligned, for terminals), json (one array),
// jsonl (one object per line) and csv (RFC 4180, header row, nulls empty).
//
// Thread-safety: none; one output per stream.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "common/column.h"
#include "common/status.h"

namespace lakewatch::cli {

enum class RowFormat { kTable, kJson, kJsonl, kCsv };

// Parses "table|json|jsonl|csv"; "" picks table on a terminal, else jsonl.
Result<RowFormat> ParseRowFormat(const std::string& name, FILE* stream);

class RowOutput {
 public:
  RowOutput(RowFormat format, FILE* out) : format_(format), out_(out) {}
  // Prints the rows of `batch` (the first call fixes the header).
  void Write(const RecordBatch& batch);
  // Ends the output (closing bracket for json, the table for table).
  void Finish();
  int64_t rows() const { return rows_; }

 private:
  void FlushTable();
  RowFormat format_;
  FILE* out_;
  int64_t rows_ = 0;
  bool started_ = false;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> table_;  // buffered cells (table format)
  std::string buf_;
};

}  // namespace lakewatch::cli
