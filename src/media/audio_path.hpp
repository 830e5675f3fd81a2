// What a call bridge does with each audio and telephone-event packet, chosen once when the bridge
// is configured (rtpengine's handler idea): an Opus passthrough path or a transcoding path
// (Opus <-> PCMU/PCMA). No per-packet branching on codec names; every call is noexcept, lock-free
// and allocation-free (codec state and scratch buffers are made at creation).
//
// A path only shapes packets; the bridge (BridgeOutput) rewrites each leg's SSRC, sequence and
// timestamp, honours directions (hold) and sends. What a path hands to the output carries its own
// "input" SSRC/sequence/timestamp: the browser's or the PBX's for passed-through packets, a
// synthetic stream for packets the path makes (transcoded frames, generated DTMF).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "media/session_params.hpp"
#include "rtp/rtp_packet_view.hpp"
#include "rtp/telephone_event.hpp"

namespace tandem::media {

class BridgeOutput {
 public:
  // A packet toward the PBX (its buffer needs no tail room).
  virtual void to_pbx(rtp::RtpPacketView& packet, TimePoint now) noexcept = 0;
  // A packet toward the browser; `buffer` holds it at its start with SRTP tail room behind.
  virtual void to_browser(std::span<uint8_t> buffer, rtp::RtpPacketView& packet,
                          TimePoint now) noexcept = 0;
  // The next packet toward the PBX starts a new source for the rewriter (generated DTMF).
  virtual void new_pbx_source() noexcept = 0;

 protected:
  ~BridgeOutput() = default;
};

class AudioPath {
 public:
  virtual ~AudioPath() = default;

  // Decrypted browser packets (Opus, telephone-event) in a buffer with SRTP tail room.
  virtual void browser_audio(rtp::RtpPacketView& packet, TimePoint now) noexcept = 0;
  virtual void browser_event(rtp::RtpPacketView& packet, TimePoint now) noexcept = 0;
  // PBX packets (its codec, telephone-event); `buffer` is the receive buffer holding the packet
  // at its start, with SRTP tail room behind.
  virtual void pbx_audio(std::span<uint8_t> buffer, rtp::RtpPacketView& packet,
                         TimePoint now) noexcept = 0;
  virtual void pbx_event(std::span<uint8_t> buffer, rtp::RtpPacketView& packet,
                         TimePoint now) noexcept = 0;
  // One generated RFC 4733 packet toward the PBX (MediaPlane::send_dtmf); `start` marks the
  // first packet of an event (marker bit, new event timestamp), `last` its final end repeat.
  // The browser's audio is held back from start to last: audio between the end repeats would
  // move them to a new timestamp, and the PBX would count each as another digit.
  virtual void pbx_generated_event(const rtp::TelephoneEvent& event, bool start, bool last,
                                   TimePoint now) noexcept = 0;
};

// The path for `params` (passthrough for Opus, else transcoding), sending through `output`.
Result<std::unique_ptr<AudioPath>> make_audio_path(const BridgeParams& params,
                                                   BridgeOutput& output);

// Removes an RTP header extension in place by moving the fixed header and CSRCs forward over it;
// returns the packet's new span (a suffix of `packet`). Packets without one are returned as is.
std::span<uint8_t> strip_header_extension(std::span<uint8_t> packet) noexcept;
// Writes a 12-byte RTP header; returns 12, or 0 when `out` is too small.
size_t write_rtp_header(std::span<uint8_t> out, uint8_t payload_type, bool marker,
                        uint16_t sequence, uint32_t timestamp, uint32_t ssrc) noexcept;

}  // namespace tandem::media
