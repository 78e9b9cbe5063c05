// Unit tests of the mock's pure parts: IP ranges, form parameters, WHM's normalisation rules,
// time and size texts, secrets, TLS material.

#include <gtest/gtest.h>

#include "tests/support/mock_whm/acl_catalog.h"
#include "tests/support/mock_whm/fleet_files.h"
#include "tests/support/mock_whm/form_params.h"
#include "tests/support/mock_whm/http_wire.h"
#include "tests/support/mock_whm/ip_range.h"
#include "tests/support/mock_whm/secrets.h"
#include "tests/support/mock_whm/time_text.h"
#include "tests/support/mock_whm/tls_material.h"
#include "tests/support/mock_whm/token_rules.h"

namespace tw::mock {
namespace {

using Strings = std::vector<std::string>;

TEST(AclCatalog, HasTheSixtyFourNamesOfWhmApiSection6) {
  EXPECT_EQ(all_acl_names().size(), 64U);
  EXPECT_EQ(initial_reseller_acl_names().size(), 20U);
  EXPECT_TRUE(std::is_sorted(all_acl_names().begin(), all_acl_names().end()));
  EXPECT_TRUE(is_known_acl("all"));
  EXPECT_TRUE(is_known_acl("manage-api-tokens"));
  EXPECT_TRUE(is_known_acl("allow-unlimited-bw-pkgs"));
  EXPECT_FALSE(is_known_acl("list-acct"));
  EXPECT_FALSE(is_known_acl(""));
}

TEST(IpRange, RendersLikeNetIp) {
  EXPECT_EQ(parse_ip_range("192.0.2.10")->render(), "192.0.2.10");
  EXPECT_EQ(parse_ip_range("192.0.2.10/32")->render(), "192.0.2.10");
  EXPECT_EQ(parse_ip_range("192.0.2.8/29")->render(), "192.0.2.8/29");
  EXPECT_EQ(parse_ip_range("0.0.0.0/0")->render(), "0.0.0.0/0");
  EXPECT_EQ(parse_ip_range("fc00:abcd::f")->render(), "fc00:abcd:0000:0000:0000:0000:0000:000f");
  EXPECT_EQ(parse_ip_range("2001:DB8::/48")->render(),
            "2001:0db8:0000:0000:0000:0000:0000:0000/48");
  EXPECT_EQ(parse_ip_range("::1/128")->render(), "0000:0000:0000:0000:0000:0000:0000:0001");
}

TEST(IpRange, RejectsInvalidTextAndHostBits) {
  for (const char* bad : {"", "any", "192.0.2", "192.0.2.256", "192.0.2.9/29", "192.0.2.0/33",
                          "192.0.2.0/", "192.0.2.0/+8", "2001:db8::1/64", "2001:db8::/129",
                          "::1/abc", " 192.0.2.1", "192.0.2.1 ", "01.2.3.4"}) {
    EXPECT_FALSE(parse_ip_range(bad).has_value()) << bad;
  }
}

TEST(IpRange, ContainsAndOrder) {
  const auto net = *parse_ip_range("192.0.2.8/29");
  EXPECT_TRUE(net.contains(*parse_ip_range("192.0.2.15")));
  EXPECT_FALSE(net.contains(*parse_ip_range("192.0.2.16")));
  EXPECT_FALSE(parse_ip_range("::ffff:127.0.0.1")->contains(*parse_ip_range("127.0.0.1")));
  EXPECT_TRUE(parse_ip_range("0.0.0.0/0")->contains(*parse_ip_range("127.0.0.1")));
  EXPECT_TRUE(parse_ip_range("10.0.0.0/8")->sorts_before(*parse_ip_range("::")));
  EXPECT_TRUE(parse_ip_range("9.255.255.255")->sorts_before(*parse_ip_range("10.0.0.0/8")));
}

TEST(FormParams, DecodesAndCollectsInSuffixOrder) {
  FormParams params;
  params.add_encoded("acl-10=c&acl=bare&acl-2=b&acl-002=b2&x=1&acl-x=no&acl_0=no&&acl-1=a+b%21");
  params.add_encoded("acl=second&token_name=%E2%80%9Cq%E2%80%9D&bad=%zz&flag");
  EXPECT_EQ(params.collect("acl"), (Strings{"bare", "second", "a b!", "b", "b2", "c"}));
  EXPECT_EQ(params.get("token_name"), "\u201Cq\u201D");
  EXPECT_EQ(params.get("bad"), "%zz");
  EXPECT_EQ(params.get("flag"), "");
  EXPECT_EQ(params.get("x"), "1");
  EXPECT_FALSE(params.get("missing").has_value());
  EXPECT_TRUE(params.has_multi("acl"));
  EXPECT_FALSE(params.has_multi("whitelist_ip"));
  // The docs' `whitelist-ip-3` trap: not read as whitelist_ip.
  FormParams trap;
  trap.add_encoded("whitelist-ip-3=192.0.2.1");
  EXPECT_FALSE(trap.has_multi("whitelist_ip"));
}

TEST(FormParams, HugeSuffixesCompareNumerically) {
  FormParams params;
  params.add_encoded("n-100000000000000000000000=z&n-99999999999999999999999=y&n-0=x");
  EXPECT_EQ(params.collect("n"), (Strings{"x", "y", "z"}));
}

TEST(TokenRules, ListAnd) {
  EXPECT_EQ(list_and({"a"}), "a");
  EXPECT_EQ(list_and({"a", "b"}), "a and b");
  EXPECT_EQ(list_and({"a", "b", "c"}), "a, b, and c");
}

TEST(TokenRules, TokenNames) {
  EXPECT_TRUE(is_valid_token_name("a"));
  EXPECT_TRUE(is_valid_token_name(std::string(50, 'x')));
  EXPECT_TRUE(is_valid_token_name("Ab_9-z"));
  EXPECT_FALSE(is_valid_token_name(""));
  EXPECT_FALSE(is_valid_token_name(std::string(51, 'x')));
  EXPECT_FALSE(is_valid_token_name("a b"));
  EXPECT_FALSE(is_valid_token_name("a.b"));
  EXPECT_EQ(check_token_name("a.b").error(),
            "\u201Ca.b\u201D is not a valid API token name. An API token name must not be longer "
            "than 50 characters and may only contain the following characters: a-z A-Z 0-9 _ -");
}

TEST(TokenRules, WhitelistNormalisation) {
  const auto normalised = normalise_whitelist(
      {"2001:db8::/32", "192.0.2.10/32", "10.0.0.0/8", "192.0.2.10", "::1/128", "fc00:abcd::f"});
  ASSERT_TRUE(normalised.has_value());
  EXPECT_EQ(**normalised,
            (Strings{"10.0.0.0/8", "192.0.2.10", "0000:0000:0000:0000:0000:0000:0000:0001",
                     "2001:0db8:0000:0000:0000:0000:0000:0000/32",
                     "fc00:abcd:0000:0000:0000:0000:0000:000f"}));
  EXPECT_FALSE(normalise_whitelist({"192.0.2.1", "any"})->has_value());
  EXPECT_EQ(normalise_whitelist({"192.0.2.9/29"}).error(),
            "Invalid IP address or CIDR range specified: 192.0.2.9/29");
  EXPECT_EQ(normalise_whitelist({"192.0.2.1", ""}).error(),
            "The \u201Cwhitelist_ip\u201D arguments cannot be empty.");
  Strings many;
  for (int i = 0; i < 101; ++i) many.push_back("10.0.0." + std::to_string(i));
  EXPECT_EQ(normalise_whitelist(many).error(),
            "You have entered \u201C101\u201D IP addresses, which is above the limit of 100.");
  many.pop_back();
  EXPECT_EQ((*normalise_whitelist(many))->size(), 100U);
  EXPECT_TRUE(whitelist_allows({"10.0.0.0/8"}, "10.1.2.3"));
  EXPECT_FALSE(whitelist_allows({"10.0.0.0/8"}, "127.0.0.1"));
}

TEST(TokenRules, AclNormalisation) {
  WhmUser root;
  root.acls = {"all"};
  WhmUser reseller;
  reseller.acls = {"acct-summary", "create-acct", "list-accts"};
  EXPECT_EQ(**normalise_acls({"list-accts", "create-acct", "list-accts", ""}, reseller),
            (Strings{"create-acct", "list-accts"}));
  EXPECT_FALSE(normalise_acls({}, reseller)->has_value());    // full access
  EXPECT_FALSE(normalise_acls({""}, reseller)->has_value());  // falsy values dropped too
  EXPECT_EQ(**normalise_acls({"passwd", "all"}, root), (Strings{"all", "passwd"}));
  EXPECT_EQ(normalise_acls({"passwd"}, reseller).error(),
            "Invalid or unauthorized ACL specified: passwd");
  EXPECT_EQ(normalise_acls({"passwd", "kill-acct"}, reseller).error(),
            "Invalid or unauthorized ACLs specified: kill-acct and passwd");
  EXPECT_EQ(normalise_acls({"passwd", "all", "nope", "list-accts"}, reseller).error(),
            "Invalid or unauthorized ACLs specified: all, nope, and passwd");
  EXPECT_EQ(normalise_acls({"nope"}, root).error(), "Invalid or unauthorized ACL specified: nope");
}

TEST(TokenRules, ExpiresAt) {
  EXPECT_FALSE(parse_expires_at("0", 1000)->has_value());
  EXPECT_EQ(**parse_expires_at("1001", 1000), 1001);
  EXPECT_EQ(parse_expires_at("1000", 1000).error(),
            "The \u201C1000\u201D value must be a future date.");
  EXPECT_EQ(parse_expires_at("-5", 1000).error(),
            "The \u201C-5\u201D value must be a future date.");
  EXPECT_FALSE(parse_expires_at("soon", 1000).has_value());
  EXPECT_FALSE(parse_expires_at("", 1000).has_value());
  EXPECT_FALSE(parse_expires_at("99999999999999999999999", 1000).has_value());
}

TEST(TimeText, DurationsSizesAndFixtureTimes) {
  EXPECT_EQ(parse_duration("250ms")->count(), 250);
  EXPECT_EQ(parse_duration("250")->count(), 250);
  EXPECT_EQ(parse_duration("2s")->count(), 2000);
  EXPECT_EQ(parse_duration("1w")->count(), 604'800'000);
  EXPECT_FALSE(parse_duration("2x").has_value());
  EXPECT_FALSE(parse_duration("-1s").has_value());
  EXPECT_EQ(*parse_size("64KiB"), 65536U);
  EXPECT_EQ(*parse_size("2M"), 2U << 20U);
  EXPECT_FALSE(parse_size("2G").has_value());
  const std::int64_t now = 1'700'000'000;
  EXPECT_EQ(**parse_fixture_time("-400d", now, false), now - 400 * 86400);
  EXPECT_EQ(**parse_fixture_time("+10d", now, false), now + 10 * 86400);
  EXPECT_EQ(**parse_fixture_time("-90m", now, false), now - 5400);
  EXPECT_EQ(**parse_fixture_time("now", now, false), now);
  EXPECT_EQ(**parse_fixture_time("1735689600", now, false), 1735689600);
  EXPECT_FALSE(parse_fixture_time("never", now, true)->has_value());
  EXPECT_FALSE(parse_fixture_time("never", now, false).has_value());
  EXPECT_FALSE(parse_fixture_time("-10", now, false).has_value());
  EXPECT_FALSE(parse_fixture_time("yesterday", now, false).has_value());
}

TEST(Secrets, FormatAndHash) {
  const std::string secret = generate_secret();
  EXPECT_TRUE(is_valid_secret(secret));
  EXPECT_NE(generate_secret(), secret);
  EXPECT_FALSE(is_valid_secret("abc"));
  EXPECT_FALSE(is_valid_secret(std::string(32, 'a')));
  EXPECT_EQ(
      sha512_hex("abc"),
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c2"
      "3a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

TEST(TlsMaterial, GeneratesPemAndPin) {
  const TlsMaterial tls = generate_tls_material();
  EXPECT_TRUE(tls.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
  EXPECT_TRUE(tls.server_cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
  EXPECT_TRUE(tls.server_key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
  EXPECT_TRUE(tls.server_pin.starts_with("sha256//"));
  EXPECT_EQ(tls.server_pin.size(), 8U + 44U);
  EXPECT_NE(generate_unrelated_ca_pem(), tls.ca_pem);
}

TEST(HttpWire, RoutesTargets) {
  using Kind = RequestTarget::Kind;
  auto t = parse_request_target("/json-api/api_token_list?api.version=1");
  EXPECT_EQ(t.kind, Kind::kApi);
  EXPECT_EQ(t.function, "api_token_list");
  EXPECT_EQ(t.query, "api.version=1");
  t = parse_request_target("/cpsess0123456789/json-api/api_token_revoke");
  EXPECT_EQ(t.kind, Kind::kApi);
  EXPECT_EQ(t.function, "api_token_revoke");
  EXPECT_EQ(parse_request_target("/cpsessX/json-api/a").kind, Kind::kNotFound);
  EXPECT_EQ(parse_request_target("/json-api/").kind, Kind::kNotFound);
  EXPECT_EQ(parse_request_target("/json-api/a/b").kind, Kind::kNotFound);
  EXPECT_EQ(parse_request_target("/execute/x").kind, Kind::kNotFound);
  EXPECT_EQ(parse_request_target("/__mock/state").kind, Kind::kAdminState);
  EXPECT_EQ(parse_request_target("/__mock/fault").kind, Kind::kAdminFault);
}

TEST(FleetFiles, YamlScalarQuotesOnlyWhenNeeded) {
  EXPECT_EQ(yaml_scalar("whm01"), "whm01");
  EXPECT_EQ(yaml_scalar("/tmp/a-b/c.pem"), "/tmp/a-b/c.pem");
  EXPECT_EQ(yaml_scalar("01"), "\"01\"");
  EXPECT_EQ(yaml_scalar("yes"), "\"yes\"");
  EXPECT_EQ(yaml_scalar("a b"), "\"a b\"");
  EXPECT_EQ(yaml_scalar("a\"b"), "\"a\\\"b\"");
  EXPECT_EQ(yaml_scalar(""), "\"\"");
}

}  // namespace
}  // namespace tw::mock
