// Our end of the browser leg as the SDP fixtures were made with: sdp_translate (the e2e
// translation test's tool) wrote tandem-from-*.offer.sdp with it and Chromium answered those,
// so the unit tests that replay the recorded answers must offer the same values.
#pragma once

#include "gateway/sdp_translator.hpp"

namespace tandem::gateway {

inline BrowserTransport fixture_browser_transport() {
  BrowserTransport t;
  t.ufrag = "tndm";
  t.pwd = "tandemtandemtandemtandem";
  t.fingerprint_sha256 =
      "6C:22:E1:3C:13:9C:44:7A:31:2A:00:01:FF:75:05:54:FC:6F:05:9D:22:4D:F8:69:87:47:13:9F:7C:C6:"
      "CF:68";
  t.address = "127.0.0.1";
  t.port = 40000;
  sdp::Candidate c;
  c.foundation = "1";
  c.priority = 2130706431;
  c.address = "127.0.0.1";
  c.port = 40000;
  t.candidates.push_back(c);
  return t;
}

}  // namespace tandem::gateway
