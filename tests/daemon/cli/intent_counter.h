#pragma once
// Shared by the crash and restart-loop tests: what the mock checks at the moment a mutation
// arrives, namely that its intent is already in the trail file.

#include <boost/json.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace tw::testing {

using MutationKey = std::tuple<std::string, std::string, std::string>;  // host, user, token

// Follows the trail file as it grows and counts the intents per token. Thread-safe.
class IntentCounter {
 public:
  explicit IntentCounter(std::filesystem::path file) : file_(std::move(file)) {}

  std::size_t intents(const MutationKey& key) {
    std::lock_guard lock(mu_);
    catch_up();
    const auto it = counts_.find(key);
    return it == counts_.end() ? 0 : it->second;
  }

 private:
  void catch_up() {
    std::ifstream in(file_, std::ios::binary);
    if (!in) return;
    in.seekg(static_cast<std::streamoff>(offset_));
    std::string line;
    while (std::getline(in, line)) {
      if (in.eof()) break;  // no newline yet: not a whole record
      offset_ += line.size() + 1;
      if (line.find("\"event\":\"mutation.intent\"") == std::string::npos) continue;
      const auto record = boost::json::parse(line).as_object();
      ++counts_[{std::string(record.at("host").as_string()),
                 std::string(record.at("user").as_string()),
                 std::string(record.at("token").as_string())}];
    }
  }

  std::filesystem::path file_;
  std::mutex mu_;
  std::uint64_t offset_ = 0;
  std::map<MutationKey, std::size_t> counts_;
};

// The WHM user of an `Authorization: whm USER:SECRET` header (the secret is not kept).
inline std::string user_of(const std::string& authorization) {
  const auto space = authorization.find(' ');
  const auto colon = authorization.find(':');
  if (space == std::string::npos || colon == std::string::npos || colon < space) return "";
  return authorization.substr(space + 1, colon - space - 1);
}

}  // namespace tw::testing
