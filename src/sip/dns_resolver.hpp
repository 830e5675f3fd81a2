// An asynchronous DNS stub resolver: c-ares driven by the signaling thread's io_context. c-ares
// tells us which sockets it wants watched (socket state callback); Asio waits on them and on one
// timer for c-ares' retransmissions, and hands readiness back with ares_process_fd.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "sip/dns_lookup.hpp"
#include "sip/transport.hpp"

struct ares_channeldata;

namespace tandem::sip {

struct DnsOptions {
  // Name servers to ask, in order. Empty: those of /etc/resolv.conf.
  std::vector<PeerAddress> servers;
  Duration timeout{2000};  // per try, per server (c-ares doubles it on later rounds)
  int tries = 2;
};

// "IP" or "IP:PORT" ("[::1]:5353"): a name server for DnsOptions::servers (default port 53).
Result<PeerAddress> parse_name_server(const std::string& text);

class DnsResolver final : public DnsLookup {
 public:
  static Result<std::unique_ptr<DnsResolver>> create(boost::asio::io_context& io,
                                                     const DnsOptions& options = {});
  // Cancels every pending lookup; none of their callbacks runs afterwards.
  ~DnsResolver() override;
  DnsResolver(const DnsResolver&) = delete;
  DnsResolver& operator=(const DnsResolver&) = delete;

  void naptr(const std::string& name, DnsCallback<NaptrRecord> done) override;
  void srv(const std::string& name, DnsCallback<SrvRecord> done) override;
  void a(const std::string& name, DnsCallback<boost::asio::ip::address> done) override;
  void aaaa(const std::string& name, DnsCallback<boost::asio::ip::address> done) override;

  size_t watched_sockets() const { return watches_.size(); }

 private:
  struct Watch;
  struct Query;

  explicit DnsResolver(boost::asio::io_context& io);
  Status init(const DnsOptions& options);
  template <typename T, typename Parse>
  void lookup(const std::string& name, int type, Parse parse, DnsCallback<T> done);

  static void on_socket_state(void* data, int fd, int readable, int writable);
  static void on_answer(void* arg, int status, int timeouts, unsigned char* abuf, int alen);
  void watch(int fd, bool readable, bool writable);
  void arm(const std::shared_ptr<Watch>& w);
  void process(int read_fd, int write_fd);
  void schedule_timeout();

  boost::asio::io_context& io_;
  boost::asio::steady_timer timer_;
  ares_channeldata* channel_ = nullptr;
  bool library_initialised_ = false;
  std::unordered_map<int, std::shared_ptr<Watch>> watches_;
  // Completion handlers may run after this resolver is gone; they check this first.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tandem::sip
