// Tamper evidence (the acceptance criterion): a trail of 31 records over two rotated files,
// written by the real writer; for every record, changing one byte of a value, deleting it,
// swapping it with the next one and inserting a copy of another record before it each make
// verify fail naming that record's seq. A forged record appended at the end fails at its seq.

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "daemon/audit/events.h"
#include "daemon/audit/trail_reader.h"
#include "daemon/audit/trail_writer.h"
#include "daemon/audit/verify.h"
#include "tests/support/temp_dir.h"

namespace tw::audit {
namespace {

namespace fs = std::filesystem;

constexpr int kPerFile = 15;

// One line of the trail and the file (0: rotated, 1: current) it is in.
struct Line {
  int file = 0;
  std::string text;
};

class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TrailOptions options;
    options.path = dir_ / "audit.jsonl";
    options.max_bytes = 1;  // due whenever asked
    EpochMillis now = 1772366400000;
    options.clock = [now]() mutable { return now += 1234; };
    auto writer = TrailWriter::open(options);
    ASSERT_TRUE(writer) << writer.error();
    for (int i = 0; i < kPerFile; ++i) {
      Event event;
      event.type = "test.event";
      event.subject.host = "whm0" + std::to_string(i % 3);
      event.subject.token = "token-" + std::to_string(i);
      event.data["n"] = i;
      event.data["note"] = "first file";
      ASSERT_TRUE(writer->append(event));
    }
    auto rotated = writer->rotate_if_due();  // the new file starts with trail.continued
    ASSERT_TRUE(rotated && *rotated);
    rotated_ = **rotated;
    for (int i = 0; i < kPerFile; ++i) {
      Event event;
      event.type = "test.event";
      event.subject.user = "root";
      event.data["n"] = kPerFile + i;
      event.data["note"] = "second file";
      ASSERT_TRUE(writer->append(event));
    }
    last_seq_ = writer->last_seq();
    ASSERT_TRUE(writer->close());

    for (const auto& [index, file] : {std::pair{0, rotated_}, std::pair{1, current()}}) {
      std::ifstream in(file, std::ios::binary);
      std::string text;
      while (std::getline(in, text)) lines_.push_back({index, text});
    }
    ASSERT_EQ(lines_.size(), 2U * kPerFile + 1);
    ASSERT_EQ(last_seq_, lines_.size());
    const VerifyResult untouched = check(lines_);
    ASSERT_TRUE(untouched.ok) << untouched.problem;
  }

  [[nodiscard]] fs::path current() const { return dir_ / "audit.jsonl"; }

  // Writes `lines` back to the two files and verifies them (given newest first).
  VerifyResult check(const std::vector<Line>& lines) {
    std::string content[2];
    for (const auto& line : lines) content[line.file] += line.text + "\n";
    std::ofstream(rotated_, std::ios::binary | std::ios::trunc) << content[0];
    std::ofstream(current(), std::ios::binary | std::ios::trunc) << content[1];
    auto records = read_trail({current(), rotated_});
    EXPECT_TRUE(records) << records.error();
    return verify(records ? *records : std::vector<ReadRecord>{}, {});
  }

  testing::TempDir dir_;
  fs::path rotated_;
  std::uint64_t last_seq_ = 0;
  std::vector<Line> lines_;
};

std::uint64_t seq_at(std::size_t index) {
  return index + 1;
}

TEST_F(TamperTest, ChangingOneByteOfAValueFailsAtThatRecord) {
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    // A byte inside the event name, and the last millisecond digit of the time: both leave
    // well-formed JSON with every member valid.
    for (const std::string_view member : {R"("event":")", R"(Z","event")"}) {
      auto lines = lines_;
      std::string& text = lines[i].text;
      const auto at = text.find(member);
      ASSERT_NE(at, std::string::npos);
      const std::size_t byte = member.starts_with("Z") ? at - 1 : at + member.size();
      text[byte] = text[byte] == '1' ? '2' : (text[byte] == 't' ? 'T' : '1');
      const VerifyResult result = check(lines);
      EXPECT_FALSE(result.ok) << "record " << i;
      EXPECT_EQ(result.bad_seq, seq_at(i)) << result.problem;
      EXPECT_EQ(result.problem, "hash does not match the record's content");
    }
  }
}

TEST_F(TamperTest, DeletingARecordFailsAtItsSeq) {
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    auto lines = lines_;
    lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i));
    const VerifyResult result = check(lines);
    if (i + 1 == lines_.size()) {
      // Cutting records off the end leaves a valid, shorter chain: what catches it is the
      // tip an auditor compares with (the head file, or the last seq of an earlier verify).
      EXPECT_TRUE(result.ok);
      EXPECT_EQ(result.last_seq, last_seq_ - 1);
      EXPECT_NE(result.last_seq, last_seq_);
      continue;
    }
    EXPECT_FALSE(result.ok) << "record " << i;
    EXPECT_EQ(result.bad_seq, seq_at(i)) << result.problem;
  }
}

TEST_F(TamperTest, SwappingARecordWithTheNextFailsAtItsSeq) {
  for (std::size_t i = 0; i + 1 < lines_.size(); ++i) {
    auto lines = lines_;
    std::swap(lines[i].text, lines[i + 1].text);
    const VerifyResult result = check(lines);
    EXPECT_FALSE(result.ok) << "record " << i;
    EXPECT_EQ(result.bad_seq, seq_at(i)) << result.problem;
    EXPECT_EQ(result.problem, "expected seq " + std::to_string(seq_at(i)) + ", found " +
                                  std::to_string(seq_at(i + 1)));
  }
}

TEST_F(TamperTest, InsertingACopyOfAnotherRecordFailsAtItsSeq) {
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    for (const std::size_t other :
         {(i + 7) % lines_.size(), (i + lines_.size() - 1) % lines_.size()}) {
      if (other == i) continue;
      auto lines = lines_;
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i),
                   Line{lines_[i].file, lines_[other].text});
      const VerifyResult result = check(lines);
      EXPECT_FALSE(result.ok) << "record " << i << ", copy of " << other;
      EXPECT_EQ(result.bad_seq, seq_at(i)) << result.problem;
    }
  }
}

TEST_F(TamperTest, AForgedRecordAtTheEndFailsAtItsSeq) {
  const Line& last = lines_.back();
  const std::string last_hash = last.text.substr(last.text.size() - 66, 64);
  Event forged;
  forged.type = "mutation.outcome";
  forged.subject.token = "token-3";
  forged.data["result"] = "confirmed";
  Record record = make_record(forged, last_seq_ + 1, 1772366499000, last_hash);
  // Well chained, but its hash is not the hash of its content.
  record.line.replace(record.line.size() - 66, 64, std::string(64, 'e'));
  auto lines = lines_;
  lines.push_back({1, record.line});
  const VerifyResult result = check(lines);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.bad_seq, last_seq_ + 1);
  EXPECT_EQ(result.records, last_seq_);
  EXPECT_EQ(result.problem, "hash does not match the record's content");
  EXPECT_EQ(result.bad_file, current());
  EXPECT_EQ(result.bad_line, static_cast<std::size_t>(kPerFile + 2));
}

TEST_F(TamperTest, FilesInAnyOrderVerify) {
  for (const auto& files :
       {std::vector<fs::path>{rotated_, current()}, std::vector<fs::path>{current(), rotated_}}) {
    auto records = read_trail(files);
    ASSERT_TRUE(records) << records.error();
    const VerifyResult result = verify(*records, {});
    EXPECT_TRUE(result.ok) << result.problem;
    EXPECT_EQ(result.records, last_seq_);
    EXPECT_EQ(result.last_seq, last_seq_);
  }
  // Only the current file, anchored at the rotated file's last record.
  auto rotated = read_trail({rotated_});
  ASSERT_TRUE(rotated) << rotated.error();
  const VerifyResult first = verify(*rotated, {});
  ASSERT_TRUE(first.ok);
  auto later = read_trail({current()});
  ASSERT_TRUE(later) << later.error();
  const VerifyResult anchored = verify(*later, Anchor{first.last_seq, first.last_hash});
  EXPECT_TRUE(anchored.ok) << anchored.problem;
  EXPECT_EQ(anchored.last_seq, last_seq_);
}

}  // namespace
}  // namespace tw::audit
