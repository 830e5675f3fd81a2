// SIP over TLS (RFC 3261 §18, §26.3.1): TCP's byte-stream connections behind a TLS handshake
// (asio::ssl), bounded by handshake_timeout, with the admission and flood checks of
// StreamTransport. TLS 1.2 or later; the server presents a TlsIdentity.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "sip/stream_transport.hpp"
#include "sip/tls_identity.hpp"

namespace tandem::sip {

struct TlsOptions : StreamOptions {
  // For connections we open (send_to). Null: verify peers against the system's trust store.
  SslContextPtr client_context;
};

class TlsTransport final : public StreamTransport {
 public:
  // Listens on `local` (port 0 picks a free one), presenting `server_context`'s certificate
  // (make_tls_server_context). `user` must outlive this.
  static Result<std::unique_ptr<TlsTransport>> listen(boost::asio::io_context& io,
                                                      const PeerAddress& local, TransportUser& user,
                                                      SslContextPtr server_context,
                                                      const TlsOptions& options = {});

  // Sends on an open connection to `remote`, or opens one first (§18.1.1 connection reuse) and
  // sends once the handshake is done. The peer's certificate must match `server_name` (a host
  // name, also sent as SNI, or an IP address; empty: the remote IP) unless the client context
  // does not verify. `done` gets the flow used, or why it failed.
  void send_to(const PeerAddress& remote, std::string bytes, std::function<void(Result<Flow>)> done,
               const std::string& server_name = {});

  uint64_t handshake_failures() const { return stats().handshake_failures; }

 private:
  TlsTransport(boost::asio::io_context& io, boost::asio::ip::tcp::acceptor acceptor,
               TransportUser& user, SslContextPtr server_context, const TlsOptions& options);
  std::shared_ptr<StreamConnection> make_accepted(boost::asio::ip::tcp::socket socket,
                                                  uint64_t id) override;
  Result<SslContextPtr> client_context();
  void connect(const PeerAddress& remote, std::string bytes, std::function<void(Result<Flow>)> done,
               const std::string& server_name);

  boost::asio::io_context& io_;
  SslContextPtr server_context_;
  SslContextPtr client_context_;
};

}  // namespace tandem::sip
