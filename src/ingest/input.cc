#include "ingest/input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

namespace lakewatch::ingest {

namespace {

constexpr size_t kRawChunk = size_t{1} << 20;

// Reads raw bytes from a file descriptor, with one-chunk lookahead for the
// magic-number sniffing.
class RawFile {
 public:
  RawFile(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~RawFile() {
    if (owned_ && fd_ >= 0) ::close(fd_);
  }
  // Up to `max` bytes into p; 0 at the end.
  Result<size_t> Read(uint8_t* p, size_t max, const std::string& name) {
    for (;;) {
      ssize_t k = ::read(fd_, p, max);
      if (k >= 0) return static_cast<size_t>(k);
      if (errno == EINTR) continue;
      return Status::IOError(name + ": read: " + std::strerror(errno));
    }
  }

 private:
  int fd_;
  bool owned_;
};

// The raw bytes of a source, with the first chunk kept for sniffing.
class Source {
 public:
  Source(std::unique_ptr<RawFile> file, std::string name) : file_(std::move(file)), name_(std::move(name)) {}
  // Refills `buf_` when consumed; returns false at the end.
  Result<bool> Fill() {
    if (pos_ < len_) return true;
    if (eof_) return false;
    if (buf_.size() < kRawChunk) buf_.resize(kRawChunk);
    LW_ASSIGN_OR_RETURN(size_t k, file_->Read(buf_.data(), buf_.size(), name_));
    pos_ = 0;
    len_ = k;
    if (k == 0) eof_ = true;
    return k > 0;
  }
  // Reads straight into `p` once the buffered bytes are consumed (no copy).
  Result<size_t> ReadDirect(uint8_t* p, size_t max) {
    if (pos_ < len_ || eof_) return size_t{0};
    LW_ASSIGN_OR_RETURN(size_t k, file_->Read(p, max, name_));
    if (k == 0) eof_ = true;
    consumed_ += static_cast<int64_t>(k);
    return k;
  }
  bool buffered() const { return pos_ < len_; }
  const uint8_t* data() const { return buf_.data() + pos_; }
  size_t available() const { return len_ - pos_; }
  void Consume(size_t n) {
    pos_ += n;
    consumed_ += static_cast<int64_t>(n);
  }
  int64_t consumed() const { return consumed_; }
  const std::string& name() const { return name_; }

 private:
  std::unique_ptr<RawFile> file_;
  std::string name_;
  std::vector<uint8_t> buf_;
  size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
  int64_t consumed_ = 0;
};

class PlainStream : public InputStream {
 public:
  explicit PlainStream(std::unique_ptr<Source> src) : src_(std::move(src)) {}
  Result<size_t> Read(Buffer* out, size_t max) override {
    if (!src_->buffered()) {
      const size_t start = out->size();
      out->Reserve(start + max);
      out->Resize(start + max);
      auto got = src_->ReadDirect(out->data() + start, max);
      out->Resize(start + (got.ok() ? *got : 0));
      raw_read_ = src_->consumed();
      return got;
    }
    LW_ASSIGN_OR_RETURN(bool more, src_->Fill());
    if (!more) return size_t{0};
    size_t n = std::min(max, src_->available());
    out->Append(src_->data(), n);
    src_->Consume(n);
    raw_read_ = src_->consumed();
    return n;
  }

 private:
  std::unique_ptr<Source> src_;
};

class GzipStream : public InputStream {
 public:
  explicit GzipStream(std::unique_ptr<Source> src) : src_(std::move(src)) {
    std::memset(&z_, 0, sizeof z_);
    init_ = inflateInit2(&z_, 15 + 16) == Z_OK;
  }
  ~GzipStream() override {
    if (init_) inflateEnd(&z_);
  }
  Result<size_t> Read(Buffer* out, size_t max) override {
    if (!init_) return Status::Internal(name_ + ": inflateInit2 failed");
    const size_t start = out->size();
    out->Reserve(start + max);
    while (out->size() == start && !done_) {
      LW_ASSIGN_OR_RETURN(bool more, src_->Fill());
      if (!more) {
        if (in_member_) {
          return Status::Corrupt(fmt::format("{}: truncated gzip stream (ends inside a member at compressed byte {})",
                                             name_, src_->consumed()));
        }
        done_ = true;
        break;
      }
      if (!in_member_) {
        // Between members: only a new member (1f 8b) may follow; trailing zero
        // padding (some tools write it) ends the stream.
        if (src_->data()[0] == 0) {
          src_->Consume(src_->available());
          continue;
        }
        inflateReset(&z_);
        in_member_ = true;
      }
      z_.next_in = const_cast<Bytef*>(src_->data());
      z_.avail_in = static_cast<uInt>(src_->available());
      z_.next_out = out->data() + out->size();
      z_.avail_out = static_cast<uInt>(max);
      int rc = inflate(&z_, Z_NO_FLUSH);
      const size_t used = src_->available() - z_.avail_in;
      const size_t produced = max - z_.avail_out;
      src_->Consume(used);
      out->Resize(out->size() + produced);
      if (rc == Z_STREAM_END) {
        in_member_ = false;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Status::Corrupt(fmt::format("{}: corrupt gzip data at compressed byte {}: {}", name_,
                                           src_->consumed(), z_.msg != nullptr ? z_.msg : "inflate error"));
      }
    }
    raw_read_ = src_->consumed();
    return out->size() - start;
  }

 private:
  std::unique_ptr<Source> src_;
  z_stream z_;
  bool init_ = false;
  bool in_member_ = false;
  bool done_ = false;
};

class ZstdStream : public InputStream {
 public:
  explicit ZstdStream(std::unique_ptr<Source> src) : src_(std::move(src)), z_(ZSTD_createDStream()) {}
  ~ZstdStream() override { ZSTD_freeDStream(z_); }
  Result<size_t> Read(Buffer* out, size_t max) override {
    if (z_ == nullptr) return Status::Internal(name_ + ": ZSTD_createDStream failed");
    const size_t start = out->size();
    out->Reserve(start + max);
    while (out->size() == start && !done_) {
      LW_ASSIGN_OR_RETURN(bool more, src_->Fill());
      if (!more) {
        if (pending_ != 0) {
          return Status::Corrupt(fmt::format("{}: truncated zstd stream (ends inside a frame at compressed byte {})",
                                             name_, src_->consumed()));
        }
        done_ = true;
        break;
      }
      ZSTD_inBuffer in{src_->data(), src_->available(), 0};
      ZSTD_outBuffer o{out->data() + out->size(), max, 0};
      size_t rc = ZSTD_decompressStream(z_, &o, &in);
      src_->Consume(in.pos);
      out->Resize(out->size() + o.pos);
      if (ZSTD_isError(rc)) {
        return Status::Corrupt(fmt::format("{}: corrupt zstd data at compressed byte {}: {}", name_, src_->consumed(),
                                           ZSTD_getErrorName(rc)));
      }
      pending_ = rc;
    }
    raw_read_ = src_->consumed();
    return out->size() - start;
  }

 private:
  std::unique_ptr<Source> src_;
  ZSTD_DStream* z_;
  size_t pending_ = 0;
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<InputStream>> InputStream::Open(const std::string& path) {
  std::unique_ptr<RawFile> raw;
  int64_t size = -1;
  if (path == "-") {
    raw = std::make_unique<RawFile>(0, false);
  } else {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::IOError(path + ": " + std::strerror(errno));
    struct stat sb;
    if (::fstat(fd, &sb) == 0) {
      if (S_ISDIR(sb.st_mode)) {
        ::close(fd);
        return Status::InvalidArgument(path + ": is a directory");
      }
      if (S_ISREG(sb.st_mode)) size = static_cast<int64_t>(sb.st_size);
    }
    raw = std::make_unique<RawFile>(fd, true);
  }
  auto src = std::make_unique<Source>(std::move(raw), path);
  LW_ASSIGN_OR_RETURN(bool any, src->Fill());
  const uint8_t* p = src->data();
  const size_t n = any ? src->available() : 0;
  std::unique_ptr<InputStream> s;
  std::string compression;
  if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
    s = std::make_unique<GzipStream>(std::move(src));
    compression = "gzip";
  } else if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) {
    s = std::make_unique<ZstdStream>(std::move(src));
    compression = "zstd";
  } else {
    s = std::make_unique<PlainStream>(std::move(src));
  }
  s->name_ = path;
  s->compression_ = compression;
  s->raw_size_ = size;
  return s;
}

}  // namespace lakewatch::ingest
