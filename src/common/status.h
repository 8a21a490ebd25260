// Status and Result<T>: the error values every lakewatch module returns for
// expected failures (bad input, corrupt files, I/O). Programmer errors use
// assert. No exceptions cross a module boundary.
//
// Thread-safety: values; safe to copy and move between threads.
#pragma once

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace lakewatch {

// One code per kind of failure; the message says where and what was expected.
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument,  // the caller passed something malformed (bad flag, bad SQL, bad schema)
  kCorrupt,          // input data violates its format (truncated page, bad Thrift, bad levels)
  kNotSupported,     // valid input using a feature we do not implement; the message names it
  kNotFound,         // a file, table, column or key does not exist
  kIOError,          // the operating system refused a read/write
  kAlreadyExists,    // put-if-absent lost (a file or commit already exists)
  kResourceExhausted,  // a memory or size limit was hit
  kInternal,         // a bug: an invariant of our own code broke
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return Status(StatusCode::kInvalidArgument, std::move(msg)); }
  static Status Corrupt(std::string msg) { return Status(StatusCode::kCorrupt, std::move(msg)); }
  static Status NotSupported(std::string msg) { return Status(StatusCode::kNotSupported, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
  static Status IOError(std::string msg) { return Status(StatusCode::kIOError, std::move(msg)); }
  static Status AlreadyExists(std::string msg) { return Status(StatusCode::kAlreadyExists, std::move(msg)); }
  static Status ResourceExhausted(std::string msg) { return Status(StatusCode::kResourceExhausted, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(StatusCode::kInternal, std::move(msg)); }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // The message without the code name; empty when OK.
  const std::string& message() const;
  // "Corrupt: <message>" style rendering for logs and the CLI.
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  struct State {
    StatusCode code;
    std::string msg;
  };
  Status(StatusCode code, std::string msg)
      : state_(std::make_shared<const State>(State{code, std::move(msg)})) {}
  std::shared_ptr<const State> state_;  // null when OK; shared so copies are cheap
};

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status::OK() : std::get<Status>(v_); }

  // REQUIRES: ok()
  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace lakewatch

#define LW_CONCAT_IMPL(a, b) a##b
#define LW_CONCAT(a, b) LW_CONCAT_IMPL(a, b)

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define LW_RETURN_IF_ERROR(expr)            \
  do {                                      \
    ::lakewatch::Status _lw_st = (expr);    \
    if (!_lw_st.ok()) return _lw_st;        \
  } while (0)

#define LW_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                             \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

// `LW_ASSIGN_OR_RETURN(auto x, Foo());` binds x or returns Foo()'s error.
#define LW_ASSIGN_OR_RETURN(lhs, rexpr) \
  LW_ASSIGN_OR_RETURN_IMPL(LW_CONCAT(_lw_res_, __LINE__), lhs, rexpr)
