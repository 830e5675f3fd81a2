// Writes the seed corpus of srtp_unprotect_fuzzer: per profile, valid SRTP and SRTCP packets
// protected with the fuzz keys (raw mode) and plain packets (round-trip mode).
// Usage: srtp_fuzz_make_corpus <output directory>
#include <cstdio>
#include <string>
#include <vector>

#include "fuzz_input.hpp"

namespace {

using namespace tandem::srtp;

bool write_seed(const std::string& path, uint8_t selector, const std::vector<uint8_t>& packet) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  std::fputc(selector, f);
  std::fwrite(packet.data(), 1, packet.size(), f);
  return std::fclose(f) == 0;
}

std::vector<uint8_t> rtp_packet(uint16_t seq, bool extension, int csrcs, size_t payload) {
  std::vector<uint8_t> p = {static_cast<uint8_t>(0x80 | (extension ? 0x10 : 0) | csrcs),
                            111,
                            static_cast<uint8_t>(seq >> 8),
                            static_cast<uint8_t>(seq),
                            0,
                            0,
                            0x12,
                            0x34,
                            0x11,
                            0x22,
                            0x33,
                            0x44};
  for (int i = 0; i < 4 * csrcs; ++i) p.push_back(static_cast<uint8_t>(i));
  if (extension) p.insert(p.end(), {0xBE, 0xDE, 0x00, 0x01, 0x10, 0xAA, 0x00, 0x00});
  for (size_t i = 0; i < payload; ++i) p.push_back(static_cast<uint8_t>(i * 7));
  return p;
}

std::vector<uint8_t> rtcp_packet() {
  // Receiver report with one report block (RFC 3550 §6.4.2).
  std::vector<uint8_t> p = {0x81, 201, 0x00, 0x07, 0x11, 0x22, 0x33, 0x44};
  for (int i = 0; i < 24; ++i) p.push_back(static_cast<uint8_t>(i));
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output directory>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  for (uint8_t p = 0; p < 4; ++p) {
    const auto profile = static_cast<Profile>(p);
    const std::string name(profile_info(profile).sdes_name);
    auto tx = fuzz::fuzz_session(profile, Direction::kOutbound);
    if (!tx) return 1;
    const std::vector<uint8_t> plain[] = {rtp_packet(65535, true, 2, 160), rtcp_packet()};
    for (int rtcp = 0; rtcp < 2; ++rtcp) {
      std::vector<uint8_t> buffer = plain[rtcp];
      size_t length = buffer.size();
      buffer.resize(length + SrtpSession::kMaxTrailer);
      const SrtpStatus status =
          rtcp ? tx->protect_rtcp(buffer, length) : tx->protect_rtp(buffer, length);
      if (status != SrtpStatus::kOk) return 1;
      buffer.resize(length);
      const uint8_t selector = static_cast<uint8_t>(p | (rtcp ? fuzz::kRtcpBit : 0));
      const std::string kind = rtcp ? "srtcp" : "srtp";
      if (!write_seed(dir + "/" + name + "-" + kind, selector, buffer) ||
          !write_seed(dir + "/" + name + "-" + kind + "-roundtrip",
                      static_cast<uint8_t>(selector | fuzz::kRoundTripBit), plain[rtcp])) {
        return 1;
      }
    }
  }
  return 0;
}
