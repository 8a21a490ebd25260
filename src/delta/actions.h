// Delta Lake log actions (PROTOCOL.md "Actions") as plain structs, and their
// JSON form: one action per line of a commit file `_delta_log/<v>.json`.
//
// Parsing is lenient where the protocol says so (unknown fields and unknown
// actions are ignored) and strict where a wrong answer would follow (a
// required field missing or of the wrong JSON type is Status::Corrupt naming
// the commit version, line and field). Serialization writes the fields the
// protocol requires plus the optional ones that are set, in a stable order.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace lakewatch::delta {

// Ordered string map (JSON objects keep their order through a round trip).
using StringMap = std::vector<std::pair<std::string, std::string>>;
// Partition values: a JSON null (or absent) is std::nullopt.
using PartitionValues = std::vector<std::pair<std::string, std::optional<std::string>>>;

struct Protocol {
  int32_t min_reader_version = 1;
  int32_t min_writer_version = 2;
  std::optional<std::vector<std::string>> reader_features;  // reader version 3 only
  std::optional<std::vector<std::string>> writer_features;  // writer version 7 only
};

struct Metadata {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::string format_provider = "parquet";
  StringMap format_options;
  std::optional<std::string> schema_string;  // required by the protocol; some test tables lack it
  std::vector<std::string> partition_columns;
  StringMap configuration;
  std::optional<int64_t> created_time;

  // The value of configuration key `key`, if set.
  std::optional<std::string> Config(std::string_view key) const;
};

struct DeletionVectorDescriptor {
  std::string storage_type;  // "u", "i" or "p"
  std::string path_or_inline_dv;
  std::optional<int32_t> offset;
  int32_t size_in_bytes = 0;
  int64_t cardinality = 0;
  // storage_type + path_or_inline_dv (+ "@" + offset): the file key's second half.
  std::string UniqueId() const;
};

// Immutable text that is absent, owned, or a slice of a buffer it shares with other values (a
// checkpoint's decoded stats column): copying one never copies the text. It reads like a
// std::optional<std::string> whose value is a std::string_view.
class SharedText {
 public:
  SharedText() = default;
  SharedText(std::nullopt_t) {}  // NOLINT(google-explicit-constructor): like std::optional
  // An owned copy of `text` (one allocation).
  SharedText(std::string_view text);  // NOLINT(google-explicit-constructor)
  SharedText(const std::string& text) : SharedText(std::string_view(text)) {}  // NOLINT
  SharedText(const char* text) : SharedText(std::string_view(text)) {}         // NOLINT
  // `text` lies in memory that `owner` keeps alive and unchanged. REQUIRES: owner != nullptr.
  SharedText(std::shared_ptr<const void> owner, std::string_view text)
      : owner_(std::move(owner)), text_(text) {}

  bool has_value() const { return owner_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  // REQUIRES: has_value().
  std::string_view operator*() const { return text_; }
  const std::string_view* operator->() const { return &text_; }

  friend bool operator==(const SharedText& a, const SharedText& b) {
    return a.has_value() == b.has_value() && a.text_ == b.text_;
  }

 private:
  std::shared_ptr<const void> owner_;  // null when absent
  std::string_view text_;
};

struct AddFile {
  std::string path;  // as in the log: a URI-encoded relative path or an absolute URI
  PartitionValues partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;
  bool data_change = true;
  SharedText stats;  // JSON text (from a checkpoint: a slice of its decoded stats column)
  std::optional<StringMap> tags;
  std::optional<DeletionVectorDescriptor> deletion_vector;
  std::optional<int64_t> base_row_id;
  std::optional<int64_t> default_row_commit_version;
  std::optional<std::string> clustering_provider;  // clustered tables ("liquid")
};

struct RemoveFile {
  std::string path;
  std::optional<int64_t> deletion_timestamp;
  bool data_change = true;
  std::optional<bool> extended_file_metadata;
  std::optional<PartitionValues> partition_values;
  std::optional<int64_t> size;
  std::optional<std::string> stats;
  std::optional<StringMap> tags;
  std::optional<DeletionVectorDescriptor> deletion_vector;
  std::optional<int64_t> base_row_id;
  std::optional<int64_t> default_row_commit_version;
};

struct Txn {
  std::string app_id;
  int64_t version = 0;
  std::optional<int64_t> last_updated;
};

struct CommitInfo {
  std::string json;  // the whole object as written (free-form)
  std::optional<int64_t> timestamp;
  std::optional<int64_t> in_commit_timestamp;
  std::optional<std::string> operation;
};

// The actions of one commit (or of a checkpoint), grouped by kind, each in
// file order. cdc, domainMetadata, checkpointMetadata and sidecar actions
// are counted but otherwise ignored here.
struct ActionSet {
  std::optional<Protocol> protocol;
  std::optional<Metadata> metadata;
  std::vector<AddFile> adds;
  std::vector<RemoveFile> removes;
  std::vector<Txn> txns;
  std::optional<CommitInfo> commit_info;  // the first one when a file holds several
  int64_t ignored_actions = 0;  // cdc, domainMetadata, ..., unknown keys, extra commitInfos
  int64_t ignored_fields = 0;   // unknown fields inside the actions above
};

// Parses a commit file's content (newline-delimited JSON; blank lines
// allowed; a final line without newline allowed; "\r\n" accepted). `version`
// is only used in error messages, which read
// "commit 12, line 3: add.path is missing" / "... is not a string (got a number)".
// Two protocol or two metaData actions in one commit are Corrupt. Optional
// fields written as JSON null count as absent (Spark omits them, delta-rs
// writes null); a null value inside configuration/tags/format.options drops
// that key. Unknown actions and unknown fields are skipped and counted;
// action and field names are matched as written (no writer escapes them).
// A line holding anything after its object (even a second object) is
// Corrupt. Paths are returned as written (still URI-encoded; see DecodePath).
// Cost: lines are parsed in place (only those within 64 bytes of the end
// are copied); strings are copied once, into the returned actions.
Result<ActionSet> ParseCommit(std::string_view content, int64_t version);

// One JSON line (no trailing newline) per action, in the wrapper object the
// log uses: {"add":{...}}.
std::string ToJson(const Protocol& p);
std::string ToJson(const Metadata& m);
std::string ToJson(const AddFile& a);
std::string ToJson(const RemoveFile& r);
std::string ToJson(const Txn& t);
// {"commitInfo":<c.json>}: the object text is written back as it was read.
std::string ToJson(const CommitInfo& c);
// commitInfo from its parts: {"commitInfo":{"timestamp":..,"operation":..,
// "operationParameters":{..},"engineInfo":..,"isBlindAppend":..}}.
std::string CommitInfoJson(int64_t timestamp_ms, std::string_view operation,
                           const StringMap& operation_parameters, bool is_blind_append,
                           std::string_view engine_info);

// Percent-decodes a log path ("a%20b" -> "a b", "%3A" -> ":", "%25" -> "%");
// '+' stays '+' (paths are URIs, not form data). Corrupt on a '%' that is not
// followed by two hex digits.
Result<std::string> DecodePath(std::string_view uri_path);
// Percent-encodes a relative file path the way Spark's Hadoop Path -> URI
// does, so our log lines look like Spark's: kept are ALPHA DIGIT - . _ ~ and
// ! * ' ( ) , ; $ & + = @ and '/'; everything else (space, %, #, ?, :, [, ],
// control bytes, every non-ASCII byte) becomes %XX with upper-case hex.
// ':' is always escaped so a relative path never reads as a URI scheme.
// Absolute URIs ("s3://...") must not be passed through this.
std::string EncodePath(std::string_view path);

// A table property holding a duration ("interval 7 days", "168 hours", "30 days", weeks,
// minutes, seconds) in milliseconds; `dflt` when absent or unreadable.
int64_t IntervalMs(const std::optional<std::string>& text, int64_t dflt);

}  // namespace lakewatch::delta
