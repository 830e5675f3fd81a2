#include "media/pbx_leg.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <utility>

#include "rtp/rtcp_builder.hpp"
#include "rtp/rtcp_packet.hpp"
#include "rtp/rtcp_report.hpp"

namespace tandem::media {

namespace asio = boost::asio;

namespace {
// Statistics from the PBX's first packet: a PBX stream is not probed like a new RFC 3550 source.
constexpr uint32_t kMinSequential = 1;
}  // namespace

PbxLeg::PbxLeg(RtpSocketPair sockets, uint32_t local_ssrc, const rtp::NtpClock& clock)
    : sockets_(std::move(sockets)), clock_(clock), tx_(local_ssrc, 8000) {}

Status PbxLeg::set_remote(const std::string& address, uint16_t port, uint32_t clock_rate) {
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec || port == 0 || port == 0xFFFF) {
    return Error{"media: bad PBX RTP address " + address + ":" + std::to_string(port)};
  }
  boost::system::error_code local_ec;
  const auto local = sockets_.rtp.local_endpoint(local_ec);
  if (local_ec || local.address().is_v4() != ip.is_v4()) {
    return Error{"media: PBX RTP address " + address +
                 " is not of our SIP-side media address's family"};
  }
  if (clock_rate != clock_rate_ && !tx_.has_sent()) tx_ = rtp::SenderStats(tx_.ssrc(), clock_rate);
  clock_rate_ = clock_rate;
  const Endpoint target(ip, port);
  if (sdp_rtp_ == target) return Ok{};
  sdp_rtp_ = target;
  rtp_to_ = target;
  rtcp_to_ = Endpoint(ip, static_cast<uint16_t>(port + 1));
  latched_ = false;
  rtcp_latched_ = false;
  return Ok{};
}

void PbxLeg::on_rtp_received(const Endpoint& from, uint32_t ssrc, uint16_t sequence,
                             uint32_t timestamp, TimePoint now) noexcept {
  ++counters_.rtp_received;
  if (!latched_ && sdp_rtp_) {
    latched_ = true;
    if (rtp_to_ != from) {
      rtp_to_ = from;
      ++counters_.latches;
      if (!rtcp_latched_)
        rtcp_to_ = Endpoint(from.address(), static_cast<uint16_t>(from.port() + 1));
    }
  }
  if (!rx_ || rx_->ssrc() != ssrc) rx_.emplace(ssrc, clock_rate_, kMinSequential);
  rx_->on_packet(sequence, timestamp, now);
}

void PbxLeg::on_rtcp_received(std::span<const uint8_t> datagram, const Endpoint& from,
                              TimePoint now) noexcept {
  auto compound = rtp::RtcpCompound::parse(datagram);
  if (!compound) {
    ++counters_.dropped;
    return;
  }
  ++counters_.rtcp_received;
  if (!rtcp_latched_ && sdp_rtp_) {
    rtcp_latched_ = true;
    rtcp_to_ = from;
  }
  const rtp::NtpTime arrival = clock_.to_ntp(now);
  for (const rtp::RtcpPacket packet : *compound) {
    if (packet.is(rtp::RtcpType::kSenderReport)) {
      auto sr = rtp::SenderReportView::parse(packet);
      if (!sr) continue;
      if (rx_ && rx_->ssrc() == sr->ssrc()) rx_->on_sender_report(sr->sender_info().ntp, now);
      for (size_t i = 0; i < sr->report_blocks().size(); ++i) {
        if (sr->report_blocks()[i].ssrc == tx_.ssrc()) {
          tx_.on_report_block(sr->report_blocks()[i], arrival);
        }
      }
    } else if (packet.is(rtp::RtcpType::kReceiverReport)) {
      auto rr = rtp::ReceiverReportView::parse(packet);
      if (!rr) continue;
      for (size_t i = 0; i < rr->report_blocks().size(); ++i) {
        if (rr->report_blocks()[i].ssrc == tx_.ssrc()) {
          tx_.on_report_block(rr->report_blocks()[i], arrival);
        }
      }
    }
  }
}

void PbxLeg::send_rtp(std::span<const uint8_t> packet, uint32_t timestamp, size_t payload_size,
                      TimePoint now) noexcept {
  if (!rtp_to_) return;
  boost::system::error_code ec;
  sockets_.rtp.send_to(asio::buffer(packet.data(), packet.size()), *rtp_to_, 0, ec);
  if (ec) {
    ++counters_.send_errors;
    return;
  }
  ++counters_.rtp_sent;
  tx_.on_packet_sent(timestamp, payload_size, now);
  if (next_report_ == TimePoint{}) next_report_ = now + kReportInterval;
}

size_t PbxLeg::build_report(TimePoint now) noexcept {
  rtp::RtcpBuilder builder(report_buffer_);
  std::array<rtp::ReportBlock, 1> block{};
  const size_t blocks = rx_ ? 1 : 0;
  if (rx_) block[0] = rx_->make_report_block(now);
  const auto list = std::span<const rtp::ReportBlock>(block.data(), blocks);
  const bool ok = tx_.has_sent() ? builder.add_sender_report(
                                       tx_.ssrc(), tx_.make_sender_info(now, clock_), list)
                                 : builder.add_receiver_report(tx_.ssrc(), list);
  if (!ok || !builder.add_sdes_cname(tx_.ssrc(), cname_)) return 0;
  return builder.size();
}

void PbxLeg::on_tick(TimePoint now) noexcept {
  if (!rtcp_to_ || (!rx_ && !tx_.has_sent())) return;
  if (next_report_ == TimePoint{}) next_report_ = now + kReportInterval;
  if (now < next_report_) return;
  next_report_ = now + kReportInterval;
  const size_t n = build_report(now);
  if (n == 0) return;
  boost::system::error_code ec;
  sockets_.rtcp.send_to(asio::buffer(report_buffer_.data(), n), *rtcp_to_, 0, ec);
  if (ec) {
    ++counters_.send_errors;
  } else {
    ++counters_.rtcp_sent;
  }
}

void PbxLeg::close() noexcept {
  boost::system::error_code ec;
  sockets_.rtp.close(ec);
  sockets_.rtcp.close(ec);
}

}  // namespace tandem::media
