// The trail writer on real files: the chain across close/open, rotation, reopening after the
// file was moved away and the head file; torn-tail repair; refusing a trail whose last line is
// not a record; one writer per trail; and the sticky failure latch when the file system refuses
// a write (RLIMIT_FSIZE, in a forked child).

#include "daemon/audit/trail_writer.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "daemon/audit/events.h"
#include "daemon/audit/trail_reader.h"
#include "daemon/audit/verify.h"
#include "tests/support/temp_dir.h"

namespace tw::audit {
namespace {

namespace fs = std::filesystem;

constexpr EpochMillis kStart = 1772366400000;  // 2026-03-01T12:00:00Z

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& file, const std::string& content) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << content;
}

Event numbered(int n) {
  Event event;
  event.type = "test.event";
  event.subject.host = "whm01";
  event.data["n"] = n;
  return event;
}

class TrailWriterTest : public ::testing::Test {
 protected:
  TrailOptions options() {
    TrailOptions o;
    o.path = dir_ / "audit.jsonl";
    o.clock = [this] { return now_ += 1000; };
    return o;
  }
  std::vector<ReadRecord> read(const std::vector<fs::path>& files) {
    auto records = read_trail(files);
    EXPECT_TRUE(records) << records.error();
    return records ? *records : std::vector<ReadRecord>{};
  }
  static std::string event_of(const ReadRecord& record) {
    return record.json ? string_member(*record.json, "event").value_or("") : "";
  }

  testing::TempDir dir_;
  EpochMillis now_ = kStart;
};

TEST_F(TrailWriterTest, NewTrailStartsAtTheGenesisWithMode0640) {
  OpenReport report;
  auto writer = TrailWriter::open(options(), &report);
  ASSERT_TRUE(writer) << writer.error();
  EXPECT_TRUE(report.created);
  EXPECT_EQ(report.torn_bytes, 0U);
  EXPECT_FALSE(report.problem);
  EXPECT_EQ(writer->last_seq(), 0U);
  EXPECT_EQ(writer->last_hash(), kGenesisHash);
  const auto record = writer->append(numbered(1));
  ASSERT_TRUE(record) << record.error();
  EXPECT_EQ(record->seq, 1U);
  EXPECT_EQ(record->time, kStart + 1000);
  EXPECT_EQ(writer->last_hash(), record->hash);
  EXPECT_EQ(read_file(dir_ / "audit.jsonl"), record->line + "\n");
  struct stat status {};
  ASSERT_EQ(::stat((dir_ / "audit.jsonl").c_str(), &status), 0);
  EXPECT_EQ(
      status.st_mode & 0777U, 0640U & ~[] {
        const mode_t mask = ::umask(0);
        ::umask(mask);
        return mask;
      }());
}

TEST_F(TrailWriterTest, ChainContinuesAcrossCloseAndOpen) {
  {
    auto writer = TrailWriter::open(options());
    ASSERT_TRUE(writer) << writer.error();
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE(writer->append(numbered(i)));
    ASSERT_TRUE(writer->close());
    EXPECT_FALSE(writer->append(numbered(99)));  // closed
  }
  OpenReport report;
  auto writer = TrailWriter::open(options(), &report);
  ASSERT_TRUE(writer) << writer.error();
  EXPECT_FALSE(report.created);
  EXPECT_EQ(writer->last_seq(), 3U);
  for (int i = 4; i <= 5; ++i) ASSERT_TRUE(writer->append(numbered(i), Durability::synced));
  ASSERT_TRUE(writer->sync());
  ASSERT_TRUE(writer->close());

  const auto records = read({dir_ / "audit.jsonl"});
  ASSERT_EQ(records.size(), 5U);  // reopening a trail with records adds none
  const VerifyResult result = verify(records, {});
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.records, 5U);
  EXPECT_EQ(result.last_seq, 5U);
  EXPECT_EQ(result.last_hash, writer->last_hash());
}

TEST_F(TrailWriterTest, RotationRenamesTheFileAndChainsTheNewOne) {
  TrailOptions o = options();
  o.max_bytes = 600;
  auto writer = TrailWriter::open(o);
  ASSERT_TRUE(writer) << writer.error();
  ASSERT_TRUE(writer->append(numbered(1)));
  auto not_due = writer->rotate_if_due();
  ASSERT_TRUE(not_due) << not_due.error();
  EXPECT_FALSE(*not_due);
  for (int i = 2; i <= 6; ++i) ASSERT_TRUE(writer->append(numbered(i)));
  const std::string old_hash = writer->last_hash();

  auto rotated = writer->rotate_if_due();
  ASSERT_TRUE(rotated) << rotated.error();
  ASSERT_TRUE(*rotated);
  const fs::path old_file = **rotated;
  // <path>.<yyyymmddThhmmss.mmmZ>
  EXPECT_EQ(old_file.filename().string(), "audit.jsonl.20260301T120007.000Z");
  EXPECT_EQ(read({old_file}).size(), 6U);

  ASSERT_TRUE(writer->append(numbered(7)));
  const auto fresh = read({o.path});
  ASSERT_EQ(fresh.size(), 2U);
  ASSERT_TRUE(fresh[0].json);
  const auto& continued = *fresh[0].json;
  EXPECT_EQ(event_of(fresh[0]), "trail.continued");
  EXPECT_EQ(seq_of(continued), 7U);
  EXPECT_EQ(string_member(continued, "prev"), old_hash);
  EXPECT_EQ(continued.at("data").at("from").as_string(), "file");
  EXPECT_EQ(continued.at("data").at("previous_file").as_string(), old_file.string());
  EXPECT_EQ(seq_of(*fresh[1].json), 8U);

  // Either order of the files: the reader orders them by their first seq.
  for (const auto& files :
       {std::vector<fs::path>{old_file, o.path}, std::vector<fs::path>{o.path, old_file}}) {
    const VerifyResult result = verify(read(files), {});
    EXPECT_TRUE(result.ok) << result.problem;
    EXPECT_EQ(result.records, 8U);
  }
}

TEST_F(TrailWriterTest, ReopenAfterTheFileWasMovedAway) {
  auto writer = TrailWriter::open(options());
  ASSERT_TRUE(writer) << writer.error();
  for (int i = 1; i <= 2; ++i) ASSERT_TRUE(writer->append(numbered(i)));
  ASSERT_TRUE(writer->reopen());  // not moved: nothing happens
  ASSERT_TRUE(writer->append(numbered(3)));
  EXPECT_EQ(read({dir_ / "audit.jsonl"}).size(), 3U);

  fs::rename(dir_ / "audit.jsonl", dir_ / "audit.jsonl.1");  // logrotate
  ASSERT_TRUE(writer->reopen());
  ASSERT_TRUE(writer->append(numbered(4)));
  const auto fresh = read({dir_ / "audit.jsonl"});
  ASSERT_EQ(fresh.size(), 2U);
  EXPECT_EQ(event_of(fresh[0]), "trail.continued");
  EXPECT_EQ(fresh[0].json->at("data").at("previous_file").as_string(),
            (dir_ / "audit.jsonl.1").string());
  EXPECT_EQ(fresh[0].json->at("data").at("from").as_string(), "file");
  const VerifyResult result = verify(read({dir_ / "audit.jsonl", dir_ / "audit.jsonl.1"}), {});
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.last_seq, 5U);
}

TEST_F(TrailWriterTest, ContinuesFromTheHeadFileWhenTheTrailIsGone) {
  TrailOptions o = options();
  o.head_file = dir_ / "audit.head";
  {
    auto writer = TrailWriter::open(o);
    ASSERT_TRUE(writer) << writer.error();
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE(writer->append(numbered(i)));
    ASSERT_TRUE(writer->close());
    const auto head = boost::json::parse(read_file(o.head_file)).as_object();
    EXPECT_EQ(head.at("seq").as_int64(), 3);
    EXPECT_EQ(head.at("hash").as_string(), writer->last_hash());
    EXPECT_EQ(head.at("file").as_string(), o.path.string());
  }
  fs::rename(o.path, dir_ / "archived.jsonl");  // moved away while the process was down

  OpenReport report;
  auto writer = TrailWriter::open(o, &report);
  ASSERT_TRUE(writer) << writer.error();
  EXPECT_TRUE(report.created);
  EXPECT_EQ(writer->last_seq(), 4U);
  const auto fresh = read({o.path});
  ASSERT_EQ(fresh.size(), 1U);
  EXPECT_EQ(event_of(fresh[0]), "trail.continued");
  EXPECT_EQ(fresh[0].json->at("data").at("from").as_string(), "head");
  EXPECT_EQ(fresh[0].json->at("data").at("previous_file").as_string(), o.path.string());
  const VerifyResult result = verify(read({dir_ / "archived.jsonl", o.path}), {});
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.records, 4U);
}

TEST_F(TrailWriterTest, RotationWritesTheHeadBeforeRenaming) {
  TrailOptions o = options();
  o.max_bytes = 300;
  o.head_file = dir_ / "audit.head";
  std::string name_in_head;
  {
    auto writer = TrailWriter::open(o);
    ASSERT_TRUE(writer) << writer.error();
    for (int i = 1; i <= 4; ++i) ASSERT_TRUE(writer->append(numbered(i)));
    // Stop the rotation right before its rename: the trail's name is gone (a hard link keeps
    // its content), so the rename fails. The head must already name where the file was going.
    fs::create_hard_link(o.path, dir_ / "kept");
    fs::remove(o.path);
    const auto rotated = writer->rotate_if_due();
    ASSERT_FALSE(rotated);
    const auto head = boost::json::parse(read_file(o.head_file)).as_object();
    EXPECT_EQ(head.at("seq").as_int64(), 4);
    EXPECT_EQ(head.at("hash").as_string(), writer->last_hash());
    name_in_head = std::string(head.at("file").as_string());
    EXPECT_EQ(fs::path(name_in_head).filename().string(), "audit.jsonl.20260301T120005.000Z");
  }  // dropped failed: the head file is left as it was

  // The state a kill right after the rename leaves: the file renamed, no new file yet. The next
  // start chains on from the head, to the file the head names.
  fs::rename(dir_ / "kept", name_in_head);
  OpenReport report;
  auto writer = TrailWriter::open(o, &report);
  ASSERT_TRUE(writer) << writer.error();
  EXPECT_TRUE(report.created);
  const auto fresh = read({o.path});
  ASSERT_EQ(fresh.size(), 1U);
  EXPECT_EQ(event_of(fresh[0]), "trail.continued");
  EXPECT_EQ(seq_of(*fresh[0].json), 5U);
  EXPECT_EQ(fresh[0].json->at("data").at("previous_file").as_string(), name_in_head);
  const VerifyResult result = verify(read({name_in_head, o.path}), {});
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.records, 5U);
}

TEST_F(TrailWriterTest, ARotationLeavesTheHeadAtTheNewFile) {
  TrailOptions o = options();
  o.max_bytes = 300;
  o.head_file = dir_ / "audit.head";
  auto writer = TrailWriter::open(o);
  ASSERT_TRUE(writer) << writer.error();
  for (int i = 1; i <= 4; ++i) ASSERT_TRUE(writer->append(numbered(i)));
  const auto rotated = writer->rotate_if_due();
  ASSERT_TRUE(rotated) << rotated.error();
  ASSERT_TRUE(*rotated);
  const auto head = boost::json::parse(read_file(o.head_file)).as_object();
  EXPECT_EQ(head.at("seq").as_int64(), 5);  // the new file's trail.continued
  EXPECT_EQ(head.at("hash").as_string(), writer->last_hash());
  EXPECT_EQ(head.at("file").as_string(), o.path.string());
}

TEST_F(TrailWriterTest, ATrailBehindTheHeadIsRefused) {
  TrailOptions o = options();
  o.head_file = dir_ / "audit.head";
  {
    auto writer = TrailWriter::open(o);
    ASSERT_TRUE(writer) << writer.error();
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE(writer->append(numbered(i)));
    ASSERT_TRUE(writer->sync());
    fs::copy_file(o.path, dir_ / "older-copy");
    for (int i = 4; i <= 5; ++i) ASSERT_TRUE(writer->append(numbered(i)));
    ASSERT_TRUE(writer->close());  // head: seq 5
  }
  const std::string newer = read_file(o.path);
  fs::copy_file(dir_ / "older-copy", o.path, fs::copy_options::overwrite_existing);  // rollback
  const std::string older = read_file(o.path);

  OpenReport report;
  auto refused = TrailWriter::open(o, &report);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("ends at seq 3"), std::string::npos) << refused.error();
  EXPECT_NE(refused.error().find("is at seq 5"), std::string::npos) << refused.error();
  EXPECT_NE(refused.error().find("older copy"), std::string::npos) << refused.error();
  EXPECT_NE(refused.error().find("audit.head"), std::string::npos) << refused.error();
  ASSERT_TRUE(report.problem);
  EXPECT_EQ(*report.problem, refused.error());
  EXPECT_EQ(read_file(o.path), older);  // left as it was

  // Another trail of as many records (another chain) is refused too.
  {
    TrailOptions other = options();
    other.path = dir_ / "other.jsonl";
    auto writer = TrailWriter::open(other);
    ASSERT_TRUE(writer) << writer.error();
    for (int i = 1; i <= 5; ++i) ASSERT_TRUE(writer->append(numbered(100 + i)));
  }
  fs::copy_file(dir_ / "other.jsonl", o.path, fs::copy_options::overwrite_existing);
  auto forked = TrailWriter::open(o);
  ASSERT_FALSE(forked);
  EXPECT_NE(forked.error().find("another hash"), std::string::npos) << forked.error();

  // The trail the head was taken from opens.
  write_file(o.path, newer);
  auto writer = TrailWriter::open(o);
  ASSERT_TRUE(writer) << writer.error();
  EXPECT_EQ(writer->last_seq(), 5U);
}

TEST_F(TrailWriterTest, AnUnreadableHeadFileIsRefused) {
  TrailOptions o = options();
  o.head_file = dir_ / "audit.head";
  write_file(o.head_file, "{\"seq\":3}");
  OpenReport report;
  auto writer = TrailWriter::open(o, &report);
  ASSERT_FALSE(writer);
  EXPECT_NE(writer.error().find("audit.head"), std::string::npos) << writer.error();
  EXPECT_TRUE(report.problem);
}

TEST_F(TrailWriterTest, TornTailIsCutOffAndRecorded) {
  std::string hash;
  {
    auto writer = TrailWriter::open(options());
    ASSERT_TRUE(writer) << writer.error();
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE(writer->append(numbered(i)));
    hash = writer->last_hash();
  }
  const std::string whole = read_file(dir_ / "audit.jsonl");
  const std::string torn = R"({"v":1,"seq":4,"ts":"2026-03-01T12:00)";
  write_file(dir_ / "audit.jsonl", whole + torn);
  EXPECT_FALSE(verify(read({dir_ / "audit.jsonl"}), {}).ok);

  OpenReport report;
  auto writer = TrailWriter::open(options(), &report);
  ASSERT_TRUE(writer) << writer.error();
  EXPECT_EQ(report.torn_bytes, torn.size());
  EXPECT_FALSE(report.created);
  EXPECT_EQ(writer->last_seq(), 4U);
  const auto records = read({dir_ / "audit.jsonl"});
  ASSERT_EQ(records.size(), 4U);
  EXPECT_EQ(event_of(records[3]), "trail.repaired");
  EXPECT_EQ(records[3].json->at("data").at("torn_bytes").as_int64(),
            static_cast<std::int64_t>(torn.size()));
  EXPECT_EQ(string_member(*records[3].json, "prev"), hash);
  EXPECT_TRUE(read_file(dir_ / "audit.jsonl").starts_with(whole));
  EXPECT_TRUE(verify(records, {}).ok);
}

TEST_F(TrailWriterTest, ATrailWhoseLastLineIsNotARecordIsRefused) {
  for (const std::string& content :
       {std::string("not json\n"), std::string("{\"seq\":1}\n"), std::string("[1,2]\n")}) {
    write_file(dir_ / "audit.jsonl", content);
    OpenReport report;
    auto writer = TrailWriter::open(options(), &report);
    ASSERT_FALSE(writer) << content;
    EXPECT_NE(writer.error().find("not an intact audit record"), std::string::npos)
        << writer.error();
    EXPECT_TRUE(report.problem);
    EXPECT_EQ(read_file(dir_ / "audit.jsonl"), content);  // left as it was
  }
  // A record whose content was changed after it was written: refused too.
  {
    fs::remove(dir_ / "audit.jsonl");
    auto writer = TrailWriter::open(options());
    ASSERT_TRUE(writer) << writer.error();
    ASSERT_TRUE(writer->append(numbered(1)));
  }
  std::string content = read_file(dir_ / "audit.jsonl");
  content.replace(content.find("\"n\":1"), 5, "\"n\":2");
  write_file(dir_ / "audit.jsonl", content);
  EXPECT_FALSE(TrailWriter::open(options()));
}

TEST_F(TrailWriterTest, OneWriterPerTrail) {
  auto first = TrailWriter::open(options());
  ASSERT_TRUE(first) << first.error();
  auto second = TrailWriter::open(options());
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().find("another tokenwarden process"), std::string::npos)
      << second.error();
  ASSERT_TRUE(first->close());
  EXPECT_TRUE(TrailWriter::open(options()));
}

TEST_F(TrailWriterTest, MovedWriterKeepsWriting) {
  auto opened = TrailWriter::open(options());
  ASSERT_TRUE(opened) << opened.error();
  TrailWriter writer = std::move(*opened);
  ASSERT_TRUE(writer.append(numbered(1)));
  TrailWriter other = std::move(writer);
  ASSERT_TRUE(other.append(numbered(2)));
  EXPECT_EQ(other.last_seq(), 2U);
  EXPECT_TRUE(verify(read({dir_ / "audit.jsonl"}), {}).ok);
}

TEST_F(TrailWriterTest, OpenFailsWhenTheDirectoryIsMissing) {
  TrailOptions o = options();
  o.path = dir_ / "missing" / "audit.jsonl";
  auto writer = TrailWriter::open(o);
  ASSERT_FALSE(writer);
  EXPECT_NE(writer.error().find("missing/audit.jsonl"), std::string::npos) << writer.error();
}

// In a child process: after the file size limit, append fails, every later append fails with
// the same message, and no partial line is left behind. Exit codes name the failed step.
int fill_until_the_limit(const fs::path& path) {
  ::signal(SIGXFSZ, SIG_IGN);  // as tokenwarden's main does: write returns EFBIG instead
  TrailOptions o;
  o.path = path;
  auto writer = TrailWriter::open(o);
  if (!writer) return 10;
  if (!writer->append(numbered(0))) return 11;
  const rlimit limit{4096, 4096};
  if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 12;
  int appended = 0;
  std::string first_error;
  for (int i = 1; i < 1000; ++i) {
    Event event = numbered(i);
    event.data["padding"] = std::string(100, 'p');
    const auto record =
        writer->append(event, i % 2 == 0 ? Durability::synced : Durability::buffered);
    if (!record) {
      first_error = record.error();
      break;
    }
    ++appended;
  }
  if (first_error.empty()) return 13;  // never failed
  if (appended == 0) return 14;
  if (!writer->failed() || writer->failure() != first_error) return 15;
  if (first_error.find(path.string()) == std::string::npos) return 16;
  for (int i = 0; i < 3; ++i) {
    const auto again = writer->append(numbered(2000 + i));
    if (again || again.error() != first_error) return 17;
  }
  if (writer->sync()) return 18;
  if (writer->rotate_if_due()) return 19;
  if (writer->close()) return 20;  // close reports the failure
  return 0;
}

TEST_F(TrailWriterTest, FailureLatchesWhenTheFileSystemRefusesAWrite) {
  const fs::path path = dir_ / "audit.jsonl";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(fill_until_the_limit(path));
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  ASSERT_EQ(WEXITSTATUS(status), 0);

  const std::string content = read_file(path);
  EXPECT_LE(content.size(), 4096U);
  ASSERT_FALSE(content.empty());
  EXPECT_EQ(content.back(), '\n');  // no partial line
  const auto records = read({path});
  EXPECT_GT(records.size(), 2U);
  const VerifyResult result = verify(records, {});
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.records, records.size());

  // Once there is room again, a new writer continues the chain.
  auto writer = TrailWriter::open(options());
  ASSERT_TRUE(writer) << writer.error();
  ASSERT_TRUE(writer->append(numbered(3000)));
  EXPECT_TRUE(verify(read({path}), {}).ok);
}

}  // namespace
}  // namespace tw::audit
