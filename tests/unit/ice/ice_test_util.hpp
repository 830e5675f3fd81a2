// Helpers for agent tests: ICE connectivity checks as a browser would send them, a recording
// listener, and a fake clock.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "ice/endpoint.hpp"
#include "common/hmac_sha1.hpp"
#include "ice/ice_listener.hpp"
#include "ice/stun_builder.hpp"

namespace tandem::ice::test {

struct CheckOptions {
  std::string username;  // "localufrag:remoteufrag"
  std::string pwd;       // key for MESSAGE-INTEGRITY; empty: no MESSAGE-INTEGRITY
  bool use_candidate = false;
  bool controlling = true;  // ICE-CONTROLLING, else ICE-CONTROLLED
  uint32_t priority = 0x6e7f1eff;
  uint8_t id = 1;                   // varies the transaction ID
  uint16_t extra_attribute = 0;     // appended (empty value) before MESSAGE-INTEGRITY when set
  uint16_t type = kBindingRequest;  // message type
};

inline std::vector<uint8_t> make_check(const CheckOptions& o) {
  std::array<uint8_t, kTransactionIdSize> tid{};
  for (size_t i = 0; i < tid.size(); ++i) tid[i] = static_cast<uint8_t>(o.id + i * 7);
  std::vector<uint8_t> out(512);
  StunBuilder b(out, o.type, tid);
  if (!o.username.empty()) b.add_string(attr::kUsername, o.username);
  b.add_u32(attr::kPriority, o.priority);
  b.add_u64(o.controlling ? attr::kIceControlling : attr::kIceControlled, 0x1122334455667788);
  if (o.use_candidate) b.add_flag(attr::kUseCandidate);
  if (o.extra_attribute != 0) b.add_flag(o.extra_attribute);
  if (!o.pwd.empty()) b.add_message_integrity(HmacSha1::create(o.pwd).value());
  b.add_fingerprint();
  out.resize(b.size());
  return out;
}

class RecordingListener : public IceListener {
 public:
  void on_ice_state_changed(IceState state) noexcept override { states.push_back(state); }
  void on_ice_selected_path_changed(const Endpoint& path) noexcept override {
    paths.push_back(path);
  }
  std::vector<IceState> states;
  std::vector<Endpoint> paths;
};

inline TimePoint at(std::chrono::milliseconds offset) { return TimePoint{} + offset; }

}  // namespace tandem::ice::test
