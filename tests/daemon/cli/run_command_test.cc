// `tokenwarden run`, the daemon, as systemd runs it: a real background process against the
// mock fleet over TLS on loopback, with $NOTIFY_SOCKET pointing at a datagram socket the test
// owns, driven by real signals. What it did is read from the mock's counters and tables and
// from the audit trail. Timing bounds are generous: CI runs these under AddressSanitizer too.

#include <gtest/gtest.h>
#include <time.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include "tests/daemon/cli/enforcement_fixture.h"
#include "tests/daemon/cli/intent_counter.h"
#include "tests/support/notify_socket.h"
#include "tests/support/process/child_process.h"

namespace tw::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// How long a start (configuration, policies, trail, reconciliation, first READY=1) may take.
constexpr auto kStartTimeout = 30s;

// Variables of the environment that would change what the daemon under test does.
const std::set<std::string> kSystemdEnvironment = {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
                                                   "LISTEN_FDS", "LISTEN_PID"};

// The policy a reload must refuse: its first rule would only report expired tokens (so, were
// it half-loaded, nothing would be revoked any more), its second rule is invalid.
constexpr const char* kBrokenPolicy = R"(rules:
  - id: only-report
    when: {expired: true}
    action: report
  - id: broken
    when: {no_such_condition: true}
    action: revoke
)";

ChildProcess start_run(const EnforcementSetup& setup, const TempDir& dir,
                       std::map<std::string, std::string> environment = {},
                       bool echo_output = true) {
  ChildOptions options;
  options.extra_environment = std::move(environment);
  for (const auto& name : kSystemdEnvironment) {
    if (!options.extra_environment.contains(name)) options.removed_environment.insert(name);
  }
  options.output_dir = dir / "output";
  options.name = "run";
  options.echo_output = echo_output;
  return ChildProcess::start(
      {tokenwarden_binary(), "run", "--config", setup.config.string(), "--log-level", "info"},
      options);
}

void replace_in_file(const std::filesystem::path& path, const std::string& from,
                     const std::string& to) {
  std::string text = read_text_file(path);
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from << " not in " << path << ":\n" << text;
  text.replace(at, from.size(), to);
  std::ofstream(path, std::ios::trunc) << text;
}

std::int64_t monotonic_usec() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1'000;
}

// Milliseconds since the epoch of a record's `ts` (`2026-03-01T12:00:00.250Z`).
std::int64_t ts_ms(const json::object& record) {
  const std::string ts(record.at("ts").as_string());
  std::tm tm{};
  int millis = 0;
  if (std::sscanf(ts.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis) != 7) {
    ADD_FAILURE() << "bad ts " << ts;
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + millis;
}

// The complete records of a trail that may still be written to (a line without its newline
// is not a record yet).
std::vector<json::object> complete_records(const std::filesystem::path& path) {
  std::vector<json::object> out;
  const std::string text = read_text_file(path);
  std::size_t start = 0;
  for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    boost::system::error_code error;
    auto value = json::parse(std::string_view(text).substr(start, end - start), error);
    if (!error && value.is_object()) out.push_back(value.as_object());
    start = end + 1;
  }
  return out;
}

ProcessResult verify_trail(const std::filesystem::path& audit) {
  std::vector<std::string> args{"audit", "verify"};
  for (const auto& entry : std::filesystem::directory_iterator(audit.parent_path())) {
    args.push_back(entry.path().string());
  }
  return tokenwarden(args);
}

// The seqs of mutation.intent records that have neither an outcome nor a reconciliation.
std::vector<std::uint64_t> open_intents(const std::vector<json::object>& records) {
  std::set<std::uint64_t> intents;
  std::set<std::uint64_t> closed;
  for (const auto& record : records) {
    const auto event = record.at("event").as_string();
    if (event == "mutation.intent") intents.insert(record.at("seq").to_number<std::uint64_t>());
    if (event == "mutation.outcome" || event == "mutation.reconciled") {
      closed.insert(record.at("data").at("intent_seq").to_number<std::uint64_t>());
    }
  }
  std::vector<std::uint64_t> open;
  std::ranges::set_difference(intents, closed, std::back_inserter(open));
  return open;
}

// Messages, one per line, with the lines of a message joined by " | ".
std::string describe(const std::vector<std::string>& messages) {
  std::string out;
  for (const auto& message : messages) {
    std::string line;
    for (const auto& l : notify_lines(message)) line += (line.empty() ? "" : " | ") + l;
    out += "  [" + line + "]\n";
  }
  return out.empty() ? "  (no message)\n" : out;
}

// What is not yet in the planned state on the fleet's hosts (the root user's violators as the
// enforcement policy wants them): empty when everything is.
std::vector<std::string> off_plan(mock::Fleet& fleet) {
  std::vector<std::string> out;
  for (const auto& host : fleet.host_names()) {
    for (const auto& token : fleet.host(host).tokens("root")) {
      const std::string where = host + "/" + token.name;
      if (token.name.starts_with("expired-")) out.push_back(where + " not revoked");
      if (token.name.starts_with("forever-") && !token.expires_at) {
        out.push_back(where + " still never expires");
      }
      if (token.name.starts_with("risky-") &&
          (!token.acls || std::ranges::find(*token.acls, "passwd") != token.acls->end())) {
        out.push_back(where + " still holds passwd");
      }
    }
  }
  return out;
}

// Polls `off_plan` until it is empty or `timeout` passes; returns what is left.
std::vector<std::string> wait_for_plan(mock::Fleet& fleet, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto left = off_plan(fleet);
  while (!left.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    left = off_plan(fleet);
  }
  return left;
}

std::string first_of(const std::vector<std::string>& items) {
  return items.empty() ? "" : items.front() + (items.size() > 1 ? " (and more)" : "");
}

// ---------------------------------------------------------------------------------------------
// The systemd notification protocol, reload (good and bad) and a clean stop.

TEST(RunCommandTest, NotifyProtocol) {
  TempDir dir;
  mock::FleetSpec spec;
  spec.hosts = {enforcement_host("notify1"), enforcement_host("notify2")};
  mock::Fleet fleet(std::move(spec));
  fleet.start();
  const auto setup = write_enforcement_setup(fleet, dir.path(), "interval: 1s\n");
  NotifySocket notify(dir.path());
  auto daemon = start_run(setup, dir,
                          {{"NOTIFY_SOCKET", notify.path().string()}, {"WATCHDOG_USEC", "400000"}});

  // READY=1, then a STATUS= after the first sweeps, then the watchdog every 200 ms.
  const auto ready = notify.wait_for("READY=1", kStartTimeout);
  ASSERT_TRUE(ready.found) << "no READY=1; received:\n"
                           << describe(notify.history()) << "stderr:\n"
                           << daemon.err();
  const auto status = notify.wait_for("STATUS=", 20s);
  ASSERT_TRUE(status.found) << "no STATUS= after READY=1; received:\n"
                            << describe(notify.history());
  EXPECT_FALSE(notify_value(status.messages.back(), "STATUS").value_or("").empty());
  int watchdogs = 0;
  const auto window_end = std::chrono::steady_clock::now() + 1200ms;
  while (std::chrono::steady_clock::now() < window_end) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        window_end - std::chrono::steady_clock::now());
    const auto message = notify.next(std::max(left, 1ms));
    if (message && notify_has(*message, "WATCHDOG=1")) ++watchdogs;
  }
  EXPECT_GE(watchdogs, 2) << "WATCHDOG_USEC=400000 wants WATCHDOG=1 every 200 ms; received:\n"
                          << describe(notify.history());

  // The daemon enforces: the violators of the start reach the planned state.
  auto left = wait_for_plan(fleet, 30s);
  EXPECT_TRUE(left.empty()) << first_of(left);

  // STATUS= follows the sweeps: a summary counting at least one sweep by now.
  bool counted = false;
  const std::regex sweeps_counted("sweeps [1-9][0-9]*");
  for (const auto& message : notify.history()) {
    if (auto value = notify_value(message, "STATUS")) {
      counted = counted || std::regex_search(*value, sweeps_counted);
    }
  }
  EXPECT_TRUE(counted) << "no STATUS= counts a sweep; received:\n" << describe(notify.history());

  // SIGHUP with a valid configuration: RELOADING=1 with MONOTONIC_USEC, then READY=1.
  const auto before_hup = monotonic_usec();
  ASSERT_TRUE(daemon.signal(SIGHUP));
  const auto reloading = notify.wait_for("RELOADING=1", 15s);
  const auto after_hup = monotonic_usec();
  ASSERT_TRUE(reloading.found) << "no RELOADING=1 after SIGHUP; received:\n"
                               << describe(reloading.messages);
  const auto monotonic = notify_value(reloading.messages.back(), "MONOTONIC_USEC");
  ASSERT_TRUE(monotonic) << "RELOADING=1 without MONOTONIC_USEC: "
                         << describe({reloading.messages.back()});
  const std::int64_t reload_usec = std::stoll(*monotonic);
  EXPECT_GE(reload_usec, before_hup - 100'000) << *monotonic;
  EXPECT_LE(reload_usec, after_hup + 100'000) << *monotonic;
  const auto reloaded = notify.wait_for("READY=1", 15s);
  ASSERT_TRUE(reloaded.found) << "no READY=1 after RELOADING=1; received:\n"
                              << describe(reloaded.messages);

  // SIGHUP with a broken policy: RELOADING=1, READY=1, the rejection audited, the old policy
  // still enforcing.
  {
    // (The broken policy is one `check` refuses.)
    std::filesystem::create_directories(dir / "broken");
    std::ofstream(dir / "broken" / "10-enforce.yaml") << kBrokenPolicy;
    const auto check = tokenwarden(
        {"check", "--config", setup.config.string(), "--policies", (dir / "broken").string()});
    EXPECT_EQ(check.exit_code, 78);
    EXPECT_NE(check.err.find("no_such_condition"), std::string::npos) << check.err;
  }
  std::ofstream(setup.policies / "10-enforce.yaml", std::ios::trunc) << kBrokenPolicy;
  ASSERT_TRUE(daemon.signal(SIGHUP));
  const auto reloading_bad = notify.wait_for("RELOADING=1", 15s);
  ASSERT_TRUE(reloading_bad.found) << "no RELOADING=1 after the second SIGHUP; received:\n"
                                   << describe(reloading_bad.messages);
  EXPECT_TRUE(notify_value(reloading_bad.messages.back(), "MONOTONIC_USEC"));
  const auto ready_bad = notify.wait_for("READY=1", 15s);
  ASSERT_TRUE(ready_bad.found) << "no READY=1 after a rejected reload; received:\n"
                               << describe(ready_bad.messages);
  ASSERT_TRUE(daemon.running()) << "the daemon stopped after a rejected reload:\n" << daemon.err();

  for (const auto& token : violators("late")) fleet.host("notify1").add_token("root", token);
  left = wait_for_plan(fleet, 30s);
  EXPECT_TRUE(left.empty()) << "the old policy stopped enforcing after a rejected reload: "
                            << first_of(left);

  {
    const auto records = complete_records(setup.audit);
    const auto rejected = records_of(records, "config.rejected");
    ASSERT_FALSE(rejected.empty()) << "no config.rejected record";
    EXPECT_NE(json::serialize(rejected.back().at("data")).find("no_such_condition"),
              std::string::npos)
        << "config.rejected does not hold the error: " << json::serialize(rejected.back());
    // The late violators were handled under the policy loaded at start.
    const auto loaded = records_of(records, "policy.loaded");
    ASSERT_FALSE(loaded.empty());
    const auto original_hash = loaded.front().at("policy_hash");
    bool late_intent = false;
    for (const auto& intent : records_of(records, "mutation.intent")) {
      if (intent.at("token").is_string() && intent.at("token").as_string() == "expired-late") {
        late_intent = true;
        EXPECT_EQ(intent.at("policy_hash"), original_hash) << json::serialize(intent);
      }
    }
    EXPECT_TRUE(late_intent) << "no intent for expired-late in the trail";
  }

  // SIGTERM: STOPPING=1, exit 0 within 10 s.
  const auto term_sent = std::chrono::steady_clock::now();
  ASSERT_TRUE(daemon.signal(SIGTERM));
  const auto stopping = notify.wait_for("STOPPING=1", 10s);
  EXPECT_TRUE(stopping.found) << "no STOPPING=1 after SIGTERM; received:\n"
                              << describe(stopping.messages);
  const auto exit = daemon.wait_for_exit(std::chrono::duration_cast<std::chrono::milliseconds>(
      std::max(term_sent + 10s - std::chrono::steady_clock::now(),
               std::chrono::steady_clock::duration(1ms))));
  ASSERT_FALSE(exit.timed_out) << "still running 10 s after SIGTERM";
  EXPECT_EQ(exit.exit_code, 0) << "signal " << exit.signal << "\n" << daemon.err();
  // Nothing claims readiness after STOPPING=1.
  bool stopping_seen = false;
  for (const auto& message : notify.history()) {
    if (notify_has(message, "STOPPING=1")) stopping_seen = true;
    if (stopping_seen) {
      EXPECT_FALSE(notify_has(message, "READY=1")) << describe({message});
    }
  }

  // The trail verifies, was started by `run` and ends with run.stopped.
  const auto verified = verify_trail(setup.audit);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  const auto records = trail_records(setup.audit);
  ASSERT_FALSE(records.empty());
  const auto started = records_of(records, "run.started");
  ASSERT_FALSE(started.empty());
  EXPECT_EQ(started.front().at("data").at("command"), "run") << json::serialize(started.front());
  EXPECT_EQ(records.back().at("event"), "run.stopped") << json::serialize(records.back());
  if (records.back().at("event") == "run.stopped") {
    EXPECT_EQ(records.back().at("data").at("exit_status"), 0) << json::serialize(records.back());
  }
  EXPECT_TRUE(open_intents(records).empty());
  std::cout << "notifications received:\n" << describe(notify.history());
  fleet.stop();
}

// ---------------------------------------------------------------------------------------------
// What systemd's RestartPreventExitStatus= relies on: usage and configuration errors end the
// start at once, with 64 and 78, and nothing is sent to a host.

TEST(RunCommandTest, UsageAndConfigurationErrorsExitAtStart) {
  TempDir dir;
  mock::FleetSpec spec;
  spec.hosts = {enforcement_host("err1")};
  mock::Fleet fleet(std::move(spec));
  fleet.start();
  ProcessOptions quick;
  quick.timeout = 30s;  // a daemon that starts anyway is killed, and the test fails

  auto result = tokenwarden({"run", "--no-such-option"}, quick);
  EXPECT_EQ(result.exit_code, 64) << result.err;
  const auto good = write_enforcement_setup(fleet, dir / "good", "interval: 1s\n");
  result = tokenwarden({"run", "--config", good.config.string(), "--log-level", "loud"}, quick);
  EXPECT_EQ(result.exit_code, 64) << result.err;

  // An interval below the minimum of 1s.
  const auto short_interval = write_enforcement_setup(fleet, dir / "short", "interval: 0s\n");
  result = tokenwarden({"run", "--config", short_interval.config.string()}, quick);
  EXPECT_EQ(result.exit_code, 78) << result.err;
  EXPECT_NE(result.err.find("interval"), std::string::npos) << result.err;

  // A policy that does not load.
  const auto broken =
      write_enforcement_setup(fleet, dir / "broken", "interval: 1s\n", kBrokenPolicy);
  result = tokenwarden({"run", "--config", broken.config.string()}, quick);
  EXPECT_EQ(result.exit_code, 78) << result.err;
  EXPECT_NE(result.err.find("no_such_condition"), std::string::npos) << result.err;

  // `mode: enforce` without `audit` and `state_dir`.
  const auto files = mock::write_fleet_files(fleet, dir / "bare");
  std::filesystem::create_directories(dir / "bare" / "policies");
  std::ofstream(dir / "bare" / "policies" / "10.yaml") << kEnforcementPolicy;
  std::ofstream(files.config_file, std::ios::app)
      << "policies: " << (dir / "bare" / "policies").string() << "\nmode: enforce\ninterval: 1s\n";
  result = tokenwarden({"run", "--config", files.config_file.string()}, quick);
  EXPECT_EQ(result.exit_code, 78) << result.err;
  EXPECT_NE(result.err.find("audit"), std::string::npos) << result.err;

  std::uint64_t calls = 0;
  for (const auto& [function, count] : fleet.host("err1").call_counts()) calls += count;
  EXPECT_EQ(calls, 0U) << "a host was asked something by a daemon that should not have started";
  fleet.stop();
}

// ---------------------------------------------------------------------------------------------
// The schedule: 100+ hosts, one sweep per host per interval at a stable, spread offset;
// broken hosts back off without holding up the others.

constexpr int kHealthyHosts = 100;
constexpr std::int64_t kIntervalMs = 2000;

mock::HostSpec self_only_host(const std::string& name) {
  mock::HostSpec host;
  host.name = name;
  mock::UserSpec root;
  root.tokens = {bystanders(name)[0]};  // the self token, whose secret the configuration uses
  host.users = {root};
  return host;
}

std::string healthy_name(int i) {
  char name[16];
  std::snprintf(name, sizeof name, "h%03d", i);
  return name;
}

// Circular distance of two offsets inside the interval.
std::int64_t offset_distance(std::int64_t a, std::int64_t b) {
  const std::int64_t d = std::abs(a - b) % kIntervalMs;
  return std::min(d, kIntervalMs - d);
}

TEST(RunCommandTest, Schedule) {
  TempDir dir;
  mock::FleetSpec spec;
  for (int i = 0; i < kHealthyHosts; ++i) spec.hosts.push_back(self_only_host(healthy_name(i)));
  for (const auto* name : {"hang", "down", "denied"}) spec.hosts.push_back(self_only_host(name));
  mock::Fleet fleet(std::move(spec));
  fleet.start();
  mock::Fault hang;
  hang.kind = mock::FaultKind::kHang;
  fleet.host("hang").set_fault(hang);
  mock::Fault down;
  down.kind = mock::FaultKind::kHttpStatus;
  down.http_status = 503;
  fleet.host("down").set_fault(down);

  const auto setup =
      write_enforcement_setup(fleet, dir.path(), "interval: 2s\n", kEnforcementPolicy, "dry-run");
  replace_in_file(setup.config, "{connect: 5s, request: 30s}", "{connect: 1s, request: 1s}");
  // A credential WHM refuses (403): a well-formed secret that is not the token's.
  std::ofstream(dir / "credentials" / "denied-root", std::ios::trunc)
      << "WRONGSECRET000000000000000000000\n";
  NotifySocket notify(dir.path());
  auto daemon = start_run(setup, dir, {{"NOTIFY_SOCKET", notify.path().string()}});
  const auto ready = notify.wait_for("READY=1", kStartTimeout);
  ASSERT_TRUE(ready.found) << "no READY=1; received:\n"
                           << describe(notify.history()) << "stderr:\n"
                           << daemon.err();
  std::this_thread::sleep_for(9s);
  ASSERT_TRUE(daemon.signal(SIGTERM)) << "the daemon stopped by itself:\n" << daemon.err();
  const auto exit = daemon.wait_for_exit(40s);
  ASSERT_FALSE(exit.timed_out);
  EXPECT_EQ(exit.exit_code, 0) << daemon.err();

  // The sweeps of each host, by the time their sweep.started was written.
  const auto records = trail_records(setup.audit);
  std::map<std::string, std::int64_t> sweep_started;  // sweep id -> ts
  for (const auto& r : records_of(records, "sweep.started")) {
    EXPECT_EQ(r.at("data").at("hosts"), 1)
        << "a sweep of more than one host: " << json::serialize(r);
    sweep_started[std::string(r.at("sweep").as_string())] = ts_ms(r);
  }
  std::map<std::string, std::map<std::string, std::int64_t>> sweeps;  // host -> sweep id -> ts
  std::map<std::string, std::vector<std::string>> failures;           // host -> reasons
  for (const auto* event : {"coverage.reached", "coverage.failed"}) {
    for (const auto& r : records_of(records, event)) {
      const std::string host(r.at("host").as_string());
      const std::string sweep(r.at("sweep").as_string());
      const auto it = sweep_started.find(sweep);
      sweeps[host][sweep] = it != sweep_started.end() ? it->second : ts_ms(r);
      if (std::string_view(event) == "coverage.failed") {
        failures[host].emplace_back(r.at("data").at("reason").as_string());
      }
    }
  }
  auto times_of = [&](const std::string& host) {
    std::vector<std::int64_t> out;
    for (const auto& [id, ts] : sweeps[host]) out.push_back(ts);
    std::ranges::sort(out);
    return out;
  };
  auto gaps_of = [](const std::vector<std::int64_t>& times) {
    std::vector<std::int64_t> out;
    for (std::size_t i = 1; i < times.size(); ++i) out.push_back(times[i] - times[i - 1]);
    return out;
  };
  auto list = [](const std::vector<std::int64_t>& values) {
    std::string out;
    for (const auto v : values) out += (out.empty() ? "" : ", ") + std::to_string(v);
    return "[" + out + "]";
  };

  // Every healthy host: swept every interval (gaps between 1.5 s and 2.6 s), at its own stable
  // offset; the offsets spread over the interval.
  std::set<std::int64_t> buckets;
  std::size_t min_healthy_sweeps = SIZE_MAX;
  for (int i = 0; i < kHealthyHosts; ++i) {
    const auto host = healthy_name(i);
    const auto times = times_of(host);
    EXPECT_TRUE(failures[host].empty()) << host << ": " << first_of(failures[host]);
    EXPECT_GE(times.size(), 3U) << host << " swept at " << list(times);
    min_healthy_sweeps = std::min(min_healthy_sweeps, times.size());
    for (const auto gap : gaps_of(times)) {
      // Generous bounds: sanitizer builds on a loaded machine stall now and then.
      EXPECT_GE(gap, 1000) << host << " swept at " << list(times);
      EXPECT_LE(gap, 3500) << host << " swept at " << list(times);
    }
    if (times.empty()) continue;
    const std::int64_t offset = times.front() % kIntervalMs;
    buckets.insert(offset / 200);
    for (const auto t : times) {
      EXPECT_LE(offset_distance(t % kIntervalMs, offset), 800)
          << host << " does not keep its offset: swept at " << list(times);
    }
  }
  EXPECT_GE(buckets.size(), 8U) << "the offsets are not spread over the interval";

  // The hanging host times out (1 s) and backs off; it has held up nobody (checked above).
  EXPECT_FALSE(failures["hang"].empty());
  for (const auto& reason : failures["hang"]) {
    EXPECT_NE(reason.find("timeout"), std::string::npos) << reason;
  }

  // The host answering 503 backs off: fewer sweeps than any healthy host, growing gaps.
  const auto down_times = times_of("down");
  const auto down_gaps = gaps_of(down_times);
  ASSERT_GE(down_times.size(), 2U) << list(down_times);
  EXPECT_LT(down_times.size(), min_healthy_sweeps) << list(down_times);
  EXPECT_GE(std::ranges::max(down_gaps), 3500) << "no backoff: " << list(down_times);
  for (std::size_t i = 0; i < down_gaps.size(); ++i) {
    EXPECT_GE(down_gaps[i], 1500) << list(down_times);
    if (i > 0) {
      EXPECT_GE(down_gaps[i] * 10, down_gaps[i - 1] * 15) << list(down_times);
    }
  }
  for (const auto& reason : failures["down"]) {
    EXPECT_NE(reason.find("503"), std::string::npos) << reason;
  }

  // The refused credential: one request, one 403, no retry within the run (the cap is 16 s),
  // and an error in the log naming the host.
  const auto& denied = fleet.host("denied");
  std::uint64_t denied_calls = 0;
  for (const auto& [function, count] : denied.call_counts()) denied_calls += count;
  EXPECT_EQ(denied_calls, 1U);
  EXPECT_EQ(denied.counters().auth_failures, 1U);
  EXPECT_EQ(failures["denied"].size(), 1U) << first_of(failures["denied"]);
  bool logged = false;
  std::istringstream err(daemon.err());
  for (std::string line; std::getline(err, line);) {
    if (line.find(" error ") != std::string::npos && line.find("denied") != std::string::npos) {
      logged = true;
    }
  }
  EXPECT_TRUE(logged) << "no error logged for the refused credential";

  // Dry run: nothing was mutated anywhere; the trail verifies.
  for (const auto& host : fleet.host_names()) {
    EXPECT_EQ(
        fleet.host(host).calls("api_token_update") + fleet.host(host).calls("api_token_revoke"), 0U)
        << host;
  }
  const auto verified = verify_trail(setup.audit);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  std::cout << sweep_started.size() << " host sweeps; healthy hosts swept at least "
            << min_healthy_sweeps << " times; offsets in " << buckets.size()
            << " of 10 buckets; down's gaps " << list(down_gaps) << " ms\n";
  fleet.stop();
}

// ---------------------------------------------------------------------------------------------
// The daemon killed (SIGKILL) at random moments and restarted, as systemd's Restart= would:
// in the end the fleet is in the planned state and the trail verifies with no intent open.

TEST(RunCommandTest, RestartLoop) {
  constexpr int kRestarts = 24;
  constexpr int kHosts = 4;
  TempDir dir;
  // The mock checks, at the moment each mutation arrives, that its intent is in the trail.
  IntentCounter counter(dir / "log" / "audit.jsonl");
  std::mutex mu;
  std::map<MutationKey, std::size_t> received;
  std::vector<std::string> violations;
  std::size_t mutations_received = 0;
  mock::FleetOptions options;
  options.on_api_call = [&](const std::string& host, const mock::ApiCall& call) {
    if (call.function != "api_token_update" && call.function != "api_token_revoke") return;
    const std::string user = user_of(call.authorization);
    std::lock_guard lock(mu);
    ++mutations_received;
    for (const auto& name : call.params.collect("token_name")) {
      const MutationKey key{host, user, name};
      const std::size_t n = ++received[key];
      const std::size_t on_disk = counter.intents(key);
      if (on_disk < n) {
        violations.push_back(call.function + " #" + std::to_string(n) + " of " + host + "/" + user +
                             "/" + name + " arrived with " + std::to_string(on_disk) +
                             " intent(s) on disk");
      }
    }
  };
  mock::FleetSpec spec;
  for (int h = 0; h < kHosts; ++h) {
    spec.hosts.push_back(enforcement_host("loop" + std::to_string(h), 2));
  }
  mock::Fleet fleet(std::move(spec), options);
  fleet.start();
  const auto setup = write_enforcement_setup(
      fleet, dir.path(),
      "interval: 1s\nlimits: {max_mutations_per_sweep: 10000, max_mutations_per_host: 1000, "
      "max_revoke_percent_per_host: 100}\n");

  const auto seed = std::random_device{}();
  std::cout << "random seed " << seed << "\n";
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> delay_ms(200, 1500);
  int killed = 0;
  for (int round = 0; round < kRestarts; ++round) {
    // New work for every run: three fresh violators on each host.
    for (int h = 0; h < kHosts; ++h) {
      for (const auto& token : violators("k" + std::to_string(round))) {
        fleet.host("loop" + std::to_string(h)).add_token("root", token);
      }
    }
    auto daemon = start_run(setup, dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    ASSERT_TRUE(daemon.running()) << "run " << round
                                  << " exited by itself: " << daemon.wait_for_exit(1ms).exit_code
                                  << "\n"
                                  << daemon.err();
    const auto exit = daemon.kill_and_wait();
    EXPECT_EQ(exit.signal, SIGKILL);
    ++killed;
  }

  // The last run goes on until the fleet is in the planned state, then stops cleanly.
  // READY=1 first: a SIGTERM before the daemon has installed its handlers (the fleet may already
  // be in the planned state) would end it by the default action, which is not what is tested.
  NotifySocket notify(dir.path());
  auto daemon = start_run(setup, dir, {{"NOTIFY_SOCKET", notify.path().string()}});
  ASSERT_TRUE(notify.wait_for("READY=1", kStartTimeout).found) << daemon.err();
  const auto left = wait_for_plan(fleet, 60s);
  EXPECT_TRUE(left.empty()) << "not in the planned state after 60 s: " << first_of(left);
  ASSERT_TRUE(daemon.signal(SIGTERM)) << "the last run stopped by itself:\n" << daemon.err();
  const auto exit = daemon.wait_for_exit(40s);
  ASSERT_FALSE(exit.timed_out);
  EXPECT_EQ(exit.exit_code, 0) << "signal " << exit.signal << "\n" << daemon.err();

  {
    std::lock_guard lock(mu);
    EXPECT_TRUE(violations.empty())
        << violations.size() << " mutation(s) without an intent, e.g. " << violations.front();
    EXPECT_GT(mutations_received, 0U);
  }
  const auto verified = verify_trail(setup.audit);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  const auto records = trail_records(setup.audit);
  const auto open = open_intents(records);
  EXPECT_TRUE(open.empty()) << open.size() << " open intent(s), first seq "
                            << (open.empty() ? 0 : open.front());
  EXPECT_EQ(records.back().at("event"), "run.stopped") << json::serialize(records.back());
  std::cout << killed << " kills; " << records_of(records, "run.started").size() << " starts, "
            << records_of(records, "mutation.intent").size() << " intents, "
            << records_of(records, "mutation.reconciled").size() << " reconciled after a kill\n";
  fleet.stop();
}

}  // namespace
}  // namespace tw::testing
