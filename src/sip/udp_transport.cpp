#include "sip/udp_transport.hpp"

#include "sip/stateless_reply.hpp"

namespace tandem::sip {

namespace asio = boost::asio;
using asio::ip::udp;

Result<std::unique_ptr<UdpTransport>> UdpTransport::open(asio::io_context& io,
                                                         const PeerAddress& local,
                                                         TransportUser& user,
                                                         const ParserLimits& limits) {
  boost::system::error_code ec;
  udp::socket socket(io);
  const udp::endpoint endpoint(local.ip, local.port);
  socket.open(endpoint.protocol(), ec);
  if (!ec) socket.bind(endpoint, ec);
  if (ec) {
    return Error{"cannot listen on udp:" + local.to_string() + ": " + ec.message()};
  }
  auto transport = std::unique_ptr<UdpTransport>(new UdpTransport(std::move(socket), user, limits));
  transport->receive();
  return transport;
}

UdpTransport::UdpTransport(udp::socket socket, TransportUser& user, const ParserLimits& limits)
    : socket_(std::move(socket)), user_(user), limits_(limits) {
  const udp::endpoint bound = socket_.local_endpoint();
  local_ = PeerAddress{bound.address(), bound.port()};
}

bool UdpTransport::send(std::string_view bytes, const Flow& flow) {
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(bytes.data(), bytes.size()),
                  udp::endpoint(flow.remote.ip, flow.remote.port), 0, ec);
  if (ec) return false;
  ++stats_.messages_out;
  return true;
}

void UdpTransport::receive() {
  socket_.async_receive_from(asio::buffer(buffer_), sender_,
                             [this](boost::system::error_code ec, size_t n) {
                               if (ec == asio::error::operation_aborted) return;
                               if (!ec) on_datagram(std::string_view(buffer_.data(), n));
                               receive();
                             });
}

void UdpTransport::on_datagram(std::string_view bytes) {
  if (!limiter_.admit(sender_.address(), SteadyClock::now())) return;  // flooding: not even parsed
  // RFC 5626 §3.5.1 keep-alives on UDP are STUN or a bare CRLF: nothing to parse.
  if (bytes.find_first_not_of("\r\n") == std::string_view::npos) {
    ++stats_.keepalives;
    return;
  }
  const Flow flow{TransportKind::kUdp, PeerAddress{sender_.address(), sender_.port()}, local_, 0};
  auto message = parse_message(bytes, limits_, Framing::kDatagram);
  if (!message) {
    ++stats_.malformed;
    if (auto reply = stateless_error_response(bytes, message.error())) send(*reply, flow);
    return;
  }
  ++stats_.messages_in;
  if (message->is_request()) {
    stamp_top_via(*message, flow.remote.ip.to_string(), flow.remote.port);
  }
  user_.on_message(std::move(*message), flow);
}

}  // namespace tandem::sip
