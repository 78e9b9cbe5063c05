#include "daemon/run/generation.h"

#include <chrono>

#include "config/load_config.h"
#include "config/load_policies.h"

namespace tw::run {
namespace {

std::vector<std::string> describe(const config::ConfigErrors& errors) {
  std::vector<std::string> out;
  out.reserve(errors.size());
  for (const auto& error : errors) out.push_back(error.to_string());
  return out;
}

policy::EpochSeconds now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::expected<Generation, std::vector<std::string>> load_generation(const DaemonOptions& options) {
  config::LoadOptions load_options;
  load_options.credentials_directory = options.credentials_directory;
  auto configuration = config::load_config(options.config_file, load_options);
  if (!configuration) return std::unexpected(describe(configuration.error()));
  const auto& settings = configuration->settings;
  if (settings.policies_dir.empty()) {
    return std::unexpected(std::vector<std::string>{configuration->source.string() +
                                                    ": no policies: set `policies: DIR`"});
  }
  if (settings.mode == config::Mode::enforce && (!settings.audit || settings.state_dir.empty())) {
    return std::unexpected(std::vector<std::string>{
        configuration->source.string() +
        ": `mode: enforce` needs an audit trail and a state directory: set `audit: {path: "
        "FILE}` and `state_dir: DIR`"});
  }
  auto policies = config::load_policies(settings.policies_dir, now_seconds());
  if (!policies) return std::unexpected(describe(policies.error()));
  return Generation{std::move(*configuration), std::move(*policies)};
}

}  // namespace tw::run
