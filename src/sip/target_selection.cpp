#include "sip/target_selection.hpp"

#include <algorithm>
#include <memory>
#include <random>

#include "common/text.hpp"

namespace tandem::sip {
namespace {

std::optional<TransportKind> naptr_transport(std::string_view service, bool sips) {
  if (iequals(service, "SIPS+D2T")) return TransportKind::kTls;
  if (iequals(service, "SIPS+D2W")) return TransportKind::kWss;
  if (sips) return std::nullopt;  // a sips URI never goes over an insecure transport
  if (iequals(service, "SIP+D2U")) return TransportKind::kUdp;
  if (iequals(service, "SIP+D2T")) return TransportKind::kTcp;
  if (iequals(service, "SIP+D2W")) return TransportKind::kWs;
  return std::nullopt;
}

}  // namespace

std::string Target::to_string() const {
  std::string out = std::string(transport_name(transport)) + " " + address.to_string();
  if (!host.empty()) out += " (" + host + ")";
  return out;
}

RandomPick default_random_pick() {
  auto engine = std::make_shared<std::mt19937>(std::random_device{}());
  return [engine](uint32_t upper) {
    return std::uniform_int_distribution<uint32_t>(0, upper)(*engine);
  };
}

uint16_t default_port(TransportKind kind) {
  return kind == TransportKind::kTls || kind == TransportKind::kWss ? 5061 : 5060;
}

std::string srv_prefix(TransportKind kind) {
  switch (kind) {
    case TransportKind::kUdp:
      return "_sip._udp.";
    case TransportKind::kTcp:
      return "_sip._tcp.";
    case TransportKind::kTls:
      return "_sips._tcp.";
    case TransportKind::kWs:
      return "_sip._ws.";
    case TransportKind::kWss:
      return "_sips._ws.";
  }
  return "_sip._udp.";
}

Result<TargetPlan> plan_targets(const Uri& uri) {
  if (!uri.is_sip()) {
    return Error{"only sip: and sips: URIs have RFC 3263 targets, not " + uri.scheme_name + ":"};
  }
  TargetPlan plan;
  plan.sips = uri.scheme == Uri::Scheme::kSips;
  const auto maddr = uri.params.value("maddr");
  plan.host = maddr && !maddr->empty() ? std::string(*maddr) : uri.host;
  if (plan.host.size() >= 2 && plan.host.front() == '[' && plan.host.back() == ']') {
    plan.host = plan.host.substr(1, plan.host.size() - 2);
  }
  if (plan.host.empty()) return Error{"the URI has no host to resolve"};
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(plan.host, ec);
  if (!ec) plan.numeric = ip;

  const std::string t = uri.transport();
  if (t == "udp") {
    if (plan.sips) return Error{"a sips: URI cannot use transport=udp"};
    plan.transport = TransportKind::kUdp;
  } else if (t == "tcp") {
    plan.transport = plan.sips ? TransportKind::kTls : TransportKind::kTcp;
  } else if (t == "tls") {
    plan.transport = TransportKind::kTls;
  } else if (t == "ws") {
    plan.transport = plan.sips ? TransportKind::kWss : TransportKind::kWs;
  } else if (t == "wss") {
    plan.transport = TransportKind::kWss;
  } else if (!t.empty()) {
    return Error{"unsupported transport \"" + t + "\""};
  }
  plan.port = uri.port;
  if (!plan.transport && (plan.numeric || plan.port)) {
    plan.transport = plan.sips ? TransportKind::kTls : TransportKind::kUdp;  // RFC 3263 §4.1
  }
  return plan;
}

std::optional<Target> numeric_target(const TargetPlan& plan) {
  if (!plan.numeric || !plan.transport) return std::nullopt;
  const TransportKind kind = *plan.transport;
  return Target{kind, {*plan.numeric, plan.port.value_or(default_port(kind))}, {}, {}};
}

std::vector<NaptrChoice> select_naptr(std::vector<NaptrRecord> records, bool sips,
                                      const std::vector<TransportKind>& supported) {
  std::stable_sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    return a.order != b.order ? a.order < b.order : a.preference < b.preference;
  });
  std::vector<NaptrChoice> out;
  for (const NaptrRecord& r : records) {
    if (!iequals(r.flags, "s") || r.replacement.empty() || r.replacement == ".") continue;
    const auto kind = naptr_transport(r.service, sips);
    if (!kind || std::find(supported.begin(), supported.end(), *kind) == supported.end()) continue;
    NaptrChoice choice{*kind, r.replacement};
    const bool seen = std::any_of(out.begin(), out.end(), [&](const NaptrChoice& c) {
      return c.transport == choice.transport && iequals(c.srv_name, choice.srv_name);
    });
    if (!seen) out.push_back(std::move(choice));
  }
  return out;
}

std::vector<SrvRecord> order_srv(std::vector<SrvRecord> records, const RandomPick& random) {
  std::erase_if(records, [](const SrvRecord& r) { return r.target == "." || r.target.empty(); });
  std::stable_sort(records.begin(), records.end(),
                   [](const auto& a, const auto& b) { return a.priority < b.priority; });
  std::vector<SrvRecord> out;
  out.reserve(records.size());
  for (auto begin = records.begin(); begin != records.end();) {
    auto end = std::find_if(begin, records.end(),
                            [&](const SrvRecord& r) { return r.priority != begin->priority; });
    std::vector<SrvRecord> group(std::make_move_iterator(begin), std::make_move_iterator(end));
    std::stable_partition(group.begin(), group.end(),
                          [](const SrvRecord& r) { return r.weight == 0; });
    while (!group.empty()) {
      uint32_t total = 0;
      for (const SrvRecord& r : group) total += r.weight;
      const uint32_t pick = std::min(random(total), total);
      uint32_t running = 0;
      size_t chosen = group.size() - 1;
      for (size_t i = 0; i < group.size(); ++i) {
        running += group[i].weight;
        if (running >= pick) {
          chosen = i;
          break;
        }
      }
      out.push_back(std::move(group[chosen]));
      group.erase(group.begin() + static_cast<std::ptrdiff_t>(chosen));
    }
    begin = end;
  }
  return out;
}

}  // namespace tandem::sip
