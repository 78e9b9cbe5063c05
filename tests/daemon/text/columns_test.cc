#include "daemon/text/columns.h"

#include <gtest/gtest.h>

namespace tw::text {
namespace {

TEST(AlignedColumns, PadsEachColumnToItsWidestCellPlusTwo) {
  EXPECT_EQ(aligned_columns({{"HOST", "USER", "TOKEN"}, {"h1.example", "bob", "t"}}),
            "HOST        USER  TOKEN\n"
            "h1.example  bob   t\n");
}

TEST(AlignedColumns, LeavesTheLastCellUnpadded) {
  EXPECT_EQ(aligned_columns({{"A", "B"}, {"a", "longer"}}), "A  B\na  longer\n");
  EXPECT_EQ(aligned_columns({{"only"}}), "only\n");
}

TEST(AlignedColumns, NoRowsNoText) {
  EXPECT_EQ(aligned_columns({}), "");
}

}  // namespace
}  // namespace tw::text
