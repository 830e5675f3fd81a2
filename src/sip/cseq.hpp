// CSeq header value (RFC 3261 §20.16).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace tandem::sip {

struct CSeq {
  uint32_t number = 0;  // less than 2^31 (RFC 3261 §8.1.1.5)
  std::string method;   // case-sensitive, as the request's method

  std::string to_string() const { return std::to_string(number) + " " + method; }
};

Result<CSeq> parse_cseq(std::string_view value);

}  // namespace tandem::sip
