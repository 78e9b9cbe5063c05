#include "daemon/text/printable.h"

#include <gtest/gtest.h>

namespace tw::text {
namespace {

TEST(Printable, KeepsPlainText) {
  EXPECT_EQ(printable("my-token_01 ok"), "my-token_01 ok");
}

TEST(Printable, EscapesControlAndNonAscii) {
  EXPECT_EQ(printable("a\nb\rc\td\\e"), "a\\nb\\rc\\td\\\\e");
  EXPECT_EQ(printable(std::string("\x1b[31m\0\x7f", 7)), "\\x1b[31m\\x00\\x7f");
  EXPECT_EQ(printable("caf\xc3\xa9"), "caf\\xc3\\xa9");
}

TEST(Printable, CutsLongText) {
  EXPECT_EQ(printable(std::string(10, 'x'), 4), "xxxx...(10 bytes)");
  EXPECT_EQ(printable("abcd", 4), "abcd");
}

}  // namespace
}  // namespace tw::text
