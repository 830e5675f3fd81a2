// Result<T>: a value or an Error, for parsers and other code paths that must not throw.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace tandem {

// Why something failed. line/column are 1-based positions in the parsed input, 0 when unknown.
struct Error {
  std::string reason;
  uint32_t line = 0;
  uint32_t column = 0;
  // Protocol status the caller should answer with, when it differs from the default (for SIP:
  // 0 means 400 Bad Request; 505 for an unsupported version, 513 for an oversize message).
  int status = 0;

  // "line L, column C: reason" when a position is known, else just the reason.
  std::string describe() const;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const Error& error() const { return std::get<1>(state_); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> state_;
};

// For operations that return nothing on success.
struct Ok {};
using Status = Result<Ok>;

}  // namespace tandem
