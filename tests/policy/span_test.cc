#include "policy/span.h"

#include <gtest/gtest.h>

#include <limits>

namespace tw::policy {
namespace {

constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
constexpr auto kMin = std::numeric_limits<std::int64_t>::min();

TEST(Span, FormatsExactlyLargestUnitFirst) {
  EXPECT_EQ(format_span(0), "0s");
  EXPECT_EQ(format_span(59), "59s");
  EXPECT_EQ(format_span(90 * 86'400), "90d");
  EXPECT_EQ(format_span(14 * 86'400), "2w");
  EXPECT_EQ(format_span(90 * 86'400 + 1), "90d 1s");
  EXPECT_EQ(format_span(400 * 86'400 + 3 * 3'600 + 60), "400d 3h 1m");
  EXPECT_EQ(format_span(-3'600), "-1h");
  EXPECT_FALSE(format_span(kMax).empty());
  EXPECT_EQ(format_span(kMin).front(), '-');
}

TEST(Span, ArithmeticSaturates) {
  EXPECT_EQ(saturating_sub(10, 3), 7);
  EXPECT_EQ(saturating_sub(0, kMin), kMax);
  EXPECT_EQ(saturating_sub(-2, kMax), kMin);
  EXPECT_EQ(saturating_add(10, 3), 13);
  EXPECT_EQ(saturating_add(kMax, 1), kMax);
  EXPECT_EQ(saturating_add(kMin, -1), kMin);
}

TEST(Span, TimesOutsideTheCalendarAreSpelledAsEpochs) {
  EXPECT_EQ(format_time(1'767'225'600), "2026-01-01T00:00:00Z");
  EXPECT_EQ(format_time(253'402'300'799), "9999-12-31T23:59:59Z");
  EXPECT_EQ(format_time(253'402'300'800), "epoch 253402300800");
  EXPECT_EQ(format_time(kMin), "epoch " + std::to_string(kMin));
  EXPECT_EQ(format_time(kMax), "epoch " + std::to_string(kMax));
}

}  // namespace
}  // namespace tw::policy
