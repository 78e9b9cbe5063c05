#include "policy/timestamp.h"

#include <gtest/gtest.h>

namespace tw::policy {
namespace {

TEST(Timestamp, FormatsUtc) {
  EXPECT_EQ(format_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_utc(1483625276), "2017-01-05T14:07:56Z");
  EXPECT_EQ(format_utc(1609372800), "2020-12-31T00:00:00Z");
  EXPECT_EQ(format_utc(951782400), "2000-02-29T00:00:00Z");  // a leap day
}

TEST(Timestamp, ParsesEveryAcceptedSpelling) {
  EXPECT_EQ(parse_utc("2017-01-05T14:07:56Z"), 1483625276);
  EXPECT_EQ(parse_utc("2020-12-31"), 1609372800);
  EXPECT_EQ(parse_utc("1609372800"), 1609372800);
}

TEST(Timestamp, RoundTrips) {
  for (EpochSeconds t : {0L, 86399L, 1735689600L, 1893456000L, 4102444799L}) {
    EXPECT_EQ(parse_utc(format_utc(t)), t);
  }
}

TEST(Timestamp, RefusesMalformedTimes) {
  for (const char* bad : {"", "2020-13-01", "2021-02-29", "2020-12-31T24:00:00Z",
                          "2020-12-31 10:00:00", "2020-12-31T10:00:00", "yesterday"}) {
    EXPECT_FALSE(parse_utc(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace tw::policy
