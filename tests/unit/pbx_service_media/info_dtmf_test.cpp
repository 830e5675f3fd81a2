// SIP INFO DTMF bodies as phones send them.
#include "service_media/info_dtmf.hpp"

#include <gtest/gtest.h>

namespace tandem::pbx {
namespace {

TEST(InfoDtmf, DtmfRelay) {
  EXPECT_EQ(parse_info_dtmf("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n"),
            (InfoDigit{'5', 160}));
  // Spaces around '=', lower-case names, parameters on the type, LF only.
  EXPECT_EQ(parse_info_dtmf("Application/DTMF-Relay; charset=utf-8", "signal = #\nduration = 250"),
            (InfoDigit{'#', 250}));
  EXPECT_EQ(parse_info_dtmf("application/dtmf-relay", "Signal=*\r\n"), (InfoDigit{'*', 0}));
  EXPECT_EQ(parse_info_dtmf("application/dtmf-relay", "Signal=11\r\nDuration=100"),
            (InfoDigit{'#', 100}));  // event code form
  EXPECT_EQ(parse_info_dtmf("application/dtmf-relay", "Signal=d\r\n"), (InfoDigit{'D', 0}));
}

TEST(InfoDtmf, Dtmf) {
  EXPECT_EQ(parse_info_dtmf("application/dtmf", "7"), (InfoDigit{'7', 0}));
  EXPECT_EQ(parse_info_dtmf("application/dtmf", " 10\r\n"), (InfoDigit{'*', 0}));
}

TEST(InfoDtmf, Rejects) {
  EXPECT_FALSE(parse_info_dtmf("text/plain", "Signal=5").has_value());
  EXPECT_FALSE(parse_info_dtmf("application/dtmf-relay", "Duration=160").has_value());
  EXPECT_FALSE(parse_info_dtmf("application/dtmf-relay", "Signal=x\r\nDuration=160").has_value());
  EXPECT_FALSE(parse_info_dtmf("application/dtmf-relay", "Signal=16").has_value());
  EXPECT_FALSE(parse_info_dtmf("application/dtmf-relay", "").has_value());
  EXPECT_FALSE(parse_info_dtmf("application/dtmf", "55").has_value());
  EXPECT_FALSE(parse_info_dtmf("application/dtmf", "").has_value());
}

}  // namespace
}  // namespace tandem::pbx
