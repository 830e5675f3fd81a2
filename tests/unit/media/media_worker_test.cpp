// MediaWorker set-up: one UDP socket per address family on the same port, and the host
// candidates a session is answered with.
#include "media/media_worker.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>

#include "dtls/dtls_certificate.hpp"
#include "media/ice_credentials.hpp"

namespace tandem::media {
namespace {

dtls::DtlsCertificate certificate() {
  return dtls::DtlsCertificate::generate("media-worker-test").value();
}

TEST(MediaWorker, Ipv4AndIpv6SocketsShareThePortAndBothAreCandidates) {
  const auto cert = certificate();
  MediaWorkerConfig config;
  config.index = 5;
  config.port = 0;
  config.bind_address2 = "::1";
  auto worker = MediaWorker::create(config, cert);
  ASSERT_TRUE(worker.ok()) << worker.error().reason;
  const auto locals = (*worker)->local_endpoints();
  ASSERT_EQ(locals.size(), 2u);
  EXPECT_TRUE(locals[0].is_ipv4());
  EXPECT_FALSE(locals[1].is_ipv4());
  EXPECT_EQ(locals[0].port(), locals[1].port());
  EXPECT_NE(locals[0].port(), 0);

  (*worker)->start();
  boost::asio::io_context io;
  SessionParams params;
  params.remote_ufrag = "brws";
  params.remote_fingerprint_alg = "sha-256";
  params.remote_fingerprint = cert.fingerprint_sha256();
  params.streams.push_back(StreamParams{});
  std::optional<Result<SessionInfo>> info;
  (*worker)->create_session(params, io.get_executor(),
                            [&info](Result<SessionInfo> r) { info = std::move(r); });
  auto guard = boost::asio::make_work_guard(io);  // the reply is posted from the worker
  io.run_one_for(std::chrono::seconds(5));
  (*worker)->stop();
  ASSERT_TRUE(info && info->ok());
  const SessionInfo& s = info->value();
  EXPECT_EQ(s.worker, 5u);
  EXPECT_EQ(s.local_ufrag.front(), 'F');  // the ufrag names worker 5 for the ICE-TCP acceptor
  ASSERT_EQ(s.candidates.size(), 2u);
  EXPECT_EQ(s.candidates[0], locals[0]);
  EXPECT_EQ(s.candidates[1].to_string(), "[::1]:" + std::to_string(locals[0].port()));
  EXPECT_EQ(s.candidate, s.candidates[0]);
}

TEST(MediaWorker, RefusesTwoAddressesOfOneFamilyAndBadAddresses) {
  const auto cert = certificate();
  MediaWorkerConfig config;
  config.port = 0;
  config.bind_address2 = "127.0.0.2";
  EXPECT_FALSE(MediaWorker::create(config, cert).ok());
  config.bind_address2 = "not-an-address";
  EXPECT_FALSE(MediaWorker::create(config, cert).ok());
  config.bind_address2.clear();
  config.index = kMaxMediaWorkers;
  EXPECT_FALSE(MediaWorker::create(config, cert).ok());
}

}  // namespace
}  // namespace tandem::media
