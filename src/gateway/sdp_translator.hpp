// SDP translation between the browser leg (WebRTC: UDP/TLS/RTP/SAVPF, ICE-lite, DTLS-SRTP,
// BUNDLE, rtcp-mux, Opus) and the PBX leg (plain RTP/AVP with Opus, PCMU or PCMA), both ways,
// and the bridge mode the media bridge applies. Pure functions: no I/O, no clock; the caller
// supplies our transport parameters and keeps the descriptions of the current negotiation.
// Re-offers (hold/resume, re-INVITE/UPDATE) go through the same functions; our DTLS role and
// fingerprint stay fixed (RFC 5763 §5) and media_change() tells what moved.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "sdp/candidate.hpp"
#include "sdp/offer_answer.hpp"
#include "sdp/rtp_attributes.hpp"
#include "sdp/session_description.hpp"
#include "sdp/transport_attributes.hpp"

namespace tandem::gateway {

// Our end of the browser leg: ICE-lite credentials, host candidates, the DTLS certificate's
// SHA-256 fingerprint, and the address/port for c= and m= (the first candidate's, normally).
struct BrowserTransport {
  std::string ufrag;
  std::string pwd;
  std::string fingerprint_sha256;  // "AB:CD:..."
  std::vector<sdp::Candidate> candidates;
  std::string address;
  std::string address_type = "IP4";
  uint16_t port = 9;
};

// Our end of the PBX leg: the configured SIP-side media address and the allocated RTP port.
struct PbxTransport {
  std::string address;
  std::string address_type = "IP4";
  uint16_t port = 0;
};

struct TranslatorConfig {
  // Codecs toward the PBX in preference order. Opus is bridged as is; PCMU/PCMA need
  // transcoding and are dropped when `transcoding` is off. Others are ignored.
  std::vector<sdp::CodecPreference> pbx_codecs = {
      {"opus", 48000, 2}, {"PCMU", 8000, std::nullopt}, {"PCMA", 8000, std::nullopt}};
  bool transcoding = true;
  uint32_t ptime_ms = 20;
  std::string session_name = "tandem";
};

enum class PbxCodec { kOpus, kPcmu, kPcma };

// What the media bridge does with one call's audio.
struct BridgeMode {
  PbxCodec pbx_codec = PbxCodec::kOpus;
  bool passthrough() const { return pbx_codec == PbxCodec::kOpus; }
  uint8_t browser_pt = 111;  // Opus on the browser leg
  uint8_t pbx_pt = 0;
  std::optional<uint8_t> browser_dtmf_pt;  // telephone-event/48000, or /8000 (Firefox)
  uint32_t browser_dtmf_clock_rate = 48000;
  std::optional<uint8_t> pbx_dtmf_pt;
  uint32_t pbx_dtmf_clock_rate = 8000;
  // Our own directions: what we may send/receive on each leg.
  sdp::Direction browser_direction = sdp::Direction::kSendRecv;
  sdp::Direction pbx_direction = sdp::Direction::kSendRecv;
  std::string pbx_address;  // where the PBX wants its RTP
  uint16_t pbx_port = 0;
  // The browser's transport, for the WebRtcTransport.
  std::string remote_ufrag;
  std::string remote_pwd;
  std::string remote_fingerprint_alg;
  std::string remote_fingerprint;
  sdp::Setup local_setup = sdp::Setup::kPassive;  // our DTLS role: passive = DTLS server

  bool operator==(const BridgeMode&) const = default;
};

struct Negotiated {
  sdp::SessionDescription sdp;  // the answer to send
  BridgeMode bridge;
};

// Outgoing call (browser -> PBX). The PBX offer built from the browser's offer. Errors (status
// 488, reason usable as Warning text): no audio m= line, no Opus, no ICE/fingerprint.
Result<sdp::SessionDescription> offer_to_pbx(const sdp::SessionDescription& browser_offer,
                                             const TranslatorConfig& config,
                                             const PbxTransport& local);
// The browser answer and bridge mode from the PBX's answer to `pbx_offer` (what offer_to_pbx
// returned). Errors: the PBX rejected audio or chose a codec we did not offer.
Result<Negotiated> answer_to_browser(const sdp::SessionDescription& browser_offer,
                                     const sdp::SessionDescription& pbx_offer,
                                     const sdp::SessionDescription& pbx_answer,
                                     const BrowserTransport& local);

// Incoming call (PBX -> browser). The browser offer for the PBX's offer; 488 when the PBX offers
// nothing we can bridge.
Result<sdp::SessionDescription> offer_to_browser(const sdp::SessionDescription& pbx_offer,
                                                 const TranslatorConfig& config,
                                                 const BrowserTransport& local);
// The PBX answer and bridge mode from the browser's answer to `browser_offer`.
Result<Negotiated> answer_to_pbx(const sdp::SessionDescription& pbx_offer,
                                 const sdp::SessionDescription& browser_offer,
                                 const sdp::SessionDescription& browser_answer,
                                 const TranslatorConfig& config, const PbxTransport& local);

// What a re-negotiation changed, for the bridge.
struct MediaChange {
  bool pbx_address_changed = false;  // new c=/port from the PBX: re-target RTP
  bool codec_changed = false;
  bool direction_changed = false;   // hold or resume
  bool new_dtls_handshake = false;  // the browser's fingerprint changed (RFC 5763 §5)
};
MediaChange media_change(const BridgeMode& before, const BridgeMode& after);

// The o= line of a re-offer or re-answer on the same leg: same session id, version + 1
// (RFC 3264 §8). The caller copies it into the new description.
sdp::Origin next_origin(const sdp::Origin& previous);

}  // namespace tandem::gateway
