// open_intents(): which mutation intents a crash left without an outcome.

#include "daemon/audit/open_intents.h"

#include <gtest/gtest.h>

#include <fstream>

#include "daemon/audit/events.h"
#include "daemon/audit/record.h"
#include "daemon/audit/trail_reader.h"
#include "tests/support/temp_dir.h"

namespace tw::audit {
namespace {

constexpr const char* kSweep = "sweep-1";
constexpr const char* kPolicyHash =
    "sha256:1111111111111111111111111111111111111111111111111111111111111111";

policy::PlannedAction revoke(const std::string& host, const std::string& token) {
  policy::PlannedAction action;
  action.host = host;
  action.user = "root";
  action.token = token;
  action.kind = policy::ActionKind::revoke;
  action.decision = policy::Decision::apply;
  action.rules = {"max-age", "dangerous-acls"};
  action.why = {"too old"};
  action.before.name = token;
  action.before.create_time = 1'700'000'000;
  action.before.acls = {.full_access = true, .names = {"all"}};
  return action;
}

policy::PlannedAction update(const std::string& host, const std::string& token) {
  policy::PlannedAction action = revoke(host, token);
  action.kind = policy::ActionKind::update;
  action.rules = {"allow-list"};
  action.after = policy::IntendedState{{"list-accts"}, 1'800'000'000, {{"203.0.113.0/24"}}};
  return action;
}

// A trail built in memory, written to a file and read back as `audit` commands read it.
class Trail {
 public:
  std::uint64_t add(const Event& event) {
    ++seq_;
    const auto time = 1'790'000'000'000 + static_cast<EpochMillis>(seq_) * 1000;
    const auto record = make_record(event, seq_, time, prev_);
    prev_ = record.hash;
    text_ += record.line + "\n";
    return record.seq;
  }
  void add_garbage(const std::string& line) { text_ += line + "\n"; }
  std::vector<ReadRecord> read() {
    const auto path = dir_ / "audit.jsonl";
    std::ofstream(path, std::ios::trunc) << text_;
    auto records = read_trail_file(path);
    EXPECT_TRUE(records.has_value()) << records.error();
    return records ? std::move(*records) : std::vector<ReadRecord>{};
  }

 private:
  tw::testing::TempDir dir_;
  std::uint64_t seq_ = 0;
  std::string prev_{kGenesisHash};
  std::string text_;
};

TEST(OpenIntentsTest, AnIntentWithAnOutcomeIsClosed) {
  Trail trail;
  trail.add(sweep_started(kSweep, kPolicyHash, false, 1, 1));
  const auto action = revoke("whm01", "old-token");
  const auto seq = trail.add(mutation_intent(kSweep, kPolicyHash, action));
  trail.add(mutation_outcome(kSweep, kPolicyHash, action, seq, OutcomeResult::confirmed,
                             std::nullopt, std::nullopt));
  EXPECT_TRUE(open_intents(trail.read()).empty());
}

TEST(OpenIntentsTest, AFailedOrUnconfirmedOutcomeClosesTheIntentToo) {
  Trail trail;
  const auto a = revoke("whm01", "a");
  const auto b = revoke("whm01", "b");
  const auto seq_a = trail.add(mutation_intent(kSweep, kPolicyHash, a));
  const auto seq_b = trail.add(mutation_intent(kSweep, kPolicyHash, b));
  trail.add(mutation_outcome(kSweep, kPolicyHash, a, seq_a, OutcomeResult::failed,
                             std::string("WHM said no"), a.before));
  trail.add(mutation_outcome(kSweep, kPolicyHash, b, seq_b, OutcomeResult::unconfirmed,
                             std::string("timeout"), std::nullopt));
  EXPECT_TRUE(open_intents(trail.read()).empty());
}

TEST(OpenIntentsTest, AnIntentWithoutAnOutcomeIsOpenWithWhatItRecorded) {
  Trail trail;
  trail.add(sweep_started(kSweep, kPolicyHash, false, 1, 1));
  const auto action = update("whm01", "svc-reporting");
  const auto seq = trail.add(mutation_intent(kSweep, kPolicyHash, action));
  trail.add(run_stopped(1, "killed"));

  const auto open = open_intents(trail.read());
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].seq, seq);
  EXPECT_EQ(open[0].sweep, kSweep);
  EXPECT_EQ(open[0].host, "whm01");
  EXPECT_EQ(open[0].user, "root");
  EXPECT_EQ(open[0].token, "svc-reporting");
  EXPECT_EQ(open[0].rule, "allow-list");
  EXPECT_EQ(open[0].policy_hash, kPolicyHash);
  EXPECT_EQ(open[0].action, "update");
  EXPECT_EQ(open[0].before, token_state(action.before));
  EXPECT_EQ(open[0].after, intended_state(action.after));
}

TEST(OpenIntentsTest, ARevokeIntentIsOpenWithANullAfterState) {
  Trail trail;
  const auto action = revoke("whm02", "legacy");
  trail.add(mutation_intent(kSweep, kPolicyHash, action));
  const auto open = open_intents(trail.read());
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].action, "revoke");
  EXPECT_EQ(open[0].rule, "max-age");
  EXPECT_TRUE(open[0].before.is_object());
  EXPECT_TRUE(open[0].after.is_null());
}

TEST(OpenIntentsTest, ReconciliationClosesTheIntent) {
  Trail trail;
  trail.add(mutation_intent(kSweep, kPolicyHash, revoke("whm01", "old-token")));
  const auto open = open_intents(trail.read());
  ASSERT_EQ(open.size(), 1U);
  // What the reconciler writes at the next start, from the open intent itself.
  trail.add(mutation_reconciled(open[0], ReconcileResult::applied, std::nullopt));
  EXPECT_TRUE(open_intents(trail.read()).empty());
}

TEST(OpenIntentsTest, EveryReconcileResultCloses) {
  for (const auto result :
       {ReconcileResult::applied, ReconcileResult::not_applied, ReconcileResult::diverged}) {
    Trail trail;
    trail.add(mutation_intent(kSweep, kPolicyHash, revoke("whm01", "t")));
    const auto open = open_intents(trail.read());
    ASSERT_EQ(open.size(), 1U);
    trail.add(mutation_reconciled(open[0], result, std::nullopt));
    EXPECT_TRUE(open_intents(trail.read()).empty()) << spelling(result);
  }
}

TEST(OpenIntentsTest, ADeferredReconciliationLeavesTheIntentOpen) {
  Trail trail;
  const auto action = revoke("whm01", "old-token");
  const auto seq = trail.add(mutation_intent(kSweep, kPolicyHash, action));
  auto open = open_intents(trail.read());
  ASSERT_EQ(open.size(), 1U);
  trail.add(reconcile_deferred(open[0], "whm01: connection refused"));
  trail.add(reconcile_deferred(open[0], "whm01: connection refused again"));
  open = open_intents(trail.read());
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].seq, seq);
  // And a later reconciliation closes it after all.
  trail.add(mutation_reconciled(open[0], ReconcileResult::not_applied, action.before));
  EXPECT_TRUE(open_intents(trail.read()).empty());
}

TEST(OpenIntentsTest, OpenIntentsComeInTrailOrderAndOnlyTheClosedOnesGo) {
  Trail trail;
  const auto a = revoke("whm01", "a");
  const auto b = revoke("whm02", "b");
  const auto c = update("whm03", "c");
  const auto seq_a = trail.add(mutation_intent(kSweep, kPolicyHash, a));
  const auto seq_b = trail.add(mutation_intent(kSweep, kPolicyHash, b));
  const auto seq_c = trail.add(mutation_intent(kSweep, kPolicyHash, c));
  trail.add(mutation_outcome(kSweep, kPolicyHash, b, seq_b, OutcomeResult::confirmed, std::nullopt,
                             std::nullopt));
  const auto open = open_intents(trail.read());
  ASSERT_EQ(open.size(), 2U);
  EXPECT_EQ(open[0].seq, seq_a);
  EXPECT_EQ(open[0].token, "a");
  EXPECT_EQ(open[1].seq, seq_c);
  EXPECT_EQ(open[1].token, "c");
}

TEST(OpenIntentsTest, AnOutcomeBeforeTheIntentDoesNotCloseIt) {
  Trail trail;
  const auto action = revoke("whm01", "t");
  // Names seq 2, which is the intent written next: out of order, so it does not count.
  trail.add(mutation_outcome(kSweep, kPolicyHash, action, 2, OutcomeResult::confirmed, std::nullopt,
                             std::nullopt));
  const auto seq = trail.add(mutation_intent(kSweep, kPolicyHash, action));
  ASSERT_EQ(seq, 2U);
  const auto open = open_intents(trail.read());
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].seq, 2U);
}

TEST(OpenIntentsTest, AnOutcomeForAnotherIntentDoesNotClose) {
  Trail trail;
  const auto action = revoke("whm01", "t");
  const auto seq = trail.add(mutation_intent(kSweep, kPolicyHash, action));
  trail.add(mutation_outcome(kSweep, kPolicyHash, action, seq + 100, OutcomeResult::confirmed,
                             std::nullopt, std::nullopt));
  EXPECT_EQ(open_intents(trail.read()).size(), 1U);
}

TEST(OpenIntentsTest, LinesThatAreNotRecordsAreSkipped) {
  Trail trail;
  trail.add_garbage("not json at all");
  trail.add_garbage(R"(["an","array"])");
  trail.add_garbage(R"({"event":"mutation.intent"})");  // no seq
  const auto seq = trail.add(mutation_intent(kSweep, kPolicyHash, revoke("whm01", "t")));
  trail.add_garbage("{torn");
  const auto open = open_intents(trail.read());
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].seq, seq);
}

TEST(OpenIntentsTest, DryRunsAreNotIntents) {
  Trail trail;
  trail.add(mutation_dry_run(kSweep, kPolicyHash, revoke("whm01", "t")));
  EXPECT_TRUE(open_intents(trail.read()).empty());
}

TEST(OpenIntentsTest, AnEmptyTrailHasNoOpenIntents) {
  EXPECT_TRUE(open_intents({}).empty());
}

}  // namespace
}  // namespace tw::audit
