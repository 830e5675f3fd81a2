// A scripted registrar/proxy for the user agent core's tests: it challenges with the real
// DigestServer and verifies the answers.
#pragma once

#include "sip/digest_auth.hpp"
#include "ua_test_util.hpp"

namespace tandem::sip::test {

// A scripted registrar/proxy that challenges with the real DigestServer and verifies answers.
struct Challenger {
  explicit Challenger(std::vector<DigestAlgorithm> algorithms)
      : server(DigestServerConfig{"tandem.test", "secret", std::chrono::seconds(300),
                                  std::move(algorithms)}) {}

  DigestServer server;
  std::string password = "s3cret";
  DigestVerdict last = DigestVerdict::kMalformed;
  std::string last_nc;

  // True when `request` carries valid credentials in `field`.
  bool verify(const Message& request, HeaderId field, TimePoint now) {
    auto c = server.find_credentials(request, field);
    if (!c) return false;
    last_nc = c->nc;
    last = server.verify(
        *c, request.method(),
        [&](std::string_view user, std::string_view, DigestAlgorithm) {
          return user == "alice" ? std::optional<DigestSecret>(DigestSecret::password(password))
                                 : std::nullopt;
        },
        now, {request.request_uri().to_string(), request.body()});
    return last == DigestVerdict::kOk;
  }
  Message challenge(const Message& request, int status, TimePoint now, bool stale = false) {
    Message r = make_response(request, status, {}, "registrar");
    server.add_challenges(r, now, stale);
    return r;
  }
};

}  // namespace tandem::sip::test
