// Opus <-> G.711 transcoding cost per call leg (issue 5): thread CPU per 20 ms frame for each
// direction and for a full duplex leg, and the transcoded calls one core sustains at real time
// (50 frames per second each way). See bench/README.md.
//
//   tandem_bench_transcode [--quick] [--speech DIR]
//
// Input is recorded speech: DIR's WAV prompts (default: Debian's asterisk-core-sounds-en-wav),
// synthetic speech-like audio when there are none (bench/speech_input.hpp). The browser side is
// encoded beforehand (Opus 48 kHz, 32 kbit/s, FEC on); only the gateway's work is timed: OpusToG711
// (decode at 8 kHz, µ-law) and G711ToOpus (µ-law decode, Opus encode from 8 kHz, FEC on).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "codec/g711.hpp"
#include "codec/transcoder.hpp"
#include "speech_input.hpp"

namespace {

using tandem::bench::Rounds;
using namespace tandem::codec;

constexpr double kGoalCallsPerCore = 250;  // issue 5: ≤ 4 ms CPU per call-second

struct Config {
  size_t seconds = 10;  // of audio per round
  int min_rounds = 5;
  int64_t budget_ns = 2'000'000'000;  // timed CPU after the minimum rounds
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "tandem_bench_transcode: %s\n", what.c_str());
  std::exit(2);
}

std::vector<std::vector<uint8_t>> browser_packets(const std::vector<int16_t>& pcm48) {
  OpusEncoderConfig config;
  config.sample_rate = 48000;
  config.bitrate = 32000;
  config.expected_loss_percent = 10;
  auto encoder = OpusAudioEncoder::create(config);
  if (!encoder.ok()) die(encoder.error().reason);
  std::vector<std::vector<uint8_t>> packets;
  std::vector<uint8_t> out(kOpusMaxPacketSize);
  for (size_t i = 0; i + 960 <= pcm48.size(); i += 960) {
    auto n = encoder->encode(std::span(pcm48).subspan(i, 960), out);
    if (!n.ok()) die(n.describe());
    packets.emplace_back(out.begin(), out.begin() + static_cast<long>(*n));
  }
  return packets;
}

std::vector<std::vector<uint8_t>> pbx_frames(const std::vector<int16_t>& pcm8) {
  std::vector<std::vector<uint8_t>> frames;
  for (size_t i = 0; i + kG711FrameSamples <= pcm8.size(); i += kG711FrameSamples) {
    std::vector<uint8_t> f(kG711FrameSamples);
    ulaw_encode(std::span(pcm8).subspan(i, kG711FrameSamples), f);
    frames.push_back(std::move(f));
  }
  return frames;
}

struct Costs {
  Rounds down;    // Opus -> G.711, per 20 ms frame
  Rounds up;      // G.711 -> Opus, per 20 ms frame
  Rounds duplex;  // both, per 20 ms of call
};

Costs measure(const Config& config, const std::vector<std::vector<uint8_t>>& opus,
              const std::vector<std::vector<uint8_t>>& g711, int complexity) {
  auto down = OpusToG711::create(G711Law::kUlaw);
  G711ToOpusConfig up_config;
  up_config.complexity = complexity;
  auto up = G711ToOpus::create(up_config);
  if (!down.ok()) die(down.error().reason);
  if (!up.ok()) die(up.error().reason);
  std::vector<uint8_t> frame(kG711FrameSamples), packet(kOpusMaxPacketSize);
  const size_t frames = std::min(opus.size(), g711.size());
  Costs costs;
  int64_t spent = 0;
  for (int round = 0; round < config.min_rounds || spent < config.budget_ns; ++round) {
    // Each direction over the whole round, so the clock is read per round, not per frame.
    const int64_t t0 = tandem::bench::thread_cpu_ns();
    for (size_t i = 0; i < frames; ++i) {
      if (!down->decode(opus[i]).ok()) die("opus decode failed");
      while (down->pop_frame(frame)) {
      }
    }
    const int64_t t1 = tandem::bench::thread_cpu_ns();
    for (size_t i = 0; i < frames; ++i) {
      if (!up->encode(g711[i], packet).ok()) die("opus encode failed");
    }
    const int64_t t2 = tandem::bench::thread_cpu_ns();
    const int64_t down_ns = t1 - t0;
    const int64_t up_ns = t2 - t1;
    spent += down_ns + up_ns;
    costs.down.add(down_ns, frames);
    costs.up.add(up_ns, frames);
    costs.duplex.add(down_ns + up_ns, frames);
  }
  return costs;
}

void print_line(const char* what, const Rounds& r, bool judged) {
  // One call = one leg transcoding both ways, 50 frames per second each way.
  const double per_call_second_ms = r.median() * 50 / 1e6;
  const double calls = 1000.0 / per_call_second_ms;
  std::printf("transcode  %-16s %7.1f µs CPU/20 ms frame (best %7.1f)  %6.2f ms CPU/call-second",
              what, r.median() / 1e3, r.best() / 1e3, per_call_second_ms);
  if (judged) {
    std::printf("  %6.0f calls per core  (goal ≥ %.0f)  %s\n", calls, kGoalCallsPerCore,
                tandem::bench::verdict(calls, kGoalCallsPerCore, false));
  } else {
    std::printf("\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  if (tandem::bench::quick_mode(argc, argv)) config = Config{1, 1, 0};
  std::filesystem::path speech_dir = tandem::bench::kDefaultSpeechDir;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--speech") speech_dir = argv[i + 1];
  }
  const auto speech = tandem::bench::load_speech(speech_dir, config.seconds);
  const auto opus = browser_packets(speech.pcm48);
  const auto g711 = pbx_frames(speech.pcm8);
  const G711ToOpusConfig defaults;
  std::printf(
      "transcode  one call leg, Opus (browser: 48 kHz, 32 kbit/s, 20 ms, FEC) <-> PCMU 20 ms; "
      "gateway: decoder at 8 kHz, encoder from 8 kHz at %u bit/s, in-band FEC, %u %% expected "
      "loss, no resampler; %s, %zu s per round; thread CPU, median of rounds\n",
      defaults.bitrate, defaults.expected_loss_percent, speech.description.c_str(), config.seconds);
  const Costs c = measure(config, opus, g711, defaults.complexity);
  std::printf("transcode  encoder complexity %d (the default)\n", defaults.complexity);
  print_line("Opus -> G.711", c.down, false);
  print_line("G.711 -> Opus", c.up, false);
  print_line("duplex leg", c.duplex, true);
  // The encoder's complexity is the main cost knob; the decoder's cost does not depend on it.
  Config sweep = config;
  sweep.min_rounds = std::min(config.min_rounds, 3);
  sweep.budget_ns = config.budget_ns / 4;
  for (int complexity : {0, 1, 2, 3, 4, 5, 6, 8, 10}) {
    char what[32];
    std::snprintf(what, sizeof what, "duplex, cplx %d", complexity);
    print_line(what, measure(sweep, opus, g711, complexity).duplex, false);
  }
  return 0;
}
