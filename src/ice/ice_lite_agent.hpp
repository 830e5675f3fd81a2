// The responder side of ICE-lite (RFC 8445 §2.5, §7.3; RFC 7675 consent freshness), one per
// WebRTC transport. The browser is the controlling full agent: it sends Binding requests with
// USERNAME "<our ufrag>:<its ufrag>" and MESSAGE-INTEGRITY keyed with our password; we answer,
// learn the source address (peer-reflexive from our side), select the pair it nominates with
// USE-CANDIDATE, follow it when it nominates another, and withdraw consent 30 s after the last
// valid check on the selected pair. Time is injected: on_tick(now) and next_deadline(); the agent
// never reads a clock, never sleeps, never throws, and allocates nothing per packet.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "ice/endpoint.hpp"
#include "common/hmac_sha1.hpp"
#include "ice/ice_listener.hpp"
#include "ice/ice_types.hpp"
#include "ice/stun_view.hpp"

namespace tandem::ice {

class IceLiteAgent {
 public:
  // Remote addresses remembered at once; the least recently checked one that is not selected is
  // forgotten first. Browsers check a handful of pairs per transport.
  static constexpr size_t kMaxRemotePaths = 8;
  // Enough for any response the agent writes.
  static constexpr size_t kMaxResponseSize = 128;

  // listener may be null. Fails on empty local credentials or if OpenSSL cannot key HMAC-SHA1.
  static Result<IceLiteAgent> create(const IceLiteConfig& config, IceListener* listener,
                                     TimePoint now);

  // Handles one STUN message from `from`. Returns the size of the response written to
  // response[0..n) that must be sent back to `from`, or 0 when nothing is to be sent (the
  // message was dropped and counted).
  size_t handle_stun(const StunView& message, const Endpoint& from, TimePoint now,
                     std::span<uint8_t> response) noexcept;
  // Parses `packet` first (counts it as malformed if it is not valid STUN).
  size_t handle_packet(std::span<const uint8_t> packet, const Endpoint& from, TimePoint now,
                       std::span<uint8_t> response) noexcept;

  // Applies timeouts due at `now` (consent expiry, connect timeout).
  void on_tick(TimePoint now) noexcept;
  // When on_tick() next has something to do; empty when no timer is running.
  std::optional<TimePoint> next_deadline() const noexcept;

  // ICE restart (RFC 8445 §9): new local credentials and the browser's new ufrag (may be empty
  // until its SDP arrives, see set_remote_ufrag). Checks with the previous credentials are still
  // answered, and the selected path kept, until the first valid check with the new ones.
  Status restart(std::string_view local_ufrag, std::string_view local_pwd,
                 std::string_view remote_ufrag, TimePoint now);
  // The browser's ufrag of the current generation, once its SDP is known.
  void set_remote_ufrag(std::string_view remote_ufrag);

  IceState state() const noexcept { return state_; }
  // Where media goes, once something was nominated.
  const std::optional<Endpoint>& selected_path() const noexcept { return selected_; }
  // True while a nominated pair has consent (RFC 7675): media may be sent to selected_path().
  bool can_send() const noexcept { return state_ == IceState::kConnected; }
  const IceCounters& counters() const noexcept { return counters_; }
  std::string_view local_ufrag() const noexcept { return current_.local_ufrag; }
  // Whether `ufrag` (from local_ufrag_of) belongs to this agent: current credentials, or the
  // previous ones while a restart is pending. For the shared port's demultiplexer.
  bool owns_ufrag(std::string_view ufrag) const noexcept;

 private:
  struct Generation {
    std::string local_ufrag;
    std::string local_pwd;
    std::string remote_ufrag;
    HmacSha1 key;
    bool confirmed = false;  // a valid check with these credentials was seen
  };
  struct RemotePath {
    Endpoint endpoint;
    TimePoint last_check{};
    uint32_t priority = 0;
    bool in_use = false;
  };

  IceLiteAgent(Generation generation, const IceLiteConfig& config, IceListener* listener,
               TimePoint now);

  Generation* match_generation(std::string_view username) noexcept;
  RemotePath* find_or_learn(const Endpoint& from) noexcept;
  RemotePath* selected_entry() noexcept;
  const RemotePath* selected_entry() const noexcept;
  void on_valid_check(Generation& generation, const StunView& message, const Endpoint& from,
                      TimePoint now) noexcept;
  void set_state(IceState state) noexcept;
  size_t write_error(std::span<uint8_t> out, const StunView& message, uint16_t code,
                     const HmacSha1* key) noexcept;

  Generation current_;
  std::optional<Generation> previous_;  // confirmed credentials still accepted during a restart
  Duration consent_timeout_;
  Duration connect_timeout_;
  bool answer_unauthorized_;
  IceListener* listener_;
  TimePoint phase_start_;  // creation or last restart, for connect_timeout
  IceState state_ = IceState::kNew;
  std::optional<Endpoint> selected_;
  std::array<RemotePath, kMaxRemotePaths> paths_{};
  IceCounters counters_{};
};

}  // namespace tandem::ice
