// Dialog identifiers (RFC 3261 §12): Call-ID, local tag and remote tag, seen from our side.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "sip/message.hpp"

namespace tandem::sip {

struct DialogId {
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;

  bool operator==(const DialogId&) const = default;
  std::string to_string() const {
    return call_id + ";local=" + local_tag + ";remote=" + remote_tag;
  }
};

struct DialogIdHash {
  size_t operator()(const DialogId& id) const;
};

// The dialog a request we received belongs to: local tag from To, remote tag from From (§12.2.2).
// Empty when a field is missing; the local tag is empty for out-of-dialog requests.
std::optional<DialogId> dialog_id_of_received_request(const Message& request);
// The dialog a response to our request belongs to: local tag from From, remote tag from To
// (§12.1.2). Empty when a field is missing; the remote tag is empty when To has no tag.
std::optional<DialogId> dialog_id_of_response(const Message& response);

}  // namespace tandem::sip
