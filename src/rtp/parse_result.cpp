#include "rtp/parse_result.hpp"

namespace tandem::rtp {

const char* to_string(ParseError error) noexcept {
  switch (error) {
    case ParseError::kNone:
      return "none";
    case ParseError::kTooShort:
      return "too-short";
    case ParseError::kBadVersion:
      return "bad-version";
    case ParseError::kCsrcOverrun:
      return "csrc-overrun";
    case ParseError::kExtensionOverrun:
      return "extension-overrun";
    case ParseError::kBadPadding:
      return "bad-padding";
    case ParseError::kLengthMismatch:
      return "length-mismatch";
    case ParseError::kNotReport:
      return "first-not-report";
    case ParseError::kPaddingNotLast:
      return "padding-not-last";
    case ParseError::kWrongType:
      return "wrong-type";
    case ParseError::kBadBody:
      return "bad-body";
  }
  return "unknown";
}

}  // namespace tandem::rtp
