// JsonValue: a small JSON reader for the rows of a sqllogictest `load`
// directive. Unlike the ingest path it keeps each number's text, so a value
// can become a decimal(38, 10) or a bigint exactly, and it reports the byte
// offset of a syntax error.
//
// Thread-safety: pure functions; a JsonValue is a value.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace lakewatch::sqltest {

struct JsonMember;

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;                 // kNumber: the number as written; kString: the decoded string
  std::vector<JsonValue> elements;  // kArray
  std::vector<JsonMember> fields;   // kObject, in order

  // kObject: the member named `name`, or nullptr.
  const JsonValue* Find(std::string_view name) const;
};

// Parses one JSON document (the whole of `text`, surrounding blanks allowed).
// InvalidArgument "byte N: expected …" on bad input.
// An object member. (A std::pair of an incomplete JsonValue does not compile with clang.)
struct JsonMember {
  std::string name;
  JsonValue value;
};

Result<JsonValue> ParseJson(std::string_view text);

}  // namespace lakewatch::sqltest
