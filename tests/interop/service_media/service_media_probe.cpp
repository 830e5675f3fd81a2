// Runs one tandem-pbx service endpoint outside SIP, for interop tests with SIPp:
//   service_media_probe echo|tone|dtmf OFFER.sdp ANSWER.sdp SECONDS
// reads the caller's SDP offer, plans and writes our answer (the SDP tandem-pbx would put in its
// 200 OK), prints "port N", serves media for SECONDS, printing each digit as
// "digit D rtp-event|sip-info Nms", then (also on SIGTERM) "stats received=... sent=... ..." and
// exits 0.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "sdp/parser.hpp"
#include "sdp/serializer.hpp"
#include "service_media/service_media_endpoint.hpp"
#include "service_media/service_sdp.hpp"

using namespace tandem;

namespace {

int run(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s echo|tone|dtmf OFFER.sdp ANSWER.sdp SECONDS\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  pbx::ServiceEndpointConfig config;
  if (mode == "echo") {
    config.behaviour = pbx::ServiceBehaviour::kEcho;
  } else if (mode == "tone") {
    config.behaviour = pbx::ServiceBehaviour::kTone;
  } else if (mode == "dtmf") {
    config.behaviour = pbx::ServiceBehaviour::kDtmf;
  } else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  std::ifstream in(argv[2]);
  std::stringstream text;
  text << in.rdbuf();
  auto offer = sdp::parse_sdp(text.str());
  if (!offer) {
    std::fprintf(stderr, "offer: %s\n", offer.error().describe().c_str());
    return 1;
  }
  auto plan = pbx::plan_service_media(*offer);
  if (!plan) {
    std::fprintf(stderr, "%d %s\n", plan.error().status, plan.error().reason.c_str());
    return 1;
  }
  config.plan = *plan;
  boost::asio::io_context io;
  auto endpoint = pbx::ServiceMediaEndpoint::create(io, config, [](const pbx::DigitReport& r) {
    std::printf("digit %c %s %ums\n", r.digit,
                r.source == pbx::DigitSource::kRtpEvent ? "rtp-event" : "sip-info", r.duration_ms);
    std::fflush(stdout);
  });
  if (!endpoint) {
    std::fprintf(stderr, "%s\n", endpoint.error().reason.c_str());
    return 1;
  }
  const auto answer =
      pbx::build_service_answer(*offer, *plan, "127.0.0.1", (*endpoint)->local_port());
  std::ofstream(argv[3]) << sdp::serialize_sdp(answer);
  std::printf("port %u codec %s\n", (*endpoint)->local_port(),
              std::string(pbx::to_string(plan->codec)).c_str());
  std::fflush(stdout);
  (*endpoint)->start();
  // SIGTERM/SIGINT end the run early (the test stops us once the SIPp call is over).
  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });
  io.run_for(std::chrono::seconds(std::strtol(argv[4], nullptr, 10)));
  (*endpoint)->stop();
  const auto& s = (*endpoint)->stats();
  const auto remote = (*endpoint)->latched_remote();
  std::printf("stats received=%llu sent=%llu foreign=%llu malformed=%llu unknown=%llu latched=%s\n",
              static_cast<unsigned long long>(s.received), static_cast<unsigned long long>(s.sent),
              static_cast<unsigned long long>(s.foreign_source),
              static_cast<unsigned long long>(s.malformed),
              static_cast<unsigned long long>(s.unknown_payload),
              remote
                  ? (remote->address().to_string() + ":" + std::to_string(remote->port())).c_str()
                  : "none");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "service_media_probe: %s\n", e.what());
    return 1;
  }
}
