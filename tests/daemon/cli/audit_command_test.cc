// `tokenwarden audit verify` and `audit report` as an auditor runs them: the real binary as a
// child process over trail files written here record by record.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "daemon/audit/events.h"
#include "daemon/audit/record.h"
#include "tests/support/process/run_process.h"
#include "tests/support/temp_dir.h"

namespace tw::cli {
namespace {
namespace json = boost::json;

using tw::testing::ProcessResult;
using tw::testing::run_process;
using tw::testing::tokenwarden_binary;

constexpr const char* kPolicyHash =
    "sha256:3333333333333333333333333333333333333333333333333333333333333333";

ProcessResult tokenwarden(std::vector<std::string> args) {
  args.insert(args.begin(), tokenwarden_binary());
  return run_process(args);
}

audit::EpochMillis at(std::string_view utc) {
  const auto time = audit::parse_utc_millis(utc);
  EXPECT_TRUE(time.has_value()) << utc;
  return time.value_or(0);
}

policy::PlannedAction revoke(const std::string& host, const std::string& token) {
  policy::PlannedAction action;
  action.host = host;
  action.user = "root";
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

// Writes records as the trail writer does, across files, keeping the chain.
class TrailFiles {
 public:
  std::uint64_t add(const audit::Event& event, std::string_view utc) {
    const auto record = audit::make_record(event, ++seq_, at(utc), prev_);
    prev_ = record.hash;
    files_.back().second += record.line + "\n";
    return record.seq;
  }
  void start_file(const std::filesystem::path& path) { files_.emplace_back(path, ""); }
  void write() const {
    for (const auto& [path, text] : files_) std::ofstream(path, std::ios::trunc) << text;
  }
  [[nodiscard]] std::string last_hash() const { return prev_; }
  [[nodiscard]] std::uint64_t last_seq() const { return seq_; }

 private:
  std::vector<std::pair<std::filesystem::path, std::string>> files_;
  std::uint64_t seq_ = 0;
  std::string prev_{audit::kGenesisHash};
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

// Replaces the first occurrence of `from` in the file's `line`-th line (1-based).
void edit_line(const std::filesystem::path& path, std::size_t line, const std::string& from,
               const std::string& to) {
  std::string text = read_file(path);
  std::size_t start = 0;
  for (std::size_t i = 1; i < line; ++i) start = text.find('\n', start) + 1;
  const auto end = text.find('\n', start);
  const auto at = text.find(from, start);
  ASSERT_NE(at, std::string::npos);
  ASSERT_LT(at, end);
  text.replace(at, from.size(), to);
  write_file(path, text);
}

// Two files, rotated at seq 5: a sweep on 1 November with a confirmed revoke and an account
// that could not be listed; a sweep on 2 November with a dry run and an intent left open.
class AuditCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    trail_.start_file(rotated_);
    trail_.add(audit::run_started("run", "1.0.0", false), "2026-11-01T09:00:00Z");
    trail_.add(audit::sweep_started("s1", kPolicyHash, false, 2, 2), "2026-11-01T10:00:00Z");
    trail_.add(audit::account_failed("s1", kPolicyHash, "whm09", "root", "connection refused"),
               "2026-11-01T10:00:01Z");
    const auto a = revoke("whm01", "old-token");
    const auto seq_a =
        trail_.add(audit::mutation_intent("s1", kPolicyHash, a), "2026-11-01T10:00:02Z");
    trail_.add(audit::mutation_outcome("s1", kPolicyHash, a, seq_a, audit::OutcomeResult::confirmed,
                                       std::nullopt, std::nullopt),
               "2026-11-01T10:00:03Z");
    rotated_seq_ = trail_.last_seq();
    rotated_hash_ = trail_.last_hash();
    trail_.start_file(current_);
    trail_.add(audit::trail_continued(rotated_.string(), "file"), "2026-11-02T00:00:00Z");
    trail_.add(audit::sweep_started("s2", kPolicyHash, false, 2, 2), "2026-11-02T10:00:00Z");
    trail_.add(audit::mutation_dry_run("s2", kPolicyHash, revoke("whm02", "dry-token")),
               "2026-11-02T10:00:01Z");
    trail_.add(audit::mutation_intent("s2", kPolicyHash, revoke("whm03", "left-open")),
               "2026-11-02T10:00:02Z");
    trail_.write();
  }

  std::string ok_line() const {
    return "OK 9 records, last seq 9, last hash " + trail_.last_hash() + "\n";
  }

  tw::testing::TempDir dir_;
  std::filesystem::path rotated_ = dir_ / "audit.jsonl.20261102T000000.000Z";
  std::filesystem::path current_ = dir_ / "audit.jsonl";
  TrailFiles trail_;
  std::uint64_t rotated_seq_ = 0;
  std::string rotated_hash_;
};

TEST_F(AuditCommandTest, VerifySaysOkAcrossFilesInEitherOrder) {
  auto result = tokenwarden({"audit", "verify", rotated_.string(), current_.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, ok_line());
  EXPECT_EQ(result.err, "");

  result = tokenwarden({"audit", "verify", current_.string(), rotated_.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, ok_line());
}

TEST_F(AuditCommandTest, VerifyAfterAnAnchorChecksTheRestOnly) {
  const std::string anchor = std::to_string(rotated_seq_) + ":" + rotated_hash_;
  auto result = tokenwarden({"audit", "verify", current_.string(), "--after", anchor});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "OK 4 records, last seq 9, last hash " + trail_.last_hash() + "\n");

  // Without the anchor the current file alone does not start the chain.
  result = tokenwarden({"audit", "verify", current_.string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(result.out.starts_with("FAIL seq 1 (" + current_.string() + ":1): ")) << result.out;
}

TEST_F(AuditCommandTest, VerifyNamesTheFirstChangedRecord) {
  // Record 8 (the dry run) is line 3 of the current file.
  edit_line(current_, 3, "whm02", "whm07");
  const auto result = tokenwarden({"audit", "verify", rotated_.string(), current_.string()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_TRUE(result.out.starts_with("FAIL seq 8 (" + current_.string() + ":3): ")) << result.out;
  EXPECT_EQ(std::ranges::count(result.out, '\n'), 1);
}

TEST_F(AuditCommandTest, VerifyNamesWhereARecordWasDeleted) {
  // Drop line 3 of the rotated file (seq 3): the chain breaks at seq 3, now found on line 3.
  std::string text = read_file(rotated_);
  std::size_t start = 0;
  for (int i = 1; i < 3; ++i) start = text.find('\n', start) + 1;
  text.erase(start, text.find('\n', start) + 1 - start);
  write_file(rotated_, text);
  const auto result = tokenwarden({"audit", "verify", rotated_.string(), current_.string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(result.out.starts_with("FAIL seq 3 (" + rotated_.string() + ":3): ")) << result.out;
}

TEST_F(AuditCommandTest, VerifyOfAnUnreadableFileExits66) {
  const auto missing = dir_ / "no-such-file.jsonl";
  const auto result = tokenwarden({"audit", "verify", current_.string(), missing.string()});
  EXPECT_EQ(result.exit_code, 66);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find(missing.string()), std::string::npos) << result.err;

  const auto report = tokenwarden({"audit", "report", missing.string()});
  EXPECT_EQ(report.exit_code, 66);
  EXPECT_EQ(report.out, "");
  EXPECT_NE(report.err.find(missing.string()), std::string::npos) << report.err;
}

TEST_F(AuditCommandTest, UsageErrorsExit64) {
  const std::vector<std::vector<std::string>> bad{
      {"audit"},
      {"audit", "frobnicate", current_.string()},
      {"audit", "verify"},
      {"audit", "verify", current_.string(), "--bogus"},
      {"audit", "verify", current_.string(), "--after"},
      {"audit", "verify", current_.string(), "--after", "12"},
      {"audit", "verify", current_.string(), "--after", "x:" + std::string(64, '0')},
      {"audit", "verify", current_.string(), "--after", "3:abc"},
      {"audit", "verify", current_.string(), "--since", "2026-11-01"},
      {"audit", "report"},
      {"audit", "report", current_.string(), "--format", "xml"},
      {"audit", "report", current_.string(), "--since", "yesterday"},
      {"audit", "report", current_.string(), "--until", "2026-13-01"},
      {"audit", "report", current_.string(), "--format"},
  };
  for (const auto& args : bad) {
    const auto result = tokenwarden(args);
    std::string command;
    for (const auto& a : args) command += a + " ";
    EXPECT_EQ(result.exit_code, 64) << command << "\n" << result.err;
    EXPECT_FALSE(result.err.empty()) << command;
    EXPECT_EQ(result.out, "") << command;
  }
}

TEST_F(AuditCommandTest, HelpListsTheSubcommands) {
  auto result = tokenwarden({"audit", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("audit verify FILE..."), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("audit report FILE..."), std::string::npos) << result.out;
  result = tokenwarden({"audit", "report", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("--since"), std::string::npos);
  result = tokenwarden({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("  audit "), std::string::npos) << result.out;
}

TEST_F(AuditCommandTest, ReportAsJson) {
  const auto result =
      tokenwarden({"audit", "report", current_.string(), rotated_.string(), "--format", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");
  const auto doc = json::parse(result.out).as_object();
  EXPECT_EQ(doc.at("schema").as_string(), "tokenwarden.audit-report/1");
  EXPECT_TRUE(doc.at("since").is_null());
  EXPECT_EQ(doc.at("sweeps").to_number<int>(), 2);
  EXPECT_EQ(doc.at("dry_run_mutations").to_number<int>(), 1);
  const auto& mutations = doc.at("mutations").as_array();
  ASSERT_EQ(mutations.size(), 2U);
  EXPECT_EQ(mutations[0].at("token").as_string(), "old-token");
  EXPECT_EQ(mutations[0].at("result").as_string(), "confirmed");
  EXPECT_EQ(mutations[0].at("intent_seq").to_number<int>(), 4);
  EXPECT_EQ(mutations[0].at("policy_hash").as_string(), kPolicyHash);
  EXPECT_EQ(mutations[1].at("token").as_string(), "left-open");
  EXPECT_EQ(mutations[1].at("result").as_string(), "open");
  const auto& uncovered = doc.at("uncovered").as_array();
  ASSERT_EQ(uncovered.size(), 1U);
  EXPECT_EQ(uncovered[0].at("host").as_string(), "whm09");
}

TEST_F(AuditCommandTest, ReportAsCsv) {
  const auto result =
      tokenwarden({"audit", "report", rotated_.string(), current_.string(), "--format=csv"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.out.starts_with(
      "time,sweep,host,user,token,action,rules,policy_hash,result,intent_seq,before,after\r\n"
      "2026-11-01T10:00:02.000Z,s1,whm01,root,old-token,revoke,max-age,"))
      << result.out;
  EXPECT_NE(result.out.find(",confirmed,4,\"full access, never expires, any IP\",absent\r\n"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("\r\n\r\ntime,sweep,host,user,reason\r\n"
                            "2026-11-01T10:00:01.000Z,s1,whm09,root,connection refused\r\n"),
            std::string::npos)
      << result.out;
}

TEST_F(AuditCommandTest, ReportAsTableIsTheDefault) {
  const auto result = tokenwarden({"audit", "report", rotated_.string(), current_.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("sweeps: 2, mutations: 2, dry-run mutations (not sent): 1"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("TIME "), std::string::npos);
  EXPECT_NE(result.out.find("old-token"), std::string::npos);
  EXPECT_NE(result.out.find("confirmed"), std::string::npos);
  EXPECT_NE(result.out.find("left-open"), std::string::npos);
  EXPECT_NE(result.out.find("whm09"), std::string::npos);
  EXPECT_EQ(result.out.find("dry-token"), std::string::npos);
}

TEST_F(AuditCommandTest, ReportSinceAndUntil) {
  auto result = tokenwarden({"audit", "report", rotated_.string(), current_.string(), "--since",
                             "2026-11-02", "--format", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto doc = json::parse(result.out).as_object();
  EXPECT_EQ(doc.at("since").as_string(), "2026-11-02T00:00:00.000Z");
  EXPECT_EQ(doc.at("sweeps").to_number<int>(), 1);
  ASSERT_EQ(doc.at("mutations").as_array().size(), 1U);
  EXPECT_EQ(doc.at("mutations").as_array()[0].at("token").as_string(), "left-open");
  EXPECT_TRUE(doc.at("uncovered").as_array().empty());

  result = tokenwarden({"audit", "report", rotated_.string(), current_.string(), "--until",
                        "2026-11-01T10:00:02Z", "--format", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  doc = json::parse(result.out).as_object();
  EXPECT_EQ(doc.at("until").as_string(), "2026-11-01T10:00:02.000Z");
  EXPECT_EQ(doc.at("sweeps").to_number<int>(), 1);
  EXPECT_TRUE(doc.at("mutations").as_array().empty());  // the intent is at 10:00:02: excluded
  EXPECT_EQ(doc.at("uncovered").as_array().size(), 1U);

  // Milliseconds, as the trail writes times, are accepted too.
  result = tokenwarden({"audit", "report", rotated_.string(), current_.string(), "--since",
                        "2026-11-01T10:00:02.000Z", "--until", "2026-11-01T10:00:02.001Z",
                        "--format", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  doc = json::parse(result.out).as_object();
  ASSERT_EQ(doc.at("mutations").as_array().size(), 1U);
  EXPECT_EQ(doc.at("mutations").as_array()[0].at("token").as_string(), "old-token");
}

TEST_F(AuditCommandTest, ReportOverATamperedTrailWarnsAndExits1) {
  // Hide the revoke: say it failed.
  edit_line(rotated_, 5, "\"confirmed\"", "\"failed\"");
  const auto result =
      tokenwarden({"audit", "report", rotated_.string(), current_.string(), "--format", "json"});
  EXPECT_EQ(result.exit_code, 1);
  // The report is still printed, and the warning says where the chain breaks.
  const auto doc = json::parse(result.out).as_object();
  EXPECT_EQ(doc.at("mutations").as_array().size(), 2U);
  EXPECT_TRUE(result.err.starts_with("warning: the trail does not verify: FAIL seq 5 (" +
                                     rotated_.string() + ":5): "))
      << result.err;
}

TEST_F(AuditCommandTest, ReportOfPartOfTheTrailNeedsItsAnchor) {
  const std::string anchor = std::to_string(rotated_seq_) + ":" + rotated_hash_;
  auto result = tokenwarden({"audit", "report", current_.string(), "--after", anchor});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");
  result = tokenwarden({"audit", "report", current_.string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(result.err.starts_with("warning: the trail does not verify: FAIL seq 1"))
      << result.err;
}

TEST_F(AuditCommandTest, AnEmptyTrailDoesNotVerify) {
  const auto empty = dir_ / "empty.jsonl";
  write_file(empty, "");
  const auto result = tokenwarden({"audit", "verify", empty.string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(result.out.starts_with("FAIL seq 1: ")) << result.out;
}

}  // namespace
}  // namespace tw::cli
