#include "daemon/cli/policy_loading.h"

#include <chrono>

#include "config/load_policies.h"
#include "policy/timestamp.h"

namespace tw::cli {

std::optional<policy::PolicySet> load_policy_set(const std::filesystem::path& directory,
                                                 policy::EpochSeconds now, std::ostream& err) {
  auto policies = config::load_policies(directory, now);
  if (!policies) {
    for (const auto& error : policies.error()) err << error.to_string() << "\n";
    err << policies.error().size() << (policies.error().size() == 1 ? " error" : " errors")
        << " in the policies\n";
    return std::nullopt;
  }
  return std::move(*policies);
}

std::optional<policy::EpochSeconds> evaluation_time(const std::optional<std::string>& now_option,
                                                    std::ostream& err) {
  if (!now_option) {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  auto parsed = policy::parse_utc(*now_option);
  if (!parsed) {
    err << "--now: " << parsed.error() << "\n";
    return std::nullopt;
  }
  return *parsed;
}

}  // namespace tw::cli
