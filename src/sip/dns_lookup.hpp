// The DNS questions RFC 3263 asks (NAPTR, SRV, A, AAAA) and their answers, behind an interface so
// target selection can be tested with canned records. DnsResolver answers them with c-ares.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace tandem::sip {

struct NaptrRecord {
  uint16_t order = 0;
  uint16_t preference = 0;
  std::string flags;    // "s", "a", "u", "p" or empty; compared case-insensitively
  std::string service;  // "SIP+D2U", "SIPS+D2T", ...
  std::string regexp;
  std::string replacement;  // the SRV name to query next when flags is "s"
};

struct SrvRecord {
  uint16_t priority = 0;
  uint16_t weight = 0;
  uint16_t port = 0;
  std::string target;  // "." means the service is decidedly not available (RFC 2782)
};

// DNS RCODEs a failed lookup carries in Error::status; 0 for timeouts and local failures.
inline constexpr int kDnsServerFailure = 2;
inline constexpr int kDnsNxDomain = 3;
inline constexpr int kDnsRefused = 5;

// An answer: the records (empty when the name exists but has none of that type, NODATA), or why
// the lookup failed (NXDOMAIN, timeout, server failure, malformed reply, bad name).
template <typename T>
using DnsAnswer = Result<std::vector<T>>;
template <typename T>
using DnsCallback = std::function<void(DnsAnswer<T>)>;

class DnsLookup {
 public:
  virtual ~DnsLookup() = default;
  // Callbacks run later on the owner's io_context, never inside these calls, and never after
  // the lookup object is destroyed.
  virtual void naptr(const std::string& name, DnsCallback<NaptrRecord> done) = 0;
  virtual void srv(const std::string& name, DnsCallback<SrvRecord> done) = 0;
  virtual void a(const std::string& name, DnsCallback<boost::asio::ip::address> done) = 0;
  virtual void aaaa(const std::string& name, DnsCallback<boost::asio::ip::address> done) = 0;
};

}  // namespace tandem::sip
