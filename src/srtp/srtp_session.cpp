#include "srtp/srtp_session.hpp"

#include "srtp/byte_order.hpp"
#include "srtp/packet_index.hpp"

namespace tandem::srtp {
namespace {

constexpr size_t kRtpFixedHeaderLen = 12;  // RFC 3550 §5.1
constexpr size_t kRtcpHeaderLen = 8;       // first RTCP header word + sender SSRC
constexpr size_t kIndexWordLen = 4;        // E flag || 31-bit SRTCP index (RFC 3711 §3.4)
constexpr uint32_t kMaxRtcpIndex = 0x7FFFFFFF;

// Length of the RTP header including CSRCs and header extension (RFC 3550 §5.1, §5.3.1), or 0
// when it is not a version 2 header that fits in packet.
size_t rtp_header_len(std::span<const uint8_t> packet) noexcept {
  if (packet.size() < kRtpFixedHeaderLen || (packet[0] >> 6) != 2) return 0;
  size_t len = kRtpFixedHeaderLen + 4 * size_t{packet[0] & 0x0Fu};
  if (packet[0] & 0x10) {
    if (packet.size() < len + 4) return 0;
    len += 4 + 4 * size_t{load_be16(packet.data() + len + 2)};
  }
  return len <= packet.size() ? len : 0;
}

bool rtcp_header_ok(std::span<const uint8_t> packet) noexcept {
  return packet.size() >= kRtcpHeaderLen && (packet[0] >> 6) == 2;
}

SrtpStatus verdict_status(ReplayWindow::Verdict verdict) noexcept {
  switch (verdict) {
    case ReplayWindow::Verdict::kNew:
      return SrtpStatus::kOk;
    case ReplayWindow::Verdict::kReplay:
      return SrtpStatus::kReplay;
    case ReplayWindow::Verdict::kTooOld:
      return SrtpStatus::kTooOld;
  }
  return SrtpStatus::kTooOld;
}

}  // namespace

SrtpSession::SrtpSession(const ProfileInfo& info, Direction direction,
                         const SessionOptions& options, Transform transform, StreamTable streams)
    : info_(&info),
      direction_(direction),
      allow_repeat_tx_(options.allow_repeat_tx),
      transform_(std::move(transform)),
      streams_(std::move(streams)) {}

Result<SrtpSession> SrtpSession::create(Profile profile, std::span<const uint8_t> master_key,
                                        std::span<const uint8_t> master_salt, Direction direction,
                                        const SessionOptions& options) {
  const ProfileInfo& info = profile_info(profile);
  if (master_key.size() != info.master_key_len) return Error{"wrong master key length"};
  if (master_salt.size() != info.master_salt_len) return Error{"wrong master salt length"};
  auto streams = StreamTable::create(options.max_streams);
  if (!streams) return streams.error();
  auto kdf = KeyDerivation::create(master_key, master_salt);
  if (!kdf) return kdf.error();
  SessionKeys keys;
  if (!kdf->derive_session_keys(info, keys)) return Error{"SRTP key derivation failed"};
  if (info.aead) {
    auto gcm = GcmTransform::create(info, keys);
    if (!gcm) return gcm.error();
    return SrtpSession(info, direction, options, std::move(gcm).value(),
                       std::move(streams).value());
  }
  auto cm = CmTransform::create(info, keys);
  if (!cm) return cm.error();
  return SrtpSession(info, direction, options, std::move(cm).value(), std::move(streams).value());
}

SrtpStatus SrtpSession::fail(SrtpStatus status) noexcept {
  switch (status) {
    case SrtpStatus::kOk:
      break;
    case SrtpStatus::kBadLength:
      ++stats_.bad_length;
      break;
    case SrtpStatus::kAuthFailure:
      ++stats_.auth_failures;
      break;
    case SrtpStatus::kReplay:
      ++stats_.replays;
      break;
    case SrtpStatus::kTooOld:
      ++stats_.too_old;
      break;
    case SrtpStatus::kUnknownSsrcOverflow:
      ++stats_.unknown_ssrc_overflow;
      break;
    case SrtpStatus::kNoTailRoom:
    case SrtpStatus::kWrongDirection:
    case SrtpStatus::kIndexExhausted:
    case SrtpStatus::kCryptoError:
      ++stats_.other_failures;
      break;
  }
  return status;
}

SrtpStatus SrtpSession::protect_rtp(std::span<uint8_t> buffer, size_t& length) noexcept {
  if (direction_ != Direction::kOutbound) return fail(SrtpStatus::kWrongDirection);
  if (length > buffer.size()) return fail(SrtpStatus::kBadLength);
  const auto packet = buffer.first(length);
  const size_t header_len = rtp_header_len(packet);
  if (header_len == 0) return fail(SrtpStatus::kBadLength);
  const size_t tag_len = info_->rtp_tag_len;
  if (buffer.size() - length < tag_len) return fail(SrtpStatus::kNoTailRoom);

  const uint32_t ssrc = load_be32(packet.data() + 8);
  const uint16_t seq = load_be16(packet.data() + 2);
  StreamState* stream = streams_.find(ssrc);
  if (stream == nullptr) stream = streams_.insert(ssrc);
  if (stream == nullptr) return fail(SrtpStatus::kUnknownSsrcOverflow);

  // The sender tracks its own ROC the same way a receiver does (RFC 3711 §3.3.1), which also
  // copes with a caller handing over slightly reordered packets.
  const uint64_t index =
      stream->rtp.started() ? estimate_rtp_index(stream->rtp.highest(), seq) : seq;
  if (index > kMaxRtpIndex) return fail(SrtpStatus::kIndexExhausted);
  const SrtpStatus replay = verdict_status(stream->rtp.check(index));
  if (replay == SrtpStatus::kTooOld || (replay == SrtpStatus::kReplay && !allow_repeat_tx_)) {
    return fail(replay);
  }

  const auto tag = buffer.subspan(length, tag_len);
  const bool ok = std::visit(
      [&](auto& t) { return t.protect_rtp(packet, header_len, ssrc, index, tag); }, transform_);
  if (!ok) return fail(SrtpStatus::kCryptoError);
  stream->rtp.accept(index);
  length += tag_len;
  ++stats_.protected_packets;
  return SrtpStatus::kOk;
}

SrtpStatus SrtpSession::unprotect_rtp(std::span<uint8_t> buffer, size_t& length) noexcept {
  if (direction_ != Direction::kInbound) return fail(SrtpStatus::kWrongDirection);
  const size_t tag_len = info_->rtp_tag_len;
  if (length > buffer.size() || length < kRtpFixedHeaderLen + tag_len) {
    return fail(SrtpStatus::kBadLength);
  }
  const size_t body_len = length - tag_len;
  const auto packet = buffer.first(body_len);
  const size_t header_len = rtp_header_len(packet);
  if (header_len == 0) return fail(SrtpStatus::kBadLength);

  const uint32_t ssrc = load_be32(packet.data() + 8);
  const uint16_t seq = load_be16(packet.data() + 2);
  // A new SSRC gets a slot only once its first packet authenticates, so forged SSRCs cannot
  // fill the table; until then it is checked against a scratch state.
  StreamState scratch;
  StreamState* stream = streams_.find(ssrc);
  const bool fresh = stream == nullptr;
  if (fresh) {
    if (streams_.full()) return fail(SrtpStatus::kUnknownSsrcOverflow);
    stream = &scratch;
  }

  // RFC 3711 §3.3 steps 2-6: estimate the index, check replay, authenticate, decrypt, update.
  const uint64_t index =
      stream->rtp.started() ? estimate_rtp_index(stream->rtp.highest(), seq) : seq;
  if (index > kMaxRtpIndex) return fail(SrtpStatus::kTooOld);
  const SrtpStatus replay = verdict_status(stream->rtp.check(index));
  if (replay != SrtpStatus::kOk) return fail(replay);

  const auto tag = buffer.subspan(body_len, tag_len);
  const bool ok = std::visit(
      [&](auto& t) { return t.unprotect_rtp(packet, header_len, ssrc, index, tag); }, transform_);
  if (!ok) return fail(SrtpStatus::kAuthFailure);
  if (fresh) stream = streams_.insert(ssrc);  // cannot fail: the table was not full
  stream->rtp.accept(index);
  length = body_len;
  ++stats_.unprotected_packets;
  return SrtpStatus::kOk;
}

// SRTCP trailer layouts:
//   AES-CM  (RFC 3711 §3.4): | encrypted portion | E || index (4) | tag (10) |
//   AES-GCM (RFC 7714 §9):   | encrypted portion | tag (16) | E || index (4) |
SrtpStatus SrtpSession::protect_rtcp(std::span<uint8_t> buffer, size_t& length) noexcept {
  if (direction_ != Direction::kOutbound) return fail(SrtpStatus::kWrongDirection);
  if (length > buffer.size()) return fail(SrtpStatus::kBadLength);
  const auto packet = buffer.first(length);
  if (!rtcp_header_ok(packet)) return fail(SrtpStatus::kBadLength);
  const size_t tag_len = info_->rtcp_tag_len;
  if (buffer.size() - length < tag_len + kIndexWordLen) return fail(SrtpStatus::kNoTailRoom);

  const uint32_t ssrc = load_be32(packet.data() + 4);
  StreamState* stream = streams_.find(ssrc);
  if (stream == nullptr) stream = streams_.insert(ssrc);
  if (stream == nullptr) return fail(SrtpStatus::kUnknownSsrcOverflow);
  if (stream->rtcp_next_index > kMaxRtcpIndex) return fail(SrtpStatus::kIndexExhausted);

  const uint32_t e_index = 0x80000000u | stream->rtcp_next_index;  // always encrypt (E = 1)
  uint8_t* trailer = buffer.data() + length;
  const auto tag = info_->aead ? buffer.subspan(length, tag_len)
                               : buffer.subspan(length + kIndexWordLen, tag_len);
  store_be32(info_->aead ? trailer + tag_len : trailer, e_index);
  const bool ok =
      std::visit([&](auto& t) { return t.protect_rtcp(packet, ssrc, e_index, tag); }, transform_);
  if (!ok) return fail(SrtpStatus::kCryptoError);
  ++stream->rtcp_next_index;
  length += tag_len + kIndexWordLen;
  ++stats_.protected_packets;
  return SrtpStatus::kOk;
}

SrtpStatus SrtpSession::unprotect_rtcp(std::span<uint8_t> buffer, size_t& length) noexcept {
  if (direction_ != Direction::kInbound) return fail(SrtpStatus::kWrongDirection);
  const size_t tag_len = info_->rtcp_tag_len;
  const size_t trailer_len = tag_len + kIndexWordLen;
  if (length > buffer.size() || length < kRtcpHeaderLen + trailer_len) {
    return fail(SrtpStatus::kBadLength);
  }
  const size_t body_len = length - trailer_len;
  const auto packet = buffer.first(body_len);
  if (!rtcp_header_ok(packet)) return fail(SrtpStatus::kBadLength);

  const uint8_t* trailer = buffer.data() + body_len;
  const uint32_t e_index = load_be32(info_->aead ? trailer + tag_len : trailer);
  const auto tag = info_->aead ? buffer.subspan(body_len, tag_len)
                               : buffer.subspan(body_len + kIndexWordLen, tag_len);
  const uint32_t ssrc = load_be32(packet.data() + 4);
  StreamState scratch;
  StreamState* stream = streams_.find(ssrc);
  const bool fresh = stream == nullptr;
  if (fresh) {
    if (streams_.full()) return fail(SrtpStatus::kUnknownSsrcOverflow);
    stream = &scratch;
  }

  const uint32_t index = e_index & kMaxRtcpIndex;
  const SrtpStatus replay = verdict_status(stream->rtcp.check(index));
  if (replay != SrtpStatus::kOk) return fail(replay);
  const bool ok =
      std::visit([&](auto& t) { return t.unprotect_rtcp(packet, ssrc, e_index, tag); }, transform_);
  if (!ok) return fail(SrtpStatus::kAuthFailure);
  if (fresh) stream = streams_.insert(ssrc);
  stream->rtcp.accept(index);
  length = body_len;
  ++stats_.unprotected_packets;
  return SrtpStatus::kOk;
}

}  // namespace tandem::srtp
