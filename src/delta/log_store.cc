#include "delta/log_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>

#include "delta/crash_point.h"

namespace lakewatch::delta {

namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string TempName(const std::string& dir, const std::string& base) {
  static std::atomic<uint64_t> counter{0};
  std::random_device rd;
  return fmt::format("{}/.tmp-{}-{}-{}-{:x}", dir, base, ::getpid(), counter++, rd());
}

Status WriteAll(int fd, const std::string& content, const std::string& path) {
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t k = ::write(fd, p, left);
    if (k < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(path + ": write: " + std::strerror(errno));
    }
    p += k;
    left -= static_cast<size_t>(k);
  }
  if (::fsync(fd) != 0) return Status::IOError(path + ": fsync: " + std::strerror(errno));
  return Status::OK();
}

Result<std::string> WriteTemp(const std::string& dir, const std::string& base, const std::string& content) {
  std::string tmp = TempName(dir, base);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(tmp + ": create: " + std::strerror(errno));
  Status st = WriteAll(fd, content, tmp);
  if (::close(fd) != 0 && st.ok()) st = Status::IOError(tmp + ": close: " + std::strerror(errno));
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  return tmp;
}

}  // namespace

Result<std::string> ReadFileToString(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IOError(path + ": " + std::strerror(errno));
  }
  std::string out;
  char buf[1 << 16];
  while (true) {
    ssize_t k = ::read(fd, buf, sizeof(buf));
    if (k < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return Status::IOError(path + ": read: " + std::strerror(e));
    }
    if (k == 0) break;
    out.append(buf, static_cast<size_t>(k));
  }
  ::close(fd);
  return out;
}

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(dir + ": open: " + std::strerror(errno));
  int rc = ::fsync(fd);
  int e = errno;
  ::close(fd);
  if (rc != 0) return Status::IOError(dir + ": fsync: " + std::strerror(e));
  return Status::OK();
}

Status SyncDirsOf(const std::string& root, const std::vector<std::string>& relative_files) {
  std::set<std::string> dirs = {root};
  for (const std::string& rel : relative_files) {
    for (size_t slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', slash + 1)) {
      dirs.insert(root + "/" + rel.substr(0, slash));
    }
  }
  for (const std::string& d : dirs) LW_RETURN_IF_ERROR(SyncDir(d));
  return Status::OK();
}

LogStore::LogStore(std::string table_path) : table_path_(std::move(table_path)) {
  while (table_path_.size() > 1 && table_path_.back() == '/') table_path_.pop_back();
}

std::string LogStore::CommitName(int64_t version) { return fmt::format("{:020d}.json", version); }

std::string LogStore::CommitPath(int64_t version) const { return log_dir() + "/" + CommitName(version); }

Result<LogListing> LogStore::List() const {
  const std::string dir = log_dir();
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return Status::NotFound(table_path_ + ": not a Delta table (no _delta_log directory)");
    }
    return Status::IOError(dir + ": " + std::strerror(errno));
  }
  LogListing out;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name.empty() || name[0] == '.') continue;  // ., .., .crc files, temporaries
    if (name == "_last_checkpoint") {
      out.has_last_checkpoint = true;
      continue;
    }
    if (name.size() < 21 || !AllDigits(name.substr(0, 20)) || name[20] != '.') continue;
    int64_t v = std::stoll(std::string(name.substr(0, 20)));
    std::string_view rest = name.substr(21);
    if (rest == "json") {
      out.commits.push_back(v);
    } else if (rest == "checkpoint.parquet") {
      out.checkpoints.push_back({v, 0, 0, std::string(name)});
    } else if (rest.rfind("checkpoint.", 0) == 0 && rest.size() > 19 &&
               rest.substr(rest.size() - 8) == ".parquet") {
      // checkpoint.<part 10 digits>.<parts 10 digits>.parquet, or a UUID (v2)
      std::string_view mid = rest.substr(11, rest.size() - 11 - 8);
      if (mid.size() == 21 && mid[10] == '.' && AllDigits(mid.substr(0, 10)) && AllDigits(mid.substr(11))) {
        int part = std::stoi(std::string(mid.substr(0, 10)));
        int parts = std::stoi(std::string(mid.substr(11)));
        out.checkpoints.push_back({v, part, parts, std::string(name)});
      } else {
        out.has_v2_checkpoints = true;
      }
    } else if (rest.rfind("checkpoint.", 0) == 0 && rest.size() > 5 &&
               rest.substr(rest.size() - 5) == ".json") {
      out.has_v2_checkpoints = true;
    }
  }
  ::closedir(d);
  std::sort(out.commits.begin(), out.commits.end());
  std::sort(out.checkpoints.begin(), out.checkpoints.end(), [](const CheckpointFile& a, const CheckpointFile& b) {
    return a.version != b.version ? a.version < b.version : a.part < b.part;
  });
  return out;
}

Result<std::string> LogStore::ReadCommit(int64_t version) const { return ReadFileToString(CommitPath(version)); }

Result<int64_t> LogStore::CommitMtimeMs(int64_t version) const {
  struct stat st;
  std::string p = CommitPath(version);
  if (::stat(p.c_str(), &st) != 0) return Status::IOError(p + ": stat: " + std::strerror(errno));
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

std::optional<CheckpointFile> LogStore::ReadLastCheckpoint() const {
  auto content = ReadFileToString(log_dir() + "/_last_checkpoint");
  if (!content.ok()) return std::nullopt;
  // A tiny JSON object; find "version" and "parts" without a full parser.
  auto number_after = [&](std::string_view key) -> std::optional<int64_t> {
    size_t k = content->find("\"" + std::string(key) + "\"");
    if (k == std::string::npos) return std::nullopt;
    size_t colon = content->find(':', k);
    if (colon == std::string::npos) return std::nullopt;
    size_t i = colon + 1;
    while (i < content->size() && (*content)[i] == ' ') ++i;
    size_t j = i;
    while (j < content->size() && (*content)[j] >= '0' && (*content)[j] <= '9') ++j;
    if (j == i || j - i > 18) return std::nullopt;
    return std::stoll(content->substr(i, j - i));
  };
  auto v = number_after("version");
  if (!v.has_value()) return std::nullopt;
  CheckpointFile cp;
  cp.version = *v;
  if (auto parts = number_after("parts"); parts.has_value()) cp.parts = static_cast<int>(*parts);
  return cp;
}

Status LogStore::CreateLogDir() const {
  // The table directory and its missing parents (a data directory used for the first time).
  std::error_code ec;
  std::filesystem::create_directories(table_path_, ec);
  if (ec) return Status::IOError(table_path_ + ": mkdir: " + ec.message());
  std::string d = log_dir();
  if (::mkdir(d.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::IOError(d + ": mkdir: " + std::strerror(errno));
  }
  return Status::OK();
}

Status LogStore::PutCommitIfAbsent(int64_t version, const std::string& content) const {
  const std::string dir = log_dir();
  const std::string final_path = CommitPath(version);
  LW_ASSIGN_OR_RETURN(std::string tmp, WriteTemp(dir, CommitName(version), content));
  CrashPoint("commit-before-link");
  int rc = ::link(tmp.c_str(), final_path.c_str());
  int e = errno;
  if (rc == 0) CrashPoint("commit-after-link");
  ::unlink(tmp.c_str());
  if (rc != 0) {
    if (e == EEXIST) return Status::AlreadyExists(fmt::format("commit {} already exists", version));
    return Status::IOError(final_path + ": link: " + std::strerror(e));
  }
  return SyncDir(dir);
}

Status LogStore::ReplaceLogFile(const std::string& name, const std::string& content) const {
  return ReplaceFileDurably(log_dir(), name, content);
}

Status ReplaceFileDurably(const std::string& dir, const std::string& name, const std::string& content) {
  LW_ASSIGN_OR_RETURN(std::string tmp, WriteTemp(dir, name, content));
  std::string final_path = dir + "/" + name;
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return Status::IOError(final_path + ": rename: " + std::strerror(e));
  }
  return SyncDir(dir);
}

}  // namespace lakewatch::delta
