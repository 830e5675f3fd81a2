// JSON views of parsed SIP messages, for diagnostics (sip-lint).
#pragma once

#include <nlohmann/json.hpp>

#include "sip/message.hpp"

namespace tandem::app {

nlohmann::ordered_json to_json(const sip::Uri& uri);
// The whole message: start line, each header with the fields Tandem parsed from it, body size.
nlohmann::ordered_json to_json(const sip::Message& message);

}  // namespace tandem::app
