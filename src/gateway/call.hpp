// One B2BUA call: the caller's leg (the INVITE we received: from a browser or from the PBX), the
// callee's leg (the INVITE we sent the other way) and the call's media. A Call translates every
// offer and answer between the legs (sdp_translator), applies the negotiated bridge mode to the
// media, relays progress, failures, BYE, CANCEL, re-INVITE/UPDATE, INFO, MESSAGE and blind transfer
// (REFER and its NOTIFYs, RFC 3515), and ends both legs together. CallManager routes the legs'
// events here; a Call never outlives them: when it ends, the manager forgets it and later leg
// events are ignored.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/call_handler.hpp"
#include "gateway/media_plane.hpp"
#include "gateway/sdp_translator.hpp"
#include "sdp/session_description.hpp"
#include "sip/invite_session.hpp"
#include "sip/uac_invite.hpp"
#include "sip/uas_invite.hpp"

namespace tandem::gateway {

class CallManager;

class Call {
 public:
  Call(CallManager& manager, uint64_t number, bool from_browser);
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  uint64_t number() const { return number_; }
  bool from_browser() const { return from_browser_; }
  std::optional<uint64_t> browser_connection() const { return browser_connection_; }
  bool ended() const { return ended_; }

  // The caller's INVITE (already checked by GatewayCore).
  void start_from_browser(sip::IncomingInvite& invite, const BrowserFlow& browser);
  void start_from_pbx(sip::IncomingInvite& invite, const BrowserBinding& callee);

  // Events routed by CallManager.
  void on_caller_cancelled();
  void on_callee_started(sip::UacInvite& invite);
  void on_callee_progress(const sip::Message& response, sip::InviteSession* early);
  void on_callee_answered(sip::InviteSession& session, const sip::Message& response);
  void on_callee_failed(const sip::Message& response);
  void on_request(sip::InviteSession& session, const sip::IncomingRequest& request);
  void on_terminated(sip::InviteSession& session, sip::SessionEnd end);
  void on_browser_gone();
  void on_media_ended(const std::string& reason);
  // Ends the call: BYE (with `reason` as the Reason header) to confirmed legs, CANCEL or a
  // `status` answer to unanswered ones, media released.
  // `why`, if any, goes in a Warning header of the caller's failure response.
  void hang_up(int status, const std::string& reason, std::string_view why = {});
  // Whether `session` is one of this call's legs (for answers that arrive later).
  bool owns(const sip::InviteSession* session) const;

 private:
  // The re-INVITE or UPDATE we are answering; one offer/answer at a time per call.
  struct Renegotiation {
    bool from_browser = false;  // whose request it is
    sip::IncomingRequest request;
    sdp::SessionDescription offer;      // as received
    sdp::SessionDescription our_offer;  // as sent on the other leg
  };
  // A REFER relayed to the other leg: its implicit subscription (RFC 3515 §2.4.4), whose
  // NOTIFYs come back on the other leg and go on to the referrer with the referrer's id.
  struct Referral {
    bool from_browser = false;   // the referrer's side
    uint32_t referrer_cseq = 0;  // the REFER's CSeq as the referrer sent it (its Event id)
    uint32_t relayed_cseq = 0;   // the CSeq of our REFER on the other leg (the notifier's id)
  };

  void allocate();
  void on_allocated(Result<MediaAllocation> allocation);
  void send_callee_invite();
  void answer_caller(const std::string& body);
  void relay_in_dialog(sip::InviteSession& from, sip::InviteSession& to,
                       const sip::IncomingRequest& request);
  void relay_message(sip::InviteSession& from, sip::InviteSession& to,
                     const sip::IncomingRequest& request, sip::Message out);
  void on_refer(sip::InviteSession& session, sip::InviteSession& other,
                const sip::IncomingRequest& request);
  void on_notify(sip::InviteSession& session, sip::InviteSession& other,
                 const sip::IncomingRequest& request);
  void on_referral_answer(uint32_t relayed_cseq, int status);
  void on_reoffer(sip::InviteSession& session, const sip::IncomingRequest& request);
  void on_reoffer_answer(const sip::Message& response);
  void finish_reoffer(int status, const std::string& body);
  bool handle_info_dtmf(sip::InviteSession& session, const sip::IncomingRequest& request);
  void configure(const BridgeMode& mode, std::function<void(Call&)> then);
  void detach();
  std::string browser_body(sdp::SessionDescription sd);
  std::string pbx_body(sdp::SessionDescription sd);
  static std::string next_body(sdp::SessionDescription sd, std::optional<sdp::Origin>& origin,
                               std::string& last);
  bool is_browser_side(bool caller) const;
  bool is_browser_leg(const sip::InviteSession& session) const;
  sip::InviteSession* browser_session() const;
  sip::InviteSession* pbx_session() const;
  sip::InviteSession* other_leg(const sip::InviteSession& session) const;
  std::string prefix() const;
  void log_info(std::string_view what) const;
  void log_warn(std::string_view what) const;
  void log_debug(std::string_view what) const;

  CallManager& manager_;
  const uint64_t number_;
  const bool from_browser_;  // the caller is a browser (outgoing call toward the PBX)
  bool ended_ = false;
  bool answering_ = false;  // the callee answered; the caller's 2xx waits for the media
  bool answered_ = false;   // the caller got its 2xx
  bool callee_failed_ = false;
  std::string end_cause_;
  std::string caller_call_id_;
  std::string callee_call_id_;
  std::string caller_user_;  // the From user toward the callee
  std::string caller_display_;
  std::string dialled_;  // the To user toward the callee
  std::optional<uint64_t> browser_connection_;
  std::optional<sip::Flow> browser_flow_;
  std::optional<BrowserBinding> binding_;  // where a PBX call goes
  // The browser's token `allow` list: where it may call and transfer to (none: anywhere).
  std::optional<std::vector<std::string>> browser_allow_;
  // The caller's leg: its INVITE until answered, then its session.
  sip::IncomingInvite* caller_invite_ = nullptr;
  sip::InviteSession* caller_ = nullptr;
  // The callee's leg: our INVITE until answered, then its session.
  sip::UacInvite* callee_invite_ = nullptr;
  sip::InviteSession* callee_ = nullptr;
  std::optional<MediaAllocation> media_;
  bool configuring_ = false;
  std::optional<BridgeMode> mode_;  // as last applied
  // The first negotiation: the caller's offer and ours to the callee.
  sdp::SessionDescription caller_offer_;
  sdp::SessionDescription callee_offer_;
  std::string callee_body_;
  // What we last sent on each leg; o= versions continue from it (RFC 3264 §8).
  std::optional<sdp::Origin> browser_origin_;
  std::optional<sdp::Origin> pbx_origin_;
  std::string last_browser_body_;
  std::string last_pbx_body_;
  std::optional<Renegotiation> reneg_;
  std::vector<Referral> referrals_;  // transfers whose subscription is not terminated
};

}  // namespace tandem::gateway
