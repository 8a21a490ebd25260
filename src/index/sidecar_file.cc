#include "index/sidecar_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "parquet/file_reader.h"

namespace lakewatch::index {

namespace {

Status Errno(const std::string& what) { return Status::IOError(what + ": " + std::strerror(errno)); }

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno(dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::OK() : Errno(dir + ": fsync");
}

// Creates the missing directories of `dir` below `root` (which exists) and
// syncs the parent of each one created.
Status MakeDirs(const std::string& root, const std::string& relative) {
  std::string path = root;
  size_t pos = 0;
  while (pos < relative.size()) {
    size_t slash = relative.find('/', pos);
    if (slash == std::string::npos) slash = relative.size();
    const std::string parent = path;
    path += "/" + relative.substr(pos, slash - pos);
    if (::mkdir(path.c_str(), 0755) == 0) {
      LW_RETURN_IF_ERROR(SyncDirectory(parent));
    } else if (errno != EEXIST) {
      return Errno(path + ": mkdir");
    }
    pos = slash + 1;
  }
  return Status::OK();
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno(path + ": write");
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return ::fsync(fd) == 0 ? Status::OK() : Errno(path + ": fsync");
}

}  // namespace

std::string SidecarPath(const std::string& table, const std::string& data_file) {
  auto rel = SidecarRelativePath(data_file);
  return rel.has_value() ? table + "/" + *rel : std::string();
}

Status WriteSidecar(const std::string& table, const std::string& data_file, std::string_view bytes) {
  const auto rel = SidecarRelativePath(data_file);
  if (!rel.has_value()) return Status::InvalidArgument("no sidecar path for data file '" + data_file + "'");
  const size_t slash = rel->rfind('/');
  const std::string dir = table + "/" + rel->substr(0, slash);
  LW_RETURN_IF_ERROR(MakeDirs(table, rel->substr(0, slash)));
  static std::atomic<uint64_t> counter{0};
  const std::string final_path = table + "/" + *rel;
  const std::string tmp = fmt::format("{}/.{}.tmp-{}-{}", dir, rel->substr(slash + 1), ::getpid(), counter++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Errno(tmp);
  Status st = WriteAll(fd, bytes, tmp);
  if (::close(fd) != 0 && st.ok()) st = Errno(tmp + ": close");
  if (st.ok() && ::rename(tmp.c_str(), final_path.c_str()) != 0) st = Errno(final_path + ": rename");
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  return SyncDirectory(dir);
}

Result<std::string> BuildSidecarFromParquet(const std::string& parquet_path, const SidecarOptions& options) {
  LW_ASSIGN_OR_RETURN(auto reader, parquet::ParquetFileReader::Open(parquet_path));
  // Only the indexed paths the file has are read (the others are null here).
  std::vector<std::string> present;
  for (const IndexColumn& c : options.columns) {
    if (std::find(present.begin(), present.end(), c.path) != present.end()) continue;
    if (reader->schema().Project({c.path}).ok()) present.push_back(c.path);
  }
  SidecarBuilder builder(options);
  if (!present.empty()) {
    LW_ASSIGN_OR_RETURN(auto plans, reader->schema().Project(present));
    for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
      LW_ASSIGN_OR_RETURN(RecordBatch batch, reader->ReadRowGroup(rg, plans));
      LW_RETURN_IF_ERROR(builder.AddBatch(batch, builder.rows()));
    }
  }
  if (builder.rows() != reader->num_rows()) {
    // No column was read (none present): the rows are all null.
    RecordBatch empty;
    empty.num_rows = reader->num_rows() - builder.rows();
    LW_RETURN_IF_ERROR(builder.AddBatch(empty, builder.rows()));
  }
  return builder.Finish(static_cast<int64_t>(reader->file_size()));
}

}  // namespace lakewatch::index
