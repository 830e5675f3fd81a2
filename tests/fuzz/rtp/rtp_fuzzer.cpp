// libFuzzer target: any bytes as an RTP packet. Parses the view, walks and looks up every header
// extension element, reads the payload (also as telephone-event), feeds receiver statistics, and
// rewrites SSRC/sequence/timestamp in place; the rewritten packet must parse to the same layout.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "rtp/classify.hpp"
#include "rtp/receiver_stats.hpp"
#include "rtp/rtp_packet_view.hpp"
#include "rtp/seq_ts_rewriter.hpp"
#include "rtp/telephone_event.hpp"

namespace {
void check(bool condition) {
  if (!condition) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tandem::rtp;
  static ReceiverStats stats(1, 48000);  // long-lived, like a stream's
  static SeqTsRewriter rewriter(0xabcdef01, 1000, 5000, 48000);
  static int64_t clock_ms = 0;
  clock_ms += 20;
  const tandem::TimePoint now = tandem::TimePoint{} + std::chrono::milliseconds(clock_ms);

  std::vector<uint8_t> buffer(data, data + size);
  (void)is_rtp(buffer);
  (void)is_rtcp(buffer);
  auto view = RtpPacketView::parse(buffer);
  if (!view) return 0;
  check(view->header_size() + view->padding_size() <= view->size());
  size_t total = 0;
  view->for_each_extension([&](const ExtensionElement& e) {
    total += e.data.size();
    // Lookup by id finds an element with that id (the first one if repeated).
    check(view->has_extension_element(e.id));
  });
  for (int id = 0; id < 256; ++id) total += view->extension(static_cast<uint8_t>(id)).size();
  for (uint8_t b : view->payload()) total += b;
  for (size_t i = 0; i < view->csrc_count(); ++i) total += view->csrc(i);
  if (auto event = TelephoneEvent::parse(view->payload())) {
    uint8_t out[4];
    check(event->write(out) == 4);
    check(TelephoneEvent::parse(out) == event);
  }
  stats.on_packet(view->sequence(), view->timestamp(), now);
  (void)stats.make_report_block(now);

  const size_t header = view->header_size();
  const size_t payload = view->payload().size();
  const bool marker = view->marker();
  const auto out = rewriter.rewrite(view->ssrc() & 3, view->sequence(), view->timestamp(), now);
  view->set_ssrc(out.ssrc);
  view->set_sequence(out.sequence);
  view->set_timestamp(out.timestamp);
  view->set_payload_type(static_cast<uint8_t>(total & 0x7f));
  auto again = RtpPacketView::parse(buffer);
  check(again.ok());
  check(again->header_size() == header && again->payload().size() == payload);
  check(again->ssrc() == out.ssrc && again->sequence() == out.sequence &&
        again->timestamp() == out.timestamp && again->marker() == marker);
  return 0;
}
