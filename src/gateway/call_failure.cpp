#include "gateway/call_failure.hpp"

namespace tandem::gateway {
namespace {

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    out += c;
  }
  return out + "\"";
}

bool made_locally(const sip::Message& response) {
  auto to = response.to();
  return !to || to->tag().empty();
}

// 4xx that only make sense on the leg that got them: Digest challenges, size and extension
// negotiation, interval and rate limits.
bool leg_specific(int status) {
  switch (status) {
    case 401:
    case 407:
    case 405:
    case 413:
    case 414:
    case 415:
    case 416:
    case 420:
    case 421:
    case 422:
    case 423:
    case 428:
    case 429:
    case 494:
      return true;
    default:
      return false;
  }
}

int caller_status(int status, FailedLeg leg) {
  if (status == 401 || status == 407) return 403;  // the PBX refused our credentials
  if (leg_specific(status)) return 500;
  if (status >= 300 && status < 400)
    return 480;  // a B2BUA does not follow redirects for the caller
  if (status >= 500 && status < 600 && status != 503 && status != 504) return 502;
  if (leg == FailedLeg::kBrowser && status == 503) return 480;
  return status;
}

}  // namespace

std::string sip_reason(int cause, std::string_view text) {
  return "SIP ;cause=" + std::to_string(cause) + " ;text=" + quoted(text);
}

std::string q850_reason(int cause, std::string_view text) {
  return "Q.850 ;cause=" + std::to_string(cause) + " ;text=" + quoted(text);
}

MappedFailure map_failure(const sip::Message& response, FailedLeg leg) {
  const int status = response.status();
  const bool pbx = leg == FailedLeg::kPbx;
  if (made_locally(response) && (status == 408 || status == 503)) {
    if (status == 408) {
      return {pbx ? 408 : 480,
              sip_reason(408, pbx ? "PBX did not answer" : "browser did not answer")};
    }
    return {pbx ? 503 : 480, sip_reason(503, pbx ? "PBX unreachable" : "browser unreachable")};
  }
  std::string text(response.reason());
  if (text.empty()) text = std::string(sip::default_reason(status));
  return {caller_status(status, leg), sip_reason(status, text)};
}

}  // namespace tandem::gateway
