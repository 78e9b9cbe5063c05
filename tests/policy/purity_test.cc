// policy/ is pure (DESIGN.md): no I/O library headers, no clock, no file access. This test reads
// the sources, so a change that breaks the rule fails the build's tests, not a review.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> policy_sources() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(fs::path(TOKENWARDEN_SOURCE_DIR) / "policy")) {
    const auto ext = entry.path().extension();
    if (ext == ".h" || ext == ".cc") out.push_back(entry.path());
  }
  std::ranges::sort(out);
  return out;
}

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(PolicyPurity, SourcesExist) {
  EXPECT_GE(policy_sources().size(), 10U);
}

TEST(PolicyPurity, NoIoLibraryHeaders) {
  const std::vector<std::string> forbidden{"<asio",       "<boost/",    "<curl/",       "<spdlog/",
                                           "<systemd/",   "<yaml-cpp/", "\"yaml-cpp/",  "<fstream>",
                                           "<iostream>",  "<cstdio>",   "<filesystem>", "<thread>",
                                           "<sys/socket", "\"daemon/",  "\"config/"};
  for (const auto& path : policy_sources()) {
    std::istringstream lines(read(path));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.rfind("#include", 0) != 0) continue;
      for (const auto& bad : forbidden) {
        // timestamp.cc formats with snprintf from <cstdio>: formatting into a buffer is not I/O.
        if (bad == "<cstdio>" && path.filename() == "timestamp.cc") continue;
        EXPECT_EQ(line.find(bad), std::string::npos) << path.filename() << ": " << line;
      }
    }
  }
}

TEST(PolicyPurity, NoClockAndNoFileAccess) {
  const std::vector<std::string> forbidden{"system_clock::now",
                                           "steady_clock",
                                           "high_resolution_clock",
                                           "utc_clock::now",
                                           "time(",
                                           "gettimeofday",
                                           "clock_gettime",
                                           "std::ifstream",
                                           "std::ofstream",
                                           "fopen",
                                           "open(",
                                           "getenv",
                                           "printf(\"",
                                           "std::cout",
                                           "std::cerr",
                                           "rand()"};
  for (const auto& path : policy_sources()) {
    const std::string text = read(path);
    for (const auto& bad : forbidden) {
      std::size_t at = text.find(bad);
      // `time(` also ends words such as `create_time(`/`expired_at(...)`; only a call of the C
      // function itself (not preceded by an identifier character) counts.
      while (at != std::string::npos && bad == "time(" && at > 0 &&
             (std::isalnum(static_cast<unsigned char>(text[at - 1])) != 0 || text[at - 1] == '_')) {
        at = text.find(bad, at + 1);
      }
      while (at != std::string::npos && bad == "open(" && at > 0 &&
             (std::isalnum(static_cast<unsigned char>(text[at - 1])) != 0 || text[at - 1] == '_')) {
        at = text.find(bad, at + 1);
      }
      EXPECT_EQ(at, std::string::npos) << path.filename() << " contains " << bad;
    }
  }
}

}  // namespace
