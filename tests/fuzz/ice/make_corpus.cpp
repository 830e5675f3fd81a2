// Writes the stun_fuzzer seed corpus: the RFC 5769 samples and checks a browser would send to the
// fuzzer's agent (valid, nominating, wrong password, unknown ufrag, controlled, unknown
// attribute, indication), plus our own responses.
//   stun_make_corpus <output-dir>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "ice_test_util.hpp"
#include "rfc5769_vectors.hpp"

namespace {

void write(const std::string& dir, const std::string& name, std::span<const uint8_t> bytes) {
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tandem::ice;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output-dir>\n", argv[0]);
    return 1;
  }
  const std::string dir = argv[1];
  write(dir, "rfc5769-request", test::kRfc5769Request);
  write(dir, "rfc5769-ipv4-response", test::kRfc5769Ipv4Response);
  write(dir, "rfc5769-ipv6-response", test::kRfc5769Ipv6Response);

  test::CheckOptions o;
  o.username = "evtj:h6vY";
  o.pwd = std::string(test::kRfc5769Password);
  write(dir, "check", test::make_check(o));
  o.use_candidate = true;
  o.id = 2;
  write(dir, "check-use-candidate", test::make_check(o));
  o.id = 3;
  o.pwd = "wrongpasswordwrongpass";
  write(dir, "check-bad-integrity", test::make_check(o));
  o.pwd = std::string(test::kRfc5769Password);
  o.username = "xxxx:h6vY";
  write(dir, "check-unknown-ufrag", test::make_check(o));
  o.username = "evtj:h6vY";
  o.controlling = false;
  write(dir, "check-controlled", test::make_check(o));
  o.controlling = true;
  o.extra_attribute = attr::kChangeRequest;
  write(dir, "check-unknown-attribute", test::make_check(o));
  o.extra_attribute = 0;
  o.type = kBindingIndication;
  write(dir, "indication", test::make_check(o));
  o.type = kBindingRequest;
  o.pwd.clear();
  write(dir, "check-no-integrity", test::make_check(o));

  const tandem::HmacSha1 key = tandem::HmacSha1::create(test::kRfc5769Password).value();
  std::vector<uint8_t> out(128);
  const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  out.resize(build_binding_success(out, test::kRfc5769TransactionId, Endpoint::ipv6(v6, 9), key));
  write(dir, "success-ipv6", out);
  out.assign(128, 0);
  const uint16_t unknown[] = {0x0003};
  out.resize(build_binding_error(out, test::kRfc5769TransactionId, 420, &key, unknown));
  write(dir, "error-420", out);
  return 0;
}
