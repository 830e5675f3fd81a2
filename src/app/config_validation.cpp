#include "app/config_validation.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/ip/address.hpp>
#include <filesystem>
#include <set>
#include <string_view>

#include "app/config_keys.hpp"
#include "common/text.hpp"
#include "sip/uri.hpp"

namespace tandem::app {

namespace {

constexpr std::array<std::string_view, 4> kCodecs = {"opus", "pcmu", "pcma", "g722"};

std::string q(const std::string& s) { return "\"" + s + "\""; }

struct Checker {
  const Config& c;
  ConfigErrors errors;

  void add(std::string key, std::string message) {
    errors.push_back({std::move(key), std::move(message)});
  }

  static bool is_ip(const std::string& text, bool allow_unspecified = true) {
    boost::system::error_code ec;
    const auto a = boost::asio::ip::make_address(text, ec);
    return !ec && (allow_unspecified || !a.is_unspecified());
  }

  // "IPv4:port" or "[IPv6]:port".
  static bool is_ip_port(const std::string& text, bool allow_port_zero) {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) return false;
    std::string host = text.substr(0, colon);
    const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
    if (bracketed) host = host.substr(1, host.size() - 2);
    if (!bracketed && host.find(':') != std::string::npos) return false;
    const auto port = parse_uint(text.substr(colon + 1), 65535);
    return port && (allow_port_zero || *port != 0) && is_ip(host);
  }

  void ip_port(const std::string& key, const std::string& value, bool allow_port_zero = false) {
    if (value.empty() || is_ip_port(value, allow_port_zero)) return;
    add(key, "got " + q(value) +
                 ", expected an IP address and port like \"0.0.0.0:8443\" or \"[::]:8443\"");
  }

  void readable(const std::string& key, const std::string& path) {
    if (path.empty()) return;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      add(key, "got " + q(path) + ", expected an existing readable file");
    }
  }

  void listen() {
    const ListenConfig& l = c.listen;
    if (l.ws.empty() && l.wss.empty()) {
      add("listen", "neither listen.ws nor listen.wss is set: browsers could not connect");
    }
    ip_port("listen.ws", l.ws);
    ip_port("listen.wss", l.wss);
    if (!l.wss.empty()) {
      if (l.tls_certificate.empty()) add("listen.tls_certificate", "required with listen.wss");
      if (l.tls_private_key.empty()) add("listen.tls_private_key", "required with listen.wss");
    } else if (!l.tls_certificate.empty() || !l.tls_private_key.empty()) {
      add("listen.tls_certificate", "set, but listen.wss is not: set listen.wss or remove it");
    }
    readable("listen.tls_certificate", l.tls_certificate);
    readable("listen.tls_private_key", l.tls_private_key);
    std::error_code ec;
    if (!l.web_root.empty() && !std::filesystem::is_directory(l.web_root, ec)) {
      add("listen.web_root", "got " + q(l.web_root) + ", expected an existing directory");
    }
  }

  void sip_uri(const std::string& key, const std::string& value) {
    const auto uri = sip::parse_uri(value);
    if (!uri || !uri->is_sip() || uri->host.empty()) {
      add(key, "got " + q(value) +
                   ", expected a SIP URI like \"sip:pbx.example.com\" or "
                   "\"sip:10.0.0.5:5060\"" +
                   (uri ? "" : " (" + uri.error().describe() + ")"));
    }
  }

  void sip() {
    const SipConfig& s = c.sip;
    if (s.pbx.empty()) {
      add("sip.pbx", "missing: the PBX URI, e.g. \"sip:pbx.example.com\"");
    } else {
      sip_uri("sip.pbx", s.pbx);
    }
    if (s.pbx.rfind("sips:", 0) == 0 && s.transport != SipTransport::kTls) {
      add("sip.transport",
          std::string("got \"") + to_string(s.transport) + "\", but a sips: PBX URI needs \"tls\"");
    }
    if (!s.outbound_proxy.empty()) sip_uri("sip.outbound_proxy", s.outbound_proxy);
    ip_port("sip.local_address", s.local_address, true);
    if (s.local_address.empty()) add("sip.local_address", "must not be empty");
    if (!s.domain.empty() && !sip::is_valid_host(s.domain)) {
      add("sip.domain", "got " + q(s.domain) + ", expected a host name or IP address");
    }
    if (!s.tls_ca_file.empty() && s.transport != SipTransport::kTls) {
      add("sip.tls_ca_file", "only used with sip.transport = \"tls\"");
    }
    readable("sip.tls_ca_file", s.tls_ca_file);
  }

  void media() {
    const MediaConfig& m = c.media;
    if (m.public_ip.empty()) {
      add("media.public_ip", "missing: the address browsers and the PBX send media to");
    } else if (!is_ip(m.public_ip, false)) {
      add("media.public_ip",
          "got " + q(m.public_ip) + ", expected a unicast IP address (not 0.0.0.0 or ::)");
    }
    if (!is_ip(m.bind_ip)) {
      add("media.bind_ip", "got " + q(m.bind_ip) + ", expected an IP address such as \"0.0.0.0\"");
    }
    if (m.rtp_port_min > m.rtp_port_max) {
      add("media.rtp_port_min", "got " + std::to_string(m.rtp_port_min) +
                                    ", expected at most media.rtp_port_max (" +
                                    std::to_string(m.rtp_port_max) + ")");
    } else if (m.rtp_port_max - m.rtp_port_min < 1) {
      add("media.rtp_port_max", "the range must hold at least one RTP/RTCP pair");
    }
    if (m.rtp_port_min % 2 != 0) {
      add("media.rtp_port_min", "got " + std::to_string(m.rtp_port_min) +
                                    ", expected an even port (RTP even, RTCP odd: RFC 3550)");
    }
    const unsigned workers = m.workers == 0 ? 1 : m.workers;
    const unsigned last = m.browser_port + workers - 1;
    if (last > 65535) {
      add("media.browser_port",
          "browser_port + workers - 1 = " + std::to_string(last) + " exceeds 65535");
    } else if (m.browser_port <= m.rtp_port_max && last >= m.rtp_port_min) {
      add("media.browser_port", "ports " + std::to_string(m.browser_port) + ".." +
                                    std::to_string(last) + " overlap the RTP range " +
                                    std::to_string(m.rtp_port_min) + ".." +
                                    std::to_string(m.rtp_port_max));
    }
  }

  void codecs() {
    const CodecConfig& k = c.codecs;
    if (k.order.empty()) add("codecs.order", "must name at least one codec");
    std::set<std::string> seen;
    for (size_t i = 0; i < k.order.size(); ++i) {
      const std::string key = "codecs.order[" + std::to_string(i) + "]";
      if (std::find(kCodecs.begin(), kCodecs.end(), k.order[i]) == kCodecs.end()) {
        add(key, "got " + q(k.order[i]) + ", expected one of opus, pcmu, pcma, g722 (lower case)");
      } else if (!seen.insert(k.order[i]).second) {
        add(key, q(k.order[i]) + " is listed twice");
      }
    }
    const bool usable = std::any_of(k.order.begin(), k.order.end(),
                                    [](const std::string& name) { return name != "g722"; });
    if (!k.order.empty() && !usable) {
      add("codecs.order", "needs opus, pcmu or pcma: g722 is not supported yet");
    }
  }

  void auth() {
    const AuthConfig& a = c.auth;
    if (a.audience.empty()) add("auth.audience", "missing: the \"aud\" every token must carry");
    const size_t before = errors.size();
    const AuthKeys keys = load_auth_keys(a, errors);
    if (errors.size() == before && keys.verify.empty()) {
      add("auth",
          "no token key: set auth.hs256_secret (or hs256_secret_file), "
          "auth.rs256_public_key or auth.es256_public_key");
    }
    if (c.demo.enabled && errors.size() == before && keys.sign.empty()) {
      add("demo.enabled",
          "demo mode mints tokens: it needs auth.hs256_secret or a private key "
          "(auth.rs256_private_key, auth.es256_private_key)");
    }
  }

  void urls(const std::string& key, const std::vector<std::string>& list,
            std::initializer_list<const char*> schemes) {
    for (size_t i = 0; i < list.size(); ++i) {
      bool ok = false;
      for (const char* scheme : schemes) {
        const std::string prefix = std::string(scheme) + ":";
        ok = ok ||
             (list[i].size() > prefix.size() && list[i].compare(0, prefix.size(), prefix) == 0);
      }
      if (!ok) {
        std::string accepted;
        for (const char* s : schemes)
          accepted += (accepted.empty() ? "" : " or ") + std::string(s) + ":";
        add(key + "[" + std::to_string(i) + "]", "got " + q(list[i]) +
                                                     ", expected a URL starting with " + accepted +
                                                     " (RFC 7064/7065)");
      }
    }
  }

  void turn() {
    const TurnConfig& t = c.turn;
    urls("turn.stun", t.stun, {"stun", "stuns"});
    urls("turn.servers", t.servers, {"turn", "turns"});
    const size_t before = errors.size();
    const std::string secret = load_turn_secret(t, errors);
    if (!t.servers.empty() && secret.empty() && errors.size() == before) {
      add("turn.secret", "required with turn.servers: coturn's static-auth-secret");
    }
  }

  void credentials() {
    std::set<std::string> users;
    for (const PbxCredential& p : c.credentials.users) {
      if (!p.user.empty() && !users.insert(p.user).second) {
        add("credentials.user", "user " + q(p.user) + " has two entries");
      }
    }
  }

  void logging() {
    if (c.logging.file.empty()) return;
    const auto dir = std::filesystem::path(c.logging.file).parent_path();
    std::error_code ec;
    if (!dir.empty() && !std::filesystem::is_directory(dir, ec)) {
      add("logging.file", "got " + q(c.logging.file) + ": its directory does not exist");
    }
  }

  void demo() {
    for (size_t i = 0; i < c.demo.users.size(); ++i) {
      if (c.demo.users[i].empty())
        add("demo.users[" + std::to_string(i) + "]", "must not be empty");
    }
  }
};

}  // namespace

ConfigErrors validate_config(const Config& config) {
  Checker checker{config, {}};
  checker.listen();
  checker.sip();
  checker.media();
  checker.codecs();
  checker.auth();
  checker.turn();
  checker.credentials();
  checker.logging();
  checker.demo();
  return std::move(checker.errors);
}

}  // namespace tandem::app
