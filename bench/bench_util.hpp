// Timing and reporting helpers shared by the media benchmarks (srtp, passthrough, dtls): thread
// CPU and wall clocks, a "best and median of rounds" accumulator, RTP packet construction and the
// goal line each program prints. Header-only: each benchmark is one small program.
#pragma once

#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace tandem::bench {

// CPU time consumed by the calling thread. Not in the vDSO (a real system call, ~0.3-1 µs here),
// so the benchmarks read it once per round of many packets, never per packet.
inline int64_t thread_cpu_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

inline int64_t wall_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// Per-item times of repeated rounds. The median is the figure the programs report and judge: on
// a shared VM the thread CPU clock can also under-count a round (steal-time accounting), so the
// best round is shown for reference only.
class Rounds {
 public:
  void add(int64_t ns, size_t items) {
    if (items > 0) per_item_.push_back(static_cast<double>(ns) / static_cast<double>(items));
  }
  bool empty() const noexcept { return per_item_.empty(); }
  double best() const { return per_item_.empty() ? 0 : *std::ranges::min_element(per_item_); }
  double median() const {
    if (per_item_.empty()) return 0;
    std::vector<double> sorted = per_item_;
    std::ranges::sort(sorted);
    return sorted[sorted.size() / 2];
  }

 private:
  std::vector<double> per_item_;
};

// Writes a version 2 RTP header (no CSRC, no extension) and a deterministic payload filling
// packet, like an audio frame (172 bytes: 12 + 160, G.711 20 ms) or a video packet (1200 bytes).
inline void make_rtp(std::span<uint8_t> packet, uint8_t payload_type, uint16_t seq,
                     uint32_t timestamp, uint32_t ssrc) noexcept {
  packet[0] = 0x80;
  packet[1] = payload_type;
  packet[2] = static_cast<uint8_t>(seq >> 8);
  packet[3] = static_cast<uint8_t>(seq);
  for (int i = 0; i < 4; ++i) {
    packet[4 + i] = static_cast<uint8_t>(timestamp >> (24 - 8 * i));
    packet[8 + i] = static_cast<uint8_t>(ssrc >> (24 - 8 * i));
  }
  for (size_t i = 12; i < packet.size(); ++i) packet[i] = static_cast<uint8_t>(i * 7 + seq);
}

inline void set_rtp_seq(std::span<uint8_t> packet, uint16_t seq) noexcept {
  packet[2] = static_cast<uint8_t>(seq >> 8);
  packet[3] = static_cast<uint8_t>(seq);
}

// "--quick" (the CTest smoke run): one short round of everything, figures meaningless.
inline bool quick_mode(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--quick") return true;
  }
  return false;
}

// "PASS" when value is on the right side of goal; lower_is_better for times, false for rates.
inline const char* verdict(double value, double goal, bool lower_is_better) noexcept {
  return (lower_is_better ? value <= goal : value >= goal) ? "PASS" : "FAIL";
}

}  // namespace tandem::bench
