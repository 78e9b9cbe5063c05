// The daemon's schedule: splay offsets, slots and backoff, as arithmetic.

#include "daemon/run/schedule.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace tw::run {
namespace {

using std::chrono::milliseconds;

TEST(Splay, OffsetsAreStableInsideTheIntervalAndSpread) {
  const milliseconds interval(900'000);
  EXPECT_EQ(splay_offset("whm01", interval), splay_offset("whm01", interval));
  std::set<std::int64_t> buckets;
  for (int i = 0; i < 200; ++i) {
    const auto offset = splay_offset("host" + std::to_string(i), interval);
    ASSERT_GE(offset.count(), 0);
    ASSERT_LT(offset.count(), interval.count());
    buckets.insert(offset.count() * 10 / interval.count());
  }
  EXPECT_EQ(buckets.size(), 10U);  // 200 hosts fall into every tenth of the interval
  EXPECT_EQ(splay_offset("x", milliseconds(1)).count(), 0);
}

TEST(Slots, TheNextSlotIsStrictlyAfterAndOnTheHostsOffset) {
  const milliseconds interval(1000);
  const milliseconds offset(250);
  EXPECT_EQ(next_slot(10'000, offset, interval), 10'250);
  EXPECT_EQ(next_slot(10'249, offset, interval), 10'250);
  EXPECT_EQ(next_slot(10'250, offset, interval), 11'250);
  EXPECT_EQ(next_slot(10'999, offset, interval), 11'250);
  EXPECT_EQ(next_slot(-10, offset, interval), 250);
  EXPECT_EQ(next_slot(-800, offset, interval), -750);
}

TEST(Backoff, DoublesFromOneIntervalUpToTheCap) {
  const milliseconds interval(2000);
  EXPECT_EQ(backoff(Failure::none, 5, interval).count(), 0);
  EXPECT_EQ(backoff(Failure::unreachable, 1, interval), milliseconds(2000));
  EXPECT_EQ(backoff(Failure::unreachable, 2, interval), milliseconds(4000));
  EXPECT_EQ(backoff(Failure::unreachable, 3, interval), milliseconds(8000));
  EXPECT_EQ(backoff(Failure::unreachable, 4, interval), milliseconds(16000));
  EXPECT_EQ(backoff(Failure::unreachable, 5, interval), milliseconds(16000));
  EXPECT_EQ(backoff(Failure::unreachable, 1000, interval), milliseconds(16000));
}

TEST(Backoff, ARefusedCredentialWaitsTheLongestAtOnce) {
  const milliseconds interval(2000);
  EXPECT_EQ(backoff(Failure::authentication, 1, interval), interval * kMaxBackoffIntervals);
}

}  // namespace
}  // namespace tw::run
