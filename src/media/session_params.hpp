// The plain values the signaling side and a media worker exchange by posting: what a session
// needs from the browser's SDP, what the worker answers with, and a stats snapshot.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ice/endpoint.hpp"
#include "media/session_table.hpp"

namespace tandem::media {

enum class MediaKind : uint8_t { kAudio, kVideo };

// One accepted RTP m= section of the BUNDLE.
struct StreamParams {
  std::string mid;
  MediaKind kind = MediaKind::kAudio;
  uint32_t clock_rate = 48000;
  std::vector<uint8_t> payload_types;  // accepted payload types of this section
  std::vector<uint32_t> remote_ssrcs;  // the browser's a=ssrc ids (may be empty)
  uint32_t local_ssrc = 0;             // what we send this section's echo with
  bool echo = true;                    // false when the answer does not send on this section
};

struct SessionParams {
  std::string remote_ufrag;
  std::string remote_pwd;
  std::string remote_fingerprint_alg;  // "sha-256"
  std::string remote_fingerprint;      // "AB:CD:..."
  std::string cname = "tandem-echo";   // our RTCP SDES CNAME
  std::vector<StreamParams> streams;
};

// The worker's reply to a session creation.
struct SessionInfo {
  SessionId id = 0;
  uint32_t worker = 0;
  std::string local_ufrag;
  std::string local_pwd;
  std::string fingerprint_sha256;  // "AB:CD:..." of the worker's certificate
  ice::Endpoint candidate;         // our first host candidate (the worker's first UDP port)
  // Every host candidate, UDP ones first (the worker's ports, IPv4 and IPv6); the signaling
  // side appends the shared ICE-TCP port's (transport TCP, written as tcptype passive).
  std::vector<ice::Endpoint> candidates;
};

struct StreamStats {
  std::string mid;
  MediaKind kind = MediaKind::kAudio;
  uint32_t remote_ssrc = 0;
  uint32_t local_ssrc = 0;
  uint64_t packets_received = 0;
  uint64_t packets_sent = 0;
  int32_t cumulative_lost = 0;
  uint32_t jitter = 0;               // timestamp units, as we report it
  std::optional<double> rtt_ms;      // from the browser's report blocks about our echo
  uint8_t remote_fraction_lost = 0;  // what the browser reports about our echo
};

// The PBX leg's codec; the audio path is chosen from it once per configure.
enum class BridgeCodec : uint8_t { kOpus, kPcmu, kPcma };

// A call bridge's own figures, beside its browser leg's SessionStats.
struct BridgeStats {
  BridgeCodec pbx_codec = BridgeCodec::kOpus;
  uint16_t pbx_port = 0;
  std::string pbx_destination;  // where RTP goes now: the SDP's, or the latched source
  uint64_t browser_rtp_in = 0;
  uint64_t browser_rtp_out = 0;
  uint64_t pbx_rtp_in = 0;  // valid packets of the negotiated payload types
  uint64_t pbx_rtp_out = 0;
  uint64_t pbx_dropped = 0;  // not RTP, or other payload types
  uint64_t pbx_rtcp_received = 0;
  uint64_t pbx_rtcp_sent = 0;
  uint64_t pbx_latches = 0;
  uint64_t held = 0;  // not sent because of a direction (hold)
  uint64_t dtmf_generated = 0;
  std::optional<double> pbx_rtt_ms;  // from the PBX's report blocks about our stream
};

struct SessionStats {
  SessionId id = 0;
  uint32_t worker = 0;
  std::string ice_state;
  std::string dtls_state;
  std::string srtp_profile;
  std::string selected_path;
  std::string selected_transport;  // "udp" or "tcp", with selected_path
  double age_s = 0;
  std::optional<double> connect_ms;  // creation to SRTP keys
  uint64_t datagrams_received = 0;
  uint64_t datagrams_sent = 0;
  uint64_t rtcp_received = 0;
  uint64_t rtcp_sent = 0;
  uint64_t srtp_failures = 0;       // every SRTP/SRTCP transform failure, both directions
  uint64_t srtp_replays = 0;        // inbound packets refused as replayed or too old
  uint64_t srtp_auth_failures = 0;  // inbound packets whose tag did not verify
  std::vector<StreamStats> streams;
  std::optional<BridgeStats> bridge;  // call bridges only
};

// --- Call bridges (a browser leg bridged to a PBX RTP leg) ---------------------------------------

// What a bridge does with one call's audio: the media side's copy of gateway::BridgeMode, in plain
// values (media does not read SDP of calls).
struct BridgeParams {
  BridgeCodec pbx_codec = BridgeCodec::kOpus;
  uint8_t browser_pt = 111;  // Opus on the browser leg
  uint8_t pbx_pt = 0;
  std::optional<uint8_t> browser_dtmf_pt;
  std::optional<uint8_t> pbx_dtmf_pt;
  uint32_t browser_dtmf_clock_rate = 48000;
  uint32_t pbx_dtmf_clock_rate = 8000;
  // Whether we may send on each leg (hold: sendonly/recvonly/inactive).
  bool browser_send = true;
  bool pbx_send = true;
  std::string pbx_address;  // where the PBX wants its RTP (RTCP goes to port + 1)
  uint16_t pbx_port = 0;
  // The browser's transport. An empty remote_ufrag accepts checks on our credentials alone.
  std::string remote_ufrag;
  std::string remote_pwd;
  std::string remote_fingerprint_alg;
  std::string remote_fingerprint;
  bool dtls_client = false;  // our DTLS role: client when we are setup:active
  std::string cname = "tandem";

  bool operator==(const BridgeParams&) const = default;
};

// The worker's reply to a bridge allocation: our end of both legs.
struct BridgeInfo {
  SessionId id = 0;
  uint32_t worker = 0;
  std::string local_ufrag;
  std::string local_pwd;
  std::string fingerprint_sha256;
  std::vector<ice::Endpoint> candidates;  // UDP host candidates, as in SessionInfo
  std::string pbx_address;                // announced SIP-side media address
  uint16_t pbx_port = 0;                  // RTP; RTCP is pbx_port + 1
};

}  // namespace tandem::media
