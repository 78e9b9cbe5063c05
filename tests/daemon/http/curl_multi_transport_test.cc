// The HTTP transport against the mock WHM fleet over real TLS on loopback: verification,
// pinning, typed failures for every injected fault, size caps, concurrency and reuse, and a
// transport destroyed while its exchanges are in flight.

#include "daemon/http/curl_multi_transport.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "tests/support/mock_whm/fleet.h"
#include "tests/support/mock_whm/tls_material.h"
#include "tests/support/temp_dir.h"

namespace tw::http {
namespace {

using std::chrono::milliseconds;
constexpr const char* kRootSecret = "TRANSPORT00000000000000000000001";

// Waits up to `limit` for `done`: the mock serves on its own thread.
template <typename Predicate>
bool eventually(Predicate done, milliseconds limit = milliseconds(3'000)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return true;
}

mock::HostSpec host_spec(std::string name) {
  mock::HostSpec host;
  host.name = std::move(name);
  mock::UserSpec root;
  mock::TokenSpec credential;
  credential.name = "tokenwarden";
  credential.secret = kRootSecret;
  root.tokens.push_back(credential);
  host.users = {root};
  return host;
}

class TransportTest : public ::testing::Test {
 protected:
  void SetUp() override { start(3); }

  void start(int hosts) {
    mock::FleetSpec spec;
    for (int i = 0; i < hosts; ++i) spec.hosts.push_back(host_spec("h" + std::to_string(i)));
    fleet_ = std::make_unique<mock::Fleet>(std::move(spec));
    fleet_->start();
    ca_file_ = (dir_ / "ca.pem").string();
    fleet_->write_ca_pem(ca_file_);
  }

  mock::Host& host(std::size_t i) { return fleet_->host(i); }

  Request list_request(std::size_t i) {
    Request request;
    request.url = "https://127.0.0.1:" + std::to_string(host(i).port()) +
                  "/json-api/api_token_list?api.version=1";
    request.headers.push_back("Authorization: whm root:" + std::string(kRootSecret));
    request.tls.ca_file = ca_file_;
    request.connect_timeout = milliseconds(2'000);
    request.total_timeout = milliseconds(5'000);
    return request;
  }

  // Sends every request at once and runs the loop until all have completed.
  std::vector<Result> send_all(std::vector<Request> requests, TransportOptions options = {}) {
    boost::asio::io_context io;
    std::vector<Result> results(requests.size(),
                                std::unexpected(Error{ErrorKind::other, "not completed", 0, {}}));
    std::size_t done = 0;
    {
      CurlMultiTransport transport(io, options);
      for (std::size_t i = 0; i < requests.size(); ++i) {
        async_send(transport, std::move(requests[i]), [&results, &done, i](Result r) {
          results[i] = std::move(r);
          ++done;
        });
      }
      // Samples the number of exchanges in flight while the loop runs.
      boost::asio::steady_timer sampler(io);
      std::function<void()> sample = [&] {
        max_in_flight_ = std::max(max_in_flight_, transport.in_flight());
        if (done == results.size()) return;
        sampler.expires_after(milliseconds(2));
        sampler.async_wait([&](const boost::system::error_code& ec) {
          if (!ec) sample();
        });
      };
      sample();
      io.run();
    }
    EXPECT_EQ(done, results.size());
    return results;
  }

  Result send_one(Request request, TransportOptions options = {}) {
    return std::move(send_all({std::move(request)}, options).front());
  }

  tw::testing::TempDir dir_;
  std::unique_ptr<mock::Fleet> fleet_;
  std::string ca_file_;
  std::size_t max_in_flight_ = 0;
};

TEST_F(TransportTest, ListsTokensOverVerifiedTls) {
  const auto result = send_one(list_request(0));
  ASSERT_TRUE(result.has_value()) << result.error().detail;
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->content_type, "application/json");
  EXPECT_NE(result->body.find("\"tokens\""), std::string::npos);
  EXPECT_EQ(host(0).calls("api_token_list"), 1U);
}

TEST_F(TransportTest, PostSendsTheFormBody) {
  auto request = list_request(0);
  request.method = Method::post;
  request.url = "https://127.0.0.1:" + std::to_string(host(0).port()) + "/json-api/api_token_list";
  request.body = "api.version=1";
  request.headers.emplace_back("Content-Type: application/x-www-form-urlencoded");
  const auto result = send_one(std::move(request));
  ASSERT_TRUE(result.has_value()) << result.error().detail;
  ASSERT_EQ(host(0).request_log().size(), 1U);
  EXPECT_EQ(host(0).request_log()[0].method, "POST");
}

TEST_F(TransportTest, WrongCaIsRefusedBeforeAnyRequest) {
  const auto wrong_ca = (dir_ / "wrong-ca.pem").string();
  std::ofstream(wrong_ca) << mock::generate_unrelated_ca_pem();
  auto request = list_request(0);
  request.tls.ca_file = wrong_ca;
  const auto result = send_one(std::move(request));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::tls) << result.error().detail;
  EXPECT_EQ(host(0).counters().requests, 0U);
  EXPECT_TRUE(host(0).request_log().empty());
}

TEST_F(TransportTest, WrongPinIsRefusedBeforeAnyRequest) {
  auto request = list_request(0);
  request.tls.pinned_public_key = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  const auto result = send_one(std::move(request));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::tls) << result.error().detail;
  EXPECT_EQ(host(0).counters().requests, 0U);
}

TEST_F(TransportTest, WrongPinWithoutACaFileIsRefusedBeforeAnyRequest) {
  // Pin-only mode skips the chain check: the pin is the only thing authenticating the host.
  auto request = list_request(0);
  request.tls.ca_file.reset();
  request.tls.pinned_public_key = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  const auto result = send_one(std::move(request));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::tls) << result.error().detail;
  EXPECT_EQ(host(0).counters().requests, 0U);
  EXPECT_TRUE(host(0).request_log().empty());
  EXPECT_EQ(host(0).calls("api_token_list"), 0U);
}

TEST_F(TransportTest, RightPinAloneAuthenticatesTheHost) {
  auto request = list_request(0);
  request.tls.ca_file.reset();
  request.tls.pinned_public_key = fleet_->server_pin();
  const auto result = send_one(std::move(request));
  ASSERT_TRUE(result.has_value()) << result.error().detail;
  EXPECT_EQ(result->status, 200);
}

TEST_F(TransportTest, RightPinAndRightCaTogether) {
  auto request = list_request(0);
  request.tls.pinned_public_key = fleet_->server_pin();
  const auto result = send_one(std::move(request));
  ASSERT_TRUE(result.has_value()) << result.error().detail;
}

TEST_F(TransportTest, SystemStoreDoesNotTrustTheMock) {
  auto request = list_request(0);
  request.tls.ca_file.reset();
  const auto result = send_one(std::move(request));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::tls);
}

TEST_F(TransportTest, RefusesPlainHttp) {
  auto request = list_request(0);
  request.url = "http://127.0.0.1:" + std::to_string(host(0).port()) + "/json-api/api_token_list";
  const auto result = send_one(std::move(request));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::other);
  EXPECT_EQ(host(0).counters().connections_accepted, 0U);
}

TEST_F(TransportTest, ClosedPortIsAConnectError) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  close(fd);  // nothing listens there now
  auto request = list_request(0);
  request.url = "https://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/json-api/x";
  const auto result = send_one(std::move(request));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::connect) << result.error().detail;
}

TEST_F(TransportTest, EachFaultIsTypedWhileOtherHostsSucceed) {
  struct Case {
    mock::FaultKind fault;
    ErrorKind expected;
  };
  const std::vector<Case> cases = {
      {mock::FaultKind::kHang, ErrorKind::timeout},
      {mock::FaultKind::kReset, ErrorKind::connection_lost},
      {mock::FaultKind::kHttpStatus, ErrorKind::http_status},
      {mock::FaultKind::kOversized, ErrorKind::too_large},
      {mock::FaultKind::kTrickle, ErrorKind::timeout},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(mock::fault_kind_name(c.fault)));
    mock::Fault fault;
    fault.kind = c.fault;
    fault.http_status = 503;
    fault.oversized_bytes = 1U << 20U;
    fault.trickle_total = milliseconds(3'000);
    fault.trickle_bytes = 4;
    host(1).set_fault(fault);
    std::vector<Request> requests{list_request(0), list_request(1), list_request(2)};
    for (auto& r : requests) {
      r.total_timeout = milliseconds(700);
      r.max_response_bytes = 64U << 10U;
    }
    const auto results = send_all(std::move(requests));
    ASSERT_TRUE(results[0].has_value()) << results[0].error().detail;
    ASSERT_TRUE(results[2].has_value()) << results[2].error().detail;
    ASSERT_FALSE(results[1].has_value());
    EXPECT_EQ(results[1].error().kind, c.expected) << results[1].error().detail;
    if (c.expected == ErrorKind::http_status) {
      EXPECT_EQ(results[1].error().http_status, 503);
    }
    host(1).clear_fault();
  }
}

TEST_F(TransportTest, LatencyWithinTheTimeoutStillSucceeds) {
  mock::Fault fault;
  fault.latency = milliseconds(200);
  host(0).set_fault(fault);
  const auto result = send_one(list_request(0));
  ASSERT_TRUE(result.has_value()) << result.error().detail;
}

TEST_F(TransportTest, NonJsonAndResultZeroAreTheWhmClientsBusiness) {
  mock::Fault fault;
  fault.kind = mock::FaultKind::kNonJson;
  host(0).set_fault(fault);
  const auto result = send_one(list_request(0));
  ASSERT_TRUE(result.has_value());  // a 200 is a 200 for the transport
  EXPECT_EQ(result->status, 200);
}

TEST_F(TransportTest, OversizedChunkedBodyIsCutOffAtTheCap) {
  mock::Fault fault;
  fault.kind = mock::FaultKind::kOversized;
  fault.oversized_bytes = 50U << 20U;  // far more than the cap; the mock streams it chunked
  host(0).set_fault(fault);
  auto request = list_request(0);
  request.max_response_bytes = 256U << 10U;
  request.total_timeout = milliseconds(10'000);
  const auto result = send_one(std::move(request));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::too_large) << result.error().detail;
  // The download stopped near the cap: the client closed the connection (the mock's write
  // failed) long before the 50 MiB were written. Socket buffers hold a few MiB at most.
  EXPECT_TRUE(eventually([&] { return host(0).counters().replies_cut_off == 1; }))
      << "the mock never saw the client close the connection";
  const auto written = host(0).counters().body_bytes_written;
  EXPECT_GE(written, 256U << 10U);
  EXPECT_LT(written, 8U << 20U) << "the client kept reading past the cap";
}

TEST_F(TransportTest, Http403CarriesTheBody) {
  auto request = list_request(0);
  request.headers = {"Authorization: whm root:WRONGWRONGWRONGWRONGWRONGWRONG12"};
  const auto result = send_one(std::move(request));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::http_status);
  EXPECT_EQ(result.error().http_status, 403);
  EXPECT_NE(result.error().body.find("cpanelresult"), std::string::npos);
  EXPECT_EQ(result.error().detail.find("WRONG"), std::string::npos);
}

TEST_F(TransportTest, ReusesTheConnectionForTheSameHost) {
  // One transport, requests one after another: each starts after the last one ended.
  boost::asio::io_context io;
  CurlMultiTransport transport(io, {});
  int remaining = 5;
  std::function<void()> next = [&] {
    async_send(transport, list_request(0), [&](Result r) {
      EXPECT_TRUE(r.has_value());
      if (--remaining > 0) next();
    });
  };
  next();
  io.run();
  EXPECT_EQ(remaining, 0);
  EXPECT_EQ(host(0).calls("api_token_list"), 5U);
  EXPECT_EQ(host(0).counters().connections_accepted, 1U);
  EXPECT_EQ(host(0).counters().tls_handshakes, 1U);
}

TEST_F(TransportTest, ResumesTlsSessionsOnNewConnections) {
  // With room for one cached connection, alternating hosts forces new connections; the shared
  // TLS session cache lets the second handshake with a host resume the first session.
  boost::asio::io_context io;
  CurlMultiTransport transport(io, {.max_in_flight = 1, .max_cached_connections = 1});
  const std::vector<std::size_t> order{0, 1, 0, 1};
  std::size_t step = 0;
  std::function<void()> next = [&] {
    async_send(transport, list_request(order[step]), [&](Result r) {
      EXPECT_TRUE(r.has_value()) << r.error().detail;
      if (++step < order.size()) next();
    });
  };
  next();
  io.run();
  EXPECT_EQ(step, order.size());
  EXPECT_EQ(host(0).counters().connections_accepted, 2U);
  EXPECT_GE(host(0).counters().tls_resumed, 1U);
}

TEST_F(TransportTest, BoundsExchangesInFlight) {
  mock::Fault slow;
  slow.latency = milliseconds(50);
  for (std::size_t i = 0; i < 3; ++i) host(i).set_fault(slow);
  std::vector<Request> requests;
  for (int i = 0; i < 24; ++i) requests.push_back(list_request(static_cast<std::size_t>(i % 3)));
  const auto results = send_all(std::move(requests), {.max_in_flight = 4});
  for (const auto& r : results) EXPECT_TRUE(r.has_value());
  EXPECT_LE(max_in_flight_, 4U);
  EXPECT_GE(max_in_flight_, 2U);
}

TEST_F(TransportTest, CancelAllEndsEveryExchange) {
  mock::Fault hang;
  hang.kind = mock::FaultKind::kHang;
  host(0).set_fault(hang);
  boost::asio::io_context io;
  std::vector<ErrorKind> kinds;
  {
    CurlMultiTransport transport(io, {.max_in_flight = 1});
    for (int i = 0; i < 3; ++i) {
      async_send(transport, list_request(0), [&](Result r) {
        ASSERT_FALSE(r.has_value());
        kinds.push_back(r.error().kind);
      });
    }
    boost::asio::steady_timer later(io, milliseconds(200));
    later.async_wait([&](const boost::system::error_code&) { transport.cancel_all(); });
    io.run();
  }
  EXPECT_EQ(kinds, std::vector<ErrorKind>(3, ErrorKind::cancelled));
}

// The transport is destroyed while a request is in flight and curl's timer has already fired:
// its completion is queued with success when the destructor runs, and must not touch the
// dead transport (a use-after-free before the `alive_` token; ASan builds catch it).
TEST_F(TransportTest, DestroyedWhileItsFiredTimerWaitsInTheQueue) {
  mock::Fault slow;
  slow.latency = milliseconds(800);  // the answer comes long after the transport is gone
  host(0).set_fault(slow);
  auto request = list_request(0);
  request.total_timeout = milliseconds(400);
  boost::asio::io_context io;
  auto transport = std::make_unique<CurlMultiTransport>(io, TransportOptions{});
  std::vector<ErrorKind> outcomes;
  async_send(*transport, std::move(request), [&outcomes](Result r) {
    outcomes.push_back(r.has_value() ? ErrorKind::other : r.error().kind);
  });
  // Once the mock holds the request, curl waits for the answer with one timer: the total
  // timeout. The loop then arms the destroyer (1 ms) and blocks until that timeout has passed.
  // When it runs again both timers are due; the destroyer, due first, runs first, so curl's
  // timer completion is already queued, with success, when the transport dies.
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(3'000);
  boost::asio::steady_timer poll(io);
  boost::asio::steady_timer destroyer(io);
  std::function<void()> wait_for_request = [&] {
    if (!outcomes.empty()) return;  // the exchange failed early: the checks below say so
    if (host(0).calls("api_token_list") == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "the request never reached the mock";
        transport.reset();
        return;
      }
      poll.expires_after(milliseconds(1));
      poll.async_wait([&](const boost::system::error_code& ec) {
        if (!ec) wait_for_request();
      });
      return;
    }
    destroyer.expires_after(milliseconds(1));
    destroyer.async_wait([&](const boost::system::error_code&) { transport.reset(); });
    std::this_thread::sleep_for(milliseconds(500));  // past curl's 400 ms total timeout
  };
  wait_for_request();
  // Keeps the loop running until the mock's latency has expired and it tried to answer.
  boost::asio::steady_timer keep_running(io, milliseconds(900));
  keep_running.async_wait([](const boost::system::error_code&) {});
  io.run();
  EXPECT_FALSE(transport);
  EXPECT_EQ(outcomes, std::vector<ErrorKind>{ErrorKind::cancelled});
}

// The same from a posted handler, with the exchange waiting for the host's answer: the loop
// keeps running past the mock's latency, and nothing the dead transport armed fires into it.
TEST_F(TransportTest, DestroyedFromAPostedHandlerWhileTheLoopKeepsRunning) {
  mock::Fault slow;
  slow.latency = milliseconds(300);
  host(0).set_fault(slow);
  host(1).set_fault(slow);
  boost::asio::io_context io;
  std::optional<CurlMultiTransport> transport;
  transport.emplace(io, TransportOptions{.max_in_flight = 1});
  std::vector<ErrorKind> outcomes;
  for (std::size_t i = 0; i < 2; ++i) {  // one running, one queued
    async_send(*transport, list_request(i), [&outcomes](Result r) {
      outcomes.push_back(r.has_value() ? ErrorKind::other : r.error().kind);
    });
  }
  boost::asio::steady_timer poll(io);
  std::function<void()> wait_for_request = [&] {
    if (host(0).calls("api_token_list") == 1) {
      boost::asio::post(io, [&] { transport.reset(); });
      return;
    }
    poll.expires_after(milliseconds(1));
    poll.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) wait_for_request();
    });
  };
  wait_for_request();
  boost::asio::steady_timer keep_running(io, milliseconds(450));
  keep_running.async_wait([](const boost::system::error_code&) {});
  io.run();
  EXPECT_FALSE(transport.has_value());
  EXPECT_EQ(outcomes, std::vector<ErrorKind>(2, ErrorKind::cancelled));
  EXPECT_EQ(host(1).calls("api_token_list"), 0U);
}

}  // namespace
}  // namespace tw::http
