// `audit verify`: the values a good trail yields, the anchor for trails whose start was rotated
// away, and each kind of bad line, reported at the seq that should have come next.

#include "daemon/audit/verify.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "daemon/audit/trail_reader.h"
#include "tests/support/temp_dir.h"

namespace tw::audit {
namespace {

namespace fs = std::filesystem;

constexpr EpochMillis kStart = 1772366400000;

Event numbered(int n) {
  Event event;
  event.type = "test.event";
  event.data["n"] = n;
  return event;
}

// A chain of `count` record lines starting after `after`.
std::vector<Record> chain(int count, std::uint64_t after_seq = 0,
                          std::string after_hash = std::string(kGenesisHash)) {
  std::vector<Record> out;
  for (int i = 0; i < count; ++i) {
    out.push_back(make_record(numbered(i), after_seq + 1 + static_cast<std::uint64_t>(i),
                              kStart + i, after_hash));
    after_hash = out.back().hash;
  }
  return out;
}

class VerifyTest : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& content) {
    const fs::path file = dir_ / name;
    std::ofstream(file, std::ios::binary | std::ios::trunc) << content;
    return file;
  }
  fs::path write_records(const std::string& name, const std::vector<Record>& records) {
    std::string content;
    for (const auto& record : records) content += record.line + "\n";
    return write(name, content);
  }
  static VerifyResult check(const std::vector<fs::path>& files, const Anchor& anchor = {}) {
    auto records = read_trail(files);
    EXPECT_TRUE(records) << records.error();
    return verify(records ? *records : std::vector<ReadRecord>{}, anchor);
  }

  testing::TempDir dir_;
};

TEST_F(VerifyTest, AGoodTrail) {
  const auto records = chain(5);
  const VerifyResult result = check({write_records("a.jsonl", records)});
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.records, 5U);
  EXPECT_EQ(result.last_seq, 5U);
  EXPECT_EQ(result.last_hash, records.back().hash);
  EXPECT_TRUE(result.problem.empty());
}

TEST_F(VerifyTest, AnEmptyTrailIsNotOk) {
  const VerifyResult result = check({write("empty.jsonl", "")});
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.problem, "no records");
  EXPECT_EQ(result.bad_seq, 1U);
  EXPECT_EQ(result.records, 0U);
}

TEST_F(VerifyTest, AnchorForATrailWhoseStartWasRotatedAway) {
  const auto first = chain(3);
  const auto second = chain(4, 3, first.back().hash);
  const fs::path later = write_records("later.jsonl", second);

  const VerifyResult anchored = check({later}, Anchor{3, first.back().hash});
  EXPECT_TRUE(anchored.ok) << anchored.problem;
  EXPECT_EQ(anchored.records, 4U);
  EXPECT_EQ(anchored.last_seq, 7U);
  EXPECT_EQ(anchored.last_hash, second.back().hash);

  const VerifyResult unanchored = check({later});
  EXPECT_FALSE(unanchored.ok);
  EXPECT_EQ(unanchored.bad_seq, 1U);
  EXPECT_EQ(unanchored.problem, "expected seq 1, found 4");
  EXPECT_EQ(unanchored.bad_file, later);
  EXPECT_EQ(unanchored.bad_line, 1U);

  const VerifyResult wrong_hash = check({later}, Anchor{3, std::string(64, 'f')});
  EXPECT_FALSE(wrong_hash.ok);
  EXPECT_EQ(wrong_hash.bad_seq, 4U);
  EXPECT_EQ(wrong_hash.problem, "prev does not match the hash of the record before it");
}

TEST_F(VerifyTest, ATornLastLine) {
  const auto records = chain(3);
  const fs::path file = write("torn.jsonl", records[0].line + "\n" + records[1].line + "\n" +
                                                records[2].line);  // whole, but no newline
  const VerifyResult result = check({file});
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.bad_seq, 3U);
  EXPECT_EQ(result.bad_line, 3U);
  EXPECT_EQ(result.records, 2U);
  EXPECT_EQ(result.last_seq, 2U);
  EXPECT_NE(result.problem.find("torn"), std::string::npos) << result.problem;

  const fs::path cut = write("cut.jsonl", records[0].line + "\n" + records[1].line.substr(0, 40));
  const VerifyResult cut_result = check({cut});
  EXPECT_FALSE(cut_result.ok);
  EXPECT_EQ(cut_result.bad_seq, 2U);
  EXPECT_NE(cut_result.problem.find("not JSON"), std::string::npos) << cut_result.problem;
}

// A line in the place of record 2: the problem verify reports for it.
struct BadLine {
  std::string line;
  std::string problem;  // a part of it
};

TEST_F(VerifyTest, EachKindOfBadLineIsReportedAtItsSeq) {
  const auto records = chain(3);
  const std::string& good = records[1].line;
  const auto replaced = [&](std::string_view from, std::string_view to) {
    std::string line = good;
    const auto at = line.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    line.replace(at, from.size(), to);
    return line;
  };
  // A line with the right hash for its content (so only the named check fails).
  const auto rehashed = [](std::string line) {
    const std::string hash = *expected_hash(line);
    line.replace(line.size() - 66, 64, hash);
    return line;
  };
  const std::vector<BadLine> cases = {
      {"", "empty line"},
      {"garbage", "not JSON"},
      {"[1,2,3]", "not a JSON object"},
      {replaced(R"("v":1,)", ""), R"(member "v")"},
      {replaced(R"("v":1)", R"("v":"1")"), R"(member "v")"},
      {replaced(R"("seq":2)", R"("seq":-2)"), R"(member "seq")"},
      {replaced(R"("ts":"2026-03-01T12:00:00.001Z")", R"("ts":"2026-03-01T12:00:00Z")"),
       R"(member "ts")"},
      {replaced(R"("event":"test.event")", R"("event":7)"), R"(member "event")"},
      {replaced(R"("host":null)", R"("host":1)"), R"(member "host")"},
      {replaced(R"("policy_hash":null,)", ""), R"(member "policy_hash")"},
      {replaced(R"("data":{"n":1})", R"("data":[1])"), R"(member "data")"},
      {replaced(R"("prev":")", R"("prev":"X)"), R"(member "prev")"},
      {good.substr(0, good.size() - 3) + "A\"}", R"(member "hash")"},
      {rehashed(replaced(R"("v":1)", R"("v":2)")), "unknown schema version 2"},
      {rehashed(replaced(R"("seq":2)", R"("seq":3)")), "expected seq 2, found 3"},
      {rehashed(replaced(R"("prev":")" + records[0].hash, R"("prev":")" + std::string(64, '1'))),
       "prev does not match"},
      {replaced(R"("n":1)", R"("n":9)"), "hash does not match the record's content"},
      {replaced(R"("data":{"n":1})", R"("hash":")" + records[1].hash + R"(","data":{"n":1})"),
       "hash does not match the record's content"},
      {good.substr(0, good.find(R"(,"prev":")")) + R"(,"hash":")" + records[1].hash +
           R"(","prev":")" + records[0].hash + "\"}",
       "does not end with its hash member"},
  };
  for (const auto& [line, problem] : cases) {
    const fs::path file =
        write("bad.jsonl", records[0].line + "\n" + line + "\n" + records[2].line + "\n");
    const VerifyResult result = check({file});
    EXPECT_FALSE(result.ok) << line;
    EXPECT_EQ(result.bad_seq, 2U) << line;
    EXPECT_EQ(result.bad_line, 2U) << line;
    EXPECT_EQ(result.bad_file, file);
    EXPECT_EQ(result.records, 1U);
    EXPECT_EQ(result.last_hash, records[0].hash);
    EXPECT_NE(result.problem.find(problem), std::string::npos)
        << "problem: " << result.problem << "\nexpected: " << problem << "\nline: " << line;
  }
}

TEST_F(VerifyTest, ReaderKeepsLineNumbersAndFiles) {
  const auto records = chain(4);
  const fs::path a = write_records("a.jsonl", {records[0], records[1]});
  const fs::path b = write_records("b.jsonl", {records[2], records[3]});
  auto read = read_trail({b, a});
  ASSERT_TRUE(read) << read.error();
  ASSERT_EQ(read->size(), 4U);
  EXPECT_EQ((*read)[0].file, a);
  EXPECT_EQ((*read)[2].file, b);
  EXPECT_EQ((*read)[3].line_number, 2U);
  EXPECT_TRUE((*read)[3].ends_with_newline);

  EXPECT_FALSE(read_trail({a, dir_ / "missing.jsonl"}));
}

}  // namespace
}  // namespace tw::audit
