// libFuzzer target: any bytes as an RTCP compound packet. Parses strictly and with reduced size,
// tries every typed view on every packet, and rebuilds what parsed with RtcpBuilder: byte-equal
// where the wire form is canonical (SR, RR, APP, NACK, PLI without padding), field-equal after a
// re-parse otherwise (SDES, BYE, FIR, REMB, whose padding/reserved bytes may be anything).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

#include "rtp/rtcp_app.hpp"
#include "rtp/rtcp_builder.hpp"
#include "rtp/rtcp_bye.hpp"
#include "rtp/rtcp_nack.hpp"
#include "rtp/rtcp_psfb.hpp"
#include "rtp/rtcp_report.hpp"
#include "rtp/rtcp_sdes.hpp"

namespace {

using namespace tandem::rtp;

void check(bool condition) {
  if (!condition) std::abort();
}

bool same(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

RtcpPacket reparse(const RtcpBuilder& b) {
  auto compound = RtcpCompound::parse(b.data());
  check(compound.ok() && compound->packet_count() == 1);
  return *compound->begin();
}

template <typename T, size_t N>
struct FixedList {
  std::array<T, N> items{};
  size_t size = 0;
  std::span<const T> span() const { return std::span<const T>(items.data(), size); }
};

void round_trip(const RtcpPacket& p) {
  static std::array<uint8_t, 70000> out;
  RtcpBuilder b(out);
  const bool padded = p.has_padding();

  if (auto sr = SenderReportView::parse(p)) {
    FixedList<ReportBlock, 31> blocks;
    for (size_t i = 0; i < sr->report_blocks().size(); ++i) {
      blocks.items[blocks.size++] = sr->report_blocks()[i];
    }
    check(b.add_sender_report(sr->ssrc(), sr->sender_info(), blocks.span()));
    if (!padded && sr->extension().empty()) check(same(b.data(), p.bytes()));
  }
  if (auto rr = ReceiverReportView::parse(p)) {
    b.clear();
    FixedList<ReportBlock, 31> blocks;
    for (size_t i = 0; i < rr->report_blocks().size(); ++i) {
      blocks.items[blocks.size++] = rr->report_blocks()[i];
    }
    check(b.add_receiver_report(rr->ssrc(), blocks.span()));
    if (!padded && rr->extension().empty()) check(same(b.data(), p.bytes()));
  }
  if (auto sdes = SdesView::parse(p)) {
    size_t items = 0;
    sdes->for_each_item([&](size_t chunk, uint32_t, const SdesItem& item) {
      check(chunk < sdes->chunk_count());
      items += item.text.size();
    });
    if (auto cname = sdes->first_cname()) {
      b.clear();
      check(b.add_sdes_cname(7, *cname));
      auto back = SdesView::parse(reparse(b));
      check(back.ok() && back->cname(7) == cname);
    }
  }
  if (auto bye = ByeView::parse(p)) {
    FixedList<uint32_t, 31> ssrcs;
    for (size_t i = 0; i < bye->ssrc_count(); ++i) ssrcs.items[ssrcs.size++] = bye->ssrc(i);
    b.clear();
    check(b.add_bye(ssrcs.span(), bye->reason()));
    auto back = ByeView::parse(reparse(b));
    check(back.ok() && back->ssrc_count() == bye->ssrc_count() && back->reason() == bye->reason());
    for (size_t i = 0; i < ssrcs.size; ++i) check(back->ssrc(i) == ssrcs.items[i]);
  }
  if (auto app = AppView::parse(p)) {
    b.clear();
    if (b.add_app(app->subtype(), app->ssrc(), app->name(), app->data()) && !padded) {
      check(same(b.data(), p.bytes()));
    }
  }
  if (auto nack = NackView::parse(p)) {
    static std::array<NackItem, 16384> items;
    size_t lost = 0;
    nack->for_each_lost([&](uint16_t) { ++lost; });
    check(lost >= nack->item_count());
    for (size_t i = 0; i < nack->item_count(); ++i) items[i] = nack->item(i);
    b.clear();
    check(b.add_nack(nack->sender_ssrc(), nack->media_ssrc(),
                     std::span<const NackItem>(items.data(), nack->item_count())));
    if (!padded) check(same(b.data(), p.bytes()));
  }
  if (auto pli = PliView::parse(p)) {
    b.clear();
    check(b.add_pli(pli->sender_ssrc(), pli->media_ssrc()));
    if (!padded && p.bytes().size() == 12) check(same(b.data(), p.bytes()));
  }
  if (auto fir = FirView::parse(p)) {
    static std::array<FirEntry, 8192> entries;
    for (size_t i = 0; i < fir->entry_count(); ++i) entries[i] = fir->entry(i);
    b.clear();
    check(b.add_fir(fir->sender_ssrc(),
                    std::span<const FirEntry>(entries.data(), fir->entry_count())));
    auto back = FirView::parse(reparse(b));
    check(back.ok() && back->entry_count() == fir->entry_count());
    for (size_t i = 0; i < fir->entry_count(); ++i) check(back->entry(i) == entries[i]);
  }
  if (auto remb = RembView::parse(p)) {
    FixedList<uint32_t, 255> ssrcs;
    for (size_t i = 0; i < remb->ssrc_count(); ++i) ssrcs.items[ssrcs.size++] = remb->ssrc(i);
    b.clear();
    check(b.add_remb(remb->sender_ssrc(), remb->bitrate_bps(), ssrcs.span()));
    auto back = RembView::parse(reparse(b));
    check(back.ok() && back->bitrate_bps() == remb->bitrate_bps() &&
          back->ssrc_count() == ssrcs.size);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  auto strict = RtcpCompound::parse(bytes, RtcpParseOptions{false});
  auto compound = RtcpCompound::parse(bytes);
  if (strict.ok()) check(compound.ok());
  if (!compound) return 0;
  size_t count = 0;
  size_t total = 0;
  for (const RtcpPacket p : *compound) {
    ++count;
    total += p.bytes().size();
    check(p.body().size() + 4 + p.padding_size() == p.bytes().size());
    round_trip(p);
  }
  check(count == compound->packet_count() && total == size);
  return 0;
}
