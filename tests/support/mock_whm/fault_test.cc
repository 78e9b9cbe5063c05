// Fault injection as a client sees it: delay, hang, reset, HTTP status, non-JSON, result 0,
// an oversized chunked body, a trickled body; limits to some functions and to the next N
// requests; faults on one host leave the others alone; the admin endpoint sets them.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "tests/support/mock_whm/test_fleet.h"

namespace tw::mock::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

class FaultTest : public FleetTest {
 protected:
  void SetUp() override { start_fleet(2); }
};

Fault fault_of(FaultKind kind) {
  Fault fault;
  fault.kind = kind;
  return fault;
}

TEST_F(FaultTest, LatencyDelaysTheAnswerWithoutStallingOtherHosts) {
  Fault slow;
  slow.latency = 600ms;
  host(0).set_fault(slow);
  auto slow_client = client(0);
  auto fast_client = client(1);
  ASSERT_EQ(call(*fast_client, "api_token_list").status, 200U);  // connected and warmed up
  std::atomic<bool> slow_done{false};
  HttpsResponse slow_response;
  std::thread slow_thread([&] {
    slow_response = call(*slow_client, "api_token_list");
    slow_done = true;
  });
  std::this_thread::sleep_for(50ms);  // let the slow request reach the mock
  for (int i = 0; i < 5; ++i) EXPECT_EQ(call(*fast_client, "api_token_list").status, 200U);
  const bool fast_finished_first = !slow_done.load();
  slow_thread.join();
  EXPECT_TRUE(fast_finished_first);
  ASSERT_TRUE(slow_response.ok());
  EXPECT_EQ(slow_response.status, 200U);
  EXPECT_GE(slow_response.elapsed, 550ms);
  EXPECT_EQ(slow_response.json().at("metadata").at("result"), 1);
}

TEST_F(FaultTest, HangNeverAnswersUntilTheClientGivesUp) {
  host(0).set_fault(fault_of(FaultKind::kHang));
  HttpsClientOptions options;
  options.timeout = 300ms;
  auto c = client(0, options);
  const auto r = call(*c, "api_token_list");
  EXPECT_EQ(r.failed_step, "read_header");
  EXPECT_EQ(r.error, boost::beast::error::timeout);
  EXPECT_EQ(host(0).calls("api_token_list"), 1U);
  const auto log = host(0).request_log();
  ASSERT_EQ(log.size(), 1U);
  EXPECT_EQ(log[0].fault, FaultKind::kHang);
  EXPECT_EQ(log[0].http_status, 0U);
}

TEST_F(FaultTest, StopClosesHungConnections) {
  host(0).set_fault(fault_of(FaultKind::kHang));
  HttpsClientOptions options;
  options.timeout = 20s;
  auto c = client(0, options);
  HttpsResponse r;
  std::thread waiting([&] { r = call(*c, "api_token_list"); });
  for (int i = 0; i < 1000 && host(0).calls("api_token_list") == 0; ++i) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(host(0).calls("api_token_list"), 1U);  // no ASSERT: the thread must be joined
  const auto start = std::chrono::steady_clock::now();
  fleet_->stop();
  waiting.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error, boost::beast::error::timeout);
}

TEST_F(FaultTest, ResetSendsTcpRst) {
  host(0).set_fault(fault_of(FaultKind::kReset));
  auto c = client(0);
  const auto r = call(*c, "api_token_list");
  EXPECT_EQ(r.failed_step, "read_header");
  EXPECT_EQ(r.error, boost::asio::error::connection_reset) << r.error.message();
}

TEST_F(FaultTest, HttpStatusWithHtmlForTheNextRequestOnly) {
  Fault fault = fault_of(FaultKind::kHttpStatus);
  fault.http_status = 503;
  fault.remaining = 1;
  host(0).set_fault(fault);
  auto c = client(0);
  const auto r = call(*c, "api_token_list");
  EXPECT_EQ(r.status, 503U);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("503 Service Unavailable"), std::string::npos);
  EXPECT_FALSE(host(0).fault().has_value());  // used up
  EXPECT_EQ(call(*c, "api_token_list").status, 200U);
  EXPECT_EQ(c->connections_made(), 1);  // the 503 kept the connection alive
}

TEST_F(FaultTest, NonJsonBody) {
  host(0).set_fault(fault_of(FaultKind::kNonJson));
  auto c = client(0);
  const auto r = call(*c, "api_token_list");
  EXPECT_EQ(r.status, 200U);
  EXPECT_THROW((void)r.json(), boost::system::system_error);
}

TEST_F(FaultTest, BodyIsSentExactlyAsGiven) {
  Fault fault = fault_of(FaultKind::kBody);
  fault.body = R"({"data":{"tokens":{"a b":{"name":"a b"}}},"metadata":{"result":1}})";
  host(0).set_fault(fault);
  auto c = client(0);
  const auto r = call(*c, "api_token_list");
  EXPECT_EQ(r.status, 200U);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, fault.body);
  const auto parsed = parse_fault(YAML::Load("{body: '{}', functions: [api_token_list]}"));
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  EXPECT_EQ(parsed->kind, FaultKind::kBody);
  EXPECT_EQ(parsed->body, "{}");
}

TEST_F(FaultTest, ResultZeroWithAReason) {
  Fault fault = fault_of(FaultKind::kResultZero);
  fault.reason = "API failure: database is locked";
  host(0).set_fault(fault);
  auto c = client(0);
  const auto r = call(*c, "api_token_list");
  EXPECT_EQ(r.status, 200U);
  EXPECT_EQ(
      r.body,
      R"({"metadata":{"command":"api_token_list","reason":"API failure: database is locked","result":0,"version":1}})");
  EXPECT_EQ(host(0).request_log().at(0).result, 0);
}

TEST_F(FaultTest, OversizedBodyIsChunkedWithoutContentLength) {
  Fault fault = fault_of(FaultKind::kOversized);
  fault.oversized_bytes = 1U << 20U;
  host(0).set_fault(fault);
  HttpsClientOptions small;
  small.body_limit = 64 * 1024;
  auto limited = client(0, small);
  const auto cut = call(*limited, "api_token_list");
  EXPECT_EQ(cut.status, 200U);
  EXPECT_TRUE(cut.chunked);
  EXPECT_FALSE(cut.content_length.has_value());
  EXPECT_EQ(cut.failed_step, "read_body");
  EXPECT_EQ(cut.error, boost::beast::http::error::body_limit);

  auto unlimited = client(0);
  const auto whole = call(*unlimited, "api_token_list");
  ASSERT_TRUE(whole.ok()) << whole.error.message();
  EXPECT_GT(whole.body.size(), 1U << 20U);
  EXPECT_EQ(whole.json().at("data").at("padding").as_string().size(), 1U << 20U);
}

// Waits up to `limit` for `done` (the mock notices a closed connection on its own thread).
template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit = 3s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

TEST_F(FaultTest, BodyBytesWrittenAndRepliesCutOffAreCounted) {
  auto c = client(0);
  const auto whole = call(*c, "api_token_list");
  ASSERT_TRUE(whole.ok());
  // Counted when the mock's write completes, which may be a moment after the client read it.
  EXPECT_TRUE(eventually([&] {
    return host(0).counters().body_bytes_written == whole.body.size();
  })) << host(0).counters().body_bytes_written
      << " bytes for a body of " << whole.body.size();
  EXPECT_EQ(host(0).counters().replies_cut_off, 0U);

  // A client that gives up early: what the mock wrote stays far below the fault's size, and
  // the reply counts as cut off once the client has closed the connection.
  host(0).reset_counters();
  Fault fault = fault_of(FaultKind::kOversized);
  fault.oversized_bytes = 64U << 20U;
  host(0).set_fault(fault);
  HttpsClientOptions small;
  small.body_limit = 64 * 1024;
  auto limited = client(0, small);
  EXPECT_EQ(call(*limited, "api_token_list").error, boost::beast::http::error::body_limit);
  EXPECT_FALSE(limited->connected());
  EXPECT_TRUE(eventually([&] { return host(0).counters().replies_cut_off == 1; }));
  // Only completed writes count, and the write the client's close cut short may not have
  // completed: so "some, and far below the fault's 64 MiB", not "at least what the client read".
  const auto written = host(0).counters().body_bytes_written;
  EXPECT_GT(written, 0U);
  EXPECT_LT(written, 16U << 20U);
}

TEST_F(FaultTest, ConcurrentRequestsAreCountedFleetWide) {
  auto first = client(0);
  auto second = client(1);
  auto third = client(1);
  for (auto* c : {first.get(), second.get(), third.get()}) {  // connected before the clock runs
    ASSERT_EQ(call(*c, "api_token_list").status, 200U);
  }
  EXPECT_EQ(fleet_->max_concurrent_requests(), 1U);  // one after the other so far
  // A client may have its answer a moment before the mock's write completes on its thread.
  EXPECT_TRUE(eventually([&] { return fleet_->concurrent_requests() == 0; }));
  fleet_->reset_max_concurrent_requests();
  EXPECT_EQ(fleet_->max_concurrent_requests(), 0U);

  Fault slow;
  slow.latency = 500ms;  // the three overlap while the mock delays them
  host(0).set_fault(slow);
  host(1).set_fault(slow);
  std::vector<std::thread> threads;
  for (auto* c : {first.get(), second.get(), third.get()}) {
    threads.emplace_back([this, c] { EXPECT_EQ(call(*c, "api_token_list").status, 200U); });
  }
  const bool some_waiting = eventually([&] { return fleet_->concurrent_requests() > 0; });
  for (auto& thread : threads) thread.join();
  EXPECT_TRUE(some_waiting);
  EXPECT_TRUE(eventually([&] { return fleet_->concurrent_requests() == 0; }));
  EXPECT_EQ(fleet_->max_concurrent_requests(), 3U);

  host(0).clear_fault();
  fleet_->reset_max_concurrent_requests();
  EXPECT_EQ(first->get("/__mock/state").status, 200U);  // admin requests do not count
  EXPECT_EQ(fleet_->max_concurrent_requests(), 0U);
}

TEST_F(FaultTest, TrickleSendsTheHeadAtOnceAndTheBodySlowly) {
  Fault fault = fault_of(FaultKind::kTrickle);
  fault.trickle_total = 400ms;
  fault.trickle_bytes = 64;
  host(0).set_fault(fault);
  auto c = client(0);
  const auto r = call(*c, "api_token_list");
  ASSERT_TRUE(r.ok());
  EXPECT_GE(r.elapsed, 350ms);
  EXPECT_LT(r.time_to_header + 200ms, r.elapsed);
  EXPECT_EQ(r.json().at("metadata").at("result"), 1);  // the real answer, just slow
  EXPECT_EQ(host(0).request_log().at(0).fault, FaultKind::kTrickle);
}

TEST_F(FaultTest, FaultLimitedToOneFunction) {
  host(0).add_token("root", token_spec("victim"));
  Fault fault = fault_of(FaultKind::kHttpStatus);
  fault.http_status = 500;
  fault.functions = {"api_token_revoke"};
  host(0).set_fault(fault);
  auto c = client(0);
  EXPECT_EQ(call(*c, "api_token_list").status, 200U);
  EXPECT_EQ(call(*c, "api_token_revoke", "token_name=victim").status, 500U);
  EXPECT_TRUE(host(0).find_token("root", "victim").has_value());  // not revoked
  EXPECT_EQ(host(0).calls("api_token_revoke"), 1U);
  auto other = client(1);
  EXPECT_EQ(call(*other, "api_token_revoke", "token_name=x").status, 200U);  // other host fine
}

TEST_F(FaultTest, OnlyTheNextNRequests) {
  Fault fault = fault_of(FaultKind::kResultZero);
  fault.remaining = 2;
  host(0).set_fault(fault);
  auto c = client(0);
  EXPECT_EQ(call(*c, "api_token_list").json().at("metadata").at("result"), 0);
  EXPECT_EQ(host(0).fault()->remaining, 1U);
  EXPECT_EQ(call(*c, "api_token_list").json().at("metadata").at("result"), 0);
  EXPECT_EQ(call(*c, "api_token_list").json().at("metadata").at("result"), 1);
  EXPECT_FALSE(host(0).fault().has_value());
}

TEST_F(FaultTest, AdminEndpointSetsAndClearsFaultsAndIsNeverFaulted) {
  auto c = client(0);
  auto r = c->post_form("/__mock/fault",
                        R"({"status": 502, "functions": ["api_token_list"], "next": 5})");
  ASSERT_EQ(r.status, 200U) << r.body;
  ASSERT_TRUE(host(0).fault().has_value());
  EXPECT_EQ(host(0).fault()->http_status, 502U);
  EXPECT_EQ(host(0).fault()->remaining, 5U);
  EXPECT_EQ(call(*c, "api_token_list").status, 502U);
  const auto state = c->get("/__mock/state").json();  // not faulted
  EXPECT_EQ(state.at("fault").at("kind"), "status");
  EXPECT_EQ(state.at("fault").at("next"), 4);
  EXPECT_EQ(c->request(boost::beast::http::verb::delete_, "/__mock/fault", "", "", "").status,
            200U);
  EXPECT_FALSE(host(0).fault().has_value());
  EXPECT_EQ(call(*c, "api_token_list").status, 200U);
  for (const char* bad : {"not json{", "[1]", R"({"status": 503, "hang": true})",
                          R"({"statuss": 503})", R"({"status": 99})", R"({"latency": "1y"})"}) {
    r = c->post_form("/__mock/fault", bad);
    EXPECT_EQ(r.status, 400U) << bad;
    EXPECT_TRUE(r.json().as_object().contains("error"));
  }
  EXPECT_FALSE(host(0).fault().has_value());
}

}  // namespace
}  // namespace tw::mock::testing
