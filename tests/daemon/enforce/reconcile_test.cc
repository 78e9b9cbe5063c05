// Reconciliation at start, on real trail files: open intents are found across rotations and
// logrotate reopenings (following trail.continued's previous_file back, up to 3 files), and an
// intent that can never be checked (host or credential gone) is closed as unverifiable.

#include "daemon/enforce/reconcile.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <filesystem>
#include <fstream>

#include "daemon/audit/events.h"
#include "daemon/audit/open_intents.h"
#include "daemon/audit/trail_reader.h"
#include "daemon/audit/trail_writer.h"
#include "daemon/audit/verify.h"
#include "tests/support/temp_dir.h"

namespace tw::enforce {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

constexpr const char* kPolicyHash =
    "sha256:3333333333333333333333333333333333333333333333333333333333333333";
constexpr audit::EpochMillis kStart = 1772366400000;  // 2026-03-01T12:00:00Z

policy::PlannedAction revoke(const std::string& host, const std::string& user,
                             const std::string& token) {
  policy::PlannedAction action;
  action.host = host;
  action.user = user;
  action.token = token;
  action.kind = policy::ActionKind::revoke;
  action.decision = policy::Decision::apply;
  action.rules = {"max-age"};
  action.why = {"too old"};
  action.before.name = token;
  action.before.create_time = 1'700'000'000;
  action.before.acls = {.full_access = true, .names = {"all"}};
  return action;
}

std::vector<std::string> tokens_of(const std::vector<audit::OpenIntent>& intents) {
  std::vector<std::string> tokens;
  for (const auto& intent : intents) tokens.push_back(intent.token);
  return tokens;
}

class ReconcileTrailTest : public ::testing::Test {
 protected:
  audit::TrailOptions options(std::uint64_t max_bytes = 64ULL << 20U) {
    audit::TrailOptions o;
    o.path = dir_ / "audit.jsonl";
    o.max_bytes = max_bytes;
    o.clock = [this] { return now_ += 1000; };
    return o;
  }

  // An intent with no outcome (the process stopped in between); returns its seq.
  static std::uint64_t intent(audit::TrailWriter& writer, const std::string& token,
                              const std::string& host = "whm01") {
    const auto record =
        writer.append(audit::mutation_intent("s1", kPolicyHash, revoke(host, "root", token)),
                      audit::Durability::synced);
    EXPECT_TRUE(record) << record.error();
    return record ? record->seq : 0;
  }
  static void outcome(audit::TrailWriter& writer, const std::string& token, std::uint64_t seq) {
    const auto action = revoke("whm01", "root", token);
    ASSERT_TRUE(writer.append(audit::mutation_outcome("s1", kPolicyHash, action, seq,
                                                      audit::OutcomeResult::confirmed, std::nullopt,
                                                      std::nullopt)));
  }
  static fs::path rotate(audit::TrailWriter& writer) {
    const auto rotated = writer.rotate_if_due();
    EXPECT_TRUE(rotated) << rotated.error();
    EXPECT_TRUE(rotated && *rotated);
    return rotated && *rotated ? **rotated : fs::path();
  }

  std::vector<audit::OpenIntent> open_in(const fs::path& current) {
    auto found = open_intents_in_trail(current);
    EXPECT_TRUE(found) << found.error();
    return found ? std::move(*found) : std::vector<audit::OpenIntent>{};
  }

  tw::testing::TempDir dir_;
  audit::EpochMillis now_ = kStart;
};

TEST_F(ReconcileTrailTest, AnIntentLeftOpenBeforeARotationIsFound) {
  auto writer = audit::TrailWriter::open(options(1));  // every rotate_if_due rotates
  ASSERT_TRUE(writer) << writer.error();
  const auto seq_a = intent(*writer, "a-open-before");
  const auto seq_b = intent(*writer, "b-closed-before");
  outcome(*writer, "b-closed-before", seq_b);
  const auto seq_c = intent(*writer, "c-closed-after");
  const fs::path earlier = rotate(*writer);
  outcome(*writer, "c-closed-after", seq_c);  // its outcome is in the new file
  const auto seq_d = intent(*writer, "d-open-after");

  const auto open = open_in(writer->path());
  EXPECT_EQ(tokens_of(open), (std::vector<std::string>{"a-open-before", "d-open-after"}));
  ASSERT_EQ(open.size(), 2U);
  EXPECT_EQ(open[0].seq, seq_a);
  EXPECT_EQ(open[0].host, "whm01");
  EXPECT_EQ(open[0].action, "revoke");
  EXPECT_EQ(open[1].seq, seq_d);

  // The new file alone holds only the later intent: the earlier one was never found before.
  auto current_only = audit::read_trail_file(writer->path());
  ASSERT_TRUE(current_only);
  EXPECT_EQ(tokens_of(audit::open_intents(*current_only)),
            std::vector<std::string>{"d-open-after"});
  EXPECT_TRUE(fs::exists(earlier));
}

TEST_F(ReconcileTrailTest, AnIntentLeftOpenBeforeALogrotateReopeningIsFound) {
  auto writer = audit::TrailWriter::open(options());
  ASSERT_TRUE(writer) << writer.error();
  (void)intent(*writer, "before-logrotate");
  fs::rename(writer->path(), dir_ / "audit.jsonl.1");  // logrotate's create mode, then SIGUSR1
  ASSERT_TRUE(writer->reopen());
  (void)intent(*writer, "after-logrotate");
  EXPECT_EQ(tokens_of(open_in(writer->path())),
            (std::vector<std::string>{"before-logrotate", "after-logrotate"}));
}

TEST_F(ReconcileTrailTest, AtMostThreeFilesBack) {
  auto writer = audit::TrailWriter::open(options(1));
  ASSERT_TRUE(writer) << writer.error();
  for (int file = 0; file < 5; ++file) {
    if (file > 0) (void)rotate(*writer);
    (void)intent(*writer, "in-file-" + std::to_string(file));
  }
  // Files 0..4, 4 the current one: 3 back reaches file 1.
  EXPECT_EQ(tokens_of(open_in(writer->path())),
            (std::vector<std::string>{"in-file-1", "in-file-2", "in-file-3", "in-file-4"}));
}

TEST_F(ReconcileTrailTest, AMissingOrUnrelatedEarlierFileEndsTheSearch) {
  auto writer = audit::TrailWriter::open(options(1));
  ASSERT_TRUE(writer) << writer.error();
  (void)intent(*writer, "file-0");
  const fs::path first = rotate(*writer);
  (void)intent(*writer, "file-1");
  const fs::path second = rotate(*writer);
  (void)intent(*writer, "file-2");

  // The file before the current one is replaced by one that does not end before it begins.
  fs::copy_file(writer->path(), second, fs::copy_options::overwrite_existing);
  EXPECT_EQ(tokens_of(open_in(writer->path())), std::vector<std::string>{"file-2"});
  // Gone (archived elsewhere): only what is there is searched.
  fs::remove(second);
  EXPECT_EQ(tokens_of(open_in(writer->path())), std::vector<std::string>{"file-2"});
  EXPECT_TRUE(fs::exists(first));
}

TEST_F(ReconcileTrailTest, AHeadContinuationNamingTheCurrentFileIsReadOnce) {
  audit::TrailOptions o = options();
  o.head_file = dir_ / "audit.head";
  {
    auto writer = audit::TrailWriter::open(o);
    ASSERT_TRUE(writer) << writer.error();
    (void)intent(*writer, "moved-away");
    ASSERT_TRUE(writer->close());
  }
  fs::rename(o.path, dir_ / "archived.jsonl");  // moved while stopped: the head names o.path
  auto writer = audit::TrailWriter::open(o);
  ASSERT_TRUE(writer) << writer.error();
  (void)intent(*writer, "current");
  EXPECT_EQ(tokens_of(open_in(o.path)), std::vector<std::string>{"current"});
}

TEST_F(ReconcileTrailTest, AnUnreadableCurrentFileIsAnError) {
  const auto found = open_intents_in_trail(dir_ / "missing.jsonl");
  ASSERT_FALSE(found);
  EXPECT_NE(found.error().find("missing.jsonl"), std::string::npos) << found.error();
}

// Every request fails to connect (a host that is down).
class DownTransport : public http::Transport {
 public:
  explicit DownTransport(asio::io_context& io) : io_(io) {}
  void send(http::Request /*request*/, Handler handler) override {
    ++sent;
    asio::post(io_, [handler = std::move(handler)]() mutable {
      http::Error error;
      error.kind = http::ErrorKind::connect;
      error.detail = "Connection refused";
      std::move(handler)(http::Result(std::unexpected(error)));
    });
  }
  int sent = 0;

 private:
  asio::io_context& io_;
};

TEST_F(ReconcileTrailTest, IntentsThatCanNeverBeCheckedAreClosedAsUnverifiable) {
  auto writer = audit::TrailWriter::open(options());
  ASSERT_TRUE(writer) << writer.error();
  (void)intent(*writer, "host-gone", "retired");
  const auto action = revoke("whm01", "bob", "user-gone");
  ASSERT_TRUE(writer->append(audit::mutation_intent("s1", kPolicyHash, action)));
  (void)intent(*writer, "host-down", "whm01");

  config::Snapshot configuration;
  config::Host host;
  host.name = "whm01";
  host.address = "127.0.0.1";
  host.port = 9;
  config::Account root;
  root.user = "root";
  root.token = config::Secret("RECONCILE00000000000000000000001");
  host.accounts.push_back(root);
  configuration.hosts.push_back(host);

  asio::io_context io;
  DownTransport transport(io);
  whm::WhmClient client(transport, whm::ClientOptions{});
  std::optional<TrailReconciliation> result;
  asio::co_spawn(io, reconcile_trail(client, configuration, *writer),
                 [&result](std::exception_ptr error, TrailReconciliation value) {
                   if (error) std::rethrow_exception(error);
                   result = std::move(value);
                 });
  io.run();
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->problem);
  EXPECT_EQ(result->open, 3U);
  EXPECT_EQ(result->done.reconciled, 2U);
  EXPECT_EQ(result->done.unverifiable, 2U);
  EXPECT_EQ(result->done.deferred, 1U);
  EXPECT_EQ(result->done.unrecorded, 0U);
  EXPECT_EQ(transport.sent, 1);  // only the configured account was listed

  auto records = audit::read_trail_file(writer->path());
  ASSERT_TRUE(records);
  std::vector<std::string> results;
  for (const auto& record : *records) {
    ASSERT_TRUE(record.json);
    const auto event = audit::string_member(*record.json, "event");
    if (event == "mutation.reconciled") {
      const auto& data = record.json->at("data").as_object();
      EXPECT_TRUE(data.at("observed").is_null());
      results.push_back(audit::string_member(*record.json, "token").value_or("") + ":" +
                        audit::string_member(data, "result").value_or(""));
    } else if (event == "reconcile.deferred") {
      results.push_back(audit::string_member(*record.json, "token").value_or("") + ":deferred");
    }
  }
  EXPECT_EQ(results, (std::vector<std::string>{"host-gone:unverifiable", "user-gone:unverifiable",
                                               "host-down:deferred"}));
  // They are closed: only the one that can still be checked stays open.
  EXPECT_EQ(tokens_of(open_in(writer->path())), std::vector<std::string>{"host-down"});
  EXPECT_TRUE(audit::verify(*records, {}).ok);
}

}  // namespace
}  // namespace tw::enforce
