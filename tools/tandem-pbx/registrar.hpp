// The registrar of tandem-pbx (RFC 3261 §10.3): authenticates REGISTER with digest, keeps the
// bindings of each address-of-record with their expiry, and answers lookups for routing.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "sip/digest_auth.hpp"
#include "sip/message.hpp"
#include "sip/transport.hpp"

namespace tandem::pbx {

struct Binding {
  sip::Uri contact;
  std::string contact_text;  // the name-addr as registered, without its expires parameter
  TimePoint expires;
  std::string call_id;
  uint32_t cseq = 0;
  sip::Flow flow;  // where the REGISTER came from: requests for this contact go back that way
};

struct RegistrarOptions {
  uint32_t min_expires = 60;
  uint32_t max_expires = 3600;
  uint32_t default_expires = 3600;
};

class Registrar {
 public:
  // `passwords`: user -> password. `auth` must outlive the registrar.
  Registrar(sip::DigestServer& auth, std::map<std::string, std::string> passwords,
            const RegistrarOptions& options = {});

  // The response to a REGISTER, after authenticating it and updating the bindings.
  sip::Message handle(const sip::Message& request, const sip::Flow& flow, TimePoint now);

  // Live bindings of `user`, most recently refreshed first.
  std::vector<Binding> lookup(const std::string& user, TimePoint now);
  bool knows(const std::string& user) const { return passwords_.contains(user); }
  // Nothing when `request` carries valid digest credentials of `user` (of any user when empty),
  // else the answer: a `status` challenge (401 for a registrar, 407 for a proxy) or 403.
  std::optional<sip::Message> authenticate(const sip::Message& request, int status,
                                           const std::string& user, TimePoint now);

 private:
  std::optional<sip::Message> update(const sip::Message& request, const std::string& user,
                                     const sip::Flow& flow, TimePoint now);
  void expire(TimePoint now);

  sip::DigestServer& auth_;
  std::map<std::string, std::string> passwords_;
  RegistrarOptions options_;
  std::map<std::string, std::vector<Binding>> bindings_;  // by user
};

}  // namespace tandem::pbx
