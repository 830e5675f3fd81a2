// tandem-pbx's service extensions 600 (echo), 601 (1000 Hz tone) and 602 (DTMF readback) as a
// small user agent server of their own: a UserAgent on the pbx's io_context with an internal UDP
// transport on an ephemeral loopback port. The pbx's Services hook routes authenticated requests
// for those numbers through the proxy to this UA's contact like to any registered contact,
// Record-Route included, so the proxy stays unchanged and in-dialog BYE/INFO/re-INVITE, and
// 602's MESSAGE back to the caller, travel the route set through the proxy.
// Media: one ServiceMediaEndpoint (service_media/) per call, plain RTP on the --rtp-ports range.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "pbx.hpp"
#include "service_media/service_media_endpoint.hpp"
#include "sip/invite_session.hpp"
#include "sip/udp_transport.hpp"
#include "sip/user_agent.hpp"

namespace tandem::pbx {

struct ServiceUaOptions {
  // Where the internal SIP transport and the RTP ports are bound, and the address the SDP
  // announces: the pbx's first UDP listener's address (loopback when that is a wildcard).
  boost::asio::ip::address address = boost::asio::ip::address_v4::loopback();
  uint16_t rtp_port_min = 0;  // 0/0: any port the OS gives
  uint16_t rtp_port_max = 0;
  // 602: the digits received are sent to the caller once no new digit came for this long.
  Duration digit_quiet{1000};
  sip::TimerConfig timers;
};

class ServiceUa final : public Services,
                        public sip::UserAgent::Listener,
                        public sip::InviteSession::Listener {
 public:
  static Result<std::unique_ptr<ServiceUa>> create(boost::asio::io_context& io, Proxy& proxy,
                                                   const ServiceUaOptions& options);
  ~ServiceUa() override;
  ServiceUa(const ServiceUa&) = delete;
  ServiceUa& operator=(const ServiceUa&) = delete;

  // Where the proxy sends the services' requests (the internal transport's address).
  sip::PeerAddress address() const { return udp_->local_address(); }
  size_t call_count() const { return calls_.size(); }

  // Services: requests for 600/601/602 go to our contact through the proxy.
  bool on_request(sip::TransactionLayer& layer, sip::TransactionId id, const sip::Message& request,
                  const sip::Flow& flow) override;

  // sip::UserAgent::Listener
  void on_invite(sip::IncomingInvite& invite) override;
  // sip::InviteSession::Listener
  void on_request(sip::InviteSession& session, const sip::IncomingRequest& request) override;
  void on_terminated(sip::InviteSession& session, sip::SessionEnd end) override;

 private:
  struct Call {
    uint64_t id = 0;
    std::string number;
    ServiceBehaviour behaviour = ServiceBehaviour::kEcho;
    ServiceMediaPlan plan;
    std::shared_ptr<ServiceMediaEndpoint> endpoint;
    sip::InviteSession* session = nullptr;
    std::string digits;  // 602: reported, not yet sent in a MESSAGE
    std::unique_ptr<boost::asio::steady_timer> quiet;
  };

  ServiceUa(boost::asio::io_context& io, Proxy& proxy, const ServiceUaOptions& options);
  void reject(sip::IncomingInvite& invite, int status, const std::string& why);
  void on_reinvite(Call& call, const sip::IncomingRequest& request);
  void on_info(Call& call, const sip::IncomingRequest& request);
  void on_digit(uint64_t call_id, const DigitReport& report);
  void send_digits(uint64_t call_id);
  Call* find(const sip::InviteSession& session);

  boost::asio::io_context& io_;
  Proxy& proxy_;
  ServiceUaOptions options_;
  std::unique_ptr<sip::UdpTransport> udp_;
  std::unique_ptr<sip::UserAgent> ua_;
  std::map<uint64_t, std::unique_ptr<Call>> calls_;
  uint64_t next_call_ = 1;
};

}  // namespace tandem::pbx
