// A SIP connection over a byte stream (RFC 3261 §18.3): TCP (Stream = tcp::socket) or TLS
// (Stream = ssl::stream<tcp::socket>, with a handshake first). Messages are cut by Content-Length
// (StreamFramer), RFC 5626 CRLFCRLF pings are answered with a CRLF, and one timer bounds the TLS
// handshake and then closes the connection after idle_timeout without bytes either way.
// Internal to tcp_transport.cpp and tls_transport.cpp.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <type_traits>
#include <utility>

#include "sip/stream_framer.hpp"
#include "sip/stream_transport.hpp"
#include "sip/tls_identity.hpp"

namespace tandem::sip {

template <typename Stream>
class ByteStreamConnection final : public StreamConnection {
  static constexpr bool kTls = !std::is_same_v<Stream, boost::asio::ip::tcp::socket>;

 public:
  // For connections we open: told once the connection can carry messages (TLS: handshake done).
  using Ready = std::function<void(Result<Flow>)>;

  ByteStreamConnection(StreamTransport& transport, boost::asio::ip::tcp::socket socket, uint64_t id,
                       bool accepted, SslContextPtr context = nullptr)
      : StreamConnection(transport, id),
        context_(std::move(context)),
        stream_(make_stream(std::move(socket), context_)),
        timer_(stream_.get_executor()),
        framer_(accepted ? StreamFramer::Role::kAccepted : StreamFramer::Role::kConnected,
                transport.stream_options().limits),
        accepted_(accepted) {
    set_flow(stream_.lowest_layer(), kTls ? TransportKind::kTls : TransportKind::kTcp);
  }

  void start() override { start_with(nullptr); }

  // TCP is ready at once; TLS after its handshake, bounded by handshake_timeout.
  void start_with(Ready ready) {
    ready_ = std::move(ready);
    if constexpr (kTls) {
      arm_timer(transport().stream_options().handshake_timeout);
      stream_.async_handshake(
          accepted_ ? boost::asio::ssl::stream_base::server : boost::asio::ssl::stream_base::client,
          [self = self()](boost::system::error_code ec) { self->on_handshake(ec); });
    } else {
      on_handshake({});
    }
  }

  Stream& stream() { return stream_; }

 private:
  static Stream make_stream(boost::asio::ip::tcp::socket socket, const SslContextPtr& context) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *context);
    } else {
      return socket;
    }
  }

  std::shared_ptr<ByteStreamConnection> self() {
    return std::static_pointer_cast<ByteStreamConnection>(shared_from_this());
  }

  void on_handshake(boost::system::error_code ec) {
    if (!is_open()) {
      return;
    }
    if (ec) {
      ++transport_stats().handshake_failures;
      if (ready_) {
        std::exchange(ready_, nullptr)(
            Error{"TLS handshake with " + flow().remote.to_string() + " failed: " + ec.message()});
      }
      return shut_down();
    }
    handshaken_ = true;
    arm_timer(transport().stream_options().idle_timeout);
    if (ready_) {
      std::exchange(ready_, nullptr)(flow());
      if (!is_open()) {
        return;  // the callback may have destroyed the transport
      }
    }
    set_writable(true);
    if (is_open()) {
      read();
    }
  }

  void read() {
    stream_.async_read_some(boost::asio::buffer(buffer_),
                            [self = self()](boost::system::error_code ec, size_t n) {
                              if (!self->is_open()) {
                                return;
                              }
                              if (ec) {
                                return self->shut_down();  // closed, truncated or broken
                              }
                              self->active_ = true;
                              self->framer_.append(std::string_view(self->buffer_.data(), n));
                              if (self->drain()) {
                                self->read();
                              }
                            });
  }

  // Delivers every complete frame; false when the stream broke and the connection is closed.
  bool drain() {
    while (is_open()) {
      auto frame = framer_.next();
      if (!frame) {
        shut_down();  // cannot resynchronise: close (RFC 3261 §18.3)
        return false;
      }
      if (!frame->has_value()) {
        return true;
      }
      const auto& f = **frame;
      if (f.kind == StreamFramer::Frame::Kind::kPing) {
        ++transport_stats().keepalives;
        write("\r\n");  // RFC 5626 §4.4.1 pong
      } else if (f.kind == StreamFramer::Frame::Kind::kMessage && admit_message()) {
        deliver(parse_message(f.bytes, transport().stream_options().limits, Framing::kStream),
                f.bytes);
      }
    }
    return false;
  }

  void write_front(const std::string& bytes) override {
    boost::asio::async_write(stream_, boost::asio::buffer(bytes),
                             [self = self()](boost::system::error_code ec, size_t) {
                               if (!ec) {
                                 self->active_ = true;
                               }
                               self->on_written(ec);
                             });
  }

  void close_stream() override {
    boost::system::error_code ec;
    timer_.cancel();
    stream_.lowest_layer().close(ec);
  }

  // Before the handshake completes the timer bounds it; afterwards it is the idle timer.
  void arm_timer(Duration after) {
    timer_.expires_after(after);
    timer_.async_wait([self = self()](boost::system::error_code ec) {
      if (ec || !self->is_open()) {
        return;
      }
      if (!self->handshaken_) {
        if (self->ready_) {
          std::exchange(self->ready_, nullptr)(
              Error{"TLS handshake with " + self->flow().remote.to_string() + " timed out"});
          if (!self->is_open()) {
            return;
          }
        }
        ++self->transport_stats().handshake_failures;
        return self->shut_down();
      }
      if (!self->active_) {
        return self->shut_down();
      }
      self->active_ = false;
      self->arm_timer(self->transport().stream_options().idle_timeout);
    });
  }

  SslContextPtr context_;  // TLS: the stream refers to it, so it lives as long as the stream
  Stream stream_;
  boost::asio::steady_timer timer_;
  StreamFramer framer_;
  bool accepted_;
  Ready ready_;
  bool handshaken_ = false;
  bool active_ = false;
  std::array<char, 16384> buffer_{};
};

}  // namespace tandem::sip
