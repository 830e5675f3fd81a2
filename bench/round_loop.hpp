// The timed round loop shared by the I/O benchmarks (passthrough, webrtc echo): each round feeds
// a round of packets (untimed), runs the forwarding loop until all are handled (timed: thread
// CPU and wall clock), then verifies what came out (untimed). One warm-up round, then at least
// min_rounds and until budget_ns of timed CPU is spent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "bench_util.hpp"

namespace tandem::bench {

// Issue 4's goal for both forwarding benchmarks: at most 3 µs of CPU per forwarded packet.
inline constexpr double kGoalPacketNs = 3'000;

struct RoundConfig {
  size_t packets = 512;  // per round; the socket buffers hold a whole round
  int min_rounds = 7;
  int64_t budget_ns = 150'000'000;  // timed CPU per case after the minimum rounds
};

// "--quick" (the CTest smoke run): one short round. "--budget-ms N": N ms of timed CPU per case
// instead of 150, e.g. so that the timed loop dominates a `perf record` of the program.
inline RoundConfig round_config(int argc, char** argv) {
  if (quick_mode(argc, argv)) {
    return RoundConfig{64, 1, 0};
  }
  RoundConfig config;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string_view(argv[i]) == "--budget-ms") {
      config.budget_ns = std::strtoll(argv[i + 1], nullptr, 10) * 1'000'000;
    }
  }
  return config;
}

struct CaseResult {
  Rounds cpu;
  Rounds wall;
};

// feed(): sends a round of `packets`; step(): one wake-up of the loop under test, returns the
// packets it handled (0: nothing left to read); verify(handled): checks the output, exits on a
// mismatch. A round that handles fewer than `packets` exits 2 with `name`.
template <typename Feed, typename Step, typename Verify>
CaseResult run_packet_rounds(const RoundConfig& config, const char* name, Feed&& feed, Step&& step,
                             Verify&& verify) {
  CaseResult result;
  int64_t spent = 0;
  for (int i = -1; i < config.min_rounds || spent < config.budget_ns; ++i) {
    feed();
    const int64_t cpu0 = thread_cpu_ns();
    const int64_t wall0 = wall_ns();
    size_t handled = 0;
    while (handled < config.packets) {
      const size_t n = step();
      if (n == 0) break;
      handled += n;
    }
    const int64_t wall = wall_ns() - wall0;
    const int64_t cpu = thread_cpu_ns() - cpu0;
    if (handled != config.packets) {
      std::fprintf(stderr, "%s: handled %zu of %zu packets in a round\n", name, handled,
                   config.packets);
      std::exit(2);
    }
    verify(handled);
    if (i < 0) continue;  // the warm-up round
    spent += cpu;
    result.cpu.add(cpu, config.packets);
    result.wall.add(wall, config.packets);
  }
  return result;
}

}  // namespace tandem::bench
