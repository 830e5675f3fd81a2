#include "sip/stream_framer.hpp"

#include <gtest/gtest.h>

#include "sip_test_util.hpp"

namespace tandem::sip {
namespace {

using Kind = StreamFramer::Frame::Kind;

std::string message(std::string_view body) {
  return test::crlf(
             "MESSAGE sip:h SIP/2.0\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
             "To: <sip:h>\nCall-ID: c\nCSeq: 1 MESSAGE\nl: ") +
         std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// Drains every frame currently available.
std::vector<std::pair<Kind, std::string>> drain(StreamFramer& f) {
  std::vector<std::pair<Kind, std::string>> out;
  while (true) {
    auto frame = f.next();
    EXPECT_TRUE(frame.ok()) << frame.error().describe();
    if (!frame.ok() || !frame->has_value()) return out;
    out.emplace_back((*frame)->kind, std::string((*frame)->bytes));
  }
}

TEST(StreamFramer, SplitsBackToBackMessagesAndKeepAlives) {
  const std::string a = message("hello"), b = message("");
  StreamFramer f(StreamFramer::Role::kConnected);
  f.append("\r\n\r\n" + a + b + "\r\n");
  auto frames = drain(f);
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[0].first, Kind::kPing);
  EXPECT_EQ(frames[1], std::make_pair(Kind::kMessage, a));
  EXPECT_EQ(frames[2], std::make_pair(Kind::kMessage, b));
  EXPECT_EQ(frames[3].first, Kind::kPong);
  EXPECT_EQ(f.buffered(), 0u);
  EXPECT_TRUE(parse_message(frames[1].second, {}, Framing::kStream).ok());
}

TEST(StreamFramer, ReassemblesAMessageFedOneByteAtATime) {
  const std::string stream = message("body bytes") + "\r\n\r\n" + message("x");
  StreamFramer f;
  std::vector<std::pair<Kind, std::string>> frames;
  for (char c : stream) {
    f.append(std::string_view(&c, 1));
    for (auto& fr : drain(f)) frames.push_back(fr);
  }
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].second, message("body bytes"));
  EXPECT_EQ(frames[1].first, Kind::kPing);
  EXPECT_EQ(frames[2].second, message("x"));
}

TEST(StreamFramer, MissingContentLengthBreaksTheStream) {
  StreamFramer f;
  f.append(test::crlf("OPTIONS sip:h SIP/2.0\nVia: SIP/2.0/TCP h\n\n"));
  auto frame = f.next();
  ASSERT_FALSE(frame.ok());
  EXPECT_NE(frame.error().reason.find("missing Content-Length"), std::string::npos);
}

TEST(StreamFramer, ConflictingOrBadContentLengthBreaksTheStream) {
  StreamFramer f;
  f.append("OPTIONS sip:h SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\nxx");
  EXPECT_FALSE(f.next().ok());
  StreamFramer g;
  g.append("OPTIONS sip:h SIP/2.0\r\nContent-Length: -1\r\n\r\n");
  EXPECT_FALSE(g.next().ok());
}

TEST(StreamFramer, OversizeMessagesAreRejectedBeforeTheyArrive) {
  ParserLimits limits;
  limits.max_message_size = 200;
  StreamFramer f(StreamFramer::Role::kAccepted, limits);
  f.append("INVITE sip:h SIP/2.0\r\nContent-Length: 100000\r\n\r\n");
  auto frame = f.next();
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.error().status, 513);

  StreamFramer endless(StreamFramer::Role::kAccepted, limits);
  endless.append("INVITE sip:h SIP/2.0\r\n" + std::string(300, 'x'));
  auto headers = endless.next();
  ASSERT_FALSE(headers.ok());
  EXPECT_EQ(headers.error().status, 513);
}

TEST(StreamFramer, WaitsForTheWholeBody) {
  const std::string m = message("0123456789");
  StreamFramer f;
  f.append(std::string_view(m).substr(0, m.size() - 3));
  auto partial = f.next();
  ASSERT_TRUE(partial.ok());
  EXPECT_FALSE(partial->has_value());
  f.append(std::string_view(m).substr(m.size() - 3));
  auto whole = f.next();
  ASSERT_TRUE(whole.ok() && whole->has_value());
  EXPECT_EQ((*whole)->bytes, m);
}

TEST(StreamFramer, APartialPingIsHeldUntilItCompletes) {
  StreamFramer f;
  f.append("\r\n\r");
  auto wait = f.next();
  ASSERT_TRUE(wait.ok());
  EXPECT_FALSE(wait->has_value());
  f.append("\n");
  auto ping = f.next();
  ASSERT_TRUE(ping.ok() && ping->has_value());
  EXPECT_EQ((*ping)->kind, Kind::kPing);
}

TEST(StreamFramer, TheAcceptingSideNeverSeesPongs) {
  StreamFramer f;
  f.append("\r\n");
  EXPECT_TRUE(drain(f).empty());  // could be half a ping
  f.append(message("a"));
  auto frames = drain(f);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].first, Kind::kMessage);
}

TEST(StreamFramer, StrayLineFeedsBeforeAMessageAreSkipped) {
  StreamFramer f;
  f.append("\n\n\n" + message("a"));
  auto frames = drain(f);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].first, Kind::kMessage);
}

}  // namespace
}  // namespace tandem::sip

namespace tandem::sip {
namespace {

// Found by fuzzing: a body arriving byte by byte made the framer rescan the headers each time.
TEST(StreamFramer, SlowBodyIsFramedOnce) {
  const std::string m = message(std::string(16384, 'b'));
  StreamFramer f;
  size_t frames = 0;
  for (char c : m) {
    f.append(std::string_view(&c, 1));
    auto frame = f.next();
    ASSERT_TRUE(frame.ok());
    if (frame->has_value()) ++frames;
  }
  EXPECT_EQ(frames, 1u);
}

}  // namespace
}  // namespace tandem::sip
