// Host::base_url() and ConfigError::to_string().

#include "config/fleet.h"

#include <gtest/gtest.h>

#include "config/config_error.h"

namespace tw::config {
namespace {

Host host_at(std::string address, std::uint16_t port) {
  Host host;
  host.address = std::move(address);
  host.port = port;
  return host;
}

TEST(HostTest, BaseUrlForDnsName) {
  EXPECT_EQ(host_at("whm01.example.net", 2087).base_url(), "https://whm01.example.net:2087");
}

TEST(HostTest, BaseUrlForIpv4) {
  EXPECT_EQ(host_at("198.51.100.7", 443).base_url(), "https://198.51.100.7:443");
}

TEST(HostTest, BaseUrlForIpv6PutsTheLiteralInBrackets) {
  EXPECT_EQ(host_at("2001:db8::7", 2087).base_url(), "https://[2001:db8::7]:2087");
  EXPECT_EQ(host_at("::1", 2087).base_url(), "https://[::1]:2087");
}

TEST(ConfigErrorTest, ToStringLeavesOutUnknownPositionParts) {
  EXPECT_EQ((ConfigError{"tw.yaml", 12, 15, "fleet.hosts[2].port: bad"}).to_string(),
            "tw.yaml:12:15: fleet.hosts[2].port: bad");
  EXPECT_EQ((ConfigError{"tw.yaml", 3, 0, "bad"}).to_string(), "tw.yaml:3: bad");
  EXPECT_EQ((ConfigError{"tw.yaml", 0, 0, "empty"}).to_string(), "tw.yaml: empty");
}

}  // namespace
}  // namespace tw::config
