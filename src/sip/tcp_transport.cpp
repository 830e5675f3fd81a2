#include "sip/tcp_transport.hpp"

#include "sip/byte_stream_connection.hpp"

namespace tandem::sip {

namespace asio = boost::asio;
using asio::ip::tcp;
using TcpConnection = ByteStreamConnection<tcp::socket>;

Result<std::unique_ptr<TcpTransport>> TcpTransport::listen(asio::io_context& io,
                                                           const PeerAddress& local,
                                                           TransportUser& user,
                                                           const TcpOptions& options) {
  auto acceptor = bind(io, local, "tcp");
  if (!acceptor) {
    return acceptor.error();
  }
  auto transport =
      std::unique_ptr<TcpTransport>(new TcpTransport(io, std::move(*acceptor), user, options));
  transport->start_accepting();
  return transport;
}

TcpTransport::TcpTransport(asio::io_context& io, tcp::acceptor acceptor, TransportUser& user,
                           const TcpOptions& options)
    : StreamTransport(TransportKind::kTcp, std::move(acceptor), user, options), io_(io) {}

std::shared_ptr<StreamConnection> TcpTransport::make_accepted(tcp::socket socket, uint64_t id) {
  return std::make_shared<TcpConnection>(*this, std::move(socket), id, true);
}

bool TcpTransport::send(std::string_view bytes, const Flow& flow) {
  if (flow.connection_id == 0) {
    send_to(flow.remote, std::string(bytes), [](const Result<Flow>&) {});
    return true;
  }
  return StreamTransport::send(bytes, flow);
}

void TcpTransport::send_to(const PeerAddress& remote, std::string bytes,
                           std::function<void(Result<Flow>)> done) {
  if (StreamConnection* connection = find_by_remote(remote)) {
    if (!connection->write(std::move(bytes))) {
      return done(Error{"connection to tcp:" + remote.to_string() + " closed"});
    }
    ++mutable_stats().messages_out;
    return done(connection->flow());
  }
  auto socket = std::make_shared<tcp::socket>(io_);
  socket->async_connect(
      tcp::endpoint(remote.ip, remote.port),
      [this, alive = alive(), socket, remote, bytes = std::move(bytes),
       done = std::move(done)](boost::system::error_code ec) mutable {
        if (!*alive) {
          return;
        }
        if (ec) {
          return done(Error{"cannot connect to tcp:" + remote.to_string() + ": " + ec.message()});
        }
        auto connection =
            std::make_shared<TcpConnection>(*this, std::move(*socket), next_connection_id(), false);
        add(connection);
        connection->start();
        if (!connection->write(std::move(bytes))) {
          return done(Error{"connection to tcp:" + remote.to_string() + " closed"});
        }
        ++mutable_stats().messages_out;
        done(connection->flow());
      });
}

}  // namespace tandem::sip
