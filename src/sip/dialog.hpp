// The state of one dialog (RFC 3261 §12): identifiers, local and remote URI, remote target,
// route set, both CSeq counters, and building requests inside it (§12.2.1.1, loose and strict
// routing). Pure data and rules: no transactions, no timers, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "sip/dialog_id.hpp"
#include "sip/message.hpp"

namespace tandem::sip {

enum class DialogState : uint8_t { kEarly, kConfirmed, kTerminated };

class Dialog {
 public:
  // §12.1.2: the UAC side, from the request we sent and a 101-199 response with a To tag or a 2xx.
  static Result<Dialog> as_uac(const Message& request, const Message& response);
  // §12.1.1: the UAS side, from a request we received, the tag we put in To, and our Contact.
  static Result<Dialog> as_uas(const Message& request, std::string local_tag, Uri local_contact,
                               bool early);

  const DialogId& id() const { return id_; }
  DialogState state() const { return state_; }
  bool is_uac() const { return uac_; }  // we sent the request that created it
  bool secure() const { return secure_; }
  const NameAddr& local() const { return local_; }
  const NameAddr& remote() const { return remote_; }
  const Uri& remote_target() const { return remote_target_; }
  const Uri& local_contact() const { return local_contact_; }
  const std::vector<NameAddr>& route_set() const { return route_set_; }
  uint32_t local_cseq() const { return local_cseq_; }
  std::optional<uint32_t> remote_cseq() const { return remote_cseq_; }

  // §13.2.2.4: an early dialog confirmed by a 2xx takes that response's target and route set.
  Status confirm_by_response(const Message& response);
  void confirm() { state_ = DialogState::kConfirmed; }
  void terminate() { state_ = DialogState::kTerminated; }
  void set_local_contact(Uri contact) { local_contact_ = std::move(contact); }

  // The next local CSeq number (§12.2.1.1: incremented by one for each new request).
  uint32_t next_cseq() { return ++local_cseq_; }
  // A new request in the dialog with the next CSeq: Request-URI and Route per the route set (a
  // strict-routing first hop becomes the Request-URI and the remote target the last Route), To,
  // From, Call-ID, Max-Forwards, and Contact for target-refresh methods. No Via: the sender adds
  // it once the flow is known.
  Message make_request(std::string_view method);
  // The ACK for a 2xx to the INVITE with CSeq `invite_cseq` (§13.2.2.4): same CSeq number.
  Message make_ack(uint32_t invite_cseq) const;
  // The URI whose resolution gives the next hop: the first route, else the remote target.
  const Uri& next_hop_uri() const;

  // §12.2.2: false when `request`'s CSeq is lower than (or, except for ACK/CANCEL, equal to) the
  // last one received: answer 500. Otherwise it becomes the remote CSeq.
  bool accept_remote_cseq(const Message& request);
  // §12.2: a target refresh (re-INVITE, UPDATE, their 2xx) replaces the remote target with its
  // Contact. Messages without a usable Contact change nothing.
  void refresh_target(const Message& message);

 private:
  Dialog() = default;
  void fill_request(Message& m, std::string_view method, uint32_t cseq) const;

  DialogId id_;
  DialogState state_ = DialogState::kEarly;
  bool uac_ = false;
  bool secure_ = false;
  NameAddr local_;   // without tag
  NameAddr remote_;  // without tag
  Uri remote_target_;
  Uri local_contact_;
  std::vector<NameAddr> route_set_;
  uint32_t local_cseq_ = 0;
  std::optional<uint32_t> remote_cseq_;
};

// Methods whose requests (and 2xx) replace the remote target (RFC 3261 §12.2, RFC 3311, 3515).
bool is_target_refresh(std::string_view method);

}  // namespace tandem::sip
