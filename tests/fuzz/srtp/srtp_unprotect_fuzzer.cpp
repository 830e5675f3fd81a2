// libFuzzer target for SrtpSession. Raw mode feeds arbitrary bytes to unprotect_rtp/_rtcp of
// each profile (then replays them, which must never succeed twice). Round-trip mode protects
// the bytes and requires unprotect to restore them exactly.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fuzz_input.hpp"

namespace {

using tandem::srtp::Direction;
using tandem::srtp::SrtpSession;
using tandem::srtp::SrtpStatus;
namespace fuzz = tandem::srtp::fuzz;

constexpr size_t kMaxPacket = 4096;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

SrtpStatus unprotect(SrtpSession& session, bool rtcp, uint8_t* data, size_t capacity,
                     size_t& length) {
  return rtcp ? session.unprotect_rtcp({data, capacity}, length)
              : session.unprotect_rtp({data, capacity}, length);
}

void raw(SrtpSession& rx, bool rtcp, const uint8_t* data, size_t size) {
  uint8_t buffer[kMaxPacket];
  std::memcpy(buffer, data, size);
  size_t length = size;
  const SrtpStatus first = unprotect(rx, rtcp, buffer, size, length);
  if (first != SrtpStatus::kOk) {
    check(length == size, "length changed on failure");
    return;
  }
  check(length < size, "unprotect did not remove the trailer");
  std::memcpy(buffer, data, size);
  length = size;
  check(unprotect(rx, rtcp, buffer, size, length) == SrtpStatus::kReplay, "replay accepted");
}

void round_trip(SrtpSession& tx, SrtpSession& rx, bool rtcp, const uint8_t* data, size_t size) {
  uint8_t buffer[kMaxPacket + SrtpSession::kMaxTrailer];
  std::memcpy(buffer, data, size);
  size_t length = size;
  const SrtpStatus status = rtcp ? tx.protect_rtcp(buffer, length) : tx.protect_rtp(buffer, length);
  if (status != SrtpStatus::kOk) return;
  check(length > size && length <= size + SrtpSession::kMaxTrailer, "bad protected length");
  check(unprotect(rx, rtcp, buffer, sizeof buffer, length) == SrtpStatus::kOk,
        "own packet rejected");
  check(length == size && std::memcmp(buffer, data, size) == 0, "round trip changed the packet");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size - 1 > kMaxPacket) return 0;
  const uint8_t selector = data[0];
  const auto profile = fuzz::selected_profile(selector);
  const bool rtcp = (selector & fuzz::kRtcpBit) != 0;
  auto rx = fuzz::fuzz_session(profile, Direction::kInbound);
  check(rx.ok(), "session creation failed");
  if (selector & fuzz::kRoundTripBit) {
    auto tx = fuzz::fuzz_session(profile, Direction::kOutbound);
    check(tx.ok(), "session creation failed");
    round_trip(*tx, *rx, rtcp, data + 1, size - 1);
  } else {
    raw(*rx, rtcp, data + 1, size - 1);
  }
  return 0;
}
