#include "sip/dns_resolver.hpp"

#include <ares.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <cstring>

#include "sip/uri.hpp"

namespace tandem::sip {
namespace asio = boost::asio;
namespace {

constexpr int kClassIn = 1;
constexpr int kTypeA = 1;
constexpr int kTypeAaaa = 28;
constexpr int kTypeSrv = 33;
constexpr int kTypeNaptr = 35;

Error dns_error(int status, const std::string& name, std::string_view type) {
  const std::string what = std::string(type) + " " + name;
  switch (status) {
    case ARES_ENOTFOUND:
      return Error{"NXDOMAIN: " + name + " does not exist", 0, 0, kDnsNxDomain};
    case ARES_ESERVFAIL:
      return Error{"SERVFAIL: the name server failed to answer " + what, 0, 0, kDnsServerFailure};
    case ARES_EREFUSED:
      return Error{"REFUSED: the name server refused to answer " + what, 0, 0, kDnsRefused};
    case ARES_ETIMEOUT:
      return Error{"timeout: no name server answered " + what};
    case ARES_ECONNREFUSED:
      return Error{"cannot reach a name server for " + what + " (connection refused)"};
    case ARES_EBADNAME:
      return Error{"not a valid DNS name: \"" + name + "\""};
    case ARES_EBADRESP:
    case ARES_EFORMERR:
      return Error{"malformed DNS reply for " + what};
    default:
      return Error{"DNS lookup of " + what + " failed: " + ares_strerror(status)};
  }
}

std::string text(const unsigned char* s) {
  return s == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(s));
}

DnsAnswer<NaptrRecord> parse_naptr(const unsigned char* abuf, int alen) {
  ares_naptr_reply* reply = nullptr;
  if (int status = ares_parse_naptr_reply(abuf, alen, &reply); status != ARES_SUCCESS) {
    if (status == ARES_ENODATA) return std::vector<NaptrRecord>{};
    return Error{std::string("malformed NAPTR reply: ") + ares_strerror(status)};
  }
  std::vector<NaptrRecord> out;
  for (const ares_naptr_reply* r = reply; r != nullptr; r = r->next) {
    out.push_back({r->order, r->preference, text(r->flags), text(r->service), text(r->regexp),
                   r->replacement == nullptr ? std::string() : std::string(r->replacement)});
  }
  ares_free_data(reply);
  return out;
}

DnsAnswer<SrvRecord> parse_srv(const unsigned char* abuf, int alen) {
  ares_srv_reply* reply = nullptr;
  if (int status = ares_parse_srv_reply(abuf, alen, &reply); status != ARES_SUCCESS) {
    if (status == ARES_ENODATA) return std::vector<SrvRecord>{};
    return Error{std::string("malformed SRV reply: ") + ares_strerror(status)};
  }
  std::vector<SrvRecord> out;
  for (const ares_srv_reply* r = reply; r != nullptr; r = r->next) {
    // c-ares writes the root as "" where the zone says "."; keep RFC 2782's spelling.
    std::string target = r->host == nullptr || *r->host == '\0' ? "." : r->host;
    out.push_back({r->priority, r->weight, r->port, std::move(target)});
  }
  ares_free_data(reply);
  return out;
}

template <int Family>
DnsAnswer<asio::ip::address> parse_addresses(const unsigned char* abuf, int alen) {
  hostent* host = nullptr;
  const int status = Family == AF_INET ? ares_parse_a_reply(abuf, alen, &host, nullptr, nullptr)
                                       : ares_parse_aaaa_reply(abuf, alen, &host, nullptr, nullptr);
  if (status != ARES_SUCCESS) {
    if (status == ARES_ENODATA) return std::vector<asio::ip::address>{};
    return Error{std::string("malformed address reply: ") + ares_strerror(status)};
  }
  std::vector<asio::ip::address> out;
  for (char** p = host->h_addr_list; p != nullptr && *p != nullptr; ++p) {
    if constexpr (Family == AF_INET) {
      asio::ip::address_v4::bytes_type bytes;
      std::memcpy(bytes.data(), *p, bytes.size());
      out.emplace_back(asio::ip::address_v4(bytes));
    } else {
      asio::ip::address_v6::bytes_type bytes;
      std::memcpy(bytes.data(), *p, bytes.size());
      out.emplace_back(asio::ip::address_v6(bytes));
    }
  }
  ares_free_hostent(host);
  return out;
}

}  // namespace

Result<PeerAddress> parse_name_server(const std::string& text) {
  auto hp = parse_host_port(text);
  if (!hp) return Error{"bad name server \"" + text + "\": " + hp.error().reason};
  std::string host = hp->host;
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(host, ec);
  if (ec) return Error{"bad name server \"" + text + "\": not an IP address"};
  return PeerAddress{ip, hp->port.value_or(53)};
}

// One socket c-ares asked us to watch. Shared with the pending waits, which may complete after
// c-ares closed the socket (or after a new socket reused its number): they check `closed`.
struct DnsResolver::Watch {
  Watch(asio::io_context& io, int fd) : fd(fd), descriptor(io) {}
  int fd;
  asio::posix::stream_descriptor descriptor;
  bool readable = false;
  bool writable = false;
  bool read_pending = false;
  bool write_pending = false;
  bool closed = false;
};

// One query in flight inside c-ares: turns the raw reply into an answer.
struct DnsResolver::Query {
  std::shared_ptr<bool> alive;
  std::function<void(int status, const unsigned char* abuf, int alen)> finish;
};

DnsResolver::DnsResolver(asio::io_context& io) : io_(io), timer_(io) {}

Result<std::unique_ptr<DnsResolver>> DnsResolver::create(asio::io_context& io,
                                                         const DnsOptions& options) {
  std::unique_ptr<DnsResolver> resolver(new DnsResolver(io));
  if (auto s = resolver->init(options); !s) return s.error();
  return resolver;
}

Status DnsResolver::init(const DnsOptions& options) {
  if (int s = ares_library_init(ARES_LIB_INIT_ALL); s != ARES_SUCCESS) {
    return Error{std::string("c-ares initialisation failed: ") + ares_strerror(s)};
  }
  library_initialised_ = true;
  ares_options o{};
  o.sock_state_cb = &DnsResolver::on_socket_state;
  o.sock_state_cb_data = this;
  o.timeout = static_cast<int>(std::max<Duration::rep>(1, options.timeout.count()));
  o.tries = std::max(1, options.tries);
  const int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  if (int s = ares_init_options(&channel_, &o, mask); s != ARES_SUCCESS) {
    channel_ = nullptr;
    return Error{std::string("cannot set up the DNS resolver: ") + ares_strerror(s)};
  }
  if (!options.servers.empty()) {
    std::string csv;
    for (const PeerAddress& server : options.servers) {
      PeerAddress s = server;
      if (s.port == 0) s.port = 53;
      if (!csv.empty()) csv += ',';
      csv += s.to_string();
    }
    if (int s = ares_set_servers_ports_csv(channel_, csv.c_str()); s != ARES_SUCCESS) {
      return Error{"invalid DNS server list \"" + csv + "\": " + ares_strerror(s)};
    }
  }
  return Ok{};
}

DnsResolver::~DnsResolver() {
  *alive_ = false;
  // Ends every query (their callbacks see ARES_EDESTRUCTION) and closes c-ares' sockets, telling
  // on_socket_state first so the descriptors are released before the numbers are reused.
  if (channel_ != nullptr) ares_destroy(channel_);
  try {
    for (auto& [fd, w] : watches_) {
      boost::system::error_code ec;
      w->closed = true;
      w->descriptor.cancel(ec);
      w->descriptor.release();
    }
    timer_.cancel();
  } catch (...) {  // only on OS errors nobody can act on in a destructor
  }
  if (library_initialised_) ares_library_cleanup();
}

void DnsResolver::naptr(const std::string& name, DnsCallback<NaptrRecord> done) {
  lookup<NaptrRecord>(name, kTypeNaptr, &parse_naptr, std::move(done));
}

void DnsResolver::srv(const std::string& name, DnsCallback<SrvRecord> done) {
  lookup<SrvRecord>(name, kTypeSrv, &parse_srv, std::move(done));
}

void DnsResolver::a(const std::string& name, DnsCallback<asio::ip::address> done) {
  lookup<asio::ip::address>(name, kTypeA, &parse_addresses<AF_INET>, std::move(done));
}

void DnsResolver::aaaa(const std::string& name, DnsCallback<asio::ip::address> done) {
  lookup<asio::ip::address>(name, kTypeAaaa, &parse_addresses<AF_INET6>, std::move(done));
}

template <typename T, typename Parse>
void DnsResolver::lookup(const std::string& name, int type, Parse parse, DnsCallback<T> done) {
  const char* type_name = type == kTypeA      ? "A"
                          : type == kTypeAaaa ? "AAAA"
                          : type == kTypeSrv  ? "SRV"
                                              : "NAPTR";
  auto finish = [this, name, type_name, parse, done = std::move(done)](
                    int status, const unsigned char* abuf, int alen) mutable {
    DnsAnswer<T> answer = status == ARES_SUCCESS ? parse(abuf, alen)
                          : status == ARES_ENODATA
                              ? DnsAnswer<T>(std::vector<T>{})
                              : DnsAnswer<T>(dns_error(status, name, type_name));
    // Never call the user from inside c-ares: it may destroy this resolver.
    asio::post(io_, [alive = alive_, done = std::move(done), answer = std::move(answer)]() mutable {
      if (*alive) done(std::move(answer));
    });
  };
  auto* query = new Query{alive_, std::move(finish)};
  ares_query(channel_, name.c_str(), kClassIn, type, &DnsResolver::on_answer, query);
  schedule_timeout();
}

void DnsResolver::on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf,
                            int alen) {
  std::unique_ptr<Query> query(static_cast<Query*>(arg));
  if (status == ARES_EDESTRUCTION || !*query->alive) return;
  query->finish(status, abuf, alen);
}

void DnsResolver::on_socket_state(void* data, int fd, int readable, int writable) {
  static_cast<DnsResolver*>(data)->watch(fd, readable != 0, writable != 0);
}

void DnsResolver::watch(int fd, bool readable, bool writable) {
  auto it = watches_.find(fd);
  if (!readable && !writable) {  // c-ares is about to close it
    if (it == watches_.end()) return;
    boost::system::error_code ec;
    it->second->closed = true;
    it->second->descriptor.cancel(ec);
    it->second->descriptor.release();
    watches_.erase(it);
    return;
  }
  if (it == watches_.end()) {
    auto w = std::make_shared<Watch>(io_, fd);
    boost::system::error_code ec;
    w->descriptor.assign(fd, ec);
    if (ec) return;  // unwatchable: c-ares' own timeout ends the query
    it = watches_.emplace(fd, std::move(w)).first;
  }
  it->second->readable = readable;
  it->second->writable = writable;
  arm(it->second);
}

void DnsResolver::arm(const std::shared_ptr<Watch>& w) {
  if (w->readable && !w->read_pending) {
    w->read_pending = true;
    w->descriptor.async_wait(asio::posix::descriptor_base::wait_read,
                             [this, alive = alive_, w](boost::system::error_code ec) {
                               w->read_pending = false;
                               if (ec || !*alive || w->closed || !w->readable) return;
                               process(w->fd, ARES_SOCKET_BAD);
                               if (!w->closed) arm(w);
                             });
  }
  if (w->writable && !w->write_pending) {
    w->write_pending = true;
    w->descriptor.async_wait(asio::posix::descriptor_base::wait_write,
                             [this, alive = alive_, w](boost::system::error_code ec) {
                               w->write_pending = false;
                               if (ec || !*alive || w->closed || !w->writable) return;
                               process(ARES_SOCKET_BAD, w->fd);
                               if (!w->closed) arm(w);
                             });
  }
}

void DnsResolver::process(int read_fd, int write_fd) {
  ares_process_fd(channel_, read_fd, write_fd);
  schedule_timeout();
}

void DnsResolver::schedule_timeout() {
  timeval tv{};
  if (ares_timeout(channel_, nullptr, &tv) == nullptr) {
    timer_.cancel();
    return;
  }
  timer_.expires_after(std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
  timer_.async_wait([this, alive = alive_](boost::system::error_code ec) {
    if (ec || !*alive) return;
    process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  });
}

}  // namespace tandem::sip
