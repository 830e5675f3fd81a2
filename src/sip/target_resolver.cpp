#include "sip/target_resolver.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <map>
#include <optional>

#include "common/text.hpp"

namespace tandem::sip {
namespace asio = boost::asio;
using asio::ip::address;

namespace {

std::string without_root_dot(std::string name) {
  if (name.size() > 1 && name.back() == '.') name.pop_back();
  return name;
}

bool usable_for(TransportKind kind, bool sips) {
  return !sips || kind == TransportKind::kTls || kind == TransportKind::kWss;
}

}  // namespace

// One resolution in flight. DNS answers reach it through weak pointers, so a job dropped by its
// resolver ignores the answers still on their way.
class TargetResolver::Job : public std::enable_shared_from_this<TargetResolver::Job> {
 public:
  Job(TargetResolver& owner, uint64_t id, TargetPlan plan)
      : owner_(owner), id_(id), plan_(std::move(plan)) {}

  TargetCallback done;

  void start() {
    if (auto numeric = numeric_target(plan_)) return owner_.complete(id_, check({*numeric}));
    if (plan_.port) return query_addresses(*plan_.transport, *plan_.port);
    if (plan_.transport) {
      return query_srv({Group{*plan_.transport, srv_prefix(*plan_.transport) + plan_.host, {}}});
    }
    owner_.dns_.naptr(plan_.host, [weak = weak_from_this()](DnsAnswer<NaptrRecord> answer) {
      if (auto self = weak.lock()) self->on_naptr(std::move(answer));
    });
  }

 private:
  struct Group {  // one SRV name and the transport it is for
    TransportKind transport;
    std::string srv_name;
    std::vector<SrvRecord> records;  // RFC 2782 order
  };
  struct Addresses {
    std::vector<address> v4;
    std::vector<address> v6;
  };

  void on_naptr(DnsAnswer<NaptrRecord> answer) {
    std::vector<Group> groups;
    if (answer) {
      for (auto& c : select_naptr(std::move(*answer), plan_.sips, owner_.options_.transports)) {
        groups.push_back({c.transport, without_root_dot(c.srv_name), {}});
      }
    } else {
      note(answer.error());
    }
    if (!groups.empty()) {
      naptr_transport_ = groups.front().transport;
      return query_srv(std::move(groups));
    }
    // RFC 3263 §4.1: no NAPTR records: ask SRV for each transport we support, _sips for SIPS.
    for (TransportKind kind : owner_.options_.transports) {
      const bool fits = plan_.sips ? kind == TransportKind::kTls
                                   : kind == TransportKind::kUdp || kind == TransportKind::kTcp;
      if (fits) groups.push_back({kind, srv_prefix(kind) + plan_.host, {}});
    }
    if (groups.empty())
      return owner_.complete(id_, Error{"no transport we support can reach " + plan_.host});
    query_srv(std::move(groups));
  }

  void query_srv(std::vector<Group> groups) {
    groups_ = std::move(groups);
    pending_ = groups_.size();
    for (size_t i = 0; i < groups_.size(); ++i) {
      owner_.dns_.srv(groups_[i].srv_name, [weak = weak_from_this(), i](DnsAnswer<SrvRecord> a) {
        if (auto self = weak.lock()) self->on_srv(i, std::move(a));
      });
    }
  }

  void on_srv(size_t i, DnsAnswer<SrvRecord> answer) {
    if (answer) {
      groups_[i].records = order_srv(std::move(*answer), owner_.random_);
      for (SrvRecord& r : groups_[i].records) r.target = without_root_dot(std::move(r.target));
    } else {
      note(answer.error());
    }
    if (--pending_ > 0) return;
    const bool any = std::any_of(groups_.begin(), groups_.end(),
                                 [](const Group& g) { return !g.records.empty(); });
    if (!any) {
      // §4.2: no SRV records: the host's addresses at the default port of the transport chosen.
      const TransportKind kind = plan_.transport ? *plan_.transport
                                 : naptr_transport_
                                     ? *naptr_transport_
                                     : (plan_.sips ? TransportKind::kTls : TransportKind::kUdp);
      return query_addresses(kind, default_port(kind));
    }
    std::vector<std::string> hosts;
    for (const Group& g : groups_) {
      for (const SrvRecord& r : g.records) {
        if (std::find(hosts.begin(), hosts.end(), r.target) == hosts.end())
          hosts.push_back(r.target);
      }
    }
    lookup_hosts(hosts);
  }

  // A/AAAA for the URI's own host (explicit port, or no SRV records).
  void query_addresses(TransportKind kind, uint16_t port) {
    groups_ = {Group{kind, {}, {SrvRecord{0, 0, port, plan_.host}}}};
    lookup_hosts({plan_.host});
  }

  void lookup_hosts(const std::vector<std::string>& hosts) {
    const TargetOptions& o = owner_.options_;
    pending_ = hosts.size() * ((o.ipv4 ? 1 : 0) + (o.ipv6 ? 1 : 0));
    if (pending_ == 0) return finish();
    for (const std::string& host : hosts) {
      boost::system::error_code ec;
      if (const address ip = asio::ip::make_address(host, ec); !ec) {  // an SRV target may be one
        (ip.is_v4() ? addresses_[host].v4 : addresses_[host].v6).push_back(ip);
        pending_ -= (o.ipv4 ? 1 : 0) + (o.ipv6 ? 1 : 0);
        if (pending_ == 0) return finish();
        continue;
      }
      auto answer = [weak = weak_from_this(), host](bool v6) {
        return [weak, host, v6](DnsAnswer<address> a) {
          if (auto self = weak.lock()) self->on_addresses(host, v6, std::move(a));
        };
      };
      if (o.ipv4) owner_.dns_.a(host, answer(false));
      if (o.ipv6) owner_.dns_.aaaa(host, answer(true));
    }
  }

  void on_addresses(const std::string& host, bool v6, DnsAnswer<address> answer) {
    if (answer) {
      (v6 ? addresses_[host].v6 : addresses_[host].v4) = std::move(*answer);
    } else {
      note(answer.error());
    }
    if (--pending_ == 0) finish();
  }

  void finish() {
    std::vector<Target> targets;
    for (const Group& g : groups_) {
      for (const SrvRecord& r : g.records) {
        const Addresses& a = addresses_[r.target];
        const bool six_first = owner_.options_.prefer_ipv6;
        for (const auto* list : {six_first ? &a.v6 : &a.v4, six_first ? &a.v4 : &a.v6}) {
          for (const address& ip : *list) {
            Target t{g.transport, {ip, r.port}, r.target, plan_.host};
            if (std::find(targets.begin(), targets.end(), t) == targets.end()) targets.push_back(t);
          }
        }
      }
    }
    if (targets.size() > owner_.options_.max_targets) targets.resize(owner_.options_.max_targets);
    owner_.complete(id_, check(std::move(targets)));
  }

  Result<std::vector<Target>> check(std::vector<Target> targets) const {
    const auto& supported = owner_.options_.transports;
    std::erase_if(targets, [&](const Target& t) {
      return std::find(supported.begin(), supported.end(), t.transport) == supported.end() ||
             !usable_for(t.transport, plan_.sips);
    });
    if (!targets.empty()) return targets;
    if (error_) {
      Error e = *error_;
      e.reason = "cannot resolve " + plan_.host + ": " + e.reason;
      return e;
    }
    return Error{"cannot resolve " + plan_.host +
                 ": no usable targets (no A/AAAA records, or no "
                 "transport we support)"};
  }

  // Keeps the most telling failure: the first timeout, SERVFAIL or other trouble (the answer
  // might have existed), else the latest NXDOMAIN (the URI's own host, asked last).
  void note(const Error& e) {
    if (!error_ || error_->status == kDnsNxDomain) error_ = e;
  }

  TargetResolver& owner_;
  uint64_t id_;
  TargetPlan plan_;
  std::optional<TransportKind> naptr_transport_;
  std::vector<Group> groups_;
  std::map<std::string, Addresses> addresses_;
  size_t pending_ = 0;
  std::optional<Error> error_;
};

TargetResolver::TargetResolver(asio::io_context& io, DnsLookup& dns, TargetOptions options,
                               RandomPick random)
    : io_(io), dns_(dns), options_(std::move(options)), random_(std::move(random)) {}

TargetResolver::~TargetResolver() { *alive_ = false; }

void TargetResolver::resolve(const Uri& uri, TargetCallback done) {
  auto plan = plan_targets(uri);
  const uint64_t id = next_id_++;
  if (!plan) {
    asio::post(io_, [alive = alive_, done = std::move(done), e = plan.error()]() {
      if (*alive) done(e);
    });
    return;
  }
  auto job = std::make_shared<Job>(*this, id, std::move(*plan));
  job->done = std::move(done);
  jobs_.emplace(id, job);
  job->start();
}

// Always delivered from the io_context, never from inside resolve() or a DNS callback chain that
// the caller might not expect to re-enter.
void TargetResolver::complete(uint64_t id, Result<std::vector<Target>> result) {
  asio::post(io_, [this, alive = alive_, id, result = std::move(result)]() mutable {
    if (!*alive) return;
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return;
    TargetCallback done = std::move(it->second->done);
    jobs_.erase(it);
    done(std::move(result));
  });
}

}  // namespace tandem::sip
