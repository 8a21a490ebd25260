// InputStream: the bytes of one ingest source — a file or stdin ("-") —
// read in chunks, decompressed on the fly when the source starts with a gzip
// (1f 8b) or zstd (28 b5 2f fd) magic number. Concatenated gzip members and
// zstd frames are read one after another, as gzip -d and zstd -d do.
//
// Thread-safety: none; one reader per stream.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/buffer.h"
#include "common/status.h"

namespace lakewatch::ingest {

class InputStream {
 public:
  virtual ~InputStream() = default;
  // "-" reads stdin.
  static Result<std::unique_ptr<InputStream>> Open(const std::string& path);

  // Appends up to `max` decompressed bytes to *out; returns how many (0 at
  // the end). A corrupt or truncated compressed stream is an error that names
  // the source and the compressed byte offset; the bytes before it were
  // returned by earlier calls.
  virtual Result<size_t> Read(Buffer* out, size_t max) = 0;

  const std::string& name() const { return name_; }
  // "gzip", "zstd" or "" (plain).
  const std::string& compression() const { return compression_; }
  // Bytes of the source consumed so far (compressed bytes for compressed input).
  int64_t raw_bytes_read() const { return raw_read_; }
  // Size of the source in bytes, or -1 when unknown (stdin, pipes).
  int64_t raw_size() const { return raw_size_; }

 protected:
  std::string name_;
  std::string compression_;
  int64_t raw_read_ = 0;
  int64_t raw_size_ = -1;
};

}  // namespace lakewatch::ingest
