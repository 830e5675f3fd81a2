// Semantic checks of a loaded Config, every one reported (not only the first) with its dotted
// key, the bad value and what is accepted: listen and media addresses, SIP URIs, port ranges,
// codec names, key files that must load as the right key type, TURN URLs and secret, duplicate
// credentials, and rules across sections (wss needs a certificate, demo mode needs a signing key).
#pragma once

#include "app/config.hpp"
#include "app/config_error.hpp"

namespace tandem::app {

ConfigErrors validate_config(const Config& config);

}  // namespace tandem::app
