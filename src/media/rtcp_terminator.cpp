#include "media/rtcp_terminator.hpp"

#include <chrono>

#include "rtp/rtcp_builder.hpp"
#include "rtp/rtcp_packet.hpp"
#include "rtp/rtcp_psfb.hpp"
#include "rtp/rtcp_report.hpp"

namespace tandem::media {

namespace {
constexpr uint32_t kMinSequential = 1;  // echo: account from the first packet
}

bool RtcpTerminator::Stream::has_payload_type(uint8_t pt) const noexcept {
  for (size_t i = 0; i < payload_type_count; ++i) {
    if (payload_types[i] == pt) return true;
  }
  return false;
}

RtcpTerminator::RtcpTerminator(const SessionParams& params, const rtp::NtpClock& clock)
    : clock_(clock), cname_(params.cname) {
  for (const StreamParams& p : params.streams) {
    if (count_ == kMaxStreams) break;
    Stream& s = streams_[count_++];
    s.mid = p.mid;
    s.kind = p.kind;
    s.clock_rate = p.clock_rate;
    for (uint8_t pt : p.payload_types) {
      if (s.payload_type_count == s.payload_types.size()) break;
      s.payload_types[s.payload_type_count++] = pt;
    }
    s.signaled_ssrc = p.remote_ssrcs.empty() ? 0 : p.remote_ssrcs.front();
    s.tx = rtp::SenderStats(p.local_ssrc, p.clock_rate);
    s.echo = p.echo;
  }
}

RtcpTerminator::Stream* RtcpTerminator::stream_for(uint32_t ssrc, uint8_t payload_type) noexcept {
  for (size_t i = 0; i < count_; ++i) {
    if (streams_[i].rx && streams_[i].rx->ssrc() == ssrc) return &streams_[i];
  }
  // Not bound yet: the stream that signaled this SSRC, else the first unbound stream that
  // accepted the payload type (Chromium may send before its a=ssrc is known, or change SSRC).
  Stream* by_type = nullptr;
  for (size_t i = 0; i < count_; ++i) {
    Stream& s = streams_[i];
    if (s.rx) continue;
    if (s.signaled_ssrc == ssrc && s.has_payload_type(payload_type)) return &s;
    if (by_type == nullptr && s.has_payload_type(payload_type)) by_type = &s;
  }
  return by_type;
}

RtcpTerminator::Stream* RtcpTerminator::stream_by_local(uint32_t local_ssrc) noexcept {
  for (size_t i = 0; i < count_; ++i) {
    if (streams_[i].tx.ssrc() == local_ssrc) return &streams_[i];
  }
  return nullptr;
}

std::optional<uint32_t> RtcpTerminator::on_rtp_received(uint32_t ssrc, uint8_t payload_type,
                                                        uint16_t sequence, uint32_t timestamp,
                                                        TimePoint now) noexcept {
  Stream* s = stream_for(ssrc, payload_type);
  if (s == nullptr) return std::nullopt;
  if (!s->rx) s->rx.emplace(ssrc, s->clock_rate, kMinSequential);
  s->rx->on_packet(sequence, timestamp, now);
  ++s->packets_received;
  if (!s->echo) return std::nullopt;
  return s->tx.ssrc();
}

void RtcpTerminator::on_rtp_sent(uint32_t local_ssrc, uint32_t timestamp, size_t payload_size,
                                 TimePoint now) noexcept {
  Stream* s = stream_by_local(local_ssrc);
  if (s == nullptr) return;
  s->tx.on_packet_sent(timestamp, payload_size, now);
  ++s->packets_sent;
}

void RtcpTerminator::on_report_block(const rtp::ReportBlock& block, TimePoint now) noexcept {
  Stream* s = stream_by_local(block.ssrc);
  if (s != nullptr) s->tx.on_report_block(block, clock_.to_ntp(now));
}

size_t RtcpTerminator::on_rtcp_received(std::span<const uint8_t> compound, TimePoint now,
                                        std::span<uint32_t> key_frame_requests) noexcept {
  auto parsed = rtp::RtcpCompound::parse(compound);
  if (!parsed) return 0;
  size_t requests = 0;
  auto request_key_frame = [&](uint32_t local_ssrc) {
    Stream* s = stream_by_local(local_ssrc);
    if (s == nullptr || !s->rx || requests == key_frame_requests.size()) return;
    key_frame_requests[requests++] = s->rx->ssrc();
  };
  for (const rtp::RtcpPacket packet : *parsed) {
    if (packet.is(rtp::RtcpType::kSenderReport)) {
      auto sr = rtp::SenderReportView::parse(packet);
      if (!sr) continue;
      for (size_t i = 0; i < count_; ++i) {
        if (streams_[i].rx && streams_[i].rx->ssrc() == sr->ssrc()) {
          streams_[i].rx->on_sender_report(sr->sender_info().ntp, now);
        }
      }
      for (size_t i = 0; i < sr->report_blocks().size(); ++i) {
        on_report_block(sr->report_blocks()[i], now);
      }
    } else if (packet.is(rtp::RtcpType::kReceiverReport)) {
      auto rr = rtp::ReceiverReportView::parse(packet);
      if (!rr) continue;
      for (size_t i = 0; i < rr->report_blocks().size(); ++i) {
        on_report_block(rr->report_blocks()[i], now);
      }
    } else if (packet.is(rtp::RtcpType::kPayloadFeedback)) {
      if (packet.fmt() == rtp::kPliFmt) {
        if (auto pli = rtp::PliView::parse(packet)) request_key_frame(pli->media_ssrc());
      } else if (packet.fmt() == rtp::kFirFmt) {
        if (auto fir = rtp::FirView::parse(packet)) {
          for (size_t i = 0; i < fir->entry_count(); ++i) request_key_frame(fir->entry(i).ssrc);
        }
      }
    }
  }
  return requests;
}

size_t RtcpTerminator::build_report(std::span<uint8_t> out, TimePoint now) noexcept {
  rtp::RtcpBuilder builder(out);
  std::array<rtp::ReportBlock, kMaxStreams> rr_blocks{};
  size_t rr_count = 0;
  uint32_t first_local = 0;
  bool any = false;
  for (size_t i = 0; i < count_; ++i) {
    Stream& s = streams_[i];
    if (first_local == 0) first_local = s.tx.ssrc();
    std::array<rtp::ReportBlock, 1> block{};
    const bool has_block = s.rx.has_value();
    if (has_block) block[0] = s.rx->make_report_block(now);
    if (s.tx.has_sent()) {
      const auto blocks = std::span<const rtp::ReportBlock>(block.data(), has_block ? 1 : 0);
      if (!builder.add_sender_report(s.tx.ssrc(), s.tx.make_sender_info(now, clock_), blocks)) {
        return 0;
      }
      any = true;
    } else if (has_block) {
      rr_blocks[rr_count++] = block[0];
    }
  }
  if (rr_count > 0) {
    if (!builder.add_receiver_report(
            first_local, std::span<const rtp::ReportBlock>(rr_blocks.data(), rr_count))) {
      return 0;
    }
    any = true;
  }
  if (!any) return 0;
  if (!builder.add_sdes_cname(first_local, cname_)) return 0;
  return builder.size();
}

size_t RtcpTerminator::build_pli(std::span<uint8_t> out, uint32_t media_ssrc) const noexcept {
  rtp::RtcpBuilder builder(out);
  const uint32_t sender = count_ > 0 ? streams_[0].tx.ssrc() : 1;
  if (!builder.add_pli(sender, media_ssrc)) return 0;
  return builder.size();
}

void RtcpTerminator::fill_stats(std::vector<StreamStats>& out) const {
  for (size_t i = 0; i < count_; ++i) {
    const Stream& s = streams_[i];
    StreamStats st;
    st.mid = s.mid;
    st.kind = s.kind;
    st.local_ssrc = s.tx.ssrc();
    st.packets_received = s.packets_received;
    st.packets_sent = s.packets_sent;
    if (s.rx) {
      st.remote_ssrc = s.rx->ssrc();
      st.cumulative_lost = s.rx->cumulative_lost();
      st.jitter = s.rx->jitter();
    }
    if (auto rtt = s.tx.rtt()) {
      st.rtt_ms = std::chrono::duration<double, std::milli>(*rtt).count();
    }
    st.remote_fraction_lost = s.tx.remote_fraction_lost();
    out.push_back(std::move(st));
  }
}

}  // namespace tandem::media
