#include "sip/dialog_id.hpp"

#include <functional>

namespace tandem::sip {

size_t DialogIdHash::operator()(const DialogId& id) const {
  const std::hash<std::string> h;
  return h(id.call_id) ^ (h(id.local_tag) * 31) ^ (h(id.remote_tag) * 1000003);
}

namespace {

std::optional<DialogId> make_id(const Message& m, HeaderId local, HeaderId remote) {
  auto call_id = m.call_id();
  auto l = m.first_as(local, parse_name_addr_view);
  auto r = m.first_as(remote, parse_name_addr_view);
  if (!call_id || !l || !r) return std::nullopt;
  return DialogId{std::string(*call_id), std::string(l->tag), std::string(r->tag)};
}

}  // namespace

std::optional<DialogId> dialog_id_of_received_request(const Message& request) {
  return make_id(request, HeaderId::kTo, HeaderId::kFrom);
}

std::optional<DialogId> dialog_id_of_response(const Message& response) {
  return make_id(response, HeaderId::kFrom, HeaderId::kTo);
}

}  // namespace tandem::sip
