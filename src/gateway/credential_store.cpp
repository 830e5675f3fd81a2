#include "gateway/credential_store.hpp"

namespace tandem::gateway {

CredentialStore::CredentialStore(const std::vector<StoredCredential>& entries) {
  for (const StoredCredential& e : entries) add(e);
}

void CredentialStore::add(StoredCredential entry) {
  std::string user = entry.user;
  by_user_.insert_or_assign(std::move(user), std::move(entry));
}

std::optional<sip::Credentials> CredentialStore::find(std::string_view user,
                                                      std::string_view realm) const {
  auto it = by_user_.find(user);
  if (it == by_user_.end()) return std::nullopt;
  const StoredCredential& c = it->second;
  if (!c.realm.empty() && c.realm != realm) return std::nullopt;
  return sip::Credentials{c.auth_user.empty() ? c.user : c.auth_user, c.password};
}

std::optional<sip::Credentials> CredentialStore::for_request(std::string_view realm,
                                                             const sip::Message& request) const {
  auto from = request.from();
  if (!from) return std::nullopt;
  return find(from->uri.user, realm);
}

sip::CredentialsLookup CredentialStore::lookup() const {
  return [this](std::string_view realm, const sip::Message& request) {
    return for_request(realm, request);
  };
}

}  // namespace tandem::gateway
