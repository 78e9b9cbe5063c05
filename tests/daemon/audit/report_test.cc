// build_report() and render_report(): what `tokenwarden audit report` tells an auditor.

#include "daemon/audit/report.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>

#include "daemon/audit/events.h"
#include "daemon/audit/record.h"
#include "daemon/audit/trail_reader.h"
#include "tests/support/temp_dir.h"

namespace tw::audit {
namespace {
namespace json = boost::json;

constexpr const char* kPolicyHash =
    "sha256:2222222222222222222222222222222222222222222222222222222222222222";

EpochMillis at(std::string_view utc) {
  const auto time = parse_utc_millis(utc);
  EXPECT_TRUE(time.has_value()) << utc;
  return time.value_or(0);
}

policy::EpochSeconds seconds(std::string_view utc) {
  return at(utc) / 1000;
}

// A full-access token that never expires and may be used from anywhere.
policy::PlannedAction revoke(const std::string& host, const std::string& token) {
  policy::PlannedAction action;
  action.host = host;
  action.user = "root";
  action.token = token;
  action.kind = policy::ActionKind::revoke;
  action.decision = policy::Decision::apply;
  action.rules = {"max-age", "dangerous-acls"};
  action.why = {"too old", "full access"};
  action.before.name = token;
  action.before.create_time = seconds("2025-01-01");
  action.before.acls = {.full_access = true, .names = {"all", "list-accts"}};
  return action;
}

policy::PlannedAction update(const std::string& host, const std::string& token) {
  policy::PlannedAction action;
  action.host = host;
  action.user = "reseller1";
  action.token = token;
  action.kind = policy::ActionKind::update;
  action.decision = policy::Decision::apply;
  action.rules = {"allow-list"};
  action.why = {"usable from any IP"};
  action.before.name = token;
  action.before.create_time = seconds("2026-06-01");
  action.before.expires_at = seconds("2027-01-01");
  action.before.acls = {.full_access = false, .names = {"list-accts", "passwd"}};
  action.before.whitelist_ips = std::vector<std::string>{"203.0.113.0/24"};
  action.after = policy::IntendedState{{"list-accts"},
                                       seconds("2026-12-01"),
                                       std::vector<std::string>{"203.0.113.0/24", "2001:db8::/32"}};
  return action;
}

// A trail built in memory, written to a file and read back as `audit report` reads it.
class Trail {
 public:
  std::uint64_t add(const Event& event, std::string_view utc) {
    const auto record = make_record(event, ++seq_, at(utc), prev_);
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

// Three days: a dry-run sweep with an unreachable account; an enforcing sweep with four
// mutations (confirmed, failed, left open, reconciled the next day); a sweep with another gap.
class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    trail_.add(run_started("run", "1.0.0", true), "2026-11-01T09:59:00Z");
    trail_.add(sweep_started("s1", kPolicyHash, true, 2, 2), "2026-11-01T10:00:00Z");
    trail_.add(account_failed("s1", kPolicyHash, "whm09", "root", "connection refused"),
               "2026-11-01T10:00:01Z");
    trail_.add(mutation_dry_run("s1", kPolicyHash, revoke("whm01", "dry-token")),
               "2026-11-01T10:00:02Z");

    trail_.add(sweep_started("s2", kPolicyHash, false, 4, 4), "2026-11-02T10:00:00Z");
    const auto a = revoke("whm01", "old-token");
    seq_a_ = trail_.add(mutation_intent("s2", kPolicyHash, a), "2026-11-02T10:00:01Z");
    trail_.add(mutation_outcome("s2", kPolicyHash, a, seq_a_, OutcomeResult::confirmed,
                                std::nullopt, std::nullopt),
               "2026-11-02T10:00:02Z");
    const auto b = update("whm02", "svc-reporting");
    seq_b_ = trail_.add(mutation_intent("s2", kPolicyHash, b), "2026-11-02T10:00:03Z");
    trail_.add(mutation_outcome("s2", kPolicyHash, b, seq_b_, OutcomeResult::failed,
                                std::string("WHM: access denied"), b.before),
               "2026-11-02T10:00:04Z");
    const auto c = revoke("whm03", "left-open");
    seq_c_ = trail_.add(mutation_intent("s2", kPolicyHash, c), "2026-11-02T10:00:05Z");
    const auto d = revoke("whm04", "crashed");
    seq_d_ = trail_.add(mutation_intent("s2", kPolicyHash, d), "2026-11-02T10:00:06Z");
    trail_.add(run_stopped(1, "killed"), "2026-11-02T10:00:07Z");

    trail_.add(run_started("run", "1.0.0", false), "2026-11-03T08:00:00Z");
    OpenIntent open_c;
    open_c.seq = seq_c_;
    open_c.host = "whm03";
    trail_.add(reconcile_deferred(open_c, "whm03: timeout"), "2026-11-03T08:00:01Z");
    OpenIntent open_d;
    open_d.seq = seq_d_;
    open_d.host = "whm04";
    open_d.action = "revoke";
    trail_.add(mutation_reconciled(open_d, ReconcileResult::applied, std::nullopt),
               "2026-11-03T08:00:02Z");
    trail_.add(sweep_started("s3", kPolicyHash, false, 4, 4), "2026-11-03T10:00:00Z");
    trail_.add(account_failed("s3", kPolicyHash, "whm05", "bob", "HTTP 403"),
               "2026-11-03T10:00:01Z");
  }

  Report report(std::optional<std::string_view> since = std::nullopt,
                std::optional<std::string_view> until = std::nullopt) {
    return build_report(trail_.read(), since ? std::optional(at(*since)) : std::nullopt,
                        until ? std::optional(at(*until)) : std::nullopt);
  }

  Trail trail_;
  std::uint64_t seq_a_ = 0, seq_b_ = 0, seq_c_ = 0, seq_d_ = 0;
};

TEST_F(ReportTest, EachIntentGetsTheResultOfItsOutcomeOrReconciliationElseOpen) {
  const auto r = report();
  ASSERT_EQ(r.mutations.size(), 4U);
  EXPECT_EQ(r.mutations[0].intent_seq, seq_a_);
  EXPECT_EQ(r.mutations[0].result, "confirmed");
  EXPECT_EQ(r.mutations[1].intent_seq, seq_b_);
  EXPECT_EQ(r.mutations[1].result, "failed");
  EXPECT_EQ(r.mutations[2].intent_seq, seq_c_);
  EXPECT_EQ(r.mutations[2].result, "open");  // deferred does not close it
  EXPECT_EQ(r.mutations[3].intent_seq, seq_d_);
  EXPECT_EQ(r.mutations[3].result, "applied");
}

TEST_F(ReportTest, AnUnverifiableIntentShowsAsSuchInEveryFormat) {
  const auto e = revoke("whm-retired", "orphan");
  const auto seq_e = trail_.add(mutation_intent("s3", kPolicyHash, e), "2026-11-03T10:00:02Z");
  OpenIntent open_e;
  open_e.seq = seq_e;
  open_e.host = "whm-retired";
  open_e.action = "revoke";
  trail_.add(mutation_reconciled(open_e, ReconcileResult::unverifiable, std::nullopt),
             "2026-11-04T08:00:01Z");
  const auto r = report();
  ASSERT_EQ(r.mutations.size(), 5U);
  EXPECT_EQ(r.mutations[4].intent_seq, seq_e);
  EXPECT_EQ(r.mutations[4].result, "unverifiable");

  const auto table = render_report(r, ReportFormat::table);
  EXPECT_NE(table.find("unverifiable: 1 mutation(s) could never be checked"), std::string::npos)
      << table;
  const auto orphan_row = table.find("orphan");
  ASSERT_NE(orphan_row, std::string::npos);
  EXPECT_NE(table.find("unverifiable", orphan_row), std::string::npos);
  EXPECT_NE(render_report(r, ReportFormat::csv).find(",unverifiable," + std::to_string(seq_e)),
            std::string::npos);
  const auto doc = json::parse(render_report(r, ReportFormat::json)).as_object();
  EXPECT_EQ(doc.at("mutations").as_array()[4].at("result").as_string(), "unverifiable");

  // Without one, the table says nothing of it.
  const auto day2 = render_report(report("2026-11-02", "2026-11-03"), ReportFormat::table);
  EXPECT_EQ(day2.find("unverifiable"), std::string::npos) << day2;
}

TEST_F(ReportTest, AMutationSaysWhatWhereWhenAndWhy) {
  const auto r = report();
  ASSERT_EQ(r.mutations.size(), 4U);
  const auto& a = r.mutations[0];
  EXPECT_EQ(a.time, at("2026-11-02T10:00:01Z"));
  EXPECT_EQ(a.sweep, "s2");
  EXPECT_EQ(a.host, "whm01");
  EXPECT_EQ(a.user, "root");
  EXPECT_EQ(a.token, "old-token");
  EXPECT_EQ(a.action, "revoke");
  EXPECT_EQ(a.rules, (std::vector<std::string>{"max-age", "dangerous-acls"}));
  EXPECT_EQ(a.policy_hash, kPolicyHash);
  EXPECT_EQ(a.before, "full access, never expires, any IP");
  EXPECT_EQ(a.after, "absent");

  const auto& b = r.mutations[1];
  EXPECT_EQ(b.user, "reseller1");
  EXPECT_EQ(b.action, "update");
  EXPECT_EQ(b.rules, std::vector<std::string>{"allow-list"});
  EXPECT_EQ(b.before, "acls=list-accts,passwd expires=2027-01-01T00:00:00Z ips=203.0.113.0/24");
  EXPECT_EQ(b.after,
            "acls=list-accts expires=2026-12-01T00:00:00Z ips=203.0.113.0/24,2001:db8::/32");
}

TEST_F(ReportTest, DryRunsAreCountedButAreNotMutations) {
  const auto r = report();
  EXPECT_EQ(r.dry_run_mutations, 1U);
  for (const auto& m : r.mutations) EXPECT_NE(m.token, "dry-token");
  EXPECT_EQ(r.sweeps, 3U);
}

TEST_F(ReportTest, UncoveredAccountsAreListed) {
  const auto r = report();
  ASSERT_EQ(r.uncovered.size(), 2U);
  EXPECT_EQ(r.uncovered[0].time, at("2026-11-01T10:00:01Z"));
  EXPECT_EQ(r.uncovered[0].sweep, "s1");
  EXPECT_EQ(r.uncovered[0].host, "whm09");
  EXPECT_EQ(r.uncovered[0].user, "root");
  EXPECT_EQ(r.uncovered[0].reason, "connection refused");
  EXPECT_EQ(r.uncovered[1].host, "whm05");
  EXPECT_EQ(r.uncovered[1].user, "bob");
  EXPECT_EQ(r.uncovered[1].reason, "HTTP 403");
}

TEST_F(ReportTest, SinceAndUntilSelectByRecordTime) {
  const auto day2 = report("2026-11-02", "2026-11-03");
  EXPECT_EQ(day2.since, at("2026-11-02"));
  EXPECT_EQ(day2.until, at("2026-11-03"));
  EXPECT_EQ(day2.sweeps, 1U);
  EXPECT_EQ(day2.dry_run_mutations, 0U);
  EXPECT_TRUE(day2.uncovered.empty());
  ASSERT_EQ(day2.mutations.size(), 4U);
  // The reconciliation came the next day, after `until`: the intent still shows how it ended.
  EXPECT_EQ(day2.mutations[3].result, "applied");

  const auto day3 = report("2026-11-03");
  EXPECT_EQ(day3.sweeps, 1U);
  EXPECT_TRUE(day3.mutations.empty());
  ASSERT_EQ(day3.uncovered.size(), 1U);
  EXPECT_EQ(day3.uncovered[0].host, "whm05");

  const auto day1 = report(std::nullopt, "2026-11-02");
  EXPECT_EQ(day1.sweeps, 1U);
  EXPECT_EQ(day1.dry_run_mutations, 1U);
  EXPECT_TRUE(day1.mutations.empty());
  ASSERT_EQ(day1.uncovered.size(), 1U);
  EXPECT_EQ(day1.uncovered[0].host, "whm09");
}

TEST_F(ReportTest, SinceIsInclusiveAndUntilExclusive) {
  const auto from_b = report("2026-11-02T10:00:03Z", "2026-11-02T10:00:06Z");
  ASSERT_EQ(from_b.mutations.size(), 2U);
  EXPECT_EQ(from_b.mutations[0].token, "svc-reporting");
  EXPECT_EQ(from_b.mutations[1].token, "left-open");
}

TEST_F(ReportTest, NothingInAnEmptyPeriod) {
  const auto r = report("2030-01-01");
  EXPECT_EQ(r.sweeps, 0U);
  EXPECT_TRUE(r.mutations.empty());
  EXPECT_TRUE(r.uncovered.empty());
  EXPECT_EQ(r.dry_run_mutations, 0U);
  const auto table = render_report(r, ReportFormat::table);
  EXPECT_NE(table.find("No mutations"), std::string::npos) << table;
}

TEST_F(ReportTest, LinesThatAreNotRecordsAreSkipped) {
  trail_.add_garbage("not json");
  trail_.add_garbage(R"({"event":"mutation.intent","seq":99})");                      // no time
  trail_.add_garbage(R"({"event":"sweep.started","ts":"2026-11-04T00:00:00.000Z")");  // torn
  const auto r = report();
  EXPECT_EQ(r.mutations.size(), 4U);
  EXPECT_EQ(r.sweeps, 3U);
}

TEST_F(ReportTest, JsonIsOneDocumentWithItsSchema) {
  const auto text = render_report(report("2026-11-01", "2026-11-04"), ReportFormat::json);
  ASSERT_TRUE(text.ends_with("}\n"));
  const auto doc = json::parse(text).as_object();
  EXPECT_EQ(doc.at("schema").as_string(), "tokenwarden.audit-report/1");
  EXPECT_EQ(doc.at("since").as_string(), "2026-11-01T00:00:00.000Z");
  EXPECT_EQ(doc.at("until").as_string(), "2026-11-04T00:00:00.000Z");
  EXPECT_EQ(doc.at("sweeps").to_number<std::int64_t>(), 3);
  EXPECT_EQ(doc.at("dry_run_mutations").to_number<std::int64_t>(), 1);
  const auto& mutations = doc.at("mutations").as_array();
  ASSERT_EQ(mutations.size(), 4U);
  const auto& b = mutations[1].as_object();
  EXPECT_EQ(b.at("time").as_string(), "2026-11-02T10:00:03.000Z");
  EXPECT_EQ(b.at("sweep").as_string(), "s2");
  EXPECT_EQ(b.at("host").as_string(), "whm02");
  EXPECT_EQ(b.at("user").as_string(), "reseller1");
  EXPECT_EQ(b.at("token").as_string(), "svc-reporting");
  EXPECT_EQ(b.at("action").as_string(), "update");
  EXPECT_EQ(b.at("rules"), (json::array{"allow-list"}));
  EXPECT_EQ(b.at("policy_hash").as_string(), kPolicyHash);
  EXPECT_EQ(b.at("result").as_string(), "failed");
  EXPECT_EQ(b.at("intent_seq").to_number<std::uint64_t>(), seq_b_);
  EXPECT_EQ(b.at("before").as_string(),
            "acls=list-accts,passwd expires=2027-01-01T00:00:00Z ips=203.0.113.0/24");
  EXPECT_TRUE(b.at("after").is_string());
  EXPECT_EQ(mutations[2].at("result").as_string(), "open");
  const auto& uncovered = doc.at("uncovered").as_array();
  ASSERT_EQ(uncovered.size(), 2U);
  EXPECT_EQ(uncovered[0].at("host").as_string(), "whm09");
  EXPECT_EQ(uncovered[0].at("user").as_string(), "root");
  EXPECT_EQ(uncovered[0].at("sweep").as_string(), "s1");
  EXPECT_EQ(uncovered[0].at("reason").as_string(), "connection refused");
  EXPECT_EQ(uncovered[0].at("time").as_string(), "2026-11-01T10:00:01.000Z");
}

TEST_F(ReportTest, JsonSaysNullForAnOpenPeriod) {
  const auto doc = json::parse(render_report(report(), ReportFormat::json)).as_object();
  EXPECT_TRUE(doc.at("since").is_null());
  EXPECT_TRUE(doc.at("until").is_null());
}

TEST_F(ReportTest, CsvHasAHeaderARowPerMutationThenTheUncovered) {
  const auto csv = render_report(report(), ReportFormat::csv);
  const std::string header =
      "time,sweep,host,user,token,action,rules,policy_hash,result,intent_seq,before,after\r\n";
  ASSERT_TRUE(csv.starts_with(header)) << csv;
  EXPECT_NE(csv.find("\r\n2026-11-02T10:00:01.000Z,s2,whm01,root,old-token,revoke,"
                     "max-age dangerous-acls," +
                     std::string(kPolicyHash) + ",confirmed," + std::to_string(seq_a_) +
                     ",\"full access, never expires, any IP\",absent\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",left-open,revoke,"), std::string::npos);
  EXPECT_NE(csv.find("\r\n\r\ntime,sweep,host,user,reason\r\n"
                     "2026-11-01T10:00:01.000Z,s1,whm09,root,connection refused\r\n"
                     "2026-11-03T10:00:01.000Z,s3,whm05,bob,HTTP 403\r\n"),
            std::string::npos)
      << csv;
  EXPECT_TRUE(csv.ends_with("HTTP 403\r\n"));
}

TEST_F(ReportTest, CsvDefusesFormulasAndQuotesSeparators) {
  const auto hostile = revoke("whm01", "=cmd|x");
  trail_.add(mutation_intent("s4", kPolicyHash, hostile), "2026-11-05T00:00:00Z");
  auto awkward = revoke("whm01", "a,\"b\"");
  awkward.user = "+sum(A1)";
  trail_.add(mutation_intent("s4", kPolicyHash, awkward), "2026-11-05T00:00:01Z");
  trail_.add(account_failed("s4", kPolicyHash, "@host", "-user", "=HYPERLINK(\"x\")"),
             "2026-11-05T00:00:02Z");
  const auto csv = render_report(report("2026-11-05"), ReportFormat::csv);
  EXPECT_NE(csv.find(",root,'=cmd|x,revoke,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",'+sum(A1),\"a,\"\"b\"\"\",revoke,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",s4,'@host,'-user,\"'=HYPERLINK(\"\"x\"\")\"\r\n"), std::string::npos) << csv;
  // No cell starts with a formula character.
  for (const std::string bad : {",=", ",+", ",-", ",@", "\n=", "\n+", "\n-", "\n@"}) {
    EXPECT_EQ(csv.find(bad), std::string::npos) << bad << "\n" << csv;
  }
}

TEST_F(ReportTest, TableHasAlignedRowsAndTheGaps) {
  const auto table = render_report(report(), ReportFormat::table);
  EXPECT_NE(table.find("sweeps: 3, mutations: 4, dry-run mutations (not sent): 1"),
            std::string::npos)
      << table;
  std::vector<std::string> lines;
  for (std::size_t start = 0, end; (end = table.find('\n', start)) != std::string::npos;
       start = end + 1) {
    lines.push_back(table.substr(start, end - start));
  }
  const auto header = std::ranges::find_if(
      lines, [](const std::string& line) { return line.starts_with("TIME  "); });
  ASSERT_NE(header, lines.end()) << table;
  const auto result_column = header->find("RESULT");
  ASSERT_NE(result_column, std::string::npos);
  const std::vector<std::pair<std::string, std::string>> expected{{"old-token", "confirmed"},
                                                                  {"svc-reporting", "failed"},
                                                                  {"left-open", "open"},
                                                                  {"crashed", "applied"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& row = *(header + 1 + static_cast<std::ptrdiff_t>(i));
    EXPECT_NE(row.find(expected[i].first), std::string::npos) << row;
    EXPECT_EQ(row.substr(result_column, expected[i].second.size()), expected[i].second) << table;
  }
  EXPECT_NE(table.find("whm02"), std::string::npos);
  EXPECT_NE(table.find("full access, never expires, any IP"), std::string::npos);
  EXPECT_NE(table.find("Not covered"), std::string::npos);
  EXPECT_NE(table.find("whm09"), std::string::npos);
  EXPECT_NE(table.find("connection refused"), std::string::npos);
  EXPECT_EQ(table.find("dry-token"), std::string::npos);
}

TEST_F(ReportTest, TableShowsHostileTextEscaped) {
  auto action = revoke("whm01", "evil\x1b[2Jname");
  trail_.add(mutation_intent("s4", kPolicyHash, action), "2026-11-05T00:00:00Z");
  const auto table = render_report(report("2026-11-05"), ReportFormat::table);
  EXPECT_EQ(table.find('\x1b'), std::string::npos);
  EXPECT_NE(table.find("evil\\x1b[2Jname"), std::string::npos) << table;
}

TEST(ReportFormatTest, ParsesTheThreeNames) {
  EXPECT_EQ(parse_report_format("table"), ReportFormat::table);
  EXPECT_EQ(parse_report_format("csv"), ReportFormat::csv);
  EXPECT_EQ(parse_report_format("json"), ReportFormat::json);
  EXPECT_FALSE(parse_report_format("xml").has_value());
  EXPECT_FALSE(parse_report_format("").has_value());
}

TEST(ReportEmptyTest, AnEmptyTrailRendersInEveryFormat) {
  const auto r = build_report({}, std::nullopt, std::nullopt);
  EXPECT_EQ(json::parse(render_report(r, ReportFormat::json)).at("mutations").as_array().size(),
            0U);
  EXPECT_EQ(render_report(r, ReportFormat::csv),
            "time,sweep,host,user,token,action,rules,policy_hash,result,intent_seq,before,after"
            "\r\n\r\ntime,sweep,host,user,reason\r\n");
  EXPECT_NE(render_report(r, ReportFormat::table).find("No mutations"), std::string::npos);
}

}  // namespace
}  // namespace tw::audit
