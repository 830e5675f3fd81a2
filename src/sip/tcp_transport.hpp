// SIP over TCP (RFC 3261 §18): accepted and opened connections, framed by Content-Length, with
// RFC 5626 CRLF keep-alives, an idle timeout, and the admission and flood checks of
// StreamTransport.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "sip/stream_transport.hpp"

namespace tandem::sip {

struct TcpOptions : StreamOptions {};

class TcpTransport final : public StreamTransport {
 public:
  // Listens on `local` (port 0 picks a free one). `user` must outlive this.
  static Result<std::unique_ptr<TcpTransport>> listen(boost::asio::io_context& io,
                                                      const PeerAddress& local, TransportUser& user,
                                                      const TcpOptions& options = {});

  // A flow without a connection (connection_id 0) goes like send_to(flow.remote, ...).
  bool send(std::string_view bytes, const Flow& flow) override;
  // Sends on an open connection to `remote`, or opens one first (§18.1.1 connection reuse).
  // `done` gets the flow used, or why it failed.
  void send_to(const PeerAddress& remote, std::string bytes,
               std::function<void(Result<Flow>)> done);

 private:
  TcpTransport(boost::asio::io_context& io, boost::asio::ip::tcp::acceptor acceptor,
               TransportUser& user, const TcpOptions& options);
  std::shared_ptr<StreamConnection> make_accepted(boost::asio::ip::tcp::socket socket,
                                                  uint64_t id) override;

  boost::asio::io_context& io_;
};

}  // namespace tandem::sip
