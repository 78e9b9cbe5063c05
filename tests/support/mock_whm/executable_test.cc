// mock-whm-fleet as a process: start it with a fixture, wait for the ready file, check the
// files it wrote, talk to a host (API and admin endpoints), stop it with SIGTERM.

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "tests/support/mock_whm/test_https_client.h"

extern char** environ;

namespace tw::mock::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kRootSecret = "EXE00000000000000000000000000001";

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A started mock-whm-fleet process, killed (SIGKILL) if a test leaves it running.
class Process {
 public:
  explicit Process(std::vector<std::string> args) {
    args.insert(args.begin(), MOCK_WHM_FLEET_EXE);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, MOCK_WHM_FLEET_EXE, nullptr, nullptr, argv.data(), environ) != 0)
      pid_ = -1;
  }
  ~Process() {
    if (pid_ > 0 && !exit_status_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  // The wait status once the process ended within `limit`, else nullopt.
  std::optional<int> wait(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!exit_status_ && std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_status_ = status;
      } else {
        std::this_thread::sleep_for(10ms);
      }
    }
    return exit_status_;
  }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
};

class ExecutableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("mock_whm_exe_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ExecutableTest, ServesTheFixtureUntilSigterm) {
  std::ofstream(dir_ / "fleet.yaml") << R"(
hosts:
  - name: whm01
    tags: [production]
    users:
      root:
        tokens:
          - {name: tokenwarden, secret: ")"
                                     << kRootSecret << R"("}
          - {name: old, created: -400d, acls: [list-accts]}
  - name_pattern: "bulk%02d"
    count: 2
    users: {root: {tokens: [{name: tokenwarden, secret: "EXE00000000000000000000000000002"}]}}
)";
  const fs::path out = dir_ / "out";
  const fs::path ready = dir_ / "ready";
  Process process({"--fixture", (dir_ / "fleet.yaml").string(), "--out", out.string(),
                   "--ready-file", ready.string()});
  ASSERT_GT(process.pid(), 0);
  for (int i = 0; i < 2000 && !fs::exists(ready); ++i) {
    ASSERT_FALSE(process.wait(10ms).has_value()) << "mock-whm-fleet exited early";
  }
  ASSERT_TRUE(fs::exists(ready));

  // The files.
  const std::string ca = read_file(out / "ca.pem");
  EXPECT_TRUE(ca.starts_with("-----BEGIN CERTIFICATE-----"));
  EXPECT_EQ(read_file(out / "credentials" / "whm01-root"), std::string(kRootSecret) + "\n");
  struct stat st {};
  ASSERT_EQ(::stat((out / "credentials" / "bulk01-root").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  const YAML::Node config = YAML::LoadFile((out / "tokenwarden.yaml").string());
  EXPECT_EQ(config["credentials_dir"].as<std::string>(),
            fs::canonical(out / "credentials").string());
  EXPECT_EQ(config["fleet"]["defaults"]["tls"]["ca_file"].as<std::string>(),
            fs::canonical(out / "ca.pem").string());
  const YAML::Node hosts = config["fleet"]["hosts"];
  ASSERT_EQ(hosts.size(), 3U);
  EXPECT_EQ(hosts[0]["name"].as<std::string>(), "whm01");
  EXPECT_EQ(hosts[0]["address"].as<std::string>(), "127.0.0.1");
  EXPECT_EQ(hosts[0]["credential"].as<std::string>(), "whm01-root");
  EXPECT_EQ(hosts[2]["name"].as<std::string>(), "bulk02");
  const auto port = hosts[0]["port"].as<std::uint16_t>();

  // The host answers the API and the admin endpoints.
  HttpsClientOptions options;
  options.ca_pem = ca;
  HttpsClient c(port, options);
  const auto listed =
      c.get("/json-api/api_token_list?api.version=1", whm_auth("root", kRootSecret));
  ASSERT_EQ(listed.status, 200U) << listed.error.message();
  EXPECT_TRUE(listed.json().at("data").at("tokens").as_object().contains("old"));
  const auto state = c.get("/__mock/state");
  ASSERT_EQ(state.status, 200U);
  const auto json = state.json();
  EXPECT_EQ(json.at("host"), "whm01");
  EXPECT_EQ(json.at("port"), port);
  EXPECT_EQ(json.at("calls").at("api_token_list"), 1);
  EXPECT_EQ(json.at("users").at("root").at("tokens").at("old").at("acls").at(0), "list-accts");
  EXPECT_EQ(state.body.find(kRootSecret), std::string::npos);
  EXPECT_EQ(state.body.find("hash"), std::string::npos);
  EXPECT_EQ(c.post_form("/__mock/fault", R"({"status": 503})").status, 200U);
  EXPECT_EQ(c.get("/json-api/api_token_list?api.version=1", whm_auth("root", kRootSecret)).status,
            503U);
  c.disconnect();

  ASSERT_EQ(::kill(process.pid(), SIGTERM), 0);
  const auto status = process.wait(10s);
  ASSERT_TRUE(status.has_value()) << "mock-whm-fleet did not stop on SIGTERM";
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
}

TEST_F(ExecutableTest, BadArgumentsAndBadFixturesHaveTheirExitCodes) {
  {
    Process process({"--fixture"});
    const auto status = process.wait(10s);
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(WEXITSTATUS(*status), 64);
  }
  std::ofstream(dir_ / "bad.yaml") << "hosts: [{name: a, colour: red}]\n";
  Process process({"--fixture", (dir_ / "bad.yaml").string(), "--out", (dir_ / "o").string()});
  const auto status = process.wait(10s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(WEXITSTATUS(*status), 78);
  EXPECT_FALSE(fs::exists(dir_ / "o"));
}

}  // namespace
}  // namespace tw::mock::testing
