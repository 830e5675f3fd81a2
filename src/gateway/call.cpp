#include "gateway/call.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <utility>

#include "common/text.hpp"
#include "gateway/call_failure.hpp"
#include "gateway/call_manager.hpp"
#include "gateway/dtmf_info.hpp"
#include "sdp/parser.hpp"
#include "sdp/serializer.hpp"
#include "sip/header_values.hpp"
#include "sip/message_builder.hpp"

namespace tandem::gateway {
namespace {

constexpr std::string_view kSdp = "application/sdp";
constexpr int kQ850TemporaryFailure = 41;
// Transfers of one call whose subscriptions may be open at once (a bound on what a peer can pin).
constexpr size_t kMaxReferrals = 4;

std::string_view content_type(const sip::Message& m) {
  const sip::Header* h = m.find(sip::HeaderId::kContentType);
  return h == nullptr ? std::string_view{} : h->value;
}

bool is_sdp(std::string_view type) { return iequals(trim(type.substr(0, type.find(';'))), kSdp); }

bool has_sdp(const sip::Message& m) { return !m.body().empty() && is_sdp(content_type(m)); }

// The SDP body of `m`: an error when it has none or it does not parse.
Result<sdp::SessionDescription> sdp_of(const sip::Message& m) {
  if (!has_sdp(m)) return Error{"no SDP body"};
  auto sd = sdp::parse_sdp(m.body());
  if (!sd) return Error{"bad SDP: " + sd.error().describe()};
  return sd;
}

std::string call_id_of(const sip::Message& m) {
  auto id = m.call_id();
  return id ? std::string(*id) : std::string("?");
}

std::string warning(std::string_view text) {
  std::string out = "399 tandem \"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  }
  return out + "\"";
}

// What the bridge does with the audio, for the call's log (and the e2e tests that read it).
std::string describe_codec_handling(const BridgeMode& mode) {
  if (mode.passthrough()) return "Opus passthrough";
  return std::string("transcoding Opus <-> ") +
         (mode.pbx_codec == PbxCodec::kPcmu ? "PCMU" : "PCMA");
}

// `in` as a request of the dialog `to`: same method and body, with the headers the far end
// needs to understand it (Event, Subscription-State, Info-Package). Refer-To is the caller's.
sip::Message relayed_request(sip::InviteSession& to, const sip::Message& in) {
  sip::Message out = to.dialog().make_request(in.method());
  for (sip::HeaderId id : {sip::HeaderId::kEvent, sip::HeaderId::kSubscriptionState}) {
    for (std::string_view v : in.values(id)) out.add(id, v);
  }
  for (std::string_view v : in.values("Info-Package")) out.add("Info-Package", v);
  if (!in.body().empty()) {
    std::string_view type = content_type(in);
    out.add(sip::HeaderId::kContentType, type.empty() ? kSdp : type);
    out.set_body(std::string(in.body()));
  }
  return out;
}

}  // namespace

// Wraps a callback that arrives later (media answers, in-dialog responses): it runs only while
// the manager and this call still exist.
template <typename... Args, typename F>
auto later_for(CallManager& manager, uint64_t number, F f) {
  return [m = &manager, alive = manager.alive(), number, f = std::move(f)](Args... args) {
    if (alive.expired()) return;
    CallManager::Entry entry(*m);
    if (Call* call = m->find(number)) f(*call, args...);
  };
}

Call::Call(CallManager& manager, uint64_t number, bool from_browser)
    : manager_(manager), number_(number), from_browser_(from_browser) {}

// ---- start ----

void Call::start_from_browser(sip::IncomingInvite& invite, const BrowserFlow& browser) {
  caller_invite_ = &invite;
  manager_.bind(invite, *this);
  caller_call_id_ = call_id_of(invite.request());
  browser_flow_ = browser.flow;
  browser_connection_ = browser.flow.connection_id;
  caller_user_ = browser.subject;
  browser_allow_ = browser.allow;
  dialled_ = invite.request().request_uri().user;
  if (auto from = invite.request().from()) caller_display_ = from->display_name;
  log_info("INVITE from browser " + caller_user_ + " to " + dialled_);
  invite.respond(100);
  auto offer = sdp_of(invite.request());
  if (!offer) return hang_up(488, sip_reason(488, offer.error().reason), offer.error().reason);
  // Checked before allocating media: a browser offer we cannot translate costs nothing.
  auto check = offer_to_pbx(*offer, manager_.settings().translator, PbxTransport{"0.0.0.0"});
  if (!check) return hang_up(488, sip_reason(488, check.error().reason), check.error().reason);
  caller_offer_ = std::move(*offer);
  allocate();
}

void Call::start_from_pbx(sip::IncomingInvite& invite, const BrowserBinding& callee) {
  caller_invite_ = &invite;
  manager_.bind(invite, *this);
  caller_call_id_ = call_id_of(invite.request());
  binding_ = callee;
  browser_flow_ = callee.browser.flow;
  browser_connection_ = callee.browser.flow.connection_id;
  browser_allow_ = callee.browser.allow;
  dialled_ = callee.browser.subject;
  if (auto from = invite.request().from()) {
    caller_user_ = from->uri.user;
    caller_display_ = from->display_name;
  }
  log_info("INVITE from PBX " + caller_user_ + " to browser " + dialled_);
  invite.respond(100);
  auto offer = sdp_of(invite.request());
  if (!offer) return hang_up(488, sip_reason(488, offer.error().reason), offer.error().reason);
  BrowserTransport probe;
  probe.address = "0.0.0.0";
  auto check = offer_to_browser(*offer, manager_.settings().translator, probe);
  if (!check) return hang_up(488, sip_reason(488, check.error().reason), check.error().reason);
  caller_offer_ = std::move(*offer);
  allocate();
}

void Call::allocate() {
  manager_.media().allocate([m = &manager_, alive = manager_.alive(),
                             number = number_](Result<MediaAllocation> allocation) {
    if (alive.expired()) return;
    CallManager::Entry entry(*m);
    Call* call = m->find(number);
    if (call == nullptr) {
      if (allocation) m->media().release(allocation->id);  // the caller gave up meanwhile
      return;
    }
    call->on_allocated(std::move(allocation));
  });
}

void Call::on_allocated(Result<MediaAllocation> allocation) {
  if (!allocation) {
    log_warn("no media: " + allocation.error().reason);
    return hang_up(503, sip_reason(503, "no media capacity"));
  }
  media_ = std::move(*allocation);
  manager_.bind_media(media_->id, *this);
  const TranslatorConfig& config = manager_.settings().translator;
  auto offer = from_browser_ ? offer_to_pbx(caller_offer_, config, media_->pbx)
                             : offer_to_browser(caller_offer_, config, media_->browser);
  if (!offer) return hang_up(488, sip_reason(488, offer.error().reason), offer.error().reason);
  callee_offer_ = std::move(*offer);
  callee_body_ = from_browser_ ? pbx_body(callee_offer_) : browser_body(callee_offer_);
  callee_offer_.origin = from_browser_ ? *pbx_origin_ : *browser_origin_;
  send_callee_invite();
}

void Call::send_callee_invite() {
  sip::UserAgent& ua = manager_.ua();
  const std::string& domain = manager_.domain();
  sip::Uri request_uri;
  std::optional<sip::Flow> flow;
  if (from_browser_) {
    request_uri = manager_.settings().pbx_uri;
    request_uri.user = dialled_;
  } else {
    request_uri = binding_->browser_contact;
    flow = binding_->browser.flow;
  }
  auto from = sip::parse_uri("sip:" + caller_user_ + "@" + domain);
  auto to = sip::parse_uri("sip:" + dialled_ + "@" + domain);
  if (!from || !to) return hang_up(500, sip_reason(500, "bad user or domain"));
  sip::Message invite = ua.make_request(
      "INVITE", request_uri, sip::NameAddr{caller_display_, *from, {}}, sip::NameAddr{{}, *to, {}});
  invite.add(sip::HeaderId::kContentType, kSdp);
  invite.set_body(callee_body_);
  callee_call_id_ = call_id_of(invite);
  log_info("INVITE to " + std::string(from_browser_ ? "PBX " : "browser ") +
           request_uri.to_string());
  manager_.starting(this);  // events during invite() itself (a local failure) reach us
  sip::UacInvite& sent = ua.invite(std::move(invite), manager_, flow);
  manager_.starting(nullptr);
  if (!ended_ && callee_invite_ == nullptr && !callee_failed_) {
    callee_invite_ = &sent;
    manager_.bind(sent, *this);
  }
}

// ---- the callee's answers ----

void Call::on_callee_started(sip::UacInvite& invite) {
  if (callee_invite_ == nullptr && !callee_failed_) {
    callee_invite_ = &invite;
    manager_.bind(invite, *this);
  }
}

void Call::on_callee_progress(const sip::Message& response, sip::InviteSession* /*early*/) {
  const int status = response.status();
  if (caller_invite_ == nullptr || status <= 100) return;
  if (!from_browser_ || !has_sdp(response)) {
    caller_invite_->respond(status);
    return;
  }
  // Early media (183 with SDP): the browser hears the PBX's ringback and announcements.
  auto answer = sdp_of(response);
  auto negotiated = answer
                        ? answer_to_browser(caller_offer_, callee_offer_, *answer, media_->browser)
                        : Result<Negotiated>(answer.error());
  if (!negotiated) {
    log_warn("early media not usable: " + negotiated.error().reason);
    caller_invite_->respond(status);
    return;
  }
  std::string body = browser_body(std::move(negotiated->sdp));
  log_info("early media (" + std::to_string(status) + ")");
  configure(negotiated->bridge, [status, body](Call& call) {
    if (call.caller_invite_ == nullptr || call.answering_) return;
    call.caller_invite_->respond(status, body, kSdp);
  });
}

void Call::on_callee_answered(sip::InviteSession& session, const sip::Message& response) {
  callee_ = &session;
  manager_.bind(session, *this);
  if (callee_invite_ != nullptr) manager_.unbind(*callee_invite_);
  callee_invite_ = nullptr;
  log_info("callee answered");
  auto answer = sdp_of(response);
  Result<Negotiated> negotiated =
      !answer         ? Result<Negotiated>(answer.error())
      : from_browser_ ? answer_to_browser(caller_offer_, callee_offer_, *answer, media_->browser)
                      : answer_to_pbx(caller_offer_, callee_offer_, *answer,
                                      manager_.settings().translator, media_->pbx);
  if (!negotiated) {
    const std::string why = "answer not usable: " + negotiated.error().reason;
    log_warn(why);
    return hang_up(488, sip_reason(488, why), why);
  }
  std::string body = from_browser_ ? browser_body(std::move(negotiated->sdp))
                                   : pbx_body(std::move(negotiated->sdp));
  answering_ = true;
  configure(negotiated->bridge, [body](Call& call) { call.answer_caller(body); });
}

void Call::answer_caller(const std::string& body) {
  if (caller_invite_ == nullptr) return;
  sip::IncomingInvite* invite = std::exchange(caller_invite_, nullptr);
  manager_.unbind(*invite);
  sip::InviteSession* session = invite->respond(200, body, kSdp);
  if (session == nullptr) return hang_up(500, sip_reason(500, "caller leg lost"));
  caller_ = session;
  if (from_browser_) session->set_flow(*browser_flow_);
  manager_.bind(*session, *this);
  answered_ = true;
  log_info("answered");
}

void Call::on_callee_failed(const sip::Message& response) {
  callee_failed_ = true;
  if (callee_invite_ != nullptr) manager_.unbind(*callee_invite_);
  callee_invite_ = nullptr;
  const MappedFailure mapped =
      map_failure(response, from_browser_ ? FailedLeg::kPbx : FailedLeg::kBrowser);
  end_cause_ = "callee " + std::to_string(response.status()) + " " + response.reason();
  hang_up(mapped.status, mapped.reason);
}

// ---- in-dialog requests ----

void Call::on_request(sip::InviteSession& session, const sip::IncomingRequest& request) {
  const std::string& method = request.request.method();
  sip::InviteSession* other = other_leg(session);
  if (method == "OPTIONS") {
    session.respond(request, 200);
  } else if (method == "INVITE" || method == "UPDATE") {
    if (other == nullptr || !answered_) {
      session.respond(request, 491);
    } else {
      on_reoffer(session, request);
    }
  } else if (method == "INFO" || method == "MESSAGE" || method == "NOTIFY" || method == "REFER") {
    if (method == "INFO" && handle_info_dtmf(session, request)) return;
    if (other == nullptr || !answered_) {
      session.respond(request, 480);
    } else if (method == "REFER") {
      on_refer(session, *other, request);
    } else if (method == "NOTIFY") {
      on_notify(session, *other, request);
    } else {
      relay_in_dialog(session, *other, request);
    }
  } else {
    session.respond(request, 501);
  }
}

bool Call::handle_info_dtmf(sip::InviteSession& session, const sip::IncomingRequest& request) {
  if (!is_browser_leg(session) || !media_ || !mode_ || !mode_->pbx_dtmf_pt) return false;
  auto digit = parse_dtmf_info(content_type(request.request), request.request.body());
  if (!digit) return false;
  if (!manager_.media().send_dtmf(media_->id, digit->digit, digit->duration)) return false;
  log_debug(std::string("INFO DTMF ") + digit->digit + " sent as RFC 4733");
  session.respond(request, 200);
  return true;
}

void Call::relay_in_dialog(sip::InviteSession& from, sip::InviteSession& to,
                           const sip::IncomingRequest& request) {
  relay_message(from, to, request, relayed_request(to, request.request));
}

// Sends `out` on `to`; its final answer is `from`'s answer to `request`. A 481/408 there ends the
// other leg (RFC 3261 §12.2.1.2) and with it the call.
void Call::relay_message(sip::InviteSession& from, sip::InviteSession& to,
                         const sip::IncomingRequest& request, sip::Message out) {
  log_debug(request.request.method() + " relayed");
  const Status queued = to.send(
      std::move(out), later_for<const sip::Message&, const sip::Message&>(
                          manager_, number_,
                          [source = &from, request](Call& call, const sip::Message& response,
                                                    const sip::Message& sent) {
                            const int status = response.status();
                            if (status < 200) return;
                            auto cseq = sent.cseq();
                            if (sent.method() == "REFER" && cseq)
                              call.on_referral_answer(cseq->number, status);
                            if (!call.owns(source)) return;
                            if (status == 481 || status == 408) {
                              source->respond(request, 500);
                              call.end_cause_ =
                                  "in-dialog " + sent.method() + " got " + std::to_string(status);
                              return call.hang_up(500, sip_reason(408, "leg failed"));
                            }
                            source->respond(request, status, response.body(),
                                            content_type(response), response.reason());
                          }));
  if (!queued) from.respond(request, 480);  // the other leg has ended
}

// Blind transfer (RFC 3515, RFC 5589): the REFER goes on to the other leg, whose UA makes the new
// call. A browser may only send its peer where its token may call, at the PBX's AOR domain.
void Call::on_refer(sip::InviteSession& session, sip::InviteSession& other,
                    const sip::IncomingRequest& request) {
  const bool browser = is_browser_leg(session);
  auto refer_to = request.request.refer_to();
  auto cseq = request.request.cseq();
  if (!refer_to || !cseq || request.request.values(sip::HeaderId::kReferTo).size() != 1) {
    session.respond(request, 400, {}, {}, "Bad Refer-To");  // exactly one, RFC 3515 §2.4.1
    return;
  }
  if (referrals_.size() >= kMaxReferrals) {
    session.respond(request, 491);
    return;
  }
  sip::Message out = relayed_request(other, request.request);
  std::string target;
  if (browser) {
    const sip::Uri& uri = refer_to->uri;
    if (!uri.is_sip() || uri.user.empty() || !uri.headers.empty()) {
      // A Replaces (attended transfer) names the browser's dialog, which the PBX never saw.
      log_info("transfer refused: only blind transfer to a user is relayed (" + uri.to_string() +
               ")");
      session.respond(request, uri.is_sip() && !uri.user.empty() ? 501 : 416);
      return;
    }
    if (browser_allow_ && std::find(browser_allow_->begin(), browser_allow_->end(), uri.user) ==
                              browser_allow_->end()) {
      log_warn("transfer to " + uri.user + " refused: not in the token's allow list");
      session.respond(request, 403);
      return;
    }
    auto rewritten = sip::parse_uri("sip:" + uri.user + "@" + manager_.domain());
    if (!rewritten) {
      session.respond(request, 400, {}, {}, "Bad Refer-To");
      return;
    }
    target = "<" + rewritten->to_string() + ">";
  } else {
    target = std::string(request.request.find(sip::HeaderId::kReferTo)->value);
  }
  out.add(sip::HeaderId::kReferTo, target);
  auto ours = out.cseq();
  if (!ours) {
    session.respond(request, 500);
    return;
  }
  referrals_.push_back(Referral{browser, cseq->number, ours->number});
  log_info(std::string("transfer from ") + (browser ? "browser" : "PBX") + " to " + target);
  relay_message(session, other, request, std::move(out));
}

// The referral's REFER got its final answer: without a 2xx there is no subscription (§2.4.4).
void Call::on_referral_answer(uint32_t relayed_cseq, int status) {
  if (status < 300) return;
  std::erase_if(referrals_, [&](const Referral& r) { return r.relayed_cseq == relayed_cseq; });
}

// A NOTIFY on `session`: for a transfer we relayed (Event: refer), it goes back to the referrer
// with the referrer's own id; the final one (Subscription-State: terminated) ends the
// subscription (§2.4.5). A NOTIFY for no subscription of ours gets 481 (RFC 6665 §4.1.3).
void Call::on_notify(sip::InviteSession& session, sip::InviteSession& other,
                     const sip::IncomingRequest& request) {
  const sip::Header* event_header = request.request.find(sip::HeaderId::kEvent);
  const auto event =
      sip::parse_event(event_header == nullptr ? std::string_view{} : event_header->value);
  if (!event || event->type != "refer") return relay_in_dialog(session, other, request);
  std::optional<uint32_t> event_id;
  if (const auto id = event->id()) {
    if (const auto n = parse_uint(*id, UINT32_MAX)) event_id = static_cast<uint32_t>(*n);
  }
  const bool referrer_is_browser = is_browser_leg(other);
  auto it = referrals_.end();
  size_t candidates = 0;
  for (auto r = referrals_.begin(); r != referrals_.end(); ++r) {
    if (r->from_browser != referrer_is_browser) continue;
    ++candidates;
    if (!event_id || r->relayed_cseq == *event_id) it = r;
  }
  if (it == referrals_.end() || (!event_id && candidates != 1)) {
    session.respond(request, 481, {}, {}, "Subscription does not exist");
    return;
  }
  sip::Message out = relayed_request(other, request.request);
  out.set(sip::HeaderId::kEvent, "refer;id=" + std::to_string(it->referrer_cseq));
  const sip::Header* state = request.request.find(sip::HeaderId::kSubscriptionState);
  if (state == nullptr) {
    session.respond(request, 400, {}, {}, "Missing Subscription-State");
    return;
  }
  const auto subscription = sip::parse_subscription_state(state->value);
  if (subscription && subscription->state == "terminated") referrals_.erase(it);
  relay_message(session, other, request, std::move(out));
}

// A re-INVITE or UPDATE with an offer from one leg: re-offered on the other (RFC 3264 §8), the
// answer translated back once the other leg answered and the media follows.
void Call::on_reoffer(sip::InviteSession& session, const sip::IncomingRequest& request) {
  // RFC 3261 §14.2: one offer/answer at a time per call; the sender retries after 491.
  if (reneg_ || configuring_) {
    session.respond(request, 491);
    return;
  }
  const bool browser = is_browser_leg(session);
  if (!has_sdp(request.request)) {
    // No offer (a session refresh): our last description on that leg is the offer, unchanged.
    const std::string& last = browser ? last_browser_body_ : last_pbx_body_;
    if (request.request.method() == "UPDATE") {
      session.respond(request, 200);
    } else {
      session.respond(request, 200, last, kSdp);
    }
    return;
  }
  auto offer = sdp_of(request.request);
  const TranslatorConfig& config = manager_.settings().translator;
  Result<sdp::SessionDescription> ours = !offer ? Result<sdp::SessionDescription>(offer.error())
                                         : browser
                                             ? offer_to_pbx(*offer, config, media_->pbx)
                                             : offer_to_browser(*offer, config, media_->browser);
  if (!ours) {
    log_info("re-offer from " + std::string(browser ? "browser" : "PBX") +
             " refused: " + ours.error().reason);
    session.respond(request, 488);
    return;
  }
  std::string body = browser ? pbx_body(*ours) : browser_body(*ours);
  ours->origin = browser ? *pbx_origin_ : *browser_origin_;
  reneg_ = Renegotiation{browser, request, std::move(*offer), std::move(*ours)};
  log_info("re-offer from " + std::string(browser ? "browser" : "PBX") + " (" +
           request.request.method() + ")");
  sip::InviteSession* other = other_leg(session);
  auto sent = other->reinvite(
      std::move(body), kSdp,
      later_for<const sip::Message&, const sip::Message&>(
          manager_, number_, [](Call& call, const sip::Message& response, const sip::Message&) {
            call.on_reoffer_answer(response);
          }));
  if (!sent) finish_reoffer(491, {});
}

void Call::on_reoffer_answer(const sip::Message& response) {
  if (!reneg_ || response.status() < 200) return;
  if (response.status() >= 300) {
    // 481/408 end the other leg (and with it the call); the originator's dialog is fine.
    const int status = response.status();
    return finish_reoffer(status == 481 || status == 408 ? 500 : status, {});
  }
  auto answer = sdp_of(response);
  const TranslatorConfig& config = manager_.settings().translator;
  Result<Negotiated> negotiated =
      !answer ? Result<Negotiated>(answer.error())
      : reneg_->from_browser
          ? answer_to_browser(reneg_->offer, reneg_->our_offer, *answer, media_->browser)
          : answer_to_pbx(reneg_->offer, reneg_->our_offer, *answer, config, media_->pbx);
  if (!negotiated) {
    log_warn("re-answer not usable: " + negotiated.error().reason);
    return finish_reoffer(488, {});
  }
  std::string body = reneg_->from_browser ? browser_body(std::move(negotiated->sdp))
                                          : pbx_body(std::move(negotiated->sdp));
  if (*mode_ == negotiated->bridge) return finish_reoffer(200, body);
  const MediaChange change = media_change(*mode_, negotiated->bridge);
  log_info(std::string("media reconfigured:") + (change.direction_changed ? " direction" : "") +
           (change.pbx_address_changed ? " pbx-address" : "") +
           (change.codec_changed ? " codec" : "") + (change.new_dtls_handshake ? " dtls" : ""));
  configure(negotiated->bridge, [body](Call& call) { call.finish_reoffer(200, body); });
}

void Call::finish_reoffer(int status, const std::string& body) {
  if (!reneg_) return;
  Renegotiation r = std::move(*reneg_);
  reneg_.reset();
  sip::InviteSession* origin = r.from_browser ? browser_session() : pbx_session();
  if (origin == nullptr) return;
  if (status >= 200 && status < 300) {
    origin->respond(r.request, status, body, body.empty() ? std::string_view{} : kSdp);
  } else {
    origin->respond(r.request, status);
  }
}

// ---- ends ----

void Call::on_caller_cancelled() {
  if (caller_invite_ != nullptr) manager_.unbind(*caller_invite_);
  caller_invite_ = nullptr;  // the core answered 487
  end_cause_ = "caller cancelled";
  hang_up(487, sip_reason(487, "caller cancelled"));
}

void Call::on_terminated(sip::InviteSession& session, sip::SessionEnd end) {
  const bool caller = &session == caller_;
  if (!caller && &session != callee_) return;  // an early fork that ended
  manager_.unbind(session);
  (caller ? caller_ : callee_) = nullptr;
  const char* side = is_browser_side(caller) ? "browser" : "PBX";
  end_cause_ = std::string(side) + " " + std::string(sip::to_string(end));
  switch (end) {
    case sip::SessionEnd::kRemoteBye:
      return hang_up(480, {});
    case sip::SessionEnd::kNoAck:
      return hang_up(500, sip_reason(408, std::string(side) + " never sent ACK"));
    default:
      return hang_up(500, sip_reason(408, std::string(side) + " leg failed"));
  }
}

void Call::on_browser_gone() {
  // Nothing can be sent on the closed WebSocket: the browser leg ends without BYE.
  sip::InviteSession* leg = browser_session();
  if (leg != nullptr) {
    manager_.unbind(*leg);
    leg->set_listener(nullptr);
    (leg == caller_ ? caller_ : callee_) = nullptr;
    leg->end(sip::SessionEnd::kFailed);
  }
  end_cause_ = "browser disconnected";
  hang_up(from_browser_ ? 487 : 480, sip_reason(480, "browser disconnected"));
}

void Call::on_media_ended(const std::string& reason) {
  end_cause_ = "media ended: " + reason;
  hang_up(500, q850_reason(kQ850TemporaryFailure, "media ended: " + reason));
}

void Call::hang_up(int status, const std::string& reason, std::string_view why) {
  if (ended_) return;
  ended_ = true;
  detach();
  if (caller_invite_ != nullptr && !caller_invite_->finished()) {
    sip::Message r =
        sip::make_response(caller_invite_->request(), status, {}, caller_invite_->local_tag());
    if (!reason.empty()) r.add(sip::HeaderId::kReason, reason);
    if (!why.empty()) r.add(sip::HeaderId::kWarning, warning(why));
    caller_invite_->respond(std::move(r));
    if (end_cause_.empty())
      end_cause_ = std::to_string(status) + (why.empty() ? "" : " ") + std::string(why);
  }
  if (reneg_) finish_reoffer(500, {});
  if (caller_ != nullptr) caller_->bye(reason);
  if (callee_ != nullptr) {
    callee_->bye(reason);
  } else if (callee_invite_ != nullptr && !callee_invite_->answered()) {
    (void)callee_invite_->cancel();
  }
  caller_invite_ = nullptr;
  caller_ = callee_ = nullptr;
  callee_invite_ = nullptr;
  if (media_) manager_.media().release(media_->id);
  log_info("ended: " + (end_cause_.empty() ? std::string("hang-up") : end_cause_) +
           (reason.empty() ? "" : " (Reason: " + reason + ")"));
  manager_.retire(*this);
}

// Forgets every leg in the manager; sessions stop reporting here.
void Call::detach() {
  if (caller_invite_ != nullptr) manager_.unbind(*caller_invite_);
  if (callee_invite_ != nullptr) manager_.unbind(*callee_invite_);
  for (sip::InviteSession* s : {caller_, callee_}) {
    if (s == nullptr) continue;
    manager_.unbind(*s);
    s->set_listener(nullptr);
  }
  if (media_) manager_.unbind_media(media_->id);
}

// ---- helpers ----

void Call::configure(const BridgeMode& mode, std::function<void(Call&)> then) {
  configuring_ = true;
  manager_.media().configure(
      media_->id, mode,
      later_for<Status>(manager_, number_,
                        [mode, then = std::move(then)](Call& call, const Status& s) {
                          call.configuring_ = false;
                          if (!s) {
                            call.log_warn("media configuration failed: " + s.error().reason);
                            call.end_cause_ = "media configuration failed";
                            return call.hang_up(500, sip_reason(500, "media configuration failed"));
                          }
                          if (!call.mode_ || call.mode_->pbx_codec != mode.pbx_codec) {
                            call.log_info("media: " + describe_codec_handling(mode));
                          }
                          call.mode_ = mode;
                          then(call);
                        }));
}

std::string Call::browser_body(sdp::SessionDescription sd) {
  return next_body(std::move(sd), browser_origin_, last_browser_body_);
}

std::string Call::pbx_body(sdp::SessionDescription sd) {
  return next_body(std::move(sd), pbx_origin_, last_pbx_body_);
}

// The description with the leg's o= line continued (same session id, version + 1 when the
// content changed, RFC 3264 §8); the first description on a leg gets a random session id
// (RFC 8866 §5.2: unique), the translator leaves 0 there.
std::string Call::next_body(sdp::SessionDescription sd, std::optional<sdp::Origin>& origin,
                            std::string& last) {
  if (!origin) {
    uint64_t id = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&id), sizeof(id)) != 1) id = 1;
    sd.origin.session_id = std::to_string(id >> 2);  // < 2^62: fits a signed 64-bit reader
    sd.origin.username = "tandem";
  } else {
    sd.origin = *origin;
    std::string same = sdp::serialize_sdp(sd);
    if (same == last) return same;
    sd.origin = next_origin(*origin);
  }
  origin = sd.origin;
  last = sdp::serialize_sdp(sd);
  return last;
}

bool Call::owns(const sip::InviteSession* session) const {
  return session != nullptr && (session == caller_ || session == callee_);
}

bool Call::is_browser_side(bool caller) const { return caller == from_browser_; }

bool Call::is_browser_leg(const sip::InviteSession& session) const {
  return &session == browser_session();
}

sip::InviteSession* Call::browser_session() const { return from_browser_ ? caller_ : callee_; }
sip::InviteSession* Call::pbx_session() const { return from_browser_ ? callee_ : caller_; }

sip::InviteSession* Call::other_leg(const sip::InviteSession& session) const {
  if (&session == caller_) return callee_;
  if (&session == callee_) return caller_;
  return nullptr;
}

std::string Call::prefix() const {
  std::string p = "call " + caller_call_id_;
  if (!callee_call_id_.empty()) p += " / " + callee_call_id_;
  return p + ": ";
}

void Call::log_info(std::string_view what) const {
  manager_.log(CallLogLevel::kInfo, prefix() + std::string(what));
}
void Call::log_warn(std::string_view what) const {
  manager_.log(CallLogLevel::kWarn, prefix() + std::string(what));
}
void Call::log_debug(std::string_view what) const {
  manager_.log(CallLogLevel::kDebug, prefix() + std::string(what));
}

}  // namespace tandem::gateway
