#include "common/json_format.h"

#include <fmt/format.h>

#include <cmath>

#include "common/time.h"

namespace lakewatch {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n;
  uint32_t min;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) { n = 2; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { n = 3; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { n = 4; min = 0x10000; }
  else return 0;
  if (i + n > s.size()) return 0;
  uint32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      out->push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    switch (c) {
      case '"': out->append("\\\""); ++i; continue;
      case '\\': out->append("\\\\"); ++i; continue;
      case '\n': out->append("\\n"); ++i; continue;
      case '\r': out->append("\\r"); ++i; continue;
      case '\t': out->append("\\t"); ++i; continue;
      default: break;
    }
    if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out->append(buf);
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out->append("\xEF\xBF\xBD");
      ++i;
    } else {
      out->append(s.data() + i, n);
      i += n;
    }
  }
  out->push_back('"');
}

void AppendDecimal(__int128 v, int scale, std::string* out) {
  bool neg = v < 0;
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  char digits[48];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  } while (u != 0);
  while (n <= scale) digits[n++] = '0';
  if (neg) out->push_back('-');
  for (int i = n - 1; i >= 0; --i) {
    out->push_back(digits[i]);
    if (i == scale && scale > 0) out->push_back('.');
  }
}

void AppendBase64(std::string_view bytes, std::string* out) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8) | b(i + 2);
    out->push_back(kAlphabet[v >> 18]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->push_back(kAlphabet[(v >> 6) & 63]);
    out->push_back(kAlphabet[v & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = b(i) << 16;
    out->push_back(kAlphabet[v >> 18]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->append("==");
  } else if (rest == 2) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8);
    out->push_back(kAlphabet[v >> 18]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->push_back(kAlphabet[(v >> 6) & 63]);
    out->push_back('=');
  }
}

void AppendDouble(double v, std::string* out) {
  if (std::isnan(v)) {
    out->append("\"NaN\"");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    fmt::format_to(std::back_inserter(*out), "{}", v);
  }
}

namespace {

void AppendScalar(const Column& col, int64_t row, std::string* out, bool json) {
  switch (col.type->id()) {
    case TypeId::kNull: out->append(json ? "null" : ""); return;
    case TypeId::kBoolean: out->append(col.Value<uint8_t>(row) ? "true" : "false"); return;
    case TypeId::kInt8: fmt::format_to(std::back_inserter(*out), "{}", col.Value<int8_t>(row)); return;
    case TypeId::kInt16: fmt::format_to(std::back_inserter(*out), "{}", col.Value<int16_t>(row)); return;
    case TypeId::kInt32: fmt::format_to(std::back_inserter(*out), "{}", col.Value<int32_t>(row)); return;
    case TypeId::kInt64: fmt::format_to(std::back_inserter(*out), "{}", col.Value<int64_t>(row)); return;
    case TypeId::kFloat: {
      float f = col.Value<float>(row);
      if (!json && !std::isfinite(f)) {
        out->append(std::isnan(f) ? "NaN" : (f > 0 ? "Infinity" : "-Infinity"));
      } else if (std::isfinite(f)) {
        fmt::format_to(std::back_inserter(*out), "{}", f);
      } else {
        AppendDouble(f, out);
      }
      return;
    }
    case TypeId::kDouble: {
      double d = col.Value<double>(row);
      if (!json && !std::isfinite(d)) {
        out->append(std::isnan(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"));
      } else {
        AppendDouble(d, out);
      }
      return;
    }
    case TypeId::kDecimal: {
      if (json) out->push_back('"');
      AppendDecimal(col.Value<__int128>(row), col.type->scale(), out);
      if (json) out->push_back('"');
      return;
    }
    case TypeId::kDate: {
      if (json) out->push_back('"');
      AppendDate(col.Value<int32_t>(row), out);
      if (json) out->push_back('"');
      return;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: {
      if (json) out->push_back('"');
      AppendTimestampMicros(col.Value<int64_t>(row), out, col.type->id() == TypeId::kTimestamp);
      if (json) out->push_back('"');
      return;
    }
    case TypeId::kTime: {
      if (json) out->push_back('"');
      AppendTimeOfDay(col.Value<int64_t>(row), out);
      if (json) out->push_back('"');
      return;
    }
    case TypeId::kString:
      if (json) AppendJsonString(col.GetString(row), out);
      else out->append(col.GetString(row));
      return;
    case TypeId::kBinary:
      if (json) out->push_back('"');
      AppendBase64(col.GetString(row), out);
      if (json) out->push_back('"');
      return;
    default: return;
  }
}

}  // namespace

void AppendJsonValue(const Column& col, int64_t row, std::string* out) {
  if (col.IsNull(row)) {
    out->append("null");
    return;
  }
  switch (col.type->id()) {
    case TypeId::kList: {
      out->push_back('[');
      for (int64_t k = col.ListBegin(row); k < col.ListEnd(row); ++k) {
        if (k != col.ListBegin(row)) out->push_back(',');
        AppendJsonValue(*col.children[0], k, out);
      }
      out->push_back(']');
      return;
    }
    case TypeId::kMap: {
      out->push_back('{');
      std::string key;
      for (int64_t k = col.ListBegin(row); k < col.ListEnd(row); ++k) {
        if (k != col.ListBegin(row)) out->push_back(',');
        key.clear();
        AppendTextValue(*col.children[0], k, &key);
        AppendJsonString(key, out);
        out->push_back(':');
        AppendJsonValue(*col.children[1], k, out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kStruct: {
      out->push_back('{');
      for (size_t c = 0; c < col.children.size(); ++c) {
        if (c) out->push_back(',');
        AppendJsonString(col.type->field(c).name, out);
        out->push_back(':');
        AppendJsonValue(*col.children[c], row, out);
      }
      out->push_back('}');
      return;
    }
    default: AppendScalar(col, row, out, true);
  }
}

void AppendTextValue(const Column& col, int64_t row, std::string* out) {
  if (col.IsNull(row)) return;
  if (col.type->is_nested()) {
    AppendJsonValue(col, row, out);
  } else {
    AppendScalar(col, row, out, false);
  }
}

void AppendJsonRow(const RecordBatch& batch, int64_t row, std::string* out) {
  out->push_back('{');
  for (size_t c = 0; c < batch.columns.size(); ++c) {
    if (c) out->push_back(',');
    AppendJsonString(batch.schema.fields[c].name, out);
    out->push_back(':');
    AppendJsonValue(*batch.columns[c], row, out);
  }
  out->push_back('}');
}

void AppendJsonBatch(const RecordBatch& batch, std::string* out) {
  *out += batch.schema.AsStruct()->ToString();
  *out += '\n';
  for (int64_t r = 0; r < batch.num_rows; ++r) {
    AppendJsonRow(batch, r, out);
    *out += '\n';
  }
}

}  // namespace lakewatch
