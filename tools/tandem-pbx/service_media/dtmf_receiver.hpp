// DtmfReceiver: turns RFC 4733 telephone-event packets into digits, one report per key press.
// An event is identified by its RTP timestamp (RFC 4733 §2.5.1.1: every packet of one event
// carries the timestamp of its start); the digit is reported when the first end packet arrives
// (the retransmitted end packets are ignored), or, if every end packet was lost, when the next
// event begins, or at flush(). SIP INFO digits (application/dtmf-relay, application/dtmf) are
// passed in by the SIP side and reported through the same callback. Pure logic, no allocation, no
// clock.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

namespace tandem::pbx {

enum class DigitSource : uint8_t { kRtpEvent, kSipInfo };

struct DigitReport {
  char digit = '\0';  // '0'-'9', '*', '#', 'A'-'D'
  DigitSource source = DigitSource::kRtpEvent;
  uint32_t duration_ms = 0;  // 0 when unknown (SIP INFO without Duration, lost end packets)
};

using DigitCallback = std::function<void(const DigitReport&)>;

class DtmfReceiver {
 public:
  DtmfReceiver(uint32_t clock_rate, DigitCallback on_digit)
      : clock_rate_(clock_rate == 0 ? 8000 : clock_rate), on_digit_(std::move(on_digit)) {}

  // One telephone-event payload with the RTP timestamp of its packet. Non-DTMF events (16 and up)
  // and malformed payloads are ignored.
  void on_event_packet(uint32_t rtp_timestamp, std::span<const uint8_t> payload);

  // A digit from SIP INFO; returns false (and reports nothing) for a character that is no DTMF.
  bool on_sip_info_digit(char digit, uint32_t duration_ms = 0);

  // Reports an event in progress whose end packets never came (the endpoint calls this when
  // events stopped arriving for a while, and at stop).
  void flush();
  bool event_pending() const noexcept { return have_event_ && !event_reported_; }

  uint32_t digits_reported() const noexcept { return reported_; }

 private:
  void report(char digit, DigitSource source, uint32_t duration_ms);

  uint32_t clock_rate_;
  DigitCallback on_digit_;
  // The event in progress or last seen: its timestamp, code and whether it was reported.
  bool have_event_ = false;
  uint32_t event_timestamp_ = 0;
  uint8_t event_code_ = 0;
  uint16_t event_duration_ = 0;
  bool event_reported_ = false;
  uint32_t reported_ = 0;
};

}  // namespace tandem::pbx
