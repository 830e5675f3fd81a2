// The B2BUA (DESIGN.md §1, §3): every call is two dialogs, the browser's and the PBX's, joined by
// a Call with its media. CallManager receives the calls GatewayCore lets in (CallHandler), owns
// the Calls and routes the user agent's events for their legs to them: it is the listener of
// every leg's UacInvite and InviteSession, so a leg event that arrives after its Call ended is
// recognised and cleaned up (a late 2xx after our CANCEL is ACKed and BYE'd). The manager must
// not be destroyed while the UserAgent still delivers events (end_all_calls first, then stop the
// signaling loop, then destroy).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/call_handler.hpp"
#include "gateway/media_plane.hpp"
#include "gateway/sdp_translator.hpp"
#include "sip/invite_session.hpp"
#include "sip/uac_invite.hpp"
#include "sip/uri.hpp"
#include "sip/user_agent.hpp"

namespace tandem::gateway {

class Call;

enum class CallLogLevel { kDebug, kInfo, kWarn };
// Where call events are logged: one info line per event, prefixed with the call's Call-IDs.
using CallLogger = std::function<void(CallLogLevel level, std::string_view line)>;

// Call control settings, from `tandem --config` ([sip], [codecs]).
struct CallSettings {
  // The PBX (`sip.pbx`, e.g. sip:pbx.example.com;transport=tcp): INVITEs toward it take this URI
  // with the dialled user as Request-URI. The outbound proxy, if any, is the UserAgent's.
  sip::Uri pbx_uri;
  // The AOR domain (`sip.domain`): From is <browser user>@domain and To <dialled>@domain toward
  // the PBX (the gateway defaults it to the PBX's host, as for registrations).
  std::string domain;
  // Codec order and transcoding toward the PBX. The media addresses come from MediaPlane.
  TranslatorConfig translator;
  // Null: spdlog's default logger.
  CallLogger logger;
};

class CallManager final : public CallHandler,
                          public sip::UacInviteListener,
                          public sip::InviteSession::Listener {
 public:
  CallManager(sip::UserAgent& ua, MediaPlane& media, CallSettings settings);
  ~CallManager() override;
  CallManager(const CallManager&) = delete;
  CallManager& operator=(const CallManager&) = delete;

  // CallHandler
  void on_browser_invite(sip::IncomingInvite& invite, const BrowserFlow& browser) override;
  void on_pbx_invite(sip::IncomingInvite& invite, const BrowserBinding& callee) override;
  void on_cancelled(sip::IncomingInvite& invite) override;
  void on_browser_gone(uint64_t connection_id) override;
  void end_all_calls(std::function<void()> done) override;
  size_t active_calls() const override { return calls_.size(); }

  // sip::UacInviteListener (the outgoing leg of every call)
  void on_progress(sip::UacInvite& invite, const sip::Message& response,
                   sip::InviteSession* early) override;
  void on_answered(sip::UacInvite& invite, sip::InviteSession& session,
                   const sip::Message& response) override;
  void on_failed(sip::UacInvite& invite, const sip::Message& response) override;
  // sip::InviteSession::Listener (both legs of every call)
  void on_request(sip::InviteSession& session, const sip::IncomingRequest& request) override;
  void on_ack(sip::InviteSession& session, const sip::Message& ack) override;
  void on_terminated(sip::InviteSession& session, sip::SessionEnd end) override;

  // ---- for Call ----
  sip::UserAgent& ua() { return ua_; }
  MediaPlane& media() { return media_; }
  const CallSettings& settings() const { return settings_; }
  const std::string& domain() const { return settings_.domain; }
  void log(CallLogLevel level, std::string_view line) const;
  void bind(sip::UacInvite& invite, Call& call) { by_uac_[&invite] = &call; }
  void unbind(const sip::UacInvite& invite) { by_uac_.erase(&invite); }
  void bind(sip::InviteSession& session, Call& call);
  void unbind(sip::InviteSession& session) { by_session_.erase(&session); }
  void bind(sip::IncomingInvite& invite, Call& call) { by_incoming_[&invite] = &call; }
  void unbind(const sip::IncomingInvite& invite) { by_incoming_.erase(&invite); }
  void bind_media(MediaId id, Call& call) { by_media_[id] = &call; }
  void unbind_media(MediaId id) { by_media_.erase(id); }
  // The call whose callee INVITE is being sent: UacInvite events during UserAgent::invite()
  // itself (a local failure) belong to it.
  void starting(Call* call) { starting_ = call; }
  // Expires with the manager: callbacks that arrive later check it first.
  std::weak_ptr<bool> alive() const { return alive_; }
  // A Call that ended: forgotten now, deleted once the outermost event returns.
  void retire(Call& call);
  // Whether call `number` still exists (media answers arrive later).
  Call* find(uint64_t number);

  // Counts nested entries from the user agent, the media plane and GatewayCore; retired Calls
  // are deleted when the outermost one returns. It also holds the user agent's Guard, so SIP
  // objects a Call ends stay valid until then even when the entry came from outside the core.
  class Entry {
   public:
    explicit Entry(CallManager& m) : m_(m), ua_guard_(m.ua_) { ++m_.depth_; }
    ~Entry();
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;

   private:
    CallManager& m_;
    sip::UserAgent::Guard ua_guard_;
  };

 private:
  Call& add_call(bool from_browser);
  Call* call_of(sip::UacInvite& invite);
  Call* call_of(sip::InviteSession& session);
  void on_media_ended(const MediaEnded& ended);

  sip::UserAgent& ua_;
  MediaPlane& media_;
  CallSettings settings_;
  uint64_t next_number_ = 1;
  std::map<uint64_t, std::unique_ptr<Call>> calls_;
  std::unordered_map<const sip::UacInvite*, Call*> by_uac_;
  std::unordered_map<sip::InviteSession*, Call*> by_session_;
  std::unordered_map<const sip::IncomingInvite*, Call*> by_incoming_;
  std::unordered_map<MediaId, Call*> by_media_;
  std::vector<std::unique_ptr<Call>> graveyard_;
  Call* starting_ = nullptr;
  int depth_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tandem::gateway
