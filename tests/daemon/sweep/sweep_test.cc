// One sweep in-process against the mock fleet: the admission hook the daemon uses for its
// fleet-wide cap per interval decides whether the planned mutations are sent at all.

#include "daemon/sweep/sweep.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "config/load_config.h"
#include "config/load_policies.h"
#include "daemon/http/curl_multi_transport.h"
#include "daemon/sweep/trail_setup.h"
#include "tests/daemon/cli/enforcement_fixture.h"

namespace tw::sweep {
namespace {

namespace asio = boost::asio;
using tw::testing::enforcement_host;
using tw::testing::records_of;
using tw::testing::trail_records;

struct Outcome {
  SweepResult result;
  std::uint64_t mutations_received = 0;
  std::vector<boost::json::object> records;
};

// Sweeps a one-host mock fleet (3 violators), enforcing, with `options` (enforce and now set).
Outcome sweep_once(SweepOptions options) {
  mock::FleetSpec spec;
  spec.hosts.push_back(enforcement_host("whm1"));
  mock::Fleet fleet(std::move(spec));
  fleet.start();
  tw::testing::TempDir dir;
  const auto setup = tw::testing::write_enforcement_setup(fleet, dir.path());
  auto configuration = config::load_config(setup.config, {});
  EXPECT_TRUE(configuration.has_value());
  auto policies = config::load_policies(setup.policies, tw::testing::epoch_now());
  EXPECT_TRUE(policies.has_value());
  auto trail = open_configured_trail(configuration->settings);
  EXPECT_TRUE(trail.has_value());
  options.enforce = true;
  options.now = tw::testing::epoch_now();

  Outcome outcome;
  asio::io_context io;
  {
    http::CurlMultiTransport transport(io, {.max_in_flight = 4});
    whm::WhmClient client(transport, whm::client_options(configuration->settings));
    auto work = [&]() -> asio::awaitable<void> {
      outcome.result = co_await run_sweep(client, *configuration, *policies, &*trail, options);
    };
    asio::co_spawn(io, work(), [](std::exception_ptr error) {
      if (error) std::rethrow_exception(error);
    });
    io.run();
  }
  (void)trail->close();
  outcome.mutations_received =
      fleet.host("whm1").calls("api_token_update") + fleet.host("whm1").calls("api_token_revoke");
  outcome.records = trail_records(setup.audit);
  return outcome;
}

TEST(SweepAdmission, ARefusalSendsNothingAndIsRecorded) {
  std::size_t asked = 0;
  SweepOptions options;
  options.admit = [&](std::size_t count) -> std::string {
    asked = count;
    return "the fleet-wide cap of this interval is used up";
  };
  bool released = false;
  options.release = [&](std::size_t, std::size_t) { released = true; };
  const auto outcome = sweep_once(options);
  EXPECT_EQ(asked, 3U);
  EXPECT_FALSE(released);
  EXPECT_EQ(outcome.mutations_received, 0U);
  EXPECT_TRUE(records_of(outcome.records, "mutation.intent").empty());
  const auto held = records_of(outcome.records, "cap.held");
  ASSERT_EQ(held.size(), 1U);
  EXPECT_EQ(held[0].at("data").at("message").as_string(),
            "the fleet-wide cap of this interval is used up");
  EXPECT_EQ(outcome.result.summary.withheld, 3U);
}

TEST(SweepAdmission, AnAdmissionIsReleasedWithWhatWasSent) {
  std::size_t admitted = 0;
  std::size_t sent = 0;
  SweepOptions options;
  options.admit = [](std::size_t) { return std::string(); };
  options.release = [&](std::size_t a, std::size_t s) {
    admitted = a;
    sent = s;
  };
  const auto outcome = sweep_once(options);
  EXPECT_EQ(admitted, 3U);
  EXPECT_EQ(sent, 3U);
  EXPECT_EQ(outcome.mutations_received, 3U);
  EXPECT_EQ(records_of(outcome.records, "mutation.intent").size(), 3U);
}

}  // namespace
}  // namespace tw::sweep
