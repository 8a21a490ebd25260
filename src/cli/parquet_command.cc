// `lakewatch parquet schema|meta|cat|convert`: inspect and rewrite Parquet files.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/row_output.h"
#include "common/json_format.h"
#include "parquet/file_reader.h"
#include "parquet/file_writer.h"

namespace lakewatch::cli {

namespace {

using parquet::ParquetFileReader;

struct ParquetArgs {
  std::string file, out, format, compression = "zstd", columns;
  int64_t limit = -1;
  int64_t row_group_rows = 0;
  int threads = 0;
};

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size() && !s.empty()) {
    size_t comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Status SchemaCommand(const ParquetArgs& a) {
  LW_ASSIGN_OR_RETURN(auto reader, ParquetFileReader::Open(a.file));
  std::string out = parquet::FormatSchemaElements(reader->metadata().schema);
  out += "\nlogical schema:\n";
  for (const Field& f : reader->schema().logical().fields) {
    out += "  " + f.name + ": " + f.type->ToString() + (f.nullable ? "" : " not null") + "\n";
  }
  std::fputs(out.c_str(), stdout);
  return Status::OK();
}

Status MetaCommand(const ParquetArgs& a) {
  LW_ASSIGN_OR_RETURN(auto reader, ParquetFileReader::Open(a.file));
  const parquet::FileMetaData& md = reader->metadata();
  std::string out;
  fmt::format_to(std::back_inserter(out), "file: {}\nsize: {} bytes\ncreated_by: {}\nversion: {}\nrows: {}\nrow groups: {}\ncolumns: {}\n",
                 a.file, reader->file_size(), md.created_by.value_or(""), md.version, md.num_rows,
                 md.row_groups.size(), reader->schema().leaves().size());
  if (md.key_value_metadata.has_value()) {
    for (const auto& kv : *md.key_value_metadata) {
      std::string v = kv.value.value_or("");
      if (v.size() > 200) v = v.substr(0, 200) + "…";
      fmt::format_to(std::back_inserter(out), "metadata: {} = {}\n", kv.key, v);
    }
  }
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    const parquet::RowGroup& rg = md.row_groups[g];
    fmt::format_to(std::back_inserter(out), "\nrow group {}: {} rows, {} bytes uncompressed, {} compressed\n", g,
                   rg.num_rows, rg.total_byte_size, rg.total_compressed_size.value_or(0));
    for (const parquet::LeafDescriptor& leaf : reader->schema().leaves()) {
      const parquet::ColumnMetaData& m = *rg.columns[leaf.index].meta_data;
      std::string encodings;
      for (parquet::Encoding e : m.encodings) encodings += (encodings.empty() ? "" : ",") + parquet::EncodingName(e);
      parquet::ColumnStats st = reader->RowGroupStats(g, leaf.index);
      std::string stats;
      if (st.has_bounds) stats += " min=" + st.min.ToString() + " max=" + st.max.ToString();
      if (st.null_count.has_value()) stats += " nulls=" + std::to_string(*st.null_count);
      fmt::format_to(std::back_inserter(out), "  {} {} {} [{}] values={} size={}/{}{}\n", leaf.DottedPath(),
                     parquet::TypeName(leaf.physical_type), parquet::CodecName(m.codec), encodings,
                     m.num_values, m.total_compressed_size, m.total_uncompressed_size, stats);
    }
  }
  std::fputs(out.c_str(), stdout);
  return Status::OK();
}

Status CatCommand(const ParquetArgs& a) {
  LW_ASSIGN_OR_RETURN(RowFormat format, ParseRowFormat(a.format, stdout));
  LW_ASSIGN_OR_RETURN(auto reader, ParquetFileReader::Open(a.file));
  LW_ASSIGN_OR_RETURN(auto plans, reader->schema().Project(SplitList(a.columns)));
  RowOutput out(format, stdout);
  int64_t left = a.limit < 0 ? INT64_MAX : a.limit;
  for (int g = 0; g < reader->num_row_groups() && left > 0; ++g) {
    LW_ASSIGN_OR_RETURN(RecordBatch batch, reader->ReadRowGroup(g, plans));
    if (batch.num_rows > left) batch.num_rows = left;
    out.Write(batch);
    left -= batch.num_rows;
  }
  if (reader->num_row_groups() == 0 || out.rows() == 0) {
    RecordBatch empty;
    for (const auto& p : plans) empty.schema.fields.push_back(p.field);
    out.Write(empty);
  }
  out.Finish();
  return Status::OK();
}

Result<parquet::Codec> ParseCodec(const std::string& s) {
  if (s == "zstd") return parquet::Codec::kZstd;
  if (s == "snappy") return parquet::Codec::kSnappy;
  if (s == "none" || s == "uncompressed") return parquet::Codec::kUncompressed;
  if (s == "gzip") return parquet::Codec::kGzip;
  if (s == "lz4" || s == "lz4_raw") return parquet::Codec::kLz4Raw;
  return Status::InvalidArgument("unknown compression '" + s + "' (expected zstd, snappy, gzip, lz4 or none)");
}

Status ConvertCommand(const ParquetArgs& a) {
  LW_ASSIGN_OR_RETURN(parquet::Codec codec, ParseCodec(a.compression));
  LW_ASSIGN_OR_RETURN(auto reader, ParquetFileReader::Open(a.file));
  parquet::WriterOptions opts;
  opts.compression = codec;
  if (a.row_group_rows > 0) opts.row_group_rows = a.row_group_rows;
  if (a.threads > 0) opts.threads = a.threads;
  LW_ASSIGN_OR_RETURN(auto writer, parquet::ParquetFileWriter::Open(a.out, reader->schema().logical(), opts));
  const auto& plans = reader->schema().plans();
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    LW_ASSIGN_OR_RETURN(RecordBatch batch, reader->ReadRowGroup(g, plans));
    LW_RETURN_IF_ERROR(writer->WriteBatch(batch));
  }
  LW_RETURN_IF_ERROR(writer->Close());
  std::fprintf(stderr, "wrote %lld rows in %zu row groups to %s (%lld bytes)\n",
               static_cast<long long>(writer->num_rows()), writer->metadata().row_groups.size(),
               a.out.c_str(), static_cast<long long>(writer->bytes_written()));
  return Status::OK();
}

}  // namespace

void RegisterParquetCommands(CLI::App* app, const GlobalOptions*, Handler* handler) {
  auto args = std::make_shared<ParquetArgs>();
  CLI::App* pq = app->add_subcommand("parquet", "inspect and rewrite Parquet files");
  pq->require_subcommand(1);

  CLI::App* schema = pq->add_subcommand("schema", "print the Parquet schema and its logical types");
  schema->add_option("file", args->file, "Parquet file")->required();
  schema->callback([=] { *handler = [=] { return SchemaCommand(*args); }; });

  CLI::App* meta = pq->add_subcommand("meta", "print row groups, column chunks, encodings, codecs and statistics");
  meta->add_option("file", args->file, "Parquet file")->required();
  meta->callback([=] { *handler = [=] { return MetaCommand(*args); }; });

  CLI::App* cat = pq->add_subcommand("cat", "print the rows of a Parquet file");
  cat->add_option("file", args->file, "Parquet file")->required();
  cat->add_option("--format", args->format, "table|json|jsonl|csv (default: table on a terminal, else jsonl)");
  cat->add_option("--columns", args->columns, "comma-separated columns or nested paths (a,b.c)");
  cat->add_option("--limit", args->limit, "print at most N rows");
  cat->callback([=] { *handler = [=] { return CatCommand(*args); }; });

  CLI::App* convert = pq->add_subcommand("convert", "read any Parquet file and rewrite it with lakewatch's writer");
  convert->add_option("input", args->file, "Parquet file to read")->required();
  convert->add_option("output", args->out, "Parquet file to write")->required();
  convert->add_option("--compression", args->compression, "zstd (default), snappy, gzip, lz4 or none");
  convert->add_option("--row-group-rows", args->row_group_rows, "rows per row group (default 1048576)");
  convert->add_option("--threads", args->threads, "encoding threads (default 1)");
  convert->callback([=] { *handler = [=] { return ConvertCommand(*args); }; });
}

}  // namespace lakewatch::cli
