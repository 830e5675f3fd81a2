// libFuzzer target: any bytes as a STUN message. Parses the view, walks every attribute, reads
// every typed attribute, verifies MESSAGE-INTEGRITY with a fixed key, and feeds the message to an
// ICE-lite agent (credentials "evtj"/RFC 5769 password, so RFC 5769-based seeds authenticate).
// Any response the agent writes must itself parse back as a valid STUN message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>

#include "ice/ice_lite_agent.hpp"
#include "ice/stun_view.hpp"

namespace {

using namespace tandem::ice;

constexpr std::string_view kPassword = "VOkJxbRl1RmTxUk/WvJxBt";

struct Harness {
  tandem::HmacSha1 key = tandem::HmacSha1::create(kPassword).value();
  IceLiteAgent agent = make_agent();

  static IceLiteAgent make_agent() {
    IceLiteConfig config;
    config.local_ufrag = "evtj";
    config.local_pwd = kPassword;
    config.remote_ufrag = "h6vY";
    config.answer_unauthorized = true;  // exercise the 401 path too
    return IceLiteAgent::create(config, nullptr, tandem::TimePoint{}).value();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Harness harness;  // one agent across inputs, like a long-lived transport
  static uint64_t clock_ms = 0;
  const std::span<const uint8_t> bytes(data, size);

  StunError error{};
  const auto view = StunView::parse(bytes, &error);
  if (view) {
    size_t total = 0;
    for (const StunAttribute a : view->attributes()) total += a.value.size() + a.type;
    (void)total;
    (void)view->username();
    (void)view->priority();
    (void)view->ice_controlling();
    (void)view->ice_controlled();
    (void)view->xor_mapped_address();
    (void)view->mapped_address();
    if (const auto e = view->error_code()) {
      if (e->code < 300 || e->code > 699) std::abort();
    }
    (void)view->find(0x8022);
    (void)view->find(0x8028);
    (void)local_ufrag_of(*view);
    (void)view->verify_integrity(harness.key);
  }

  // Alternate between two sources so both learning and switching get exercised; advance time
  // so consent and connect timers fire now and then.
  clock_ms += 7000;
  const auto now = tandem::TimePoint{} + std::chrono::milliseconds(clock_ms);
  const uint8_t a[4] = {192, 0, 2, static_cast<uint8_t>(size & 0x7)};
  const Endpoint from = Endpoint::ipv4(a, static_cast<uint16_t>(40000 + (size & 0xF)));
  std::array<uint8_t, IceLiteAgent::kMaxResponseSize> response{};
  const size_t n = harness.agent.handle_packet(bytes, from, now, response);
  if (n > response.size()) std::abort();
  if (n > 0 && !StunView::parse(std::span<const uint8_t>(response).first(n))) std::abort();
  harness.agent.on_tick(now);
  (void)harness.agent.next_deadline();
  return 0;
}
