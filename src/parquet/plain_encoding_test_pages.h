// Test-only: pulls the pages of one column out of a flat Parquet file so the
// codec tests can run against real files (parquet-testing) before the
// project's page reader exists. Deliberately small and independent of the
// production metadata code: a generic Thrift compact-protocol reader, the few
// FileMetaData / PageHeader fields the tests need, and decompression through
// the codec libraries lakewatch_parquet already links.
//
// Handles flat schemas only (no repetition levels, max definition level 0
// or 1). Any malformation is a test failure (Status::Corrupt), not a crash.
#pragma once

#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/status.h"
#include "parquet/bit_util.h"
#include "parquet/rle_encoding.h"

namespace lakewatch::parquet::testing {

// One Thrift compact-protocol value, kept generically.
struct ThriftValue {
  int64_t i = 0;                      // bool, i8..i64
  std::string bytes;                  // binary
  std::map<int, ThriftValue> fields;  // struct
  std::vector<ThriftValue> elements;  // list / set

  int64_t Int(int field, int64_t missing = -1) const {
    auto it = fields.find(field);
    return it == fields.end() ? missing : it->second.i;
  }
  const ThriftValue* Field(int field) const {
    auto it = fields.find(field);
    return it == fields.end() ? nullptr : &it->second;
  }
};

class ThriftCompactReader {
 public:
  ThriftCompactReader(const uint8_t* data, size_t size)
      : pos_(data), end_(data + size), begin_(data) {}

  bool ReadStruct(ThriftValue* out, int depth = 0) {
    if (depth > 32) return false;
    int last_id = 0;
    while (true) {
      uint8_t header;
      if (!Byte(&header)) return false;
      if (header == 0) return true;
      const int type = header & 0x0f;
      int id;
      if ((header >> 4) != 0) {
        id = last_id + (header >> 4);
      } else {
        uint64_t z;
        if (!ReadUleb128(&pos_, end_, &z)) return false;
        id = static_cast<int>(ZigZagDecode(z));
      }
      last_id = id;
      ThriftValue& v = out->fields[id];
      if (type == 1 || type == 2) {
        v.i = type == 1;
      } else if (!ReadValue(type, &v, depth)) {
        return false;
      }
    }
  }

  size_t consumed() const { return static_cast<size_t>(pos_ - begin_); }

 private:
  bool Byte(uint8_t* b) {
    if (pos_ == end_) return false;
    *b = *pos_++;
    return true;
  }

  bool ReadValue(int type, ThriftValue* v, int depth) {
    uint64_t u;
    switch (type) {
      case 1:
      case 2: {  // bool as a list element: one byte
        uint8_t b;
        if (!Byte(&b)) return false;
        v->i = b == 1;
        return true;
      }
      case 3: {
        uint8_t b;
        if (!Byte(&b)) return false;
        v->i = static_cast<int8_t>(b);
        return true;
      }
      case 4:
      case 5:
      case 6:
        if (!ReadUleb128(&pos_, end_, &u)) return false;
        v->i = ZigZagDecode(u);
        return true;
      case 7:
        if (end_ - pos_ < 8) return false;
        pos_ += 8;
        return true;
      case 8:
        if (!ReadUleb128(&pos_, end_, &u) || u > static_cast<uint64_t>(end_ - pos_)) return false;
        v->bytes.assign(reinterpret_cast<const char*>(pos_), u);
        pos_ += u;
        return true;
      case 9:
      case 10: {
        uint8_t h;
        if (!Byte(&h)) return false;
        uint64_t n = h >> 4;
        if (n == 15 && !ReadUleb128(&pos_, end_, &n)) return false;
        if (n > static_cast<uint64_t>(end_ - pos_)) return false;
        v->elements.resize(n);
        for (auto& e : v->elements) {
          if (!ReadValue(h & 0x0f, &e, depth + 1)) return false;
        }
        return true;
      }
      case 11: {
        if (!ReadUleb128(&pos_, end_, &u)) return false;
        if (u == 0) return true;
        uint8_t kv;
        if (!Byte(&kv) || u > static_cast<uint64_t>(end_ - pos_)) return false;
        for (uint64_t k = 0; k < u; ++k) {
          ThriftValue key, value;
          if (!ReadValue(kv >> 4, &key, depth + 1) || !ReadValue(kv & 0x0f, &value, depth + 1)) {
            return false;
          }
        }
        return true;
      }
      case 12:
        return ReadStruct(v, depth + 1);
      default:
        return false;
    }
  }

  const uint8_t* pos_;
  const uint8_t* end_;
  const uint8_t* begin_;
};

struct TestPage {
  int type = 0;                     // 0 data v1, 2 dictionary, 3 data v2
  int encoding = 0;                 // of the values
  int64_t num_values = 0;           // including nulls
  std::vector<int16_t> def_levels;  // empty for required columns
  std::string values;               // the (decompressed) value bytes
  int64_t non_null() const {
    if (def_levels.empty()) return num_values;
    int64_t n = 0;
    for (int16_t d : def_levels) n += d;
    return n;
  }
};

struct TestColumn {
  int physical_type = 0;  // 0 BOOLEAN .. 7 FIXED_LEN_BYTE_ARRAY
  int type_length = 0;
  int max_def = 0;
  std::string name;
  std::vector<TestPage> pages;
};

inline Status ReadFileBytes(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return Status::OK();
}

inline Status Decompress(int codec, const uint8_t* data, size_t size, size_t uncompressed,
                         std::string* out) {
  out->resize(uncompressed);
  switch (codec) {
    case 0:
      out->assign(reinterpret_cast<const char*>(data), size);
      return Status::OK();
    case 1: {  // snappy
      size_t n = uncompressed;
      if (snappy_uncompress(reinterpret_cast<const char*>(data), size, out->data(), &n) !=
          SNAPPY_OK) {
        return Status::Corrupt("snappy");
      }
      out->resize(n);
      return Status::OK();
    }
    case 2: {  // gzip
      z_stream z{};
      if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return Status::Internal("zlib");
      z.next_in = const_cast<Bytef*>(data);
      z.avail_in = static_cast<uInt>(size);
      z.next_out = reinterpret_cast<Bytef*>(out->data());
      z.avail_out = static_cast<uInt>(uncompressed);
      const int rc = inflate(&z, Z_FINISH);
      inflateEnd(&z);
      if (rc != Z_STREAM_END) return Status::Corrupt("gzip");
      out->resize(z.total_out);
      return Status::OK();
    }
    case 6: {  // zstd
      const size_t n = ZSTD_decompress(out->data(), uncompressed, data, size);
      if (ZSTD_isError(n)) return Status::Corrupt("zstd");
      out->resize(n);
      return Status::OK();
    }
    default:
      return Status::NotSupported("codec " + std::to_string(codec));
  }
}

// Reads leaf column `column` (0-based, flat schema) of row group 0.
inline Status ReadTestColumn(const std::string& path, int column, TestColumn* out) {
  std::string file;
  LW_RETURN_IF_ERROR(ReadFileBytes(path, &file));
  const auto* base = reinterpret_cast<const uint8_t*>(file.data());
  if (file.size() < 12) return Status::Corrupt("short file");
  const uint32_t footer_len = LoadLE32(base + file.size() - 8);
  if (footer_len > file.size() - 12) return Status::Corrupt("footer length");
  ThriftValue meta;
  ThriftCompactReader footer(base + file.size() - 8 - footer_len, footer_len);
  if (!footer.ReadStruct(&meta)) return Status::Corrupt("footer");

  const ThriftValue* schema = meta.Field(2);
  const ThriftValue* row_groups = meta.Field(4);
  if (schema == nullptr || row_groups == nullptr || row_groups->elements.empty()) {
    return Status::Corrupt("schema/row groups");
  }
  if (static_cast<size_t>(column) + 1 >= schema->elements.size()) {
    return Status::InvalidArgument("column index");
  }
  const ThriftValue& element = schema->elements[static_cast<size_t>(column) + 1];
  out->physical_type = static_cast<int>(element.Int(1));
  out->type_length = static_cast<int>(element.Int(2, 0));
  out->max_def = element.Int(3) == 1 ? 1 : 0;  // OPTIONAL
  if (const ThriftValue* name = element.Field(4)) out->name = name->bytes;

  const ThriftValue* chunks = row_groups->elements[0].Field(1);
  if (chunks == nullptr || static_cast<size_t>(column) >= chunks->elements.size()) {
    return Status::Corrupt("column chunks");
  }
  const ThriftValue* md = chunks->elements[static_cast<size_t>(column)].Field(3);
  if (md == nullptr) return Status::Corrupt("column metadata");
  const int codec = static_cast<int>(md->Int(4));
  const int64_t total_values = md->Int(5);
  int64_t offset = md->Int(9);
  const int64_t dict_offset = md->Int(11, 0);
  if (dict_offset > 0 && dict_offset < offset) offset = dict_offset;

  int64_t seen = 0;
  while (seen < total_values) {
    if (offset < 0 || static_cast<size_t>(offset) >= file.size())
      return Status::Corrupt("page offset");
    ThriftValue header;
    ThriftCompactReader reader(base + offset, file.size() - static_cast<size_t>(offset));
    if (!reader.ReadStruct(&header)) return Status::Corrupt("page header");
    const int64_t body_offset = offset + static_cast<int64_t>(reader.consumed());
    const int64_t compressed = header.Int(3);
    const int64_t uncompressed = header.Int(2);
    if (compressed < 0 || body_offset + compressed > static_cast<int64_t>(file.size())) {
      return Status::Corrupt("page size");
    }
    const uint8_t* body = base + body_offset;
    offset = body_offset + compressed;

    TestPage page;
    page.type = static_cast<int>(header.Int(1));
    if (page.type == 2) {  // dictionary
      const ThriftValue* dph = header.Field(7);
      page.num_values = dph->Int(1);
      page.encoding = static_cast<int>(dph->Int(2));
      LW_RETURN_IF_ERROR(Decompress(codec, body, static_cast<size_t>(compressed),
                                    static_cast<size_t>(uncompressed), &page.values));
    } else if (page.type == 0) {
      const ThriftValue* dph = header.Field(5);
      page.num_values = dph->Int(1);
      page.encoding = static_cast<int>(dph->Int(2));
      std::string raw;
      LW_RETURN_IF_ERROR(Decompress(codec, body, static_cast<size_t>(compressed),
                                    static_cast<size_t>(uncompressed), &raw));
      size_t pos = 0;
      if (out->max_def > 0) {
        page.def_levels.resize(static_cast<size_t>(page.num_values));
        LW_ASSIGN_OR_RETURN(
            pos, DecodeLengthPrefixedRle(reinterpret_cast<const uint8_t*>(raw.data()), raw.size(),
                                         1, page.num_values, page.def_levels.data()));
      }
      page.values = raw.substr(pos);
      seen += page.num_values;
    } else if (page.type == 3) {
      const ThriftValue* dph = header.Field(8);
      page.num_values = dph->Int(1);
      page.encoding = static_cast<int>(dph->Int(4));
      const int64_t def_len = dph->Int(5, 0);
      const int64_t rep_len = dph->Int(6, 0);
      const bool is_compressed = dph->Int(7, 1) != 0;
      // Flat columns: repetition levels (if a writer emitted any) are all 0.
      if (def_len < 0 || rep_len < 0 || def_len + rep_len > compressed) {
        return Status::Corrupt("v2 levels");
      }
      if (out->max_def > 0) {
        page.def_levels.resize(static_cast<size_t>(page.num_values));
        RleBitPackedDecoder levels(body + rep_len, static_cast<size_t>(def_len), 1);
        LW_RETURN_IF_ERROR(levels.GetBatch(page.def_levels.data(), page.num_values));
      }
      const int64_t levels_len = rep_len + def_len;
      const uint8_t* values = body + levels_len;
      const size_t values_size = static_cast<size_t>(compressed - levels_len);
      LW_RETURN_IF_ERROR(Decompress(is_compressed ? codec : 0, values, values_size,
                                    static_cast<size_t>(uncompressed - levels_len), &page.values));
      seen += page.num_values;
    } else {
      continue;  // index pages
    }
    out->pages.push_back(std::move(page));
  }
  return Status::OK();
}

// Splits one CSV line into fields, honouring double quotes. An empty,
// unquoted field is reported as null.
struct CsvField {
  std::string text;
  bool null = false;
};
inline std::vector<CsvField> SplitCsvLine(const std::string& line) {
  std::vector<CsvField> fields;
  CsvField cur;
  bool quoted = false, in_quotes = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur.text += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        cur.text += c;
      }
    } else if (c == '"') {
      in_quotes = quoted = true;
    } else if (c == ',') {
      cur.null = !quoted && cur.text.empty();
      fields.push_back(std::move(cur));
      cur = CsvField();
      quoted = false;
    } else if (c != '\r') {
      cur.text += c;
    }
  }
  cur.null = !quoted && cur.text.empty();
  fields.push_back(std::move(cur));
  return fields;
}

inline std::vector<std::vector<CsvField>> ReadCsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<CsvField>> rows;
  std::string line;
  while (std::getline(in, line)) rows.push_back(SplitCsvLine(line));
  return rows;
}

}  // namespace lakewatch::parquet::testing
