#include "daemon/text/join.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace tw::text {
namespace {

TEST(Join, PutsTheSeparatorBetweenItems) {
  EXPECT_EQ(join(std::vector<std::string>{"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(join(std::vector<std::string>{"a"}, " "), "a");
  EXPECT_EQ(join(std::vector<std::string>{}, " "), "");
  EXPECT_EQ(join(std::set<std::string>{"b", "a"}, " "), "a b");
}

TEST(Join, LeadingEmptyItemsAddNoSeparator) {
  EXPECT_EQ(join(std::vector<std::string>{"", "a", "", "b"}, ","), "a,,b");
}

}  // namespace
}  // namespace tw::text
