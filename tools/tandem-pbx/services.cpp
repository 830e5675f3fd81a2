#include "services.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cstdio>

#include "sdp/parser.hpp"
#include "sdp/serializer.hpp"
#include "service_media/info_dtmf.hpp"
#include "sip/message_builder.hpp"
#include "sip/next_hop.hpp"
#include "sip/uas_invite.hpp"

namespace tandem::pbx {

using sip::HeaderId;
using sip::Message;

namespace {

std::optional<ServiceBehaviour> behaviour_of(std::string_view number) {
  if (number == "600") {
    return ServiceBehaviour::kEcho;
  }
  if (number == "601") {
    return ServiceBehaviour::kTone;
  }
  if (number == "602") {
    return ServiceBehaviour::kDtmf;
  }
  return std::nullopt;
}

std::string content_type(const Message& m) {
  const auto values = m.values(HeaderId::kContentType);
  return values.empty() ? std::string() : std::string(values.front());
}

bool is_sdp(const Message& m) {
  const std::string type = content_type(m);
  return type.substr(0, type.find(';')) == "application/sdp";
}

std::string caller_of(const Message& request) {
  auto from = request.from();
  return from ? from->uri.to_string() : std::string("?");
}

}  // namespace

Result<std::unique_ptr<ServiceUa>> ServiceUa::create(boost::asio::io_context& io, Proxy& proxy,
                                                     const ServiceUaOptions& options) {
  if (options.rtp_port_min > options.rtp_port_max) {
    return Error{"--rtp-ports: LOW is above HIGH"};
  }
  std::unique_ptr<ServiceUa> services(new ServiceUa(io, proxy, options));
  auto udp = sip::UdpTransport::open(io, {options.address, 0}, services->ua_->layer());
  if (!udp) {
    return Error{"services: internal SIP transport: " + udp.error().reason};
  }
  services->udp_ = std::move(*udp);
  services->ua_->layer().add_transport(*services->udp_);
  return services;
}

ServiceUa::ServiceUa(boost::asio::io_context& io, Proxy& proxy, const ServiceUaOptions& options)
    : io_(io), proxy_(proxy), options_(options) {
  sip::UserAgentConfig config;
  config.timers = options.timers;
  config.user_agent = "tandem-pbx services";
  config.contact_user = "services";
  // The transport exists only once the UA (whose layer it delivers to) does.
  config.next_hop = [this](const sip::Uri& uri, sip::NextHopDone done) {
    sip::LiteralNextHop(udp_.get(), nullptr, nullptr)(uri, std::move(done));
  };
  ua_ = std::make_unique<sip::UserAgent>(io, std::move(config), *this);
}

ServiceUa::~ServiceUa() {
  for (auto& [id, call] : calls_) {
    if (call->endpoint) {
      call->endpoint->stop();
    }
  }
  calls_.clear();
  // As tandem-ua does: the transport (which delivers to the UA's layer) goes first, then the
  // UA, whose sessions refer to us as their listener.
  udp_.reset();
  ua_.reset();
}

bool ServiceUa::on_request(sip::TransactionLayer&, sip::TransactionId id, const Message& request,
                           const sip::Flow& flow) {
  const std::string number = sip::unescape(request.request_uri().user);
  if (!behaviour_of(number)) {
    return false;
  }
  sip::Uri contact = request.request_uri();
  contact.host = options_.address.is_v6() ? "[" + options_.address.to_string() + "]"
                                          : options_.address.to_string();
  contact.port = address().port;
  contact.params = {};
  const sip::Flow target{sip::TransportKind::kUdp, address(), {}, 0};
  proxy_.route_to(id, request, flow, target, contact);
  return true;
}

void ServiceUa::reject(sip::IncomingInvite& invite, int status, const std::string& why) {
  std::printf("services: %s -> %s: %d %s\n", caller_of(invite.request()).c_str(),
              invite.request().request_uri().user.c_str(), status, why.c_str());
  std::fflush(stdout);
  Message response = sip::make_response(invite.request(), status, {}, invite.local_tag());
  // RFC 3261 §20.43: 399 is "miscellaneous warning"; the text says what was not acceptable.
  std::string text = why;
  std::replace(text.begin(), text.end(), '"', '\'');
  response.add(HeaderId::kWarning, "399 tandem-pbx \"" + text + "\"");
  invite.respond(std::move(response));
}

void ServiceUa::on_invite(sip::IncomingInvite& invite) {
  const Message& request = invite.request();
  const std::string number = sip::unescape(request.request_uri().user);
  const auto behaviour = behaviour_of(number);
  if (!behaviour) {
    return reject(invite, 404, "no such service");
  }
  if (request.body().empty() || !is_sdp(request)) {
    return reject(invite, 488, "an SDP offer is required (no late offer)");
  }
  auto offer = sdp::parse_sdp(request.body());
  if (!offer) {
    return reject(invite, 400, "bad SDP: " + offer.error().reason);
  }
  auto plan = plan_service_media(*offer);
  if (!plan) {
    return reject(invite, plan.error().status, plan.error().reason);
  }

  auto call = std::make_unique<Call>();
  call->id = next_call_++;
  call->number = number;
  call->behaviour = *behaviour;
  call->plan = *plan;
  ServiceEndpointConfig config;
  config.behaviour = *behaviour;
  config.plan = *plan;
  config.local_address = options_.address;
  config.port_min = options_.rtp_port_min;
  config.port_max = options_.rtp_port_max;
  DigitCallback report;
  if (*behaviour == ServiceBehaviour::kDtmf) {
    // Runs on the packet path: the work goes to the io_context.
    report = [this, id = call->id](const DigitReport& r) {
      boost::asio::post(io_, [this, id, r] { this->on_digit(id, r); });
    };
  }
  auto endpoint = ServiceMediaEndpoint::create(io_, config, std::move(report));
  if (!endpoint) {
    return reject(invite, 503, endpoint.error().reason);
  }
  call->endpoint = *endpoint;
  const sdp::SessionDescription answer = build_service_answer(
      *offer, *plan, options_.address.to_string(), call->endpoint->local_port());
  sip::InviteSession* session = invite.respond(200, sdp::serialize_sdp(answer), "application/sdp");
  if (session == nullptr) {
    call->endpoint->stop();
    return;
  }
  session->set_listener(this);
  call->session = session;
  call->endpoint->start();
  std::printf("services: %s -> %s: answered, %s/%u, RTP %s:%u <-> %s:%u\n",
              caller_of(request).c_str(), number.c_str(),
              std::string(to_string(plan->codec)).c_str(), plan->clock_rate,
              options_.address.to_string().c_str(), call->endpoint->local_port(),
              plan->remote_address.c_str(), plan->remote_port);
  std::fflush(stdout);
  calls_[call->id] = std::move(call);
}

ServiceUa::Call* ServiceUa::find(const sip::InviteSession& session) {
  for (auto& [id, call] : calls_) {
    if (call->session == &session) {
      return call.get();
    }
  }
  return nullptr;
}

void ServiceUa::on_request(sip::InviteSession& session, const sip::IncomingRequest& request) {
  Call* call = find(session);
  const std::string& method = request.request.method();
  if (call == nullptr) {
    session.respond(request, 481);
  } else if (method == "INVITE") {
    on_reinvite(*call, request);
  } else if (method == "INFO") {
    on_info(*call, request);
  } else if (method == "MESSAGE" || method == "OPTIONS") {
    session.respond(request, 200);
  } else {
    session.respond(request, 501);
  }
}

// A re-INVITE (hold, resume, a session refresh): the same codec on the same port, the direction
// mirrored; anything else is 488 and the call goes on as it was (RFC 3261 §14.2).
void ServiceUa::on_reinvite(Call& call, const sip::IncomingRequest& request) {
  sip::InviteSession& session = *call.session;
  const Message& m = request.request;
  if (m.body().empty() || !is_sdp(m)) {
    session.respond(request, 488, {}, {}, "Not Acceptable Here (an SDP offer is required)");
    return;
  }
  auto offer = sdp::parse_sdp(m.body());
  if (!offer) {
    session.respond(request, 400, {}, {}, "Bad Request (bad SDP)");
    return;
  }
  auto plan = plan_service_media(*offer);
  if (!plan || plan->codec != call.plan.codec || plan->payload_type != call.plan.payload_type) {
    session.respond(request, 488, {}, {}, "Not Acceptable Here (the codec cannot change)");
    return;
  }
  const sdp::SessionDescription answer = build_service_answer(
      *offer, *plan, options_.address.to_string(), call.endpoint->local_port());
  session.respond(request, 200, sdp::serialize_sdp(answer), "application/sdp");
  std::printf("services: %s re-INVITE answered %s\n", call.number.c_str(),
              std::string(sdp::to_string(plan->answer_direction)).c_str());
  std::fflush(stdout);
}

// SIP INFO digits (application/dtmf-relay, application/dtmf): 602 reports them; the other
// services accept and ignore them.
void ServiceUa::on_info(Call& call, const sip::IncomingRequest& request) {
  sip::InviteSession& session = *call.session;
  const Message& m = request.request;
  const std::string type = content_type(m);
  auto digit = parse_info_dtmf(type, m.body());
  if (!digit) {
    const bool dtmf_type = type.starts_with("application/dtmf");
    session.respond(request, dtmf_type ? 400 : 415, {}, {},
                    dtmf_type ? "Bad Request (no DTMF digit in the body)"
                              : "Unsupported Media Type (application/dtmf-relay or dtmf)");
    return;
  }
  session.respond(request, 200);
  if (call.behaviour == ServiceBehaviour::kDtmf) {
    call.endpoint->on_sip_info_digit(digit->digit, digit->duration_ms);
  }
}

void ServiceUa::on_digit(uint64_t call_id, const DigitReport& report) {
  auto it = calls_.find(call_id);
  if (it == calls_.end()) {
    return;
  }
  Call& call = *it->second;
  std::printf("services: 602 digit %c (%s, %u ms)\n", report.digit,
              report.source == DigitSource::kRtpEvent ? "rfc4733" : "sip-info", report.duration_ms);
  std::fflush(stdout);
  if (!call.digits.empty()) {
    call.digits += ' ';
  }
  call.digits += report.digit;
  if (!call.quiet) {
    call.quiet = std::make_unique<boost::asio::steady_timer>(io_);
  }
  call.quiet->expires_after(options_.digit_quiet);
  call.quiet->async_wait([this, call_id](boost::system::error_code ec) {
    if (!ec) {
      send_digits(call_id);
    }
  });
}

// One MESSAGE per burst of digits ("DTMF 1 2 # 9"), in the dialog, so through the proxy.
void ServiceUa::send_digits(uint64_t call_id) {
  auto it = calls_.find(call_id);
  if (it == calls_.end() || it->second->digits.empty() || it->second->session == nullptr) {
    return;
  }
  Call& call = *it->second;
  const std::string body = "DTMF " + call.digits;
  call.digits.clear();
  std::printf("services: 602 sends MESSAGE \"%s\"\n", body.c_str());
  std::fflush(stdout);
  auto sent = call.session->request("MESSAGE", body, "text/plain");
  if (!sent) {
    std::printf("services: 602 MESSAGE not sent: %s\n", sent.error().reason.c_str());
    std::fflush(stdout);
  }
}

void ServiceUa::on_terminated(sip::InviteSession& session, sip::SessionEnd end) {
  Call* call = find(session);
  if (call == nullptr) {
    return;
  }
  call->endpoint->stop();
  const ServiceEndpointStats& s = call->endpoint->stats();
  std::printf("services: %s ended (%s): received=%llu sent=%llu foreign=%llu malformed=%llu\n",
              call->number.c_str(), std::string(sip::to_string(end)).c_str(),
              static_cast<unsigned long long>(s.received), static_cast<unsigned long long>(s.sent),
              static_cast<unsigned long long>(s.foreign_source),
              static_cast<unsigned long long>(s.malformed));
  std::fflush(stdout);
  calls_.erase(call->id);
}

}  // namespace tandem::pbx
