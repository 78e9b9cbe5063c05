// The grace history on disk: round trip, the first run, corrupt files of every kind (reported,
// never thrown, and read as empty), modes, and atomic replacement.

#include "daemon/state/grace_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "daemon/state/atomic_file.h"

namespace tw::state {
namespace {

namespace fs = std::filesystem;

// 2026-03-01T12:00:00Z and a day later.
constexpr policy::EpochSeconds kMarch1 = 1772366400;
constexpr policy::EpochSeconds kMarch2 = kMarch1 + 86400;

class GraceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "grace_store_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    state_dir_ = dir_ / "state";
  }
  void TearDown() override {
    std::error_code error;
    fs::permissions(dir_ / "locked", fs::perms::owner_all, error);
    fs::remove_all(dir_, error);
  }

  // Writes `text` as the grace file (creating the state directory).
  void write_grace_file(std::string_view text) {
    fs::create_directories(state_dir_);
    std::ofstream(grace_file(state_dir_), std::ios::binary) << text;
  }

  // Loads and expects a problem that names the file and contains `part`, and an empty grace.
  void expect_problem(std::string_view part) {
    const LoadedGrace loaded = load_grace(state_dir_);
    EXPECT_TRUE(loaded.existed);
    EXPECT_TRUE(loaded.grace.empty());
    ASSERT_TRUE(loaded.problem.has_value()) << "expected a problem containing: " << part;
    EXPECT_EQ(loaded.problem->rfind(grace_file(state_dir_).string() + ": ", 0), 0U)
        << *loaded.problem;
    EXPECT_NE(loaded.problem->find(part), std::string::npos)
        << "'" << part << "' not in: " << *loaded.problem;
  }

  [[nodiscard]] static std::string read_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  [[nodiscard]] static unsigned mode_of(const fs::path& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return static_cast<unsigned>(info.st_mode) & 07777U;
  }

  // Every name in `directory` other than `keep`.
  [[nodiscard]] static std::vector<std::string> other_files(const fs::path& directory,
                                                            std::string_view keep) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(directory)) {
      if (entry.path().filename() != keep) names.push_back(entry.path().filename().string());
    }
    return names;
  }

  fs::path dir_;
  fs::path state_dir_;
};

policy::GraceState sample_grace() {
  return {
      {{"whm01", "root", "ci_deploy", "max-age"}, kMarch1},
      {{"whm01", "root", "ci_deploy", "no-expiry"}, kMarch2},
      {{"whm02", "reseller1", "backup-2026", "max-age"}, 0},
  };
}

TEST_F(GraceStoreTest, GraceFileIsInTheStateDirectory) {
  EXPECT_EQ(grace_file("/var/lib/tokenwarden"), fs::path("/var/lib/tokenwarden/grace.json"));
}

TEST_F(GraceStoreTest, RoundTrip) {
  const policy::GraceState grace = sample_grace();
  ASSERT_TRUE(save_grace(state_dir_, grace));
  const LoadedGrace loaded = load_grace(state_dir_);
  EXPECT_TRUE(loaded.existed);
  EXPECT_FALSE(loaded.problem) << *loaded.problem;
  EXPECT_EQ(loaded.grace, grace);

  // The documented format, one entry per line, times in UTC.
  const std::string text = read_text(grace_file(state_dir_));
  EXPECT_EQ(text.rfind("{\"schema\":\"tokenwarden.grace/1\",\"entries\":[\n", 0), 0U) << text;
  EXPECT_NE(text.find("\"first_seen\":\"2026-03-01T12:00:00Z\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"host\":\"whm02\",\"user\":\"reseller1\",\"token\":\"backup-2026\","
                      "\"rule\":\"max-age\",\"first_seen\":\"1970-01-01T00:00:00Z\"}\n]}\n"),
            std::string::npos)
      << text;
}

TEST_F(GraceStoreTest, EmptyGraceRoundTrips) {
  ASSERT_TRUE(save_grace(state_dir_, {}));
  EXPECT_EQ(read_text(grace_file(state_dir_)),
            "{\"schema\":\"tokenwarden.grace/1\",\"entries\":[]}\n");
  const LoadedGrace loaded = load_grace(state_dir_);
  EXPECT_TRUE(loaded.existed);
  EXPECT_FALSE(loaded.problem);
  EXPECT_TRUE(loaded.grace.empty());
}

TEST_F(GraceStoreTest, NamesWithQuotesAndNonAsciiRoundTrip) {
  const policy::GraceState grace{{{"h\"1", "us\\er", "tok\nen", "r\xc3\xa9gle"}, kMarch1}};
  ASSERT_TRUE(save_grace(state_dir_, grace));
  const LoadedGrace loaded = load_grace(state_dir_);
  EXPECT_FALSE(loaded.problem) << *loaded.problem;
  EXPECT_EQ(loaded.grace, grace);
}

TEST_F(GraceStoreTest, MissingFileIsTheFirstRunNotAProblem) {
  LoadedGrace loaded = load_grace(state_dir_);  // not even the directory exists
  EXPECT_FALSE(loaded.existed);
  EXPECT_FALSE(loaded.problem);
  EXPECT_TRUE(loaded.grace.empty());

  fs::create_directories(state_dir_);
  loaded = load_grace(state_dir_);
  EXPECT_FALSE(loaded.existed);
  EXPECT_FALSE(loaded.problem);
}

TEST_F(GraceStoreTest, AnEmptyStateDirectoryIsNeverTheWorkingDirectory) {
  const LoadedGrace loaded = load_grace({});
  EXPECT_FALSE(loaded.existed);
  EXPECT_FALSE(loaded.problem);
  const auto saved = save_grace({}, sample_grace());
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error(), "no state directory: set state_dir");
}

TEST_F(GraceStoreTest, AcceptsEveryTimestampSpellingAndExtraMembers) {
  write_grace_file(R"({"schema":"tokenwarden.grace/1","written_by":"a later version","entries":[
    {"host":"a","user":"root","token":"t","rule":"r","first_seen":"2026-03-01","note":1},
    {"host":"b","user":"root","token":"t","rule":"r","first_seen":"1772366400"}]})");
  const LoadedGrace loaded = load_grace(state_dir_);
  EXPECT_FALSE(loaded.problem) << *loaded.problem;
  const policy::GraceState expected{{{"a", "root", "t", "r"}, kMarch1 - 12 * 3600},
                                    {{"b", "root", "t", "r"}, kMarch1}};
  EXPECT_EQ(loaded.grace, expected);
}

TEST_F(GraceStoreTest, TruncatedJson) {
  ASSERT_TRUE(save_grace(state_dir_, sample_grace()));
  const std::string text = read_text(grace_file(state_dir_));
  write_grace_file(text.substr(0, text.size() / 2));
  expect_problem("not valid JSON");
}

TEST_F(GraceStoreTest, EmptyFileAndGarbage) {
  write_grace_file("");
  expect_problem("not valid JSON");
  write_grace_file(
      "\x7f"
      "ELF\x01\x02");
  expect_problem("not valid JSON");
  write_grace_file(R"({"schema":"tokenwarden.grace/1","entries":[]} trailing)");
  expect_problem("not valid JSON");
}

TEST_F(GraceStoreTest, WrongSchema) {
  write_grace_file(R"([1, 2])");
  expect_problem("expected a JSON object, got an array");
  write_grace_file(R"({"entries":[]})");
  expect_problem("no 'schema' member");
  write_grace_file(R"({"schema":"tokenwarden.grace/2","entries":[]})");
  expect_problem("schema is 'tokenwarden.grace/2', expected 'tokenwarden.grace/1'");
  write_grace_file(R"({"schema":1,"entries":[]})");
  expect_problem("schema is 1, expected 'tokenwarden.grace/1'");
  write_grace_file(R"({"schema":"tokenwarden.audit/1","entries":[]})");
  expect_problem("schema is 'tokenwarden.audit/1'");
  write_grace_file(R"({"schema":"tokenwarden.grace/1"})");
  expect_problem("no 'entries' member");
  write_grace_file(R"({"schema":"tokenwarden.grace/1","entries":{}})");
  expect_problem("entries: expected an array, got an object");
}

TEST_F(GraceStoreTest, BadEntryEmptiesTheWholeGrace) {
  // One good entry before the bad one: nothing is kept, the file is not to be trusted.
  write_grace_file(R"({"schema":"tokenwarden.grace/1","entries":[
    {"host":"a","user":"root","token":"t","rule":"r","first_seen":"2026-03-01T12:00:00Z"},
    {"host":"b","user":"root","token":"t","first_seen":"2026-03-01T12:00:00Z"}]})");
  expect_problem("entries[1]: missing member 'rule'");

  write_grace_file(R"({"schema":"tokenwarden.grace/1","entries":[
    {"host":"a","user":"root","token":"t","rule":"r"}]})");
  expect_problem("entries[0]: missing member 'first_seen'");

  write_grace_file(R"({"schema":"tokenwarden.grace/1","entries":[
    {"host":"a","user":7,"token":"t","rule":"r","first_seen":"2026-03-01T12:00:00Z"}]})");
  expect_problem("entries[0].user: expected a string, got a number");

  write_grace_file(R"({"schema":"tokenwarden.grace/1","entries":["a"]})");
  expect_problem("entries[0]: expected an object, got a string");

  write_grace_file(R"({"schema":"tokenwarden.grace/1","entries":[
    {"host":"a","user":"root","token":"t","rule":"r","first_seen":"2026-03-01T12:00:00Z"},
    {"host":"a","user":"root","token":"t","rule":"r","first_seen":"2026-03-02T12:00:00Z"}]})");
  expect_problem("entries[1]: the same host, user, token and rule as an earlier entry");
}

TEST_F(GraceStoreTest, BadTimestamp) {
  write_grace_file(R"({"schema":"tokenwarden.grace/1","entries":[
    {"host":"a","user":"root","token":"t","rule":"r","first_seen":"2026-02-30T12:00:00Z"}]})");
  expect_problem("entries[0].first_seen: '2026-02-30T12:00:00Z' is not a UTC time");

  write_grace_file(R"({"schema":"tokenwarden.grace/1","entries":[
    {"host":"a","user":"root","token":"t","rule":"r","first_seen":1772366400}]})");
  expect_problem("entries[0].first_seen: expected a string, got a number");

  // Control bytes in the file do not reach the message as they are.
  write_grace_file(
      "{\"schema\":\"tokenwarden.grace/1\",\"entries\":[{\"host\":\"a\",\"user\":"
      "\"root\",\"token\":\"t\",\"rule\":\"r\",\"first_seen\":\"\\u001b[31m\"}]}");
  const LoadedGrace loaded = load_grace(state_dir_);
  ASSERT_TRUE(loaded.problem);
  EXPECT_EQ(loaded.problem->find('\x1b'), std::string::npos) << *loaded.problem;
  EXPECT_NE(loaded.problem->find("\\x1b[31m"), std::string::npos) << *loaded.problem;
}

TEST_F(GraceStoreTest, DirectoryInPlaceOfTheFile) {
  fs::create_directories(grace_file(state_dir_));
  expect_problem("not a regular file");
  // Saving cannot replace it either, and says so.
  const auto saved = save_grace(state_dir_, sample_grace());
  ASSERT_FALSE(saved);
  EXPECT_NE(saved.error().find(grace_file(state_dir_).string()), std::string::npos)
      << saved.error();
  EXPECT_TRUE(other_files(state_dir_, "grace.json").empty());  // no temporary file left
}

TEST_F(GraceStoreTest, SaveCreatesThePrivateStateDirectoryAndFile) {
  const fs::path nested = dir_ / "var" / "lib" / "tokenwarden";
  const mode_t previous = ::umask(0);  // the modes must not depend on the umask
  const auto saved = save_grace(nested, sample_grace());
  ::umask(previous);
  ASSERT_TRUE(saved) << saved.error();
  EXPECT_EQ(mode_of(nested), 0700U);
  EXPECT_EQ(mode_of(dir_ / "var"), 0700U);
  EXPECT_EQ(mode_of(grace_file(nested)), 0600U);
}

TEST_F(GraceStoreTest, AnExistingStateDirectoryKeepsItsMode) {
  fs::create_directories(state_dir_);
  fs::permissions(state_dir_, fs::perms(0750));
  ASSERT_TRUE(save_grace(state_dir_, sample_grace()));
  EXPECT_EQ(mode_of(state_dir_), 0750U);
  EXPECT_EQ(mode_of(grace_file(state_dir_)), 0600U);
}

TEST_F(GraceStoreTest, SaveReplacesAnExistingFileAndLeavesNoTemporaryFile) {
  ASSERT_TRUE(save_grace(state_dir_, sample_grace()));
  // An older file with a wider mode is replaced, not rewritten in place.
  fs::permissions(grace_file(state_dir_), fs::perms(0644));
  const policy::GraceState smaller{{{"whm03", "root", "x", "max-age"}, kMarch2}};
  ASSERT_TRUE(save_grace(state_dir_, smaller));
  const LoadedGrace loaded = load_grace(state_dir_);
  EXPECT_FALSE(loaded.problem) << *loaded.problem;
  EXPECT_EQ(loaded.grace, smaller);
  EXPECT_EQ(mode_of(grace_file(state_dir_)), 0600U);
  EXPECT_TRUE(other_files(state_dir_, "grace.json").empty());
}

TEST_F(GraceStoreTest, SaveOverACorruptFileRepairsIt) {
  write_grace_file("{\"schema\":");
  EXPECT_TRUE(load_grace(state_dir_).problem);
  ASSERT_TRUE(save_grace(state_dir_, sample_grace()));
  const LoadedGrace loaded = load_grace(state_dir_);
  EXPECT_FALSE(loaded.problem) << *loaded.problem;
  EXPECT_EQ(loaded.grace, sample_grace());
}

TEST_F(GraceStoreTest, UnwritableDirectoryGivesAnErrorAndKeepsTheOldFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  const fs::path locked = dir_ / "locked";
  ASSERT_TRUE(save_grace(locked, sample_grace()));
  fs::permissions(locked, fs::perms(0500));
  const auto saved = save_grace(locked, {});
  fs::permissions(locked, fs::perms(0700));
  ASSERT_FALSE(saved);
  EXPECT_NE(saved.error().find(grace_file(locked).string()), std::string::npos) << saved.error();
  EXPECT_NE(saved.error().find("Permission denied"), std::string::npos) << saved.error();
  EXPECT_EQ(load_grace(locked).grace, sample_grace());  // the old content is intact

  // A state directory that cannot be created.
  fs::permissions(locked, fs::perms(0500));
  const auto nested = save_grace(locked / "state", {});
  fs::permissions(locked, fs::perms(0700));
  ASSERT_FALSE(nested);
  EXPECT_NE(nested.error().find("cannot create the state directory " + (locked / "state").string()),
            std::string::npos)
      << nested.error();
}

TEST_F(GraceStoreTest, UnreadableFileIsAProblem) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores file permissions";
  ASSERT_TRUE(save_grace(state_dir_, sample_grace()));
  fs::permissions(grace_file(state_dir_), fs::perms::none);
  expect_problem("cannot open it: Permission denied");
}

TEST_F(GraceStoreTest, AtomicWriteUsesExactlyTheModeAndReplacesAStaleTemporaryFile) {
  const fs::path target = dir_ / "file.txt";
  // A temporary file with our pid left by a process that died (pids repeat across boots).
  const fs::path stale = target.string() + ".tmp." + std::to_string(::getpid());
  std::ofstream(stale) << "stale";
  ASSERT_TRUE(write_file_atomically(target, "content\n", 0640));
  EXPECT_EQ(read_text(target), "content\n");
  EXPECT_EQ(mode_of(target), 0640U);
  EXPECT_FALSE(fs::exists(stale));
}

TEST_F(GraceStoreTest, AtomicWriteIntoAMissingDirectoryNamesTheFile) {
  const fs::path target = dir_ / "missing" / "file.txt";
  const auto written = write_file_atomically(target, "x");
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().find(target.string()), std::string::npos) << written.error();
  EXPECT_NE(written.error().find("No such file or directory"), std::string::npos)
      << written.error();
}

}  // namespace
}  // namespace tw::state
