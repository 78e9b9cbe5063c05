#include "policy/network.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/policy/policy_builders.h"

namespace tw::policy {
namespace {

using testing::net;
using testing::nets;

std::vector<std::string> rendered(const std::vector<Network>& networks) {
  std::vector<std::string> out;
  for (const auto& n : networks) out.push_back(n.to_whm_string());
  return out;
}

TEST(ParseNetwork, ReadsEverySpellingAndRendersItAsWhmDoes) {
  struct Case {
    const char* text;
    bool v6;
    unsigned prefix;
    const char* whm;
  };
  const Case cases[] = {
      {"192.0.2.7", false, 32, "192.0.2.7"},
      {"192.0.2.7/32", false, 32, "192.0.2.7"},
      {"203.0.113.0/24", false, 24, "203.0.113.0/24"},
      {"0.0.0.0/0", false, 0, "0.0.0.0/0"},
      {"10.0.0.0/8", false, 8, "10.0.0.0/8"},
      {"255.255.255.255", false, 32, "255.255.255.255"},
      {"2001:db8::/32", true, 32, "2001:0db8:0000:0000:0000:0000:0000:0000/32"},
      {"2001:0db8:0000:0000:0000:0000:0000:0000/32", true, 32,
       "2001:0db8:0000:0000:0000:0000:0000:0000/32"},
      {"fc00:abcd:0000:0000:0000:0000:0000:000f", true, 128,
       "fc00:abcd:0000:0000:0000:0000:0000:000f"},
      {"fc00:abcd::f", true, 128, "fc00:abcd:0000:0000:0000:0000:0000:000f"},
      {"FC00:ABCD::F/128", true, 128, "fc00:abcd:0000:0000:0000:0000:0000:000f"},
      {"::1", true, 128, "0000:0000:0000:0000:0000:0000:0000:0001"},
      {"::", true, 128, "0000:0000:0000:0000:0000:0000:0000:0000"},
      {"::/0", true, 0, "0000:0000:0000:0000:0000:0000:0000:0000/0"},
      {"::ffff:192.0.2.1", true, 128, "0000:0000:0000:0000:0000:ffff:c000:0201"},
      {"2001:db8:0:0:1:0:0:1", true, 128, "2001:0db8:0000:0000:0001:0000:0000:0001"},
      {"2001:db8:abcd:12::/64", true, 64, "2001:0db8:abcd:0012:0000:0000:0000:0000/64"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const auto parsed = parse_network(c.text);
    ASSERT_TRUE(parsed.has_value()) << parsed.error();
    EXPECT_EQ(parsed->v6, c.v6);
    EXPECT_EQ(parsed->prefix, c.prefix);
    EXPECT_EQ(parsed->to_whm_string(), c.whm);
    // WHM's rendering reads back as the same network.
    EXPECT_EQ(parse_network(parsed->to_whm_string()), parsed);
  }
}

TEST(ParseNetwork, RefusesWhatIsNotAnAddressOrNetwork) {
  for (const char* bad :
       {"", "any", "192.0.2", "192.0.2.256", "01.2.3.4", "192.0.2.1/33", "192.0.2.1/", "/24",
        "192.0.2.1/-1", "192.0.2.1/ 8", "192.0.2.1/8x", "2001:db8::/129", "1::2::3", "00000::1",
        " 192.0.2.1", "192.0.2.1 ", "fe80::1%eth0", "192.0.2.1:80", "192.0.2.0/0024"}) {
    SCOPED_TRACE(bad);
    const auto parsed = parse_network(bad);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_FALSE(parsed.error().empty());
  }
}

TEST(ParseNetwork, ErrorsNeverEchoControlCharacters) {
  const auto parsed = parse_network("192.0.2.1\n\x1b[31m");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().find('\n'), std::string::npos);
  EXPECT_EQ(parsed.error().find('\x1b'), std::string::npos);
  EXPECT_NE(parse_network("192.0.2.1/40").error().find("'192.0.2.1/40'"), std::string::npos);
}

TEST(ParseNetwork, StrictModeRefusesHostBitsAndSaysWhichNetworkWasMeant) {
  const auto strict = parse_network("192.0.2.9/29");
  ASSERT_FALSE(strict.has_value());
  EXPECT_NE(strict.error().find("192.0.2.8/29"), std::string::npos) << strict.error();
  EXPECT_FALSE(parse_network("2001:db8::1/32").has_value());

  const auto lenient = parse_network("192.0.2.9/29", /*strict=*/false);
  ASSERT_TRUE(lenient.has_value());
  EXPECT_EQ(lenient->to_whm_string(), "192.0.2.8/29");
  EXPECT_EQ(parse_network("2001:db8::1/32", false)->to_whm_string(),
            "2001:0db8:0000:0000:0000:0000:0000:0000/32");
  EXPECT_EQ(parse_network("10.1.2.3/0", false)->to_whm_string(), "0.0.0.0/0");
  EXPECT_EQ(parse_network("192.0.2.255/31", false)->to_whm_string(), "192.0.2.254/31");
}

TEST(NetworkContains, IsTheSubsetRelationWithinOneFamily) {
  struct Case {
    const char* outer;
    const char* inner;
    bool contains;
  };
  const Case cases[] = {
      {"203.0.113.0/24", "203.0.113.7", true},
      {"203.0.113.0/24", "203.0.113.0/24", true},
      {"203.0.113.0/24", "203.0.113.128/25", true},
      {"203.0.113.0/24", "203.0.112.0/23", false},  // wider than the outer one
      {"203.0.113.0/24", "203.0.114.1", false},
      {"203.0.113.0/25", "203.0.113.128", false},
      {"203.0.113.0/25", "203.0.113.127", true},
      {"0.0.0.0/0", "198.51.100.1", true},
      {"0.0.0.0/0", "::1", false},  // families never mix
      {"::/0", "192.0.2.1", false},
      {"::/0", "2001:db8::1", true},
      {"2001:db8::/32", "2001:0db8:ffff:0000:0000:0000:0000:0001", true},
      {"2001:db8::/32", "2001:db9::1", false},
      {"2001:db8::/33", "2001:db8:8000::/33", false},
      {"2001:db8::/33", "2001:db8:7fff::/48", true},
      {"192.0.2.1", "192.0.2.1", true},
      {"192.0.2.1", "192.0.2.0/31", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.outer) + " contains " + c.inner);
    EXPECT_EQ(net(c.outer).contains(net(c.inner)), c.contains);
  }
}

TEST(NarrowTo, KeepsInsideEntriesNarrowsWideOnesAndDropsOutsideOnes) {
  struct Case {
    const char* name;
    std::vector<Network> entries;
    std::vector<Network> approved;
    std::vector<std::string> expected;
  };
  const Case cases[] = {
      {"inside kept", nets({"203.0.113.7"}), nets({"203.0.113.0/24"}), {"203.0.113.7"}},
      {"outside dropped",
       nets({"198.51.100.1", "203.0.113.7"}),
       nets({"203.0.113.0/24"}),
       {"203.0.113.7"}},
      {"wide narrowed", nets({"203.0.0.0/16"}), nets({"203.0.113.0/24"}), {"203.0.113.0/24"}},
      {"any v4 narrowed to both",
       nets({"0.0.0.0/0"}),
       nets({"203.0.113.0/24", "192.0.2.0/28"}),
       {"192.0.2.0/28", "203.0.113.0/24"}},
      {"nothing left", nets({"198.51.100.0/24"}), nets({"203.0.113.0/24"}), {}},
      {"families never mix", nets({"0.0.0.0/0"}), nets({"2001:db8::/32"}), {}},
      {"v6 expanded entry kept",
       nets({"2001:0db8:0000:0000:0000:0000:0000:0042"}),
       nets({"2001:db8::/32"}),
       {"2001:0db8:0000:0000:0000:0000:0000:0042"}},
      {"v6 wide narrowed",
       nets({"2001::/16"}),
       nets({"2001:db8:1::/48"}),
       {"2001:0db8:0001:0000:0000:0000:0000:0000/48"}},
      {"sorted v4 first, by address, covered entries dropped",
       nets({"2001:db8::1", "203.0.113.9", "203.0.113.0/25", "192.0.2.1", "203.0.113.9"}),
       nets({"203.0.113.0/24", "192.0.2.0/24", "2001:db8::/32"}),
       {"192.0.2.1", "203.0.113.0/25", "2001:0db8:0000:0000:0000:0000:0000:0001"}},
      {"no approved network", nets({"192.0.2.1"}), {}, {}},
      {"no entries", {}, nets({"192.0.2.0/24"}), {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(rendered(narrow_to(c.entries, c.approved)), c.expected);
  }
}

TEST(NarrowTo, ResultLiesInsideTheApprovedNetworks) {
  const auto approved = nets({"10.0.0.0/8", "192.168.4.0/22", "2001:db8::/32"});
  const auto entries = nets({"0.0.0.0/0", "10.20.0.0/16", "192.168.0.0/16", "::/0", "2001:db8::7"});
  for (const auto& result : narrow_to(entries, approved)) {
    EXPECT_TRUE(std::ranges::any_of(approved, [&](const Network& a) { return a.contains(result); }))
        << result.to_whm_string();
  }
}

}  // namespace
}  // namespace tw::policy
