#include "sip/stream_transport.hpp"

#include <boost/asio/post.hpp>
#include <utility>

#include "sip/stateless_reply.hpp"

namespace tandem::sip {

namespace asio = boost::asio;
using asio::ip::tcp;

// --- StreamConnection ----------------------------------------------------------------------

StreamConnection::StreamConnection(StreamTransport& transport, uint64_t id)
    : transport_(&transport) {
  flow_.connection_id = id;
}

void StreamConnection::set_flow(const tcp::socket::lowest_layer_type& socket, TransportKind kind) {
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  const auto local = socket.local_endpoint(ec);
  flow_ = Flow{kind, PeerAddress{remote.address(), remote.port()},
               PeerAddress{local.address(), local.port()}, flow_.connection_id};
}

bool StreamConnection::write(std::string bytes) {
  if (transport_ == nullptr) {
    return false;
  }
  if (queued_bytes_ + bytes.size() > transport_->options_.max_send_queue_bytes) {
    ++transport_->stats_.send_queue_overflows;  // the peer does not read: let it go
    shut_down();
    return false;
  }
  queued_bytes_ += bytes.size();
  queue_.push_back(std::move(bytes));
  if (writable_ && !writing_) {
    writing_ = true;
    write_front(queue_.front());
  }
  return true;
}

void StreamConnection::set_writable(bool writable) {
  writable_ = writable;
  if (writable_ && !writing_ && !queue_.empty()) {
    writing_ = true;
    write_front(queue_.front());
  }
}

void StreamConnection::on_written(boost::system::error_code ec) {
  writing_ = false;
  if (transport_ == nullptr) {
    return;
  }
  if (ec) {
    return shut_down();
  }
  queued_bytes_ -= queue_.front().size();
  queue_.pop_front();
  if (queue_.empty()) {
    return on_queue_drained();
  }
  if (writable_) {
    writing_ = true;
    write_front(queue_.front());
  }
}

StreamStats& StreamConnection::transport_stats() { return transport_->stats_; }

void StreamConnection::close_gracefully(std::string_view /*reason*/) { shut_down(); }

void StreamConnection::close() {
  transport_ = nullptr;
  writable_ = false;
  close_stream();
}

bool StreamConnection::admit_message() {
  StreamTransport& t = *transport_;
  if (t.limiter_.admit(flow_.remote.ip, t.options_.clock())) {
    return true;
  }
  ++t.stats_.flood_disconnects;  // one source may not starve everyone else
  shut_down();
  return false;
}

void StreamConnection::deliver(Result<Message> message, std::string_view raw) {
  StreamTransport& t = *transport_;
  if (!message) {
    ++t.stats_.malformed;
    if (auto reply = stateless_error_response(raw, message.error())) {
      write(std::move(*reply));
    }
    return;
  }
  ++t.stats_.messages_in;
  if (message->is_request()) {
    stamp_top_via(*message, flow_.remote.ip.to_string(), flow_.remote.port);
  }
  t.user_.on_message(std::move(*message), flow_);
}

void StreamConnection::shut_down() {
  if (transport_ == nullptr) {
    return;
  }
  StreamTransport* t = transport_;
  const auto self = shared_from_this();  // forget() drops the registry's reference
  close();
  t->forget(flow_.connection_id);
}

// --- StreamTransport -----------------------------------------------------------------------

StreamTransport::StreamTransport(TransportKind kind, tcp::acceptor acceptor, TransportUser& user,
                                 const StreamOptions& options)
    : kind_(kind),
      acceptor_(std::move(acceptor)),
      user_(user),
      options_(options),
      limiter_(options.rate_limit) {
  if (!options_.clock) {
    options_.clock = [] { return SteadyClock::now(); };
  }
  boost::system::error_code ec;
  const tcp::endpoint bound = acceptor_.local_endpoint(ec);
  local_ = PeerAddress{bound.address(), bound.port()};
}

StreamTransport::~StreamTransport() {
  *alive_ = false;
  boost::system::error_code ec;
  acceptor_.close(ec);
  for (auto& [id, connection] : connections_) {
    connection->close();
  }
}

Result<tcp::acceptor> StreamTransport::bind(asio::io_context& io, const PeerAddress& local,
                                            std::string_view scheme) {
  boost::system::error_code ec;
  tcp::acceptor acceptor(io);
  const tcp::endpoint endpoint(local.ip, local.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return Error{"cannot listen on " + std::string(scheme) + ":" + local.to_string() + ": " +
                 ec.message()};
  }
  return acceptor;
}

void StreamTransport::start_accepting() { accept(); }

void StreamTransport::accept() {
  acceptor_.async_accept([this, alive = alive_](boost::system::error_code ec, tcp::socket socket) {
    if (!*alive || ec == asio::error::operation_aborted) {
      return;
    }
    if (!ec) {
      admit(std::move(socket));
    }
    accept();
  });
}

void StreamTransport::admit(tcp::socket socket) {
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  if (ec) {
    return;  // already gone
  }
  if (connections_from(remote.address()) >= options_.max_connections_per_source ||
      !limiter_.admit(remote.address(), options_.clock())) {
    ++stats_.connections_refused;  // one source may not starve everyone else
    socket.close(ec);
    return;
  }
  auto connection = make_accepted(std::move(socket), next_connection_id());
  add(connection);
  connection->start();
}

void StreamTransport::add(const std::shared_ptr<StreamConnection>& connection) {
  connections_.emplace(connection->id(), connection);
}

void StreamTransport::forget(uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) {
    return;
  }
  const Flow flow = it->second->flow();
  connections_.erase(it);
  if (options_.on_connection_closed) {
    asio::post(acceptor_.get_executor(), [this, alive = alive_, flow] {
      if (*alive) {
        options_.on_connection_closed(flow);
      }
    });
  }
}

StreamConnection* StreamTransport::find(uint64_t id) const {
  auto it = connections_.find(id);
  return it == connections_.end() ? nullptr : it->second.get();
}

StreamConnection* StreamTransport::find_by_remote(const PeerAddress& remote) const {
  for (const auto& [id, connection] : connections_) {
    if (connection->flow().remote == remote) {
      return connection.get();
    }
  }
  return nullptr;
}

size_t StreamTransport::connections_from(const asio::ip::address& ip) const {
  size_t n = 0;
  for (const auto& [id, connection] : connections_) {
    n += connection->flow().remote.ip == ip ? 1 : 0;
  }
  return n;
}

bool StreamTransport::send(std::string_view bytes, const Flow& flow) {
  StreamConnection* connection = find(flow.connection_id);
  if (connection == nullptr || !connection->write(std::string(bytes))) {
    return false;
  }
  ++stats_.messages_out;
  return true;
}

}  // namespace tandem::sip
