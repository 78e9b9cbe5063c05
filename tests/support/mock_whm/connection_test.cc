// Connections and TLS: keep-alive reuse and TLS session resumption are counted, the
// certificate verifies against the generated CA (and only it), the pin matches, limits hold,
// and a fleet of 200 hosts built in code serves them all.

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/ssl/error.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/mock_whm/test_fleet.h"

namespace tw::mock::testing {
namespace {

using namespace std::chrono_literals;

class ConnectionTest : public FleetTest {};

TEST_F(ConnectionTest, KeepAliveReusesOneConnection) {
  start_fleet();
  auto c = client();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(call(*c, "api_token_list").status, 200U);
  const HostCounters counters = host().counters();
  EXPECT_EQ(counters.connections_accepted, 1U);
  EXPECT_EQ(counters.tls_handshakes, 1U);
  EXPECT_EQ(counters.requests, 5U);
  EXPECT_EQ(c->connections_made(), 1);
}

TEST_F(ConnectionTest, ConnectionCloseIsHonoured) {
  start_fleet();
  HttpsClientOptions options;
  options.keep_alive = false;
  auto c = client(0, options);
  for (int i = 0; i < 3; ++i) {
    const auto r = call(*c, "api_token_list");
    EXPECT_EQ(r.status, 200U);
    EXPECT_EQ(r.connection, "close");
  }
  EXPECT_EQ(host().counters().connections_accepted, 3U);
}

TEST_F(ConnectionTest, TlsSessionsResume) {
  start_fleet();
  auto c = client();
  ASSERT_EQ(call(*c, "api_token_list").status, 200U);
  EXPECT_FALSE(c->last_handshake_resumed());
  c->disconnect();
  ASSERT_EQ(call(*c, "api_token_list").status, 200U);
  EXPECT_TRUE(c->last_handshake_resumed());
  const HostCounters counters = host().counters();
  EXPECT_EQ(counters.connections_accepted, 2U);
  EXPECT_EQ(counters.tls_handshakes, 2U);
  EXPECT_EQ(counters.tls_resumed, 1U);
}

TEST_F(ConnectionTest, OnlyTheGeneratedCaVerifies) {
  start_fleet();
  HttpsClientOptions wrong;
  wrong.ca_pem = generate_unrelated_ca_pem();
  auto c = client(0, wrong);
  const auto r = call(*c, "api_token_list");
  EXPECT_EQ(r.failed_step, "handshake");
  EXPECT_EQ(r.error.category(), boost::asio::error::get_ssl_category()) << r.error.message();
  EXPECT_EQ(host().counters().tls_handshakes, 0U);
  EXPECT_EQ(host().calls("api_token_list"), 0U);
}

TEST_F(ConnectionTest, PinMatchesTheServedKey) {
  start_fleet();
  auto c = client();
  ASSERT_EQ(call(*c, "api_token_list").status, 200U);
  EXPECT_EQ(c->server_pin(), fleet_->server_pin());
}

TEST_F(ConnectionTest, CertificateNamesLoopbackAndLocalhost) {
  start_fleet();
  BIO* bio = BIO_new_mem_buf(fleet_->tls().server_cert_pem.data(),
                             static_cast<int>(fleet_->tls().server_cert_pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "::1", 0), 1);
  EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert, "example.net", 0, 0, nullptr), 0);
  X509_free(cert);
}

TEST_F(ConnectionTest, WritesTheCaPem) {
  start_fleet();
  const auto path = std::filesystem::path(::testing::TempDir()) /
                    ("mock_whm_ca_" + std::to_string(::getpid()) + ".pem");
  fleet_->write_ca_pem(path);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), fleet_->ca_pem());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644U);
  std::filesystem::remove(path);
}

TEST_F(ConnectionTest, IdleConnectionsAreClosed) {
  FleetOptions options;
  options.idle_timeout = 150ms;
  start_fleet(1, options);
  auto c = client();
  ASSERT_EQ(call(*c, "api_token_list").status, 200U);
  std::this_thread::sleep_for(400ms);
  EXPECT_FALSE(call(*c, "api_token_list").ok());       // the mock closed the idle connection
  EXPECT_EQ(call(*c, "api_token_list").status, 200U);  // a new one works
}

TEST_F(ConnectionTest, ConnectionsAboveTheLimitAreRefused) {
  FleetOptions options;
  options.max_connections = 2;
  start_fleet(1, options);
  auto a = client();
  auto b = client();
  auto c = client();
  EXPECT_EQ(call(*a, "api_token_list").status, 200U);
  EXPECT_EQ(call(*b, "api_token_list").status, 200U);
  EXPECT_FALSE(call(*c, "api_token_list").ok());
  a->disconnect();
  // The mock notices the closed connection asynchronously; retry briefly.
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    served = call(*c, "api_token_list").status == 200U;
    if (!served) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(served);
}

TEST_F(ConnectionTest, TwoHundredHostsBuiltInCode) {
  FleetSpec spec;
  for (int i = 0; i < 200; ++i) spec.hosts.push_back(basic_host("bulk" + std::to_string(i)));
  fleet_ = std::make_unique<Fleet>(std::move(spec));
  fleet_->start();
  ASSERT_EQ(fleet_->size(), 200U);
  std::set<std::uint16_t> ports;
  for (std::size_t i = 0; i < fleet_->size(); ++i) ports.insert(fleet_->host(i).port());
  EXPECT_EQ(ports.size(), 200U);
  EXPECT_EQ(ports.count(0), 0U);
  for (int i : {0, 99, 199}) {
    auto c = client(i);
    EXPECT_EQ(call(*c, "api_token_list").status, 200U) << i;
    EXPECT_EQ(host(i).calls("api_token_list"), 1U);
  }
  EXPECT_EQ(fleet_->host("bulk150").calls("api_token_list"), 0U);
  EXPECT_THROW((void)fleet_->host("nope"), std::out_of_range);
}

TEST_F(ConnectionTest, InvalidSpecsAreRefused) {
  FleetSpec twice;
  twice.hosts = {basic_host("a"), basic_host("a")};
  EXPECT_THROW(Fleet{twice}, std::invalid_argument);
  FleetSpec bad_acl;
  bad_acl.hosts = {basic_host("a")};
  bad_acl.hosts[0].users[1].acls.push_back("no-such-acl");
  EXPECT_THROW(Fleet{bad_acl}, std::invalid_argument);
  FleetSpec bad_name;
  bad_name.hosts = {basic_host("../etc")};
  EXPECT_THROW(Fleet{bad_name}, std::invalid_argument);
}

TEST_F(ConnectionTest, APortInUseFailsStart) {
  start_fleet();
  FleetSpec spec;
  spec.hosts = {basic_host("free"), basic_host("taken")};
  spec.hosts[1].port = host().port();
  Fleet second(std::move(spec));
  EXPECT_THROW(second.start(), boost::system::system_error);
  EXPECT_FALSE(second.running());
  EXPECT_EQ(call(*client(), "api_token_list").status, 200U);  // the first fleet is unharmed
}

TEST_F(ConnectionTest, StartTwiceThrowsAndStopIsIdempotent) {
  start_fleet();
  EXPECT_TRUE(fleet_->running());
  EXPECT_THROW(fleet_->start(), std::logic_error);
  fleet_->stop();
  fleet_->stop();
  EXPECT_FALSE(fleet_->running());
}

}  // namespace
}  // namespace tw::mock::testing
