#include "sip/dialog.hpp"

#include <algorithm>

namespace tandem::sip {
namespace {

constexpr std::string_view kMaxForwards = "70";

NameAddr without_tag(NameAddr a) {
  a.params.remove("tag");
  return a;
}

std::string with_tag(const NameAddr& a, const std::string& tag) {
  NameAddr copy = a;
  if (!tag.empty()) copy.params.set("tag", tag);
  return copy.to_string();
}

Result<Uri> first_contact(const Message& m) {
  auto contacts = m.contacts();
  if (!contacts) return contacts.error();
  if (contacts->wildcard || contacts->contacts.empty()) return Error{"no Contact"};
  return contacts->contacts.front().uri;
}

bool loose(const NameAddr& route) { return route.uri.params.has("lr"); }

// A URI used as Request-URI: no headers, no method parameter (§19.1.1 Table 1).
Uri as_request_uri(Uri uri) {
  uri.headers.clear();
  uri.params.remove("method");
  return uri;
}

}  // namespace

bool is_target_refresh(std::string_view method) {
  return method == "INVITE" || method == "UPDATE" || method == "SUBSCRIBE" || method == "NOTIFY" ||
         method == "REFER";
}

Result<Dialog> Dialog::as_uac(const Message& request, const Message& response) {
  auto call_id = response.call_id();
  auto from = request.from();
  auto to = response.to();
  auto cseq = request.cseq();
  if (!call_id || !from || !to || !cseq) return Error{"dialog-creating response lacks fields"};
  if (to->tag().empty()) return Error{"response creates no dialog: To has no tag"};
  auto target = first_contact(response);
  if (!target) return Error{"dialog-creating response has no Contact"};
  auto record_routes = response.record_routes();
  if (!record_routes) return record_routes.error();
  Dialog d;
  d.uac_ = true;
  d.id_ = {std::string(*call_id), std::string(from->tag()), std::string(to->tag())};
  d.state_ = response.status() < 200 ? DialogState::kEarly : DialogState::kConfirmed;
  d.secure_ = request.request_uri().scheme == Uri::Scheme::kSips;
  d.local_ = without_tag(*from);
  d.remote_ = without_tag(*to);
  d.remote_target_ = std::move(*target);
  d.route_set_.assign(record_routes->rbegin(), record_routes->rend());  // reversed for the UAC
  d.local_cseq_ = cseq->number;
  if (auto contact = first_contact(request)) d.local_contact_ = std::move(*contact);
  return d;
}

Result<Dialog> Dialog::as_uas(const Message& request, std::string local_tag, Uri local_contact,
                              bool early) {
  auto call_id = request.call_id();
  auto from = request.from();
  auto to = request.to();
  auto cseq = request.cseq();
  if (!call_id || !from || !to || !cseq) return Error{"dialog-creating request lacks fields"};
  auto target = first_contact(request);
  if (!target) return Error{"dialog-creating request has no Contact"};
  auto record_routes = request.record_routes();
  if (!record_routes) return record_routes.error();
  Dialog d;
  d.id_ = {std::string(*call_id), std::move(local_tag), std::string(from->tag())};
  d.state_ = early ? DialogState::kEarly : DialogState::kConfirmed;
  d.secure_ = request.request_uri().scheme == Uri::Scheme::kSips;
  d.local_ = without_tag(*to);
  d.remote_ = without_tag(*from);
  d.remote_target_ = std::move(*target);
  d.route_set_ = std::move(*record_routes);  // in order for the UAS
  d.remote_cseq_ = cseq->number;
  d.local_contact_ = std::move(local_contact);
  return d;
}

Status Dialog::confirm_by_response(const Message& response) {
  if (auto target = first_contact(response)) remote_target_ = std::move(*target);
  if (uac_) {
    auto record_routes = response.record_routes();
    if (!record_routes) return record_routes.error();
    route_set_.assign(record_routes->rbegin(), record_routes->rend());
  }
  state_ = DialogState::kConfirmed;
  return Ok{};
}

const Uri& Dialog::next_hop_uri() const {
  return route_set_.empty() ? remote_target_ : route_set_.front().uri;
}

void Dialog::fill_request(Message& m, std::string_view method, uint32_t cseq) const {
  if (!route_set_.empty() && !loose(route_set_.front())) {
    // Strict routing (§12.2.1.1): the rest of the route set, then the remote target.
    for (size_t i = 1; i < route_set_.size(); ++i) {
      m.add(HeaderId::kRoute, route_set_[i].to_string());
    }
    m.add(HeaderId::kRoute, "<" + remote_target_.to_string() + ">");
  } else {
    for (const NameAddr& route : route_set_) m.add(HeaderId::kRoute, route.to_string());
  }
  m.add(HeaderId::kMaxForwards, kMaxForwards);
  m.add(HeaderId::kFrom, with_tag(local_, id_.local_tag));
  m.add(HeaderId::kTo, with_tag(remote_, id_.remote_tag));
  m.add(HeaderId::kCallId, id_.call_id);
  m.add(HeaderId::kCSeq, std::to_string(cseq) + " " + std::string(method));
}

Message Dialog::make_request(std::string_view method) {
  const bool strict = !route_set_.empty() && !loose(route_set_.front());
  Message m = Message::request(std::string(method),
                               as_request_uri(strict ? route_set_.front().uri : remote_target_));
  fill_request(m, method, next_cseq());
  if (is_target_refresh(method) && !local_contact_.host.empty()) {
    m.add(HeaderId::kContact, "<" + local_contact_.to_string() + ">");
  }
  return m;
}

Message Dialog::make_ack(uint32_t invite_cseq) const {
  const bool strict = !route_set_.empty() && !loose(route_set_.front());
  Message m =
      Message::request("ACK", as_request_uri(strict ? route_set_.front().uri : remote_target_));
  fill_request(m, "ACK", invite_cseq);
  return m;
}

bool Dialog::accept_remote_cseq(const Message& request) {
  auto cseq = request.cseq();
  if (!cseq) return false;
  const std::string& method = request.method();
  if (remote_cseq_) {
    const bool same_allowed = method == "ACK" || method == "CANCEL";
    if (cseq->number < *remote_cseq_ || (cseq->number == *remote_cseq_ && !same_allowed)) {
      return false;
    }
  }
  remote_cseq_ = std::max(remote_cseq_.value_or(0), cseq->number);
  return true;
}

void Dialog::refresh_target(const Message& message) {
  if (auto target = first_contact(message)) remote_target_ = std::move(*target);
}

}  // namespace tandem::sip
