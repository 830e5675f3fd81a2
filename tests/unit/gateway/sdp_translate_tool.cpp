// sdp_translate: runs one step of gateway::SdpTranslator on SDP files and prints the result, so
// that tests/e2e/sdp_translation can hand our SDPs to a real Chromium. Our side is fixed: ICE-lite
// on 127.0.0.1:40000, PBX leg on 127.0.0.1:30000.
//   sdp_translate offer-to-pbx <browser offer>
//   sdp_translate answer-to-browser <browser offer> <pbx offer> <pbx answer>
//   sdp_translate offer-to-browser <pbx offer>
//   sdp_translate answer-to-pbx <pbx offer> <browser offer> <browser answer>
// Exit 0 with the SDP on stdout and the bridge mode on stderr; 1 with the error on stderr.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

#include "fixture_transport.hpp"
#include "gateway/sdp_translator.hpp"
#include "sdp/parser.hpp"
#include "sdp/serializer.hpp"

namespace {

using namespace tandem;

std::optional<sdp::SessionDescription> load(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  auto sd = sdp::parse_sdp(text.str());
  if (!sd) {
    std::cerr << path << ": " << sd.error().describe() << "\n";
    return std::nullopt;
  }
  return std::move(sd).value();
}

gateway::PbxTransport pbx_transport() { return {"127.0.0.1", "IP4", 30000}; }

int print(const Result<sdp::SessionDescription>& sd) {
  if (!sd) {
    std::cerr << "error (" << sd.error().status << "): " << sd.error().reason << "\n";
    return 1;
  }
  std::cout << sdp::serialize_sdp(*sd);
  return 0;
}

int print(const Result<gateway::Negotiated>& n) {
  if (!n) {
    std::cerr << "error (" << n.error().status << "): " << n.error().reason << "\n";
    return 1;
  }
  const gateway::BridgeMode& b = n->bridge;
  std::cerr << "passthrough=" << b.passthrough() << " browser_pt=" << int(b.browser_pt)
            << " pbx_pt=" << int(b.pbx_pt)
            << " browser_direction=" << sdp::to_string(b.browser_direction)
            << " pbx_direction=" << sdp::to_string(b.pbx_direction) << "\n";
  std::cout << sdp::serialize_sdp(n->sdp);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view mode = argc > 1 ? argv[1] : "";
  const gateway::TranslatorConfig config;
  if (mode == "offer-to-pbx" && argc == 3) {
    const auto offer = load(argv[2]);
    return offer ? print(gateway::offer_to_pbx(*offer, config, pbx_transport())) : 1;
  }
  if (mode == "offer-to-browser" && argc == 3) {
    const auto offer = load(argv[2]);
    return offer ? print(gateway::offer_to_browser(*offer, config,
                                                   gateway::fixture_browser_transport()))
                 : 1;
  }
  if ((mode == "answer-to-browser" || mode == "answer-to-pbx") && argc == 5) {
    const auto a = load(argv[2]);
    const auto b = load(argv[3]);
    const auto c = load(argv[4]);
    if (!a || !b || !c) return 1;
    if (mode == "answer-to-browser") {
      return print(gateway::answer_to_browser(*a, *b, *c, gateway::fixture_browser_transport()));
    }
    return print(gateway::answer_to_pbx(*a, *b, *c, config, pbx_transport()));
  }
  std::cerr << "usage: sdp_translate offer-to-pbx|offer-to-browser FILE | "
               "answer-to-browser|answer-to-pbx FILE FILE FILE\n";
  return 2;
}
