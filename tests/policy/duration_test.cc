#include "policy/duration.h"

#include <gtest/gtest.h>

namespace tw::policy {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, ReadsEveryUnit) {
  EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("30s"), milliseconds(30'000));
  EXPECT_EQ(parse_duration("15m"), milliseconds(900'000));
  EXPECT_EQ(parse_duration("12h"), milliseconds(43'200'000));
  EXPECT_EQ(parse_duration("90d"), milliseconds(7'776'000'000));
  EXPECT_EQ(parse_duration("2w"), milliseconds(1'209'600'000));
  EXPECT_EQ(parse_duration("0s"), milliseconds(0));
}

TEST(ParseDuration, RefusesWhatIsNotADuration) {
  for (const char* bad : {"", "s", "10", "10x", "-5s", "1.5h", "10 s", "10S", "ms"}) {
    const auto parsed = parse_duration(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_NE(parsed.error().find(bad), std::string::npos) << parsed.error();
  }
}

TEST(ParseDuration, RefusesOverflow) {
  EXPECT_FALSE(parse_duration("99999999999999999999d").has_value());
  EXPECT_FALSE(parse_duration("999999999999999999w").has_value());
}

TEST(FormatDuration, PicksTheLargestExactUnit) {
  EXPECT_EQ(format_duration(milliseconds(7'776'000'000)), "90d");
  EXPECT_EQ(format_duration(milliseconds(1'500)), "1500ms");
  EXPECT_EQ(format_duration(milliseconds(90'000)), "90s");
  EXPECT_EQ(format_duration(milliseconds(0)), "0s");
  EXPECT_EQ(format_duration(milliseconds(1'209'600'000)), "2w");
}

}  // namespace
}  // namespace tw::policy
