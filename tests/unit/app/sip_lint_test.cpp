#include "app/sip_lint.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace tandem::app {
namespace {

const std::string kData = TANDEM_TEST_DATA_DIR "/sip/";

TEST(SipLint, PrintsTheNormalizedMessageAsJson) {
  std::ostringstream out, err;
  ASSERT_EQ(run_sip_lint(kData + "register-ws.sip", out, err), 0) << err.str();
  auto doc = nlohmann::json::parse(out.str());
  EXPECT_EQ(doc["type"], "request");
  EXPECT_EQ(doc["method"], "REGISTER");
  EXPECT_EQ(doc["request_uri"]["host"], "example.com");
  EXPECT_EQ(doc["body_length"], 0);
  const auto& headers = doc["headers"];
  ASSERT_EQ(headers.size(), 11u);
  EXPECT_EQ(headers[0]["parsed"][0]["transport"], "WSS");
  EXPECT_EQ(headers[0]["parsed"][0]["params"]["rport"], true);
  EXPECT_EQ(headers[2]["parsed"]["display_name"], "Agent 1001");
  EXPECT_EQ(headers[5]["parsed"]["number"], 2);
  EXPECT_EQ(headers[6]["parsed"]["scheme"], "Digest");
  EXPECT_EQ(headers[6]["parsed"]["params"]["qop"], "auth");
  EXPECT_EQ(headers[7]["parsed"][0]["params"]["reg-id"], "1");
  EXPECT_EQ(headers[8]["parsed"], (nlohmann::json{"path", "gruu", "outbound"}));
  EXPECT_EQ(headers[9]["value"], "JsSIP 3.13.8");
  EXPECT_EQ(headers[10]["parsed"], 0);
}

TEST(SipLint, ReportsTheErrorPositionAndExitsOne) {
  std::ostringstream out, err;
  EXPECT_EQ(run_sip_lint(kData + "bad-contact.sip", out, err), 1);
  EXPECT_EQ(
      err.str(),
      "error: line 7, column 19: bad Contact header: port must be a number from 0 to 65535\n");
  EXPECT_TRUE(out.str().empty());
}

TEST(SipLint, UnreadableFileExitsTwo) {
  std::ostringstream out, err;
  EXPECT_EQ(run_sip_lint(kData + "does-not-exist.sip", out, err), 2);
  EXPECT_NE(err.str().find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace tandem::app
