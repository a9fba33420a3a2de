// Status and Result<T>: the one error vocabulary of evidex.
//
// A Status is either OK or carries a code from a small closed set and a
// one-line message. The message is lowercase, names domain concepts and puts
// user input in backticks; it never holds a secret. Result<T> is a value or the
// Status that explains why there is none.
//
// Codes, and whether a caller should retry:
//   kInvalidArgument     the input is malformed or violates a rule (do not
//   retry unchanged) kNotFound            the thing named does not exist, or is
//   not visible to the caller kAlreadyExists       a create collided with an
//   existing thing kFailedPrecondition  the system is not in a state where this
//   is allowed (no retry until it is) kConflict            a concurrent change
//   won; re-read and retry kUnauthenticated     no valid credentials
//   kPermissionDenied    valid credentials, not allowed
//   kResourceExhausted   a limit was reached (size, rate, quota); retry later
//   or with less kDataLoss            stored data is corrupt; never retry,
//   raise an alarm kUnavailable         a transient failure (I/O, network);
//   retry with backoff kInternal            a bug: an invariant did not hold
//
// The mapping of codes to HTTP statuses and problem+json lives in exactly one
// place, at the API edge. Status and Result are values; they are
// thread-compatible (no shared state).
#ifndef EVIDEX_CORE_STATUS_H_
#define EVIDEX_CORE_STATUS_H_

#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>

namespace evidex {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kConflict,
  kUnauthenticated,
  kPermissionDenied,
  kResourceExhausted,
  kDataLoss,
  kUnavailable,
  kInternal,
};

// Returns the lowercase name of `code`, e.g. "invalid_argument".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // An OK status.
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid_argument: message", or "ok".
  std::string ToString() const;

  friend bool operator==(const Status&, const Status&) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgumentError(std::string m) {
  return Status(StatusCode::kInvalidArgument, std::move(m));
}
inline Status NotFoundError(std::string m) {
  return Status(StatusCode::kNotFound, std::move(m));
}
inline Status FailedPreconditionError(std::string m) {
  return Status(StatusCode::kFailedPrecondition, std::move(m));
}
inline Status ResourceExhaustedError(std::string m) {
  return Status(StatusCode::kResourceExhausted, std::move(m));
}
inline Status DataLossError(std::string m) {
  return Status(StatusCode::kDataLoss, std::move(m));
}
inline Status UnavailableError(std::string m) {
  return Status(StatusCode::kUnavailable, std::move(m));
}
inline Status InternalError(std::string m) {
  return Status(StatusCode::kInternal, std::move(m));
}

// A value of type T, or the non-OK Status that explains why there is none.
template <typename T>
using Result = tl::expected<T, Status>;

// Wraps a non-OK status for returning from a function that returns Result<T>.
inline tl::unexpected<Status> Err(Status s) {
  return tl::unexpected<Status>(std::move(s));
}

namespace internal {
// What the propagation macros return: converts to a Status or to any Result<T>.
struct ErrorReturn {
  Status status;
  operator Status() && { return std::move(status); }
  template <typename T>
  operator Result<T>() && {
    return tl::unexpected<Status>(std::move(status));
  }
};
}  // namespace internal

}  // namespace evidex

#define EVIDEX_CONCAT_INNER_(a, b) a##b
#define EVIDEX_CONCAT_(a, b) EVIDEX_CONCAT_INNER_(a, b)

// Returns from the enclosing function (which returns Status or Result<T>) if
// `expr`, a Status, is not OK.
#define EVIDEX_RETURN_IF_ERROR(expr)                                     \
  do {                                                                   \
    ::evidex::Status evidex_status_ = (expr);                            \
    if (!evidex_status_.ok()) {                                          \
      return ::evidex::internal::ErrorReturn{std::move(evidex_status_)}; \
    }                                                                    \
  } while (0)

// `lhs = value of expr` if expr (a Result) holds a value; returns its Status
// otherwise.
#define EVIDEX_ASSIGN_OR_RETURN(lhs, expr)                                     \
  EVIDEX_ASSIGN_OR_RETURN_IMPL_(EVIDEX_CONCAT_(evidex_result_, __LINE__), lhs, \
                                expr)
#define EVIDEX_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)               \
  auto tmp = (expr);                                                \
  if (!tmp.has_value()) {                                           \
    return ::evidex::internal::ErrorReturn{std::move(tmp).error()}; \
  }                                                                 \
  lhs = std::move(tmp).value()

#endif  // EVIDEX_CORE_STATUS_H_
