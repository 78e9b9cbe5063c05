// The string rules behind host names, addresses, user and token names, pins and credential
// names (config/validators.h), tried directly on edge cases.

#include "config/validators.h"

#include <gtest/gtest.h>

namespace tw::config {
namespace {

TEST(ValidatorsTest, Addresses) {
  EXPECT_EQ(normalize_address("whm01.example.net"), "whm01.example.net");
  EXPECT_EQ(normalize_address("localhost"), "localhost");
  EXPECT_EQ(normalize_address("198.51.100.7"), "198.51.100.7");
  EXPECT_EQ(normalize_address("2001:db8::7"), "2001:db8::7");
  EXPECT_EQ(normalize_address("[2001:db8::7]"), "2001:db8::7");
  EXPECT_EQ(normalize_address("::ffff:192.0.2.1"), "::ffff:192.0.2.1");
  for (const char* bad : {"", "a b", "http://a", "a/b", "a:80", "[::1]:80", "[::1", "[a.b]",
                          "1.2.3", "-a.example", "a-.example", "a..b", ".a", "a.", "1:2:3"}) {
    EXPECT_FALSE(normalize_address(bad)) << bad;
  }
  EXPECT_FALSE(normalize_address(std::string(64, 'a') + ".example"));
  EXPECT_TRUE(normalize_address(std::string(63, 'a') + ".example"));
}

TEST(ValidatorsTest, HostNames) {
  EXPECT_TRUE(check_host_name("whm-01.eu_west"));
  EXPECT_TRUE(check_host_name(std::string(64, 'a')));
  EXPECT_FALSE(check_host_name(std::string(65, 'a')));
  EXPECT_FALSE(check_host_name(""));
  EXPECT_FALSE(check_host_name("whm/01"));
}

TEST(ValidatorsTest, UserNames) {
  EXPECT_TRUE(check_user_name("root"));
  EXPECT_TRUE(check_user_name("_svc-1"));
  EXPECT_TRUE(check_user_name(std::string(32, 'a')));
  EXPECT_FALSE(check_user_name(std::string(33, 'a')));
  EXPECT_FALSE(check_user_name("1root"));
  EXPECT_FALSE(check_user_name("Root"));
  EXPECT_FALSE(check_user_name(""));
}

TEST(ValidatorsTest, TokenNames) {
  EXPECT_TRUE(check_token_name("tokenwarden"));
  EXPECT_TRUE(check_token_name("TW_daemon-2"));
  EXPECT_TRUE(check_token_name(std::string(50, 'x')));
  EXPECT_FALSE(check_token_name(std::string(51, 'x')));
  EXPECT_FALSE(check_token_name("tw.daemon"));
  EXPECT_FALSE(check_token_name(""));
}

TEST(ValidatorsTest, Pins) {
  const std::string a = "sha256//ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs=";
  const std::string b = "sha256//PiPoFgA5WUoziU9lZOGxNIu9egCI1CxKy3PurtWcAJ0=";
  EXPECT_TRUE(check_pins(a));
  EXPECT_TRUE(check_pins(a + ";" + b));
  EXPECT_FALSE(check_pins(""));
  EXPECT_FALSE(check_pins(a + ";"));
  EXPECT_FALSE(check_pins(a + "; " + b));
  EXPECT_FALSE(check_pins("sha256//" + std::string(43, 'A')));         // no '='
  EXPECT_FALSE(check_pins("sha256//" + std::string(42, 'A') + "B="));  // non-canonical
  EXPECT_TRUE(check_pins("sha256//" + std::string(43, 'A') + "="));
}

TEST(ValidatorsTest, CredentialNames) {
  EXPECT_TRUE(check_credential_name("whm01"));
  EXPECT_TRUE(check_credential_name("whm01.token"));
  for (const char* bad : {"", ".", "..", "a/b", "/a", "a b", "a\n"}) {
    EXPECT_FALSE(check_credential_name(bad)) << bad;
  }
}

}  // namespace
}  // namespace tw::config
