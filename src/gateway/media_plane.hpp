// What a Call asks of the media workers, as an interface so that call control does not depend on
// threads: the media lives on worker threads and every answer comes back later, posted to the
// signaling thread. WorkerMediaPlane implements it over media::MediaWorker; call tests may use
// their own.
//
// Life of one call's media: allocate() reserves a browser-side WebRTC session (our ICE-lite
// credentials, candidates, DTLS fingerprint) and a PBX-side RTP port, before either SDP is
// known, so that the first offer we build can carry them. configure() applies a negotiated
// BridgeMode (and again on every re-negotiation: hold, resume, new PBX address, early media then
// answer). release() frees both. Nothing flows until the first configure().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "common/result.hpp"
#include "gateway/sdp_translator.hpp"

namespace tandem::gateway {

using MediaId = uint64_t;

struct MediaAllocation {
  MediaId id = 0;
  BrowserTransport browser;  // our end of the browser leg, for the browser-side SDP
  PbxTransport pbx;          // our end of the PBX leg, for the PBX-side SDP
};

// Why a call's media ended on its own (ICE consent lost, DTLS failed or closed by the browser).
struct MediaEnded {
  MediaId id = 0;
  std::string reason;
};

class MediaPlane {
 public:
  using Allocated = std::function<void(Result<MediaAllocation>)>;
  using Configured = std::function<void(Status)>;
  using EndedHandler = std::function<void(const MediaEnded&)>;

  virtual ~MediaPlane() = default;

  // Reserves the media of one call. `done` runs later on the signaling thread (never inside
  // this call); an error means no capacity (no free port, session limit) and says which.
  virtual void allocate(Allocated done) = 0;
  // Applies `mode` to the call's media; may be called again with a new mode (MediaChange says
  // what moved). `done` runs later on the signaling thread.
  virtual void configure(MediaId id, const BridgeMode& mode, Configured done) = 0;
  // Sends one RFC 4733 event toward the PBX on its negotiated telephone-event payload type (a
  // browser's SIP INFO digit); false when the PBX leg has none, so the caller relays the INFO.
  virtual bool send_dtmf(MediaId id, char digit, std::chrono::milliseconds duration) = 0;
  // Frees the call's media (DTLS close_notify to the browser). Unknown ids are ignored.
  virtual void release(MediaId id) = 0;
  // Called on the signaling thread when media ends without a release().
  virtual void set_ended_handler(EndedHandler handler) = 0;
};

}  // namespace tandem::gateway
