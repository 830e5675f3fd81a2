// SRTP per packet and per session: our transform (src/srtp: OpenSSL's AES, Nettle's HMAC-SHA1)
// against Debian's libsrtp2 (NSS build), same keys, same packets, same run. See bench/README.md.
//
//   tandem_bench_srtp [--quick]
//
// Per packet: rounds of 1024 packets in their own buffers (with tail room), each round timed
// with the thread's CPU clock around the bare protect/unprotect calls; buffers are refilled and
// inbound sessions re-created outside the timed part. Per session: creating many sessions
// (master key -> session keys -> cipher contexts) in a row. Before timing, each implementation's
// output is checked to be accepted by the other, so both do the same work.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "srtp/profile.hpp"
#include "srtp/srtp_session.hpp"
#include "support/libsrtp_session.hpp"

namespace {

using tandem::bench::Rounds;
using tandem::srtp::Direction;
using tandem::srtp::Profile;
using tandem::srtp::SrtpSession;
using tandem::srtp::SrtpStatus;
using tandem::test::LibsrtpSession;

// Goals from issue 4: at most 0.5 µs per packet, session creation under 20 µs.
constexpr double kGoalPacketNs = 500;
constexpr double kGoalSessionNs = 20'000;
constexpr size_t kSlotSize = 1536;  // a packet plus SRTP tail room
constexpr uint32_t kSsrc = 0x11223344;
constexpr uint8_t kPayloadType = 111;

struct Config {
  size_t packets = 1024;  // per round
  int min_rounds = 7;
  int64_t budget_ns = 250'000'000;  // timed CPU per measurement, after the minimum rounds
  size_t ours_sessions = 200;       // per round
  size_t libsrtp_sessions = 20;     // per round (each costs ~0.7 ms)
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "tandem_bench_srtp: %s\n", what.c_str());
  std::exit(2);
}

struct Keys {
  std::array<uint8_t, 32> key{};
  std::array<uint8_t, 14> salt{};
  size_t key_len = 0;
  size_t salt_len = 0;
  std::span<const uint8_t> master_key() const { return {key.data(), key_len}; }
  std::span<const uint8_t> master_salt() const { return {salt.data(), salt_len}; }
};

Keys make_keys(Profile profile) {
  const auto& info = tandem::srtp::profile_info(profile);
  Keys keys;
  keys.key_len = info.master_key_len;
  keys.salt_len = info.master_salt_len;
  for (size_t i = 0; i < keys.key.size(); ++i) keys.key[i] = static_cast<uint8_t>(0xA0 + i);
  for (size_t i = 0; i < keys.salt.size(); ++i) keys.salt[i] = static_cast<uint8_t>(0x30 + 3 * i);
  return keys;
}

std::string name_of(Profile profile) {
  return std::string(tandem::srtp::profile_info(profile).sdes_name);
}

// Packet buffers, one slot each, contiguous like a worker's receive batch.
class Slots {
 public:
  explicit Slots(size_t count) : storage_(count * kSlotSize), lengths_(count) {}
  std::span<uint8_t> slot(size_t i) { return {storage_.data() + i * kSlotSize, kSlotSize}; }
  size_t& length(size_t i) { return lengths_[i]; }
  size_t count() const { return lengths_.size(); }
  void copy_from(const Slots& other) {
    storage_ = other.storage_;
    lengths_ = other.lengths_;
  }

 private:
  std::vector<uint8_t> storage_;
  std::vector<size_t> lengths_;
};

SrtpSession make_ours(Profile profile, Direction direction, uint8_t key_variant = 0) {
  Keys keys = make_keys(profile);
  keys.key[0] ^= key_variant;  // distinct keys per session of the many-sessions case
  auto session = SrtpSession::create(profile, keys.master_key(), keys.master_salt(), direction);
  if (!session) die("SrtpSession::create: " + session.error().reason);
  return std::move(session).value();
}

LibsrtpSession make_libsrtp(Profile profile, bool outbound) {
  const Keys keys = make_keys(profile);
  LibsrtpSession session(profile, keys.master_key(), keys.master_salt(), outbound);
  if (!session.ok()) die("libsrtp2 srtp_create failed for " + name_of(profile));
  return session;
}

// Runs round() (which returns the timed nanoseconds of `items` operations) after one untimed
// warm-up, at least min_rounds times and until the budget of timed CPU is spent.
template <typename Round>
Rounds run_rounds(const Config& config, size_t items, Round&& round) {
  (void)round();
  Rounds rounds;
  int64_t spent = 0;
  for (int i = 0; i < config.min_rounds || spent < config.budget_ns; ++i) {
    const int64_t ns = round();
    spent += ns;
    rounds.add(ns, items);
  }
  return rounds;
}

// Fills slots with plain RTP packets of `size` bytes, continuing the sequence from *seq.
void fill_plain(Slots& slots, size_t size, uint32_t& seq) {
  for (size_t i = 0; i < slots.count(); ++i, ++seq) {
    tandem::bench::make_rtp(slots.slot(i).first(size), kPayloadType, static_cast<uint16_t>(seq),
                            seq * 960, kSsrc);
    slots.length(i) = size;
  }
}

Rounds ours_protect(const Config& config, Profile profile, size_t size) {
  SrtpSession session = make_ours(profile, Direction::kOutbound);
  Slots slots(config.packets);
  uint32_t seq = 0;
  return run_rounds(config, slots.count(), [&] {
    fill_plain(slots, size, seq);
    size_t failures = 0;
    const int64_t start = tandem::bench::thread_cpu_ns();
    for (size_t i = 0; i < slots.count(); ++i) {
      failures += session.protect_rtp(slots.slot(i), slots.length(i)) != SrtpStatus::kOk;
    }
    const int64_t ns = tandem::bench::thread_cpu_ns() - start;
    if (failures > 0) die("our protect failed");
    return ns;
  });
}

Rounds libsrtp_protect(const Config& config, Profile profile, size_t size) {
  LibsrtpSession session = make_libsrtp(profile, true);
  Slots slots(config.packets);
  std::vector<int> lengths(config.packets);
  uint32_t seq = 0;
  return run_rounds(config, slots.count(), [&] {
    fill_plain(slots, size, seq);
    for (int& length : lengths) length = static_cast<int>(size);
    size_t failures = 0;
    const int64_t start = tandem::bench::thread_cpu_ns();
    for (size_t i = 0; i < slots.count(); ++i) {
      failures += !session.protect(slots.slot(i).data(), lengths[i]);
    }
    const int64_t ns = tandem::bench::thread_cpu_ns() - start;
    if (failures > 0) die("libsrtp2 protect failed");
    return ns;
  });
}

// SRTP packets (protected by our outbound session) that both implementations unprotect.
Slots protected_set(const Config& config, Profile profile, size_t size) {
  SrtpSession session = make_ours(profile, Direction::kOutbound);
  Slots slots(config.packets);
  uint32_t seq = 1;
  fill_plain(slots, size, seq);
  for (size_t i = 0; i < slots.count(); ++i) {
    if (session.protect_rtp(slots.slot(i), slots.length(i)) != SrtpStatus::kOk) {
      die("protect for the unprotect set failed");
    }
  }
  return slots;
}

// Each round starts a fresh inbound session (the replay window would reject a second pass) and
// unprotects the first packet untimed, so the new-SSRC path is not averaged in.
Rounds ours_unprotect(const Config& config, Profile profile, const Slots& input) {
  Slots slots(input.count());
  return run_rounds(config, input.count() - 1, [&] {
    slots.copy_from(input);
    SrtpSession session = make_ours(profile, Direction::kInbound);
    size_t failures = session.unprotect_rtp(slots.slot(0), slots.length(0)) != SrtpStatus::kOk;
    const int64_t start = tandem::bench::thread_cpu_ns();
    for (size_t i = 1; i < slots.count(); ++i) {
      failures += session.unprotect_rtp(slots.slot(i), slots.length(i)) != SrtpStatus::kOk;
    }
    const int64_t ns = tandem::bench::thread_cpu_ns() - start;
    if (failures > 0) die("our unprotect failed");
    return ns;
  });
}

Rounds libsrtp_unprotect(const Config& config, Profile profile, const Slots& input) {
  Slots slots(input.count());
  std::vector<int> lengths(input.count());
  return run_rounds(config, input.count() - 1, [&] {
    slots.copy_from(input);
    for (size_t i = 0; i < slots.count(); ++i) lengths[i] = static_cast<int>(slots.length(i));
    LibsrtpSession session = make_libsrtp(profile, false);
    size_t failures = !session.unprotect(slots.slot(0).data(), lengths[0]);
    const int64_t start = tandem::bench::thread_cpu_ns();
    for (size_t i = 1; i < slots.count(); ++i) {
      failures += !session.unprotect(slots.slot(i).data(), lengths[i]);
    }
    const int64_t ns = tandem::bench::thread_cpu_ns() - start;
    if (failures > 0) die("libsrtp2 unprotect failed");
    return ns;
  });
}

// A media worker's echo/forwarding step over many sessions: per packet, session k's inbound
// context unprotects it and its outbound context protects it again (what WebRtcTransport::on_rtp
// does around its own work), one packet of each session in turn as in the echo benchmark's audio
// pattern. With many sessions each packet meets its session's state (our objects and OpenSSL's
// contexts) cold, as a busy worker does. The browsers' packets are protected untimed each round
// with the sessions' own keys, so sequence numbers keep growing and the replay windows accept
// them. Time per packet (two SRTP operations).
Rounds ours_echo_pair(const Config& config, Profile profile, size_t size, size_t sessions) {
  struct Call {
    SrtpSession browser;  // the peer's outbound context: makes the input, untimed
    SrtpSession in;
    SrtpSession out;
  };
  if (sessions == 0) {
    die("echo pair needs at least one session");
  }
  std::vector<Call> calls;
  calls.reserve(sessions);
  for (size_t k = 0; k < sessions; ++k) {
    const auto variant = static_cast<uint8_t>(k);
    calls.push_back(Call{make_ours(profile, Direction::kOutbound, variant),
                         make_ours(profile, Direction::kInbound, variant),
                         make_ours(profile, Direction::kOutbound, variant)});
  }
  Slots slots(config.packets);
  uint32_t seq = 0;
  return run_rounds(config, slots.count(), [&] {
    fill_plain(slots, size, seq);
    for (size_t i = 0; i < slots.count(); ++i) {
      if (calls[i % sessions].browser.protect_rtp(slots.slot(i), slots.length(i)) !=
          SrtpStatus::kOk) {
        die("browser-side protect failed");
      }
    }
    size_t failures = 0;
    const int64_t start = tandem::bench::thread_cpu_ns();
    for (size_t i = 0; i < slots.count(); ++i) {
      Call& call = calls[i % sessions];
      failures += call.in.unprotect_rtp(slots.slot(i), slots.length(i)) != SrtpStatus::kOk;
      failures += call.out.protect_rtp(slots.slot(i), slots.length(i)) != SrtpStatus::kOk;
    }
    const int64_t ns = tandem::bench::thread_cpu_ns() - start;
    if (failures > 0) {
      die("echo pair unprotect/protect failed");
    }
    return ns;
  });
}

// Both directions between the implementations, on a few packets, before anything is timed.
void check_interop(Profile profile, size_t size) {
  SrtpSession ours_out = make_ours(profile, Direction::kOutbound);
  SrtpSession ours_in = make_ours(profile, Direction::kInbound);
  LibsrtpSession lib_out = make_libsrtp(profile, true);
  LibsrtpSession lib_in = make_libsrtp(profile, false);
  std::array<uint8_t, kSlotSize> packet{};
  std::array<uint8_t, kSlotSize> plain{};
  for (uint16_t seq = 1; seq <= 4; ++seq) {
    tandem::bench::make_rtp(std::span(plain).first(size), kPayloadType, seq, seq * 960u, kSsrc);
    packet = plain;
    size_t length = size;
    int lib_length = 0;
    bool ok = ours_out.protect_rtp(packet, length) == SrtpStatus::kOk;
    lib_length = static_cast<int>(length);
    ok = ok && lib_in.unprotect(packet.data(), lib_length) &&
         static_cast<size_t>(lib_length) == size &&
         std::memcmp(packet.data(), plain.data(), size) == 0;
    packet = plain;
    lib_length = static_cast<int>(size);
    ok = ok && lib_out.protect(packet.data(), lib_length);
    length = static_cast<size_t>(lib_length);
    ok = ok && ours_in.unprotect_rtp(packet, length) == SrtpStatus::kOk && length == size &&
         std::memcmp(packet.data(), plain.data(), size) == 0;
    if (!ok) die("ours and libsrtp2 disagree on " + name_of(profile));
  }
}

Rounds ours_create(const Config& config, Profile profile) {
  const Keys keys = make_keys(profile);
  std::vector<SrtpSession> sessions;
  sessions.reserve(config.ours_sessions);
  return run_rounds(config, config.ours_sessions, [&] {
    sessions.clear();
    const int64_t start = tandem::bench::thread_cpu_ns();
    for (size_t i = 0; i < config.ours_sessions; ++i) {
      auto session =
          SrtpSession::create(profile, keys.master_key(), keys.master_salt(), Direction::kInbound);
      if (!session) die("SrtpSession::create failed");
      sessions.push_back(std::move(session).value());
    }
    return tandem::bench::thread_cpu_ns() - start;
  });
}

// Debian's libsrtp2 reaches AES and HMAC through NSS, which loads its softokn module when the
// first crypto context is made and unloads it (dlclose) when the last one is freed. So creation
// is measured twice: with another session alive (a gateway with calls up: `alive`), and for a
// session made when none exists (an idle gateway's first call: `cold`, one per round).
Rounds libsrtp_create(const Config& config, Profile profile, bool cold) {
  const Keys keys = make_keys(profile);
  std::optional<LibsrtpSession> keeper;
  if (!cold) keeper.emplace(make_libsrtp(profile, false));
  const size_t count = cold ? 1 : config.libsrtp_sessions;
  std::vector<LibsrtpSession> sessions;
  sessions.reserve(count);
  Config short_config = config;
  short_config.min_rounds = std::min(config.min_rounds, 5);
  short_config.budget_ns = config.budget_ns / 5;
  return run_rounds(short_config, count, [&] {
    sessions.clear();
    const int64_t start = tandem::bench::thread_cpu_ns();
    for (size_t i = 0; i < count; ++i) {
      sessions.emplace_back(profile, keys.master_key(), keys.master_salt(), false);
      if (!sessions.back().ok()) die("libsrtp2 srtp_create failed");
    }
    return tandem::bench::thread_cpu_ns() - start;
  });
}

void print_packet_line(Profile profile, size_t size, const char* op, const Rounds& ours,
                       const Rounds& lib) {
  std::printf(
      "srtp %-24s %5zu B  %-9s ours %7.3f µs (best %7.3f)  libsrtp2 %7.3f µs "
      "(best %7.3f)  libsrtp2/ours %5.2fx  (goal ≤ 0.5 µs)  %s\n",
      name_of(profile).c_str(), size, op, ours.median() / 1e3, ours.best() / 1e3,
      lib.median() / 1e3, lib.best() / 1e3, lib.median() / ours.median(),
      tandem::bench::verdict(ours.median(), kGoalPacketNs, true));
}

void print_echo_line(Profile profile, size_t size, size_t sessions, const Rounds& pair) {
  std::printf(
      "srtp %-24s %5zu B  echo pair x%-4zu unprotect+protect %6.3f µs/packet (best %6.3f)  = "
      "%6.3f µs per operation  (goal ≤ 0.5 µs)  %s\n",
      name_of(profile).c_str(), size, sessions, pair.median() / 1e3, pair.best() / 1e3,
      pair.median() / 2e3, tandem::bench::verdict(pair.median() / 2, kGoalPacketNs, true));
}

void print_session_line(Profile profile, const Rounds& ours, const Rounds& alive,
                        const Rounds& cold) {
  std::printf(
      "srtp %-24s session creation  ours %6.2f µs (best %6.2f)  libsrtp2 %6.1f µs (best "
      "%6.1f) with another session alive, %6.1f µs (best %6.1f) cold  libsrtp2/ours %4.0fx "
      "alive, %4.0fx cold  (goal < 20 µs)  %s\n",
      name_of(profile).c_str(), ours.median() / 1e3, ours.best() / 1e3, alive.median() / 1e3,
      alive.best() / 1e3, cold.median() / 1e3, cold.best() / 1e3, alive.median() / ours.median(),
      cold.median() / ours.median(), tandem::bench::verdict(ours.median(), kGoalSessionNs, true));
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  if (tandem::bench::quick_mode(argc, argv)) {
    config = Config{
        .packets = 64, .min_rounds = 1, .budget_ns = 0, .ours_sessions = 4, .libsrtp_sessions = 2};
  }
  const Profile profiles[] = {Profile::kAes128CmHmacSha1_80, Profile::kAeadAes128Gcm};
  const size_t sizes[] = {172, 1200};  // audio frame (12 + 160), video packet
  std::printf(
      "SRTP, ours (src/srtp: OpenSSL AES, Nettle HMAC-SHA1) vs Debian libsrtp2: thread CPU time, "
      "median "
      "of rounds of %zu packets (best in brackets)\n",
      config.packets);
  for (const Profile profile : profiles) {
    for (const size_t size : sizes) {
      check_interop(profile, size);
      print_packet_line(profile, size, "protect", ours_protect(config, profile, size),
                        libsrtp_protect(config, profile, size));
      const Slots input = protected_set(config, profile, size);
      print_packet_line(profile, size, "unprotect", ours_unprotect(config, profile, input),
                        libsrtp_unprotect(config, profile, input));
    }
  }
  // Session count: one (all state hot), a worker's hundreds (each packet meets its state cold).
  for (const Profile profile : profiles) {
    for (const size_t sessions : {size_t{1}, size_t{256}}) {
      print_echo_line(profile, 172, sessions, ours_echo_pair(config, profile, 172, sessions));
    }
  }
  for (const Profile profile : profiles) {
    print_session_line(profile, ours_create(config, profile),
                       libsrtp_create(config, profile, false),
                       libsrtp_create(config, profile, true));
  }
  return 0;
}
