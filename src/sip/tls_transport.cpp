#include "sip/tls_transport.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ssl/host_name_verification.hpp>

#include "sip/byte_stream_connection.hpp"

namespace tandem::sip {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using asio::ip::tcp;
using TlsConnection = ByteStreamConnection<ssl::stream<tcp::socket>>;

namespace {

// Client side: SNI for a host name, and (when `verify`) the name or IP address the peer's
// certificate must carry (RFC 5922 §7.1 in spirit: subjectAltName). False when OpenSSL refuses.
bool expect_server_name(ssl::stream<tcp::socket>& stream, const std::string& name, bool verify) {
  boost::system::error_code ec;
  asio::ip::make_address(name, ec);
  const bool is_ip = !ec;
  if (!is_ip && SSL_set_tlsext_host_name(stream.native_handle(), name.c_str()) != 1) {
    return false;
  }
  if (!verify) {
    return true;
  }
  stream.set_verify_callback(ssl::host_name_verification(name), ec);
  return !ec;
}

}  // namespace

Result<std::unique_ptr<TlsTransport>> TlsTransport::listen(asio::io_context& io,
                                                           const PeerAddress& local,
                                                           TransportUser& user,
                                                           SslContextPtr server_context,
                                                           const TlsOptions& options) {
  if (!server_context) {
    return Error{"cannot listen on tls:" + local.to_string() + ": no TLS context"};
  }
  auto acceptor = bind(io, local, "tls");
  if (!acceptor) {
    return acceptor.error();
  }
  auto transport = std::unique_ptr<TlsTransport>(
      new TlsTransport(io, std::move(*acceptor), user, std::move(server_context), options));
  transport->start_accepting();
  return transport;
}

TlsTransport::TlsTransport(asio::io_context& io, tcp::acceptor acceptor, TransportUser& user,
                           SslContextPtr server_context, const TlsOptions& options)
    : StreamTransport(TransportKind::kTls, std::move(acceptor), user, options),
      io_(io),
      server_context_(std::move(server_context)),
      client_context_(options.client_context) {}

std::shared_ptr<StreamConnection> TlsTransport::make_accepted(tcp::socket socket, uint64_t id) {
  return std::make_shared<TlsConnection>(*this, std::move(socket), id, true, server_context_);
}

Result<SslContextPtr> TlsTransport::client_context() {
  if (!client_context_) {
    auto context = make_tls_client_context();
    if (!context) {
      return context;
    }
    client_context_ = std::move(*context);
  }
  return client_context_;
}

void TlsTransport::send_to(const PeerAddress& remote, std::string bytes,
                           std::function<void(Result<Flow>)> done, const std::string& server_name) {
  if (StreamConnection* connection = find_by_remote(remote)) {
    if (!connection->write(std::move(bytes))) {  // queued until its handshake is done
      return done(Error{"connection to tls:" + remote.to_string() + " closed"});
    }
    ++mutable_stats().messages_out;
    return done(connection->flow());
  }
  if (auto context = client_context(); !context) {
    return done(context.error());
  }
  connect(remote, std::move(bytes), std::move(done),
          server_name.empty() ? remote.ip.to_string() : server_name);
}

void TlsTransport::connect(const PeerAddress& remote, std::string bytes,
                           std::function<void(Result<Flow>)> done, const std::string& server_name) {
  auto socket = std::make_shared<tcp::socket>(io_);
  socket->async_connect(
      tcp::endpoint(remote.ip, remote.port),
      [this, alive = alive(), socket, remote, name = server_name, bytes = std::move(bytes),
       done = std::move(done)](boost::system::error_code ec) mutable {
        if (!*alive) {
          return;
        }
        if (ec) {
          return done(Error{"cannot connect to tls:" + remote.to_string() + ": " + ec.message()});
        }
        auto connection = std::make_shared<TlsConnection>(
            *this, std::move(*socket), next_connection_id(), false, client_context_);
        add(connection);
        const bool verify =
            SSL_CTX_get_verify_mode(client_context_->native_handle()) != SSL_VERIFY_NONE;
        if (!expect_server_name(connection->stream(), name, verify)) {
          connection->close();
          drop(connection->id());
          return done(Error{"cannot verify tls:" + remote.to_string() + " as \"" + name + "\""});
        }
        connection->write(std::move(bytes));
        ++mutable_stats().messages_out;
        connection->start_with(std::move(done));
      });
}

}  // namespace tandem::sip
