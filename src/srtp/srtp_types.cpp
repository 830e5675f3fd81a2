#include "srtp/srtp_types.hpp"

namespace tandem::srtp {

std::string_view to_string(SrtpStatus status) noexcept {
  switch (status) {
    case SrtpStatus::kOk:
      return "ok";
    case SrtpStatus::kBadLength:
      return "bad length";
    case SrtpStatus::kAuthFailure:
      return "authentication failure";
    case SrtpStatus::kReplay:
      return "replay";
    case SrtpStatus::kTooOld:
      return "too old";
    case SrtpStatus::kUnknownSsrcOverflow:
      return "stream table full";
    case SrtpStatus::kNoTailRoom:
      return "no tail room";
    case SrtpStatus::kWrongDirection:
      return "wrong direction";
    case SrtpStatus::kIndexExhausted:
      return "index exhausted";
    case SrtpStatus::kCryptoError:
      return "crypto error";
  }
  return "unknown";
}

}  // namespace tandem::srtp
