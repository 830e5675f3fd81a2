#include "service_media/dtmf_receiver.hpp"

#include "rtp/telephone_event.hpp"

namespace tandem::pbx {

void DtmfReceiver::on_event_packet(uint32_t rtp_timestamp, std::span<const uint8_t> payload) {
  const auto event = rtp::TelephoneEvent::parse(payload);
  if (!event || rtp::dtmf_char(event->event) == '\0') return;
  if (!have_event_ || rtp_timestamp != event_timestamp_) {
    // A new event. If the previous one never showed an end packet, it still was a key press.
    flush();
    have_event_ = true;
    event_timestamp_ = rtp_timestamp;
    event_code_ = event->event;
    event_reported_ = false;
  }
  if (event_reported_) return;  // retransmitted end packets (RFC 4733 §2.5.1.4)
  event_duration_ = event->duration;
  if (event->end) {
    event_reported_ = true;
    report(rtp::dtmf_char(event_code_), DigitSource::kRtpEvent,
           uint32_t{event->duration} * 1000u / clock_rate_);
  }
}

void DtmfReceiver::flush() {
  if (!event_pending()) return;
  event_reported_ = true;
  report(rtp::dtmf_char(event_code_), DigitSource::kRtpEvent,
         uint32_t{event_duration_} * 1000u / clock_rate_);
}

bool DtmfReceiver::on_sip_info_digit(char digit, uint32_t duration_ms) {
  const auto code = rtp::dtmf_event(digit);
  if (!code) return false;
  report(rtp::dtmf_char(*code), DigitSource::kSipInfo, duration_ms);
  return true;
}

void DtmfReceiver::report(char digit, DigitSource source, uint32_t duration_ms) {
  ++reported_;
  if (on_digit_) on_digit_(DigitReport{digit, source, duration_ms});
}

}  // namespace tandem::pbx
