// Credentials Tandem answers the PBX's Digest challenges with when it registers or calls for a
// browser (DESIGN.md §1: browsers never see PBX passwords). Filled from the configuration's
// [credentials] users (inline and from `credentials.file`); looked up by the SIP user (the
// token's `sub`, the From user of the request the PBX challenged) and the challenge's realm.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/message.hpp"
#include "sip/user_agent.hpp"

namespace tandem::gateway {

struct StoredCredential {
  std::string user;       // the SIP user
  std::string auth_user;  // the Digest username; empty: `user`
  std::string password;
  std::string realm;  // empty: any realm
};

class CredentialStore {
 public:
  CredentialStore() = default;
  explicit CredentialStore(const std::vector<StoredCredential>& entries);

  void add(StoredCredential entry);
  bool has_user(std::string_view user) const { return by_user_.contains(user); }
  size_t size() const { return by_user_.size(); }

  // The Digest credentials for `user` against `realm`, if it has some for that realm.
  std::optional<sip::Credentials> find(std::string_view user, std::string_view realm) const;
  // The user agent's lookup: the user is the From user of the challenged request.
  std::optional<sip::Credentials> for_request(std::string_view realm,
                                              const sip::Message& request) const;
  // sip::UserAgentConfig::credentials bound to this store (which must outlive the agent).
  sip::CredentialsLookup lookup() const;

 private:
  std::map<std::string, StoredCredential, std::less<>> by_user_;
};

}  // namespace tandem::gateway
