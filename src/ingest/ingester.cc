#include "ingest/ingester.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "common/column.h"
#include "common/memory.h"
#include "common/time.h"
#include "delta/crash_point.h"
#include "delta/log_store.h"
#include "delta/schema_json.h"
#include "delta/table.h"
#include "index/index_config.h"
#include "index/sidecar_builder.h"
#include "index/sidecar_file.h"
#include "ingest/csv.h"
#include "ingest/index_configuration.h"
#include "ingest/input.h"
#include "ingest/json_reader.h"
#include "ingest/logfmt.h"
#include "ingest/otlp.h"
#include "ingest/record_builder.h"
#include "ingest/schema_merge.h"
#include "ingest/template_miner.h"
#include "ingest/text_log.h"
#include "parquet/file_writer.h"

namespace lakewatch::ingest {

namespace {

// Small enough that the bytes just read are still in the core's L2 cache
// when the parser reads them (measured: 4 MB chunks were slower).
constexpr size_t kReadChunk = size_t{256} << 10;
constexpr size_t kRawKeepBytes = size_t{1} << 20;  // raw bytes kept for an oversized record

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// ---- format detection

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-' || c == '@';
}

// Whether a line reads as logfmt: it starts with key=, and most of its
// space-separated tokens (outside quotes) are key=value or bare keys.
bool LooksLogfmt(std::string_view line) {
  size_t i = 0, pairs = 0, tokens = 0;
  bool first = true;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i >= line.size()) break;
    size_t k = i;
    while (k < line.size() && IsKeyChar(line[k])) ++k;
    bool pair = k > i && k < line.size() && line[k] == '=';
    if (first && !pair) return false;
    first = false;
    ++tokens;
    if (pair) {
      ++pairs;
      i = k + 1;
      if (i < line.size() && line[i] == '"') {  // quoted value
        ++i;
        while (i < line.size() && line[i] != '"') i += line[i] == '\\' ? 2 : 1;
        ++i;
      }
    }
    while (i < line.size() && line[i] != ' ') ++i;
  }
  return pairs >= 2 && pairs * 2 >= tokens;
}

std::vector<std::string_view> HeadLines(std::string_view head, size_t max) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < head.size() && lines.size() < max) {
    size_t nl = head.find('\n', pos);
    if (nl == std::string_view::npos) break;  // a partial last line is not judged
    std::string_view l = head.substr(pos, nl - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (!l.empty()) lines.push_back(l);
    pos = nl + 1;
  }
  if (lines.empty() && pos < head.size()) lines.push_back(head.substr(pos));
  return lines;
}

}  // namespace

std::string DetectFormat(std::string_view head, const std::string& name) {
  std::string base = name;
  for (const char* ext : {".gz", ".gzip", ".zst", ".zstd"}) {
    if (EndsWith(base, ext)) base.resize(base.size() - std::strlen(ext));
  }
  if (EndsWith(base, ".jsonl") || EndsWith(base, ".ndjson")) return "jsonl";
  if (EndsWith(base, ".csv")) return "csv";
  if (EndsWith(base, ".tsv") || EndsWith(base, ".tab")) return "tsv";
  if (EndsWith(base, ".logfmt")) return "logfmt";
  size_t i = 0;
  if (head.size() >= 3 && head.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) ++i;
  if (i < head.size() && (head[i] == '[' || head[i] == '{')) {
    // JSON when the first line is a whole value, or opens an array or object
    // that the next lines continue (pretty-printed); text otherwise (log
    // lines such as "[Sun Dec 04 04:47:44 2005] [notice] ..." start with '[').
    size_t nl = head.find('\n', i);
    std::string_view first = head.substr(i, nl == std::string_view::npos ? std::string_view::npos : nl - i);
    while (!first.empty() && (first.back() == '\r' || first.back() == ' ' || first.back() == '\t')) first.remove_suffix(1);
    simdjson::dom::parser p;
    simdjson::padded_string ps(first);
    simdjson::dom::element el;
    const bool whole = p.parse(ps).get(el) == simdjson::SUCCESS;
    if (head[i] == '[') {
      if (whole) return "json";
      const char last = first.empty() ? '[' : first.back();
      const bool opens = last == '[' || last == '{' || last == ',' || last == ':';
      return opens ? "json" : "text";
    }
    if (whole) return EndsWith(base, ".json") && nl == std::string_view::npos ? "json" : "jsonl";
    const char last = first.empty() ? '{' : first.back();
    if (last == '{' || last == ',' || last == ':' || last == '[') return "json";
    // A broken first line: JSON lines when a later line is a whole object.
    for (std::string_view l : HeadLines(nl == std::string_view::npos ? std::string_view() : head.substr(nl + 1), 8)) {
      simdjson::padded_string pl(l);
      if (!l.empty() && l.front() == '{' && p.parse(pl).get(el) == simdjson::SUCCESS) return "jsonl";
    }
    return "text";
  }
  std::vector<std::string_view> lines = HeadLines(head.substr(i), 8);
  if (!lines.empty()) {
    size_t lf = 0;
    for (std::string_view l : lines) lf += LooksLogfmt(l) ? 1 : 0;
    if (lf * 2 > lines.size()) return "logfmt";
  }
  return "text";
}

std::string QuarantineTablePath(const std::string& table_path) {
  std::string p = table_path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p + "_quarantine";
}

namespace {

// ---- Parquet files written into a table, one open writer per partition

class PartitionedWriter {
 public:
  PartitionedWriter(std::string table, std::vector<std::string> partition_columns, parquet::WriterOptions options,
                    int64_t target_file_bytes)
      : table_(std::move(table)), partition_columns_(std::move(partition_columns)), options_(std::move(options)),
        target_file_bytes_(target_file_bytes) {}
  ~PartitionedWriter() { Abort(); }

  // Each file written from now on gets a search index sidecar over `columns`
  // (none when empty), written durably when the file is closed.
  void SetIndexColumns(std::vector<index::IndexColumn> columns) { index_columns_ = std::move(columns); }

  Status Write(const RecordBatch& batch) {
    if (batch.num_rows == 0) return Status::OK();
    if (!SameSchema(batch.schema, schema_)) {
      LW_RETURN_IF_ERROR(CloseAll());
      schema_ = batch.schema;
    }
    // Partition key per row; runs of equal keys go to one writer each.
    std::vector<int> pcols;
    for (const std::string& pc : partition_columns_) {
      int i = batch.schema.FieldIndex(pc);
      if (i < 0) return Status::InvalidArgument("ingest: the data has no partition column '" + pc + "'");
      pcols.push_back(i);
    }
    ++batches_;
    int64_t begin = 0;
    std::string key, prev;
    delta::PartitionValues pv, prev_pv;
    for (int64_t r = 0; r <= batch.num_rows; ++r) {
      if (r < batch.num_rows) {
        if (r > 0 && SamePartition(batch, pcols, r)) continue;  // the common case: no key to build
        RowKey(batch, pcols, r, &key, &pv);
        if (r == 0) {
          prev = key;
          prev_pv = pv;
          continue;
        }
        if (key == prev) continue;
      }
      if (begin == 0 && r == batch.num_rows) {
        LW_RETURN_IF_ERROR(WriteTo(prev, prev_pv, batch));
      } else {
        LW_RETURN_IF_ERROR(WriteTo(prev, prev_pv, batch.Slice(begin, r)));
      }
      begin = r;
      prev = key;
      prev_pv = pv;
    }
    // A partition that got no rows for a few batches is done (time-ordered
    // input moves on to the next date): close its file and free its buffers.
    for (auto it = open_.begin(); it != open_.end();) {
      if (batches_ - it->second.last_batch > kIdleBatches) {
        LW_RETURN_IF_ERROR(Close(it->second));
        it = open_.erase(it);
      } else {
        ++it;
      }
    }
    return Status::OK();
  }

  // Closes every file and syncs the directories; the files are then ready to commit.
  Status Finish(std::vector<delta::DataFile>* files) {
    LW_RETURN_IF_ERROR(CloseAll());
    std::vector<std::string> names;
    for (const delta::DataFile& f : done_) names.push_back(f.name);
    if (!names.empty()) LW_RETURN_IF_ERROR(delta::SyncDirsOf(table_, names));
    *files = done_;
    return Status::OK();
  }

  // Removes every file written (open ones are abandoned), and their sidecars.
  void Abort() {
    for (auto& [k, o] : open_) o.writer->Abort();
    open_.clear();
    for (const delta::DataFile& f : done_) {
      ::unlink((table_ + "/" + f.name).c_str());
      if (const std::string s = index::SidecarPath(table_, f.name); !s.empty()) ::unlink(s.c_str());
    }
    done_.clear();
  }
  // Forgets the files (after a commit that names them).
  void Release() { done_.clear(); }

  int64_t bytes_written() const {
    int64_t n = 0;
    for (const auto& f : done_) n += f.size;
    for (const auto& [k, o] : open_) n += o.writer->bytes_written();
    return n;
  }
  int64_t files() const { return static_cast<int64_t>(done_.size() + open_.size()); }
  int64_t index_bytes() const { return index_bytes_; }

 private:
  struct Open {
    std::unique_ptr<parquet::ParquetFileWriter> writer;
    std::unique_ptr<index::SidecarBuilder> index;  // null: no sidecar
    std::string name;
    delta::PartitionValues pv;
    uint64_t last_use = 0;
    int64_t last_batch = 0;
  };

  // Whether row r has the same partition values as row r - 1 (exact for
  // fixed-width and string columns; other types say no and compare keys).
  static bool SamePartition(const RecordBatch& b, const std::vector<int>& pcols, int64_t r) {
    for (int i : pcols) {
      const Column& c = *b.columns[i];
      const bool va = c.IsValid(r - 1), vb = c.IsValid(r);
      if (va != vb) return false;
      if (!va) continue;
      const int w = c.type->byte_width();
      if (w > 0 && !c.type->is_nested()) {
        if (std::memcmp(c.data.data() + (r - 1) * w, c.data.data() + r * w, static_cast<size_t>(w)) != 0) return false;
      } else if (c.type->is_binary_like()) {
        if (c.GetString(r - 1) != c.GetString(r)) return false;
      } else {
        return false;
      }
    }
    return true;
  }

  void RowKey(const RecordBatch& b, const std::vector<int>& pcols, int64_t r, std::string* key,
              delta::PartitionValues* pv) {
    key->clear();
    pv->clear();
    for (size_t k = 0; k < pcols.size(); ++k) {
      const Column& c = *b.columns[pcols[k]];
      std::optional<std::string> text;
      if (c.IsValid(r)) {
        if (c.type->id() == TypeId::kDate) {
          // Rows of one date come in runs: format each day once.
          const int32_t day = c.Value<int32_t>(r);
          if (!last_day_text_.has_value() || day != last_day_) {
            last_day_ = day;
            last_day_text_ = FormatDate(day);
          }
          text = *last_day_text_;
        } else {
          text = delta::FormatPartitionValue(Scalar::FromColumn(c, r));
        }
      }
      key->append(text.has_value() ? *text : std::string("\x01null", 5));
      key->push_back('\0');
      pv->emplace_back(partition_columns_[k], std::move(text));
    }
  }

  Status WriteTo(const std::string& key, const delta::PartitionValues& pv, const RecordBatch& rows) {
    auto it = open_.find(key);
    if (it == open_.end()) {
      if (open_.size() >= kMaxOpen) LW_RETURN_IF_ERROR(CloseLeastRecent());
      Open o;
      o.pv = pv;
      o.name = delta::NewDataFileName(pv, ".zstd.parquet");
      const std::string path = table_ + "/" + o.name;
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
      if (ec) return Status::IOError(path + ": " + ec.message());
      LW_ASSIGN_OR_RETURN(o.writer, parquet::ParquetFileWriter::Open(path, schema_, options_));
      if (!index_columns_.empty()) {
        index::SidecarOptions so;
        so.columns = index_columns_;
        o.index = std::make_unique<index::SidecarBuilder>(std::move(so));
      }
      it = open_.emplace(key, std::move(o)).first;
    }
    it->second.last_use = ++clock_;
    it->second.last_batch = batches_;
    LW_RETURN_IF_ERROR(it->second.writer->WriteBatch(rows));
    if (it->second.index != nullptr) LW_RETURN_IF_ERROR(it->second.index->AddBatch(rows, it->second.index->rows()));
    if (it->second.writer->bytes_written() >= target_file_bytes_) {
      LW_RETURN_IF_ERROR(Close(it->second));
      open_.erase(it);
    }
    return Status::OK();
  }

  Status Close(Open& o) {
    LW_RETURN_IF_ERROR(o.writer->Close(/*sync=*/true));
    if (o.index != nullptr) {
      // A sidecar too big to build only costs speed (queries scan the file).
      auto sidecar = o.index->Finish(o.writer->bytes_written());
      o.index.reset();
      if (sidecar.ok()) {
        if (Status st = index::WriteSidecar(table_, o.name, *sidecar); !st.ok()) {
          ::unlink((table_ + "/" + o.name).c_str());
          return st;
        }
        index_bytes_ += static_cast<int64_t>(sidecar->size());
      } else if (sidecar.status().code() != StatusCode::kResourceExhausted) {
        ::unlink((table_ + "/" + o.name).c_str());
        return sidecar.status();
      }
    }
    delta::DataFile f;
    f.name = o.name;
    f.partition_values = o.pv;
    f.size = o.writer->bytes_written();
    f.schema = schema_;
    f.source = table_ + "/" + o.name;
    done_.push_back(std::move(f));
    return Status::OK();
  }

  Status CloseLeastRecent() {
    auto victim = open_.begin();
    for (auto it = open_.begin(); it != open_.end(); ++it) {
      if (it->second.last_use < victim->second.last_use) victim = it;
    }
    LW_RETURN_IF_ERROR(Close(victim->second));
    open_.erase(victim);
    return Status::OK();
  }

  Status CloseAll() {
    for (auto& [k, o] : open_) LW_RETURN_IF_ERROR(Close(o));
    open_.clear();
    return Status::OK();
  }

  int32_t last_day_ = 0;
  std::optional<std::string> last_day_text_;
  static constexpr size_t kMaxOpen = 8;
  static constexpr int64_t kIdleBatches = 2;
  int64_t batches_ = 0;
  std::string table_;
  std::vector<std::string> partition_columns_;
  parquet::WriterOptions options_;
  int64_t target_file_bytes_;
  Schema schema_;
  std::map<std::string, Open> open_;
  std::vector<delta::DataFile> done_;
  uint64_t clock_ = 0;
  std::vector<index::IndexColumn> index_columns_;
  int64_t index_bytes_ = 0;
};

// ---- quarantine rows

class QuarantineBatch {
 public:
  QuarantineBatch() { Reset(); }
  void Add(std::string_view source, int64_t line, int64_t offset, std::string_view reason, std::string_view raw,
           int64_t now_micros) {
    cols_[0]->AppendString(source);
    cols_[1]->Append<int64_t>(line);
    cols_[2]->Append<int64_t>(offset);
    cols_[3]->AppendString(reason);
    cols_[4]->AppendString(raw);
    cols_[5]->Append<int64_t>(now_micros);
    ++rows_;
    bytes_ += raw.size() + reason.size() + 64;
  }
  int64_t rows() const { return rows_; }
  size_t bytes() const { return bytes_; }
  RecordBatch Take() {
    RecordBatch b;
    b.schema = Schema{Fields()};
    b.columns = cols_;
    b.num_rows = rows_;
    Reset();
    return b;
  }

 private:
  static std::vector<Field> Fields() {
    return {{"_source", DataType::String(), true, {}},  {"_line", DataType::Int64(), true, {}},
            {"_offset", DataType::Int64(), true, {}},   {"reason", DataType::String(), true, {}},
            {"raw", DataType::Binary(), true, {}},      {"ingested_at", DataType::Timestamp(), true, {}}};
  }
  void Reset() {
    cols_.clear();
    for (const Field& f : Fields()) cols_.push_back(Column::Make(f.type));
    rows_ = 0;
    bytes_ = 0;
  }
  std::vector<ColumnPtr> cols_;
  int64_t rows_ = 0;
  size_t bytes_ = 0;
};

// ---- log templates, persisted per table

class MinerSink : public TemplateSink {
 public:
  explicit MinerSink(TemplateMiner* miner) : miner_(miner) {}
  int64_t Match(std::string_view message, std::string_view* text) override {
    TemplateMatch m = miner_->Add(message);
    *text = m.template_text;
    return m.id;
  }

 private:
  TemplateMiner* miner_;
};

std::string TemplatesPath(const std::string& table) { return table + "/_lakewatch/templates.txt"; }


Result<TemplateMiner> LoadTemplates(const std::string& table) {
  auto data = delta::ReadFileToString(TemplatesPath(table));
  if (!data.ok()) {
    if (data.status().code() == StatusCode::kNotFound) return TemplateMiner();
    return data.status();
  }
  auto miner = TemplateMiner::Deserialize(*data);
  if (!miner.ok()) return miner.status().WithContext(TemplatesPath(table));
  return miner;
}

Status SaveTemplates(const std::string& table, const TemplateMiner& miner) {
  std::error_code ec;
  std::filesystem::create_directories(table + "/_lakewatch", ec);
  if (ec) return Status::IOError(table + "/_lakewatch: " + ec.message());
  return delta::ReplaceFileDurably(table + "/_lakewatch", "templates.txt", miner.Serialize());
}

// The xxh3-128 of a file's bytes, as the source's idempotence identity.
Result<std::string> HashFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(path + ": " + std::strerror(errno));
  XXH3_state_t* st = XXH3_createState();
  XXH3_128bits_reset(st);
  std::vector<char> buf(1 << 20);
  for (;;) {
    ssize_t k = ::read(fd, buf.data(), buf.size());
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) {
      XXH3_freeState(st);
      ::close(fd);
      return Status::IOError(path + ": read: " + std::strerror(errno));
    }
    if (k == 0) break;
    XXH3_128bits_update(st, buf.data(), static_cast<size_t>(k));
  }
  XXH128_hash_t h = XXH3_128bits_digest(st);
  XXH3_freeState(st);
  ::close(fd);
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

// ---- batches encoded on a background thread while the next ones are parsed

class BackgroundWriter {
 public:
  // threads <= 1: Write() encodes in the caller's thread.
  explicit BackgroundWriter(bool background) {
    if (background) thread_ = std::thread([this] { Loop(); });
  }
  ~BackgroundWriter() { Stop(); }

  // Queues `batch` for `target` (at most kMaxWaiting batches wait; the
  // caller blocks beyond that, which bounds memory, and the waiting batches
  // keep the encoder busy while the parsers' pace varies). Returns the first
  // error of an earlier write.
  Status Write(PartitionedWriter* target, RecordBatch batch) {
    if (!thread_.joinable()) return target->Write(batch);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return queue_.size() < kMaxWaiting || !status_.ok(); });
    if (!status_.ok()) return status_;
    queue_.push_back({target, std::move(batch)});
    cv_.notify_all();
    return Status::OK();
  }
  // Waits for every queued batch; returns the first error.
  Status Drain() {
    if (!thread_.joinable()) return Status::OK();
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return (queue_.empty() && !busy_) || !status_.ok(); });
    return status_;
  }
  void Stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      cv_.notify_all();
    }
    thread_.join();
  }

 private:
  static constexpr size_t kMaxWaiting = 3;
  struct Job {
    PartitionedWriter* target;
    RecordBatch batch;
  };
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stop_
      Job job = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      cv_.notify_all();
      lock.unlock();
      Status st = status_.ok() ? job.target->Write(job.batch) : Status::OK();
      job = Job{};  // free the batch outside the lock
      lock.lock();
      busy_ = false;
      if (!st.ok() && status_.ok()) status_ = st;
      cv_.notify_all();
    }
  }

  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool busy_ = false;
  bool stop_ = false;
  Status status_;
};

// ---- JSON lines parsed by several threads (--threads > 1)
//
// The reading thread cuts a source into blocks of whole lines; each worker
// parses a block with its own JsonReader and RecordBuilder into parts (one
// batch each) whose `_line` values and quarantine positions count from the
// block's start. The reading thread takes the results back in block order:
// it agrees each batch's schema with the run's (schema_merge.h) in that
// order, so types are settled block after block as one thread settles them
// batch after batch, and a part whose new columns disagree with earlier blocks' is parsed
// again by the run's builder locked to the agreed schema — the value that
// does not fit then goes to `_rest` as with one thread.

// The run's schema, which the parallel parts extend; its version counts the changes.
class SharedSchema {
 public:
  void Set(Schema schema) {
    std::lock_guard<std::mutex> lock(mu_);
    schema_ = std::move(schema);
  }
  // Extends the schema by `add` (MergeSchemas); false, and unchanged, when
  // they disagree. *current gets the schema after it, *version its version.
  bool Merge(const Schema& add, Schema* current, int64_t* version = nullptr) {
    std::lock_guard<std::mutex> lock(mu_);
    bool agreed = true;
    if (!SameSchema(add, schema_)) {
      Schema merged;
      agreed = MergeSchemas(schema_, add, &merged);
      if (agreed && !SameSchema(merged, schema_)) {
        schema_ = std::move(merged);
        ++version_;
      }
    }
    if (current != nullptr) *current = schema_;
    if (version != nullptr) *version = version_;
    return agreed;
  }
  // The schema when it changed since *version (which is updated); false otherwise.
  bool Newer(int64_t* version, Schema* out) {
    std::lock_guard<std::mutex> lock(mu_);
    if (*version == version_) return false;
    *out = schema_;
    *version = version_;
    return true;
  }

 private:
  std::mutex mu_;
  Schema schema_;
  int64_t version_ = 0;
};

struct BadRecord {
  int64_t line = 0;
  int64_t offset = 0;
  std::string raw;
  std::string reason;
};

struct Block {
  int64_t seq = 0;
  Buffer bytes;  // whole lines, padded for simdjson
  std::string source;
};

// Up to batch_rows lines of a block and what they gave.
struct BlockPart {
  RecordBatch batch;            // `_line` counts from the block's first line (1)
  std::vector<BadRecord> bad;   // lines and offsets count from the block's start
  int64_t rows = 0;
  size_t begin = 0, end = 0;    // the bytes of the block
  int64_t line = 1, offset = 0; // where they start
};

struct BlockResult {
  Block block;  // kept for a part parsed again
  std::vector<BlockPart> parts;
  int64_t lines = 0;  // the newlines in the block
};

// A JSON record into `builder`: an OTLP request inside JSON input gives one
// row per log record, through `flat` (whose OnRecord counts them); anything
// else is one row. Returns the rows added here.
int64_t AddJsonRecord(RecordBuilder* builder, RecordSink* flat, simdjson::dom::element record,
                      std::string_view source, int64_t line, int64_t offset) {
  if (IsOtlpLogs(record)) {
    OtlpLogsToRecords(record, line, offset, flat);
    return 0;
  }
  builder->AddJson(record, source, line);
  return 1;
}

// A JSON line into `builder` from its text, without a DOM, when the builder
// can take it so (RecordBuilder::AddJsonText); never an OTLP request.
bool AddJsonRecordText(RecordBuilder* builder, std::string_view text, std::string_view source, int64_t line) {
  return !MayBeOtlpLogsText(text) && builder->AddJsonText(text, source, line);
}

// Log templates from several builders: one miner behind a lock.
class LockedMinerSink : public TemplateSink {
 public:
  LockedMinerSink(TemplateMiner* miner, std::mutex* mu) : miner_(miner), mu_(mu) {}
  int64_t Match(std::string_view message, std::string_view* text) override {
    std::lock_guard<std::mutex> lock(*mu_);
    TemplateMatch m = miner_->Add(message);
    text_.assign(m.template_text);
    *text = text_;
    return m.id;
  }

 private:
  TemplateMiner* miner_;
  std::mutex* mu_;
  std::string text_;
};

class BlockWorker : public RecordSink, public JsonRecordSink {
 public:
  BlockWorker(const BuilderOptions& bo, const JsonReaderOptions& jo, SharedSchema* shared, int64_t batch_rows,
              TemplateMiner* miner, std::mutex* miner_mu)
      : builder_(bo), reader_(jo), shared_(shared), batch_rows_(batch_rows) {
    if (miner != nullptr) {
      templates_ = std::make_unique<LockedMinerSink>(miner, miner_mu);
      builder_.SetTemplateSink(templates_.get());
    }
  }

  BlockResult Process(Block block) {
    Refresh();
    BlockResult result;
    source_ = block.source;
    const std::string_view data = block.bytes.view();
    reader_.SetPosition(1, 0);
    for (size_t pos = 0; pos < data.size();) {
      BlockPart& part = result.parts.emplace_back();
      part.begin = pos;
      part.line = reader_.line();
      part.offset = reader_.offset();
      part_ = &part;
      pos += reader_.ParseLines(data.substr(pos), /*eof=*/true, this, static_cast<size_t>(batch_rows_));
      part.end = pos;
      if (builder_.num_rows() > 0) part.batch = builder_.Flush();
    }
    part_ = nullptr;
    result.lines = reader_.line() - 1;
    result.block = std::move(block);
    return result;
  }

  // RecordSink (OTLP requests inside JSON lines)
  void OnRecord(const FlatRecord& record) override {
    builder_.AddFlat(record, source_);
    ++part_->rows;
  }
  void OnBadRecord(int64_t line, int64_t offset, std::string_view raw, const std::string& reason) override {
    part_->bad.push_back({line, offset, std::string(raw), reason});
  }
  // JsonRecordSink
  bool OnJsonText(std::string_view text, int64_t line, int64_t) override {
    if (!AddJsonRecordText(&builder_, text, source_, line)) return false;
    ++part_->rows;
    return true;
  }
  void OnJson(simdjson::dom::element record, int64_t line, int64_t offset, std::string_view) override {
    part_->rows += AddJsonRecord(&builder_, this, record, source_, line, offset);
  }

 private:
  // Locks the builder to the run's schema when it grew since the last block.
  void Refresh() {
    if (Schema schema; shared_->Newer(&version_, &schema)) builder_.LockSchema(schema);
  }

  RecordBuilder builder_;
  JsonReader reader_;
  SharedSchema* shared_;
  int64_t version_ = -1;  // of the schema the builder is locked to (-1: none yet)
  int64_t batch_rows_;
  std::unique_ptr<LockedMinerSink> templates_;
  std::string source_;
  BlockPart* part_ = nullptr;
};

// Workers taking blocks in order; results are taken back in block order.
class BlockPool {
 public:
  BlockPool(int threads, const std::function<std::unique_ptr<BlockWorker>()>& make) {
    for (int i = 0; i < threads; ++i) workers_.push_back(make());
    max_in_flight_ = static_cast<size_t>(threads) + 1;
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this, i] { Loop(*workers_[static_cast<size_t>(i)]); });
  }
  ~BlockPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  using Take = std::function<Status(BlockResult)>;

  // Queues a block once there is room, handing the results finished in
  // order to `take` meanwhile; stops at take's first error.
  Status Submit(Block block, const Take& take) {
    block.seq = next_seq_++;
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      LW_RETURN_IF_ERROR(TakeFinished(lock, take));
      if (queue_.size() + running_ + done_.size() < max_in_flight_) break;
      cv_.wait(lock);
    }
    queue_.push_back(std::move(block));
    cv_.notify_all();
    return Status::OK();
  }

  // Waits for every queued block, handing the results to `take` in order.
  Status Drain(const Take& take) {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      LW_RETURN_IF_ERROR(TakeFinished(lock, take));
      if (next_take_ == next_seq_) return Status::OK();
      cv_.wait(lock);
    }
  }

 private:
  // Hands the results finished in block order to `take`, unlocked meanwhile.
  Status TakeFinished(std::unique_lock<std::mutex>& lock, const Take& take) {
    for (auto it = done_.find(next_take_); it != done_.end(); it = done_.find(next_take_)) {
      BlockResult r = std::move(it->second);
      done_.erase(it);
      ++next_take_;
      lock.unlock();
      Status st = take(std::move(r));
      lock.lock();
      LW_RETURN_IF_ERROR(st);
    }
    return Status::OK();
  }

  void Loop(BlockWorker& worker) {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      Block block = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
      lock.unlock();
      const int64_t seq = block.seq;
      BlockResult r = worker.Process(std::move(block));
      lock.lock();
      --running_;
      done_.emplace(seq, std::move(r));
      cv_.notify_all();
    }
  }

  std::vector<std::unique_ptr<BlockWorker>> workers_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Block> queue_;
  std::map<int64_t, BlockResult> done_;
  size_t running_ = 0;
  size_t max_in_flight_ = 2;
  int64_t next_seq_ = 0;
  int64_t next_take_ = 0;
  bool stop_ = false;
};

// ---- the run

class Run : public RecordSink, public JsonRecordSink {
 public:
  explicit Run(const IngestOptions& options) : options_(options) {
    BuilderOptions bo;
    if (!options.timestamp_fields.empty()) bo.timestamp_fields = options.timestamp_fields;
    bo.max_depth = options.max_depth;
    builder_options_ = bo;
    builder_ = std::make_unique<RecordBuilder>(bo);
    JsonReaderOptions jo;
    jo.max_depth = options.max_depth;
    jo.max_record_bytes = static_cast<size_t>(options.max_record_bytes);
    json_options_ = jo;
    now_micros_ = NowMillis() * 1000;
  }

  Result<IngestSummary> Go(const std::vector<std::string>& inputs);

  // RecordSink (flat records, OTLP)
  void OnRecord(const FlatRecord& record) override {
    builder_->AddFlat(record, source_name_);
    ++source_->rows;
  }
  void OnBadRecord(int64_t line, int64_t offset, std::string_view raw, const std::string& reason) override {
    Quarantine(line, offset, raw, reason);
  }
  // JsonRecordSink
  bool OnJsonText(std::string_view text, int64_t line, int64_t) override {
    if (!AddJsonRecordText(builder_.get(), text, source_name_, line)) return false;
    ++source_->rows;
    return true;
  }
  void OnJson(simdjson::dom::element record, int64_t line, int64_t offset, std::string_view raw) override {
    source_->rows += AddJsonRecord(builder_.get(), this, record, source_name_, line, offset);
  }

 private:
  void Quarantine(int64_t line, int64_t offset, std::string_view raw, const std::string& reason) {
    quarantine_.Add(source_name_, line, offset, reason, raw, now_micros_);
    ++source_->quarantined;
  }
  Status IngestSource(const std::string& input);
  Status StreamRecords(InputStream* in, Buffer* buf, RecordParser* flat, JsonReader* json);
  Status StreamJsonLinesParallel(InputStream* in, Buffer* buf);
  Status ReparsePart(const Block& block, const BlockPart& part, int64_t line_base, int64_t offset_base);
  // Appends up to kReadChunk bytes of the source to *buf (with simdjson's
  // padding reserved behind them); 0 at its end, or after a read error, which
  // is quarantined.
  size_t ReadChunk(InputStream* in, Buffer* buf);
  // Quarantines the head of an over-long line at the front of *buf and drops
  // the rest of it (up to its '\n'); false at the end of the input.
  bool SkipOverlongLine(InputStream* in, Buffer* buf);
  // Locks the builder to the run's schema after parallel sources extended it.
  void SyncBuilder() {
    if (Schema schema; shared_.Newer(&builder_version_, &schema)) builder_->LockSchema(schema);
  }
  Status ReadDocument(InputStream* in, Buffer* buf, JsonReader* json);
  Status MaybeFlush(bool force);
  void Progress(bool force);

  const IngestOptions& options_;
  JsonReaderOptions json_options_;
  std::unique_ptr<RecordBuilder> builder_;
  std::unique_ptr<PartitionedWriter> data_;
  std::unique_ptr<PartitionedWriter> quarantine_writer_;
  std::unique_ptr<BackgroundWriter> writer_;  // declared after the writers: stopped first
  QuarantineBatch quarantine_;
  std::optional<TemplateMiner> miner_;
  std::unique_ptr<MinerSink> miner_sink_;
  std::string source_name_;
  SourceSummary* source_ = nullptr;
  IngestSummary summary_;
  std::shared_ptr<const delta::Snapshot> table_snapshot_;
  std::vector<delta::Txn> txns_;
  int64_t now_micros_ = 0;
  int64_t bytes_since_flush_ = 0;
  int64_t bytes_done_ = 0;   // raw bytes of finished sources
  int64_t bytes_total_ = 0;
  InputStream* current_ = nullptr;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_progress_{};
  // --threads > 1: JSON lines are parsed in blocks by a pool of workers
  // agreeing on one schema; the run's builder takes the other formats.
  BuilderOptions builder_options_;
  SharedSchema shared_;
  int64_t builder_version_ = 0;
  std::mutex miner_mu_;
  std::unique_ptr<LockedMinerSink> locked_miner_sink_;  // the run's builder's, with workers
  std::unique_ptr<JsonReader> reparse_reader_;
  std::vector<Buffer> spare_blocks_;  // buffers of blocks taken, for the next ones
  std::unique_ptr<BlockPool> pool_;  // last: stopped before the rest goes
};

void Run::Progress(bool force) {
  if (!options_.progress) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_progress_ < std::chrono::milliseconds(100)) return;
  last_progress_ = now;
  IngestProgress p;
  p.bytes_read = bytes_done_ + (current_ != nullptr ? current_->raw_bytes_read() : 0);
  p.bytes_total = bytes_total_;
  for (const SourceSummary& s : summary_.sources) {
    p.rows += s.rows;
    p.quarantined += s.quarantined;
  }
  p.seconds = SecondsSince(t0_);
  options_.progress(p);
}

Status Run::MaybeFlush(bool force) {
  if (builder_->num_rows() > 0 &&
      (force || builder_->num_rows() >= options_.batch_rows || bytes_since_flush_ >= options_.batch_bytes)) {
    LW_RETURN_IF_ERROR(writer_->Write(data_.get(), builder_->Flush()));
    bytes_since_flush_ = 0;
  }
  if (quarantine_.rows() > 0 && (force || quarantine_.bytes() >= (size_t{16} << 20))) {
    LW_RETURN_IF_ERROR(writer_->Write(quarantine_writer_.get(), quarantine_.Take()));
  }
  Progress(false);
  return Status::OK();
}

size_t Run::ReadChunk(InputStream* in, Buffer* buf) {
  buf->Reserve(buf->size() + kReadChunk + simdjson::SIMDJSON_PADDING);
  auto got = in->Read(buf, kReadChunk);
  if (got.ok()) return *got;
  // The bytes before the damage are parsed; the damage is a bad record.
  Quarantine(-1, in->raw_bytes_read(), {}, got.status().message());
  return 0;
}

bool Run::SkipOverlongLine(InputStream* in, Buffer* buf) {
  // Quarantine its head, drop the rest of the line, and let the parser see
  // an empty line in its place.
  Quarantine(-1, -1, buf->view().substr(0, kRawKeepBytes),
             fmt::format("a line longer than {} bytes (max record size; the first {} bytes are kept)",
                         options_.max_record_bytes, kRawKeepBytes));
  for (;;) {
    std::string_view d = buf->view();
    size_t nl = d.find('\n');
    if (nl != std::string_view::npos) {
      std::memmove(buf->data(), buf->data() + nl, buf->size() - nl);  // keep the '\n'
      buf->Resize(buf->size() - nl);
      return true;
    }
    buf->Clear();
    if (ReadChunk(in, buf) == 0) return false;
  }
}

// A part of a block whose new columns disagree with the run's schema: parsed
// again by the run's builder, locked to that schema.
Status Run::ReparsePart(const Block& block, const BlockPart& part, int64_t line_base, int64_t offset_base) {
  SyncBuilder();
  if (reparse_reader_ == nullptr) reparse_reader_ = std::make_unique<JsonReader>(json_options_);
  reparse_reader_->SetPosition(line_base + part.line, offset_base + part.offset);
  reparse_reader_->ParseLines(block.bytes.view().substr(part.begin, part.end - part.begin), /*eof=*/true, this);
  RecordBatch batch = builder_->Flush();
  // The builder was locked to the run's schema: its batch extends it.
  shared_.Merge(batch.schema, nullptr, &builder_version_);
  return writer_->Write(data_.get(), std::move(batch));
}

// A source of JSON lines in blocks for the workers (see BlockPool).
Status Run::StreamJsonLinesParallel(InputStream* in, Buffer* buf) {
  // Everything before goes out first, and the builder's columns join the run's schema.
  LW_RETURN_IF_ERROR(MaybeFlush(true));
  shared_.Merge(builder_->schema(), nullptr, &builder_version_);
  if (pool_ == nullptr) {
    if (miner_.has_value()) {  // the miner is shared with the workers from now on
      locked_miner_sink_ = std::make_unique<LockedMinerSink>(&*miner_, &miner_mu_);
      builder_->SetTemplateSink(locked_miner_sink_.get());
    }
    BuilderOptions bo = builder_options_;
    pool_ = std::make_unique<BlockPool>(options_.threads, [&] {
      return std::make_unique<BlockWorker>(bo, json_options_, &shared_, options_.batch_rows,
                                           miner_.has_value() ? &*miner_ : nullptr, &miner_mu_);
    });
  }
  int64_t line_base = 0, offset_base = 0;  // the newlines and bytes of the blocks taken
  auto take = [&](BlockResult r) -> Status {
    for (BlockPart& part : r.parts) {
      Schema schema;
      if (part.batch.num_rows > 0 && !shared_.Merge(part.batch.schema, &schema)) {
        LW_RETURN_IF_ERROR(ReparsePart(r.block, part, line_base, offset_base));
        continue;
      }
      for (const BadRecord& b : part.bad) Quarantine(line_base + b.line, offset_base + b.offset, b.raw, b.reason);
      source_->rows += part.rows;
      if (part.batch.num_rows == 0) continue;
      RecordBatch& batch = part.batch;
      if (int i = batch.schema.FieldIndex("_line"); i >= 0 && batch.columns[i]->type->id() == TypeId::kInt64) {
        int64_t* lines = batch.columns[i]->mutable_values<int64_t>();
        for (int64_t k = 0; k < batch.num_rows; ++k) lines[k] += line_base;
      }
      LW_RETURN_IF_ERROR(writer_->Write(data_.get(), ConformBatch(std::move(batch), schema)));
    }
    line_base += r.lines;
    offset_base += static_cast<int64_t>(r.block.bytes.size());
    // Its buffer takes the next block: memory the process has touched
    // already, where a fresh allocation costs page faults and zeroing.
    if (spare_blocks_.size() < 2) spare_blocks_.push_back(std::move(r.block.bytes));
    return MaybeFlush(false);
  };
  // A third of a batch: smaller blocks keep less memory in flight, at the same speed.
  const size_t block_bytes = static_cast<size_t>(std::max<int64_t>(options_.batch_bytes / 3, 1));
  bool eof = false;
  for (;;) {
    while (!eof && buf->size() < block_bytes) eof = ReadChunk(in, buf) == 0;
    // Whole lines go to a block; the partial last line starts the next one.
    size_t cut = buf->size();
    if (!eof) {
      const void* nl = memrchr(buf->data(), '\n', buf->size());
      cut = nl == nullptr ? 0 : static_cast<size_t>(static_cast<const uint8_t*>(nl) - buf->data()) + 1;
    }
    if (cut == 0 && !eof) {
      if (static_cast<int64_t>(buf->size()) >
          options_.max_record_bytes + options_.max_record_bytes / 4 + static_cast<int64_t>(kReadChunk)) {
        if (!SkipOverlongLine(in, buf)) eof = true;
      } else {
        eof = ReadChunk(in, buf) == 0;  // one long line: read on
      }
      continue;
    }
    Block block;
    block.source = source_name_;
    if (!spare_blocks_.empty()) {
      block.bytes = std::move(spare_blocks_.back());
      spare_blocks_.pop_back();
      block.bytes.Clear();
    }
    block.bytes.Reserve(block_bytes + kReadChunk + simdjson::SIMDJSON_PADDING);
    block.bytes.Append(buf->view().substr(cut));  // the next block's start
    std::swap(block.bytes, *buf);
    block.bytes.Resize(cut);
    block.bytes.Reserve(cut + simdjson::SIMDJSON_PADDING);
    if (cut > 0) LW_RETURN_IF_ERROR(pool_->Submit(std::move(block), take));
    Progress(false);
    if (eof && buf->empty()) break;
  }
  return pool_->Drain(take);
}

Status Run::StreamRecords(InputStream* in, Buffer* buf, RecordParser* flat, JsonReader* json) {
  bool eof = false;
  while (true) {
    if (!eof) {
      const size_t got = ReadChunk(in, buf);
      eof = got == 0;
      bytes_since_flush_ += static_cast<int64_t>(got);
    }
    buf->Reserve(buf->size() + simdjson::SIMDJSON_PADDING);
    std::string_view data = buf->view();
    size_t used = json != nullptr ? json->ParseLines(data, eof, this) : flat->Parse(data, eof, this);
    if (used > 0) {
      std::memmove(buf->data(), buf->data() + used, buf->size() - used);
      buf->Resize(buf->size() - used);
    } else if (!eof && static_cast<int64_t>(buf->size()) > options_.max_record_bytes + options_.max_record_bytes / 4 +
                                                               static_cast<int64_t>(kReadChunk)) {
      // (The parsers report their own over-long records first; this catches
      // a line no parser could end.)
      // (CSV quoted fields are bounded by the parser, so this is never inside one.)
      if (!SkipOverlongLine(in, buf)) eof = true;
    }
    LW_RETURN_IF_ERROR(MaybeFlush(false));
    if (eof && buf->empty()) break;
    if (eof && used == 0 && !buf->empty()) {
      // The parser consumed nothing at the end of input: never loop forever.
      Quarantine(-1, -1, buf->view().substr(0, kRawKeepBytes), "unparsed bytes at the end of the source");
      buf->Clear();
      break;
    }
  }
  return Status::OK();
}

Status Run::ReadDocument(InputStream* in, Buffer* buf, JsonReader* json) {
  bool too_big = false;
  while (true) {
    if (ReadChunk(in, buf) == 0) break;
    if (static_cast<int64_t>(buf->size()) > options_.max_record_bytes) {
      too_big = true;
      break;
    }
  }
  if (too_big) {
    int64_t total = static_cast<int64_t>(buf->size());
    while (true) {  // count the rest without keeping it
      Buffer rest;
      rest.Reserve(kReadChunk);
      auto got = in->Read(&rest, kReadChunk);
      if (!got.ok() || *got == 0) break;
      total += static_cast<int64_t>(*got);
    }
    Quarantine(1, 0, buf->view().substr(0, kRawKeepBytes),
               fmt::format("a JSON document of {} bytes, more than the record limit of {} bytes (use JSON lines, "
                           "or raise --max-record-bytes)",
                           total, options_.max_record_bytes));
    return Status::OK();
  }
  buf->Reserve(buf->size() + simdjson::SIMDJSON_PADDING);
  bytes_since_flush_ += static_cast<int64_t>(buf->size());
  json->ParseDocument(buf->view(), this);
  return MaybeFlush(false);
}

Status Run::IngestSource(const std::string& input) {
  summary_.sources.emplace_back();
  source_ = &summary_.sources.back();
  source_->name = input;
  source_name_ = input;
  if (options_.idempotent && input != "-") {
    LW_ASSIGN_OR_RETURN(std::string hash, HashFile(input));
    delta::Txn t;
    t.app_id = "lakewatch-ingest-" + hash;
    t.version = 1;
    if (table_snapshot_ != nullptr) {
      auto seen = table_snapshot_->TxnVersion(t.app_id);
      if (seen.has_value() && *seen >= 1) {
        source_->skipped = true;
        return Status::OK();
      }
    }
    for (const delta::Txn& o : txns_) {
      if (o.app_id == t.app_id) {  // the same content twice in one run
        source_->skipped = true;
        return Status::OK();
      }
    }
    txns_.push_back(t);
  }
  LW_ASSIGN_OR_RETURN(auto in, InputStream::Open(input));
  current_ = in.get();
  source_->compression = in->compression();
  Buffer buf;
  // Sniff: the first chunk decides the format.
  ReadChunk(in.get(), &buf);
  std::string format = options_.format;
  if (format == "auto") format = DetectFormat(buf.view(), input);
  source_->format = format;
  bytes_since_flush_ += static_cast<int64_t>(buf.size());
  Status st;
  if (format == "json" || format == "otlp") {
    SyncBuilder();
    JsonReader json(json_options_);
    st = ReadDocument(in.get(), &buf, &json);
  } else if (format == "jsonl" && options_.threads > 1) {
    st = StreamJsonLinesParallel(in.get(), &buf);
  } else if (format == "jsonl") {
    SyncBuilder();
    JsonReader json(json_options_);
    st = StreamRecords(in.get(), &buf, nullptr, &json);
  } else {
    SyncBuilder();
    std::unique_ptr<RecordParser> parser;
    if (format == "csv" || format == "tsv") {
      CsvOptions co;
      co.delimiter = format == "tsv" ? '\t' : ',';
      parser = std::make_unique<CsvParser>(co);
    } else if (format == "logfmt") {
      parser = std::make_unique<LogfmtParser>();
    } else if (format == "text") {
      TextLogOptions to;
      to.max_record_bytes = static_cast<size_t>(options_.max_record_bytes);
      // Year-less timestamps (syslog) take the year of the file's last change.
      struct stat sb;
      if (input != "-" && ::stat(input.c_str(), &sb) == 0) {
        to.timestamp_context.reference_micros =
            static_cast<int64_t>(sb.st_mtim.tv_sec) * 1000000 + sb.st_mtim.tv_nsec / 1000;
      }
      parser = std::make_unique<TextLogParser>(to);
    } else {
      return Status::InvalidArgument("unknown input format '" + format +
                                     "' (expected auto, jsonl, json, logfmt, csv, tsv, text or otlp)");
    }
    st = StreamRecords(in.get(), &buf, parser.get(), nullptr);
  }
  source_->bytes = in->raw_bytes_read();
  bytes_done_ += source_->bytes;
  current_ = nullptr;
  return st;
}


Result<IngestSummary> Run::Go(const std::vector<std::string>& inputs) {
  summary_.table = options_.table_name.empty() ? options_.table_path : options_.table_name;
  summary_.quarantine_table = summary_.table + "_quarantine";
  const std::string qpath = QuarantineTablePath(options_.table_path);
  delta::DeltaTable table(options_.table_path);
  std::vector<std::string> partition_columns;
  auto snap = delta::Snapshot::Load(table.store());
  if (snap.ok()) {
    table_snapshot_ = std::move(snap).value();
    LW_RETURN_IF_ERROR(table_snapshot_->CheckWritable());
    builder_->LockSchema(table_snapshot_->schema());
    shared_.Set(table_snapshot_->schema());
    partition_columns = table_snapshot_->metadata().partition_columns;
  } else if (snap.status().code() == StatusCode::kNotFound) {
    if (options_.partition_by_date) partition_columns = {"date"};
  } else {
    return snap.status();
  }
  // With two or more threads the workers parse while the background writer
  // thread encodes, its leaves split over `threads` threads: while parsing
  // goes on they share the cores with the workers; at the end of the input,
  // when only encoding is left, they keep every core busy.
  parquet::WriterOptions wo;
  wo.threads = std::max(1, options_.threads);
  wo.row_group_bytes = int64_t{64} << 20;
  wo.row_group_rows = int64_t{1} << 18;
  wo.page_bytes = int64_t{256} << 10;
  wo.page_max_entries = 32768;  // rows a point read decodes per column (parquet-mr uses 20,000)
  data_ = std::make_unique<PartitionedWriter>(options_.table_path, partition_columns, wo, options_.target_file_bytes);
  if (options_.index) {
    data_->SetIndexColumns(TableIndexColumns(table_snapshot_ != nullptr ? &table_snapshot_->metadata() : nullptr,
                                             options_.index_text, options_.index_keyword));
  }
  quarantine_writer_ = std::make_unique<PartitionedWriter>(qpath, std::vector<std::string>{}, wo,
                                                           options_.target_file_bytes);
  writer_ = std::make_unique<BackgroundWriter>(options_.threads > 1);
  // Memory stays bounded whatever the input size: freed column blocks are
  // kept for reuse only up to a few batches' worth.
  memory::SetLargeBlockCacheLimit(std::min(memory::LargeBlockCacheLimit(), size_t{64} << 20));
  if (options_.templates) {
    LW_ASSIGN_OR_RETURN(TemplateMiner m, LoadTemplates(options_.table_path));
    miner_.emplace(std::move(m));
    miner_sink_ = std::make_unique<MinerSink>(&*miner_);
    builder_->SetTemplateSink(miner_sink_.get());
  }
  for (const std::string& input : inputs) {
    struct stat sb;
    if (input == "-" || ::stat(input.c_str(), &sb) != 0 || !S_ISREG(sb.st_mode)) {
      bytes_total_ = -1;
      break;
    }
    bytes_total_ += static_cast<int64_t>(sb.st_size);
  }
  summary_.sources.reserve(inputs.size());
  for (const std::string& input : inputs) {
    if (Status st = IngestSource(input); !st.ok()) return st;  // the writers' destructors remove the files
    if (Status st = MaybeFlush(false); !st.ok()) return st;
  }
  LW_RETURN_IF_ERROR(MaybeFlush(true));
  LW_RETURN_IF_ERROR(writer_->Drain());
  writer_->Stop();
  Progress(true);
  std::vector<delta::DataFile> files, qfiles;
  LW_RETURN_IF_ERROR(data_->Finish(&files));
  LW_RETURN_IF_ERROR(quarantine_writer_->Finish(&qfiles));
  for (const SourceSummary& s : summary_.sources) {
    summary_.rows += s.rows;
    summary_.quarantined += s.quarantined;
    summary_.bytes_in += s.bytes;
  }
  // Commit the data, then the quarantine (same txns: a re-run skips both).
  auto commit = [&](const delta::DeltaTable& t, PartitionedWriter* w, const std::vector<delta::DataFile>& fs,
                    bool exists, const std::vector<std::string>& pcols) -> Result<std::optional<int64_t>> {
    if (fs.empty() && (txns_.empty() || !exists)) return std::optional<int64_t>();
    delta::CommitFilesOptions co;
    co.txns = txns_;
    if (!exists) {
      delta::CreateOptions create;
      create.partition_columns = pcols;
      if (w == data_.get()) create.configuration = IndexConfiguration(options_.index_text, options_.index_keyword);
      co.create = create;
    }
    bool in_doubt = false;
    auto r = t.CommitDataFiles(fs, co, &in_doubt);
    if (!r.ok()) {
      if (in_doubt) w->Release();  // the commit may name them: keep the files
      return r.status();
    }
    if (r->duplicate) {
      summary_.duplicate = true;
      w->Abort();
    } else {
      for (const delta::DataFile& f : fs) summary_.bytes_stored += f.size;
      summary_.files_written += static_cast<int64_t>(fs.size());
      summary_.index_bytes += w->index_bytes();
      w->Release();
    }
    return std::optional<int64_t>(r->version);
  };
  // Templates first: ids a commit refers to must never be handed out again
  // (a file with ids no commit uses is harmless).
  if (miner_.has_value()) {
    summary_.templates = static_cast<int64_t>(miner_->size());
    if (miner_->size() > 0) LW_RETURN_IF_ERROR(SaveTemplates(options_.table_path, *miner_));
  }
  if (table_snapshot_ != nullptr && !files.empty()) {
    LW_RETURN_IF_ERROR(StoreIndexConfiguration(table, options_.index_text, options_.index_keyword));
  }
  delta::CrashPoint("ingest-before-commit");
  LW_ASSIGN_OR_RETURN(summary_.version, commit(table, data_.get(), files, table_snapshot_ != nullptr, partition_columns));
  delta::CrashPoint("ingest-between-commits");
  delta::DeltaTable qtable(qpath);
  const bool q_exists = delta::Snapshot::Load(qtable.store()).ok();
  LW_ASSIGN_OR_RETURN(summary_.quarantine_version, commit(qtable, quarantine_writer_.get(), qfiles, q_exists, {}));
  summary_.seconds = SecondsSince(t0_);
  return summary_;
}

}  // namespace

Result<IngestSummary> Ingest(const std::vector<std::string>& inputs, const IngestOptions& options) {
  if (inputs.empty()) return Status::InvalidArgument("ingest: no input (give files, or - for stdin)");
  // Column buffers of a batch are freed by the encoding thread while the next
  // batch allocates (10k fewer page faults per million events).
  memory::TuneMallocForBatches();
  Run run(options);
  return run.Go(inputs);
}

}  // namespace lakewatch::ingest
