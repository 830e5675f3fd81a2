// Building a description from scratch, as the gateway does for the leg it originates.
#include <gtest/gtest.h>

#include "sdp/parser.hpp"
#include "sdp/serializer.hpp"

namespace tandem::sdp {
namespace {

TEST(SdpModel, BuildsAndSerializesFromScratch) {
  SessionDescription sd;
  sd.origin = Origin{"tandem", "42", "1", "IN", "IP4", "192.0.2.10"};
  sd.connection = Connection{"IN", "IP4", "192.0.2.10", std::nullopt, std::nullopt};
  MediaDescription audio;
  audio.port = 40000;
  audio.formats = {"0", "101"};
  audio.attributes.add("rtpmap", "101 telephone-event/8000");
  audio.attributes.add("sendrecv");
  sd.media.push_back(audio);
  const std::string text = serialize_sdp(sd);
  EXPECT_EQ(text,
            "v=0\r\no=tandem 42 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
            "m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n");
  auto back = parse_sdp(text);
  ASSERT_TRUE(back.ok());
  sd.times.push_back(Timing{});
  EXPECT_EQ(*back, sd);
}

TEST(SdpModel, AttributeListEditing) {
  AttributeList list{{"a", "1"}, {"b", std::nullopt}, {"a", "2"}};
  EXPECT_EQ(list.value("a"), "1");
  EXPECT_EQ(list.values("a"), (std::vector<std::string_view>{"1", "2"}));
  EXPECT_EQ(list.value("b"), std::nullopt);
  EXPECT_TRUE(list.has("b"));
  EXPECT_EQ(list.find_all("a").size(), 2u);
  list.set("b", "x");
  EXPECT_EQ(list[1], (Attribute{"b", "x"}));
  list.set("c");
  EXPECT_EQ(list[3], (Attribute{"c", std::nullopt}));
  list.insert(0, {"first", std::nullopt});
  list.insert(100, {"last", std::nullopt});
  EXPECT_EQ(list[0].name, "first");
  EXPECT_EQ(list[list.size() - 1].name, "last");
  EXPECT_EQ(list.remove("a"), 2u);
  EXPECT_EQ(list.size(), 4u);
  EXPECT_FALSE(list.has("a"));
}

TEST(SdpModel, MediaHelpers) {
  MediaDescription m;
  m.proto = "UDP/TLS/RTP/SAVPF";
  EXPECT_TRUE(m.is_rtp());
  m.proto = "TCP/TLS/RTP/SAVPF";
  EXPECT_TRUE(m.is_rtp());
  m.proto = "UDP/DTLS/SCTP";
  EXPECT_FALSE(m.is_rtp());
  m.port = 0;
  EXPECT_TRUE(m.is_disabled());
  EXPECT_FALSE(m.mid());
  m.attributes.add("mid", "audio");
  EXPECT_EQ(m.mid(), "audio");
  EXPECT_EQ(media_line(m), "audio 0 UDP/DTLS/SCTP");
}

}  // namespace
}  // namespace tandem::sdp
