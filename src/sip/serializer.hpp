// Writes a Message as wire bytes (RFC 3261 §7).
#pragma once

#include <string>

#include "sip/message.hpp"

namespace tandem::sip {

// Known fields get their canonical long names (compact forms are expanded); unknown fields keep
// their name and value verbatim. Content-Length is always written last, from the real body size.
std::string serialize(const Message& message);
void serialize_to(const Message& message, std::string& out);

}  // namespace tandem::sip
