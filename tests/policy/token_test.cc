#include "policy/token.h"

#include <gtest/gtest.h>

namespace tw::policy {
namespace {

TEST(TokenName, AcceptsWhmNames) {
  EXPECT_TRUE(is_valid_token_name("a"));
  EXPECT_TRUE(is_valid_token_name("my-controller_token-01"));
  EXPECT_TRUE(is_valid_token_name(std::string(50, 'x')));
}

TEST(TokenName, RejectsHostileNames) {
  for (const std::string& bad :
       {std::string(), std::string(51, 'x'), std::string("new\nline"), std::string("quo\"te"),
        std::string("sp ace"), std::string("dot.ted"), std::string("nul\0l", 5),
        std::string("caf\xc3\xa9"), std::string("semi;colon"), std::string("../up")}) {
    EXPECT_FALSE(is_valid_token_name(bad)) << bad;
  }
}

TEST(AclSet, FullAccessGrantsEverything) {
  AclSet full;
  EXPECT_TRUE(full.grants("passwd"));
  AclSet restricted{false, {"list-accts"}};
  EXPECT_TRUE(restricted.grants("list-accts"));
  EXPECT_FALSE(restricted.grants("passwd"));
}

TEST(Token, ExpiryIsStrictlyInThePast) {
  Token token;
  EXPECT_TRUE(token.never_expires());
  EXPECT_FALSE(token.expired_at(1'000));
  token.expires_at = 1'000;
  EXPECT_FALSE(token.expired_at(1'000));
  EXPECT_TRUE(token.expired_at(1'001));
}

}  // namespace
}  // namespace tw::policy
