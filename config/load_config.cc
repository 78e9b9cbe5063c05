#include "config/load_config.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <string>
#include <system_error>

#include "config/credential.h"
#include "config/diagnostics.h"
#include "config/fleet_loader.h"
#include "config/source_file.h"
#include "config/spelling.h"
#include "config/yaml_reader.h"
#include "policy/duration.h"

namespace tw::config {
namespace {

// A body larger than this cannot be a sane api_token_list response.
constexpr std::int64_t kMaxResponseBytesLimit = 1LL << 30;
// The audit trail's rotation size: at least a page, at most 1 TiB.
constexpr std::int64_t kMinAuditBytes = 4096;
constexpr std::int64_t kMaxAuditBytes = 1LL << 40;

// What the top-level keys produce, before credentials are read and checks across keys run.
struct Draft {
  Settings settings;
  std::optional<Field> connect;  // the timeouts as written, for the connect <= request check
  std::optional<Field> request;
  bool timeouts_valid = true;  // false when one was written wrong (its error is reported)
  bool credentials_dir_written = false;
  std::optional<std::filesystem::path> credentials_dir;  // resolved; set when valid
  std::optional<Field> credentials_dir_field;
  FleetDraft fleet;
};

struct LoadContext {
  Diagnostics& diagnostics;
  std::filesystem::path base_directory;  // the configuration file's directory, absolute
  Draft draft;
};

void read_concurrency(const Field& field, LoadContext& context) {
  if (auto value = read_integer(context.diagnostics, field, 1, 4096)) {
    context.draft.settings.concurrency = static_cast<unsigned>(*value);
  }
}

// The daemon's sweep period: at least a second (a shorter one would hammer the fleet), at most
// a week (a longer one would leave the fleet unwatched).
void read_interval(const Field& field, LoadContext& context) {
  auto value = read_positive_duration(context.diagnostics, field);
  if (!value) return;
  if (*value < std::chrono::seconds(1) || *value > std::chrono::hours(24 * 7)) {
    context.diagnostics.error(
        field.position, field.path,
        "interval must be between 1s and 1w, got " + policy::format_duration(*value));
    return;
  }
  context.draft.settings.interval = *value;
}

void read_timeouts(const Field& field, LoadContext& context) {
  constexpr std::array<KeySpec, 2> kKeys{{{"connect"}, {"request"}}};
  const auto mapping = Mapping::read(context.diagnostics, field, kKeys);
  if (!mapping) {
    context.draft.timeouts_valid = false;
    return;
  }
  Timeouts& timeouts = context.draft.settings.timeouts;
  if (const auto connect = mapping->get("connect")) {
    if (auto value = read_positive_duration(context.diagnostics, *connect)) {
      timeouts.connect = *value;
      context.draft.connect = connect;
    } else {
      context.draft.timeouts_valid = false;
    }
  }
  if (const auto request = mapping->get("request")) {
    if (auto value = read_positive_duration(context.diagnostics, *request)) {
      timeouts.request = *value;
      context.draft.request = request;
    } else {
      context.draft.timeouts_valid = false;
    }
  }
}

void read_max_response_bytes(const Field& field, LoadContext& context) {
  if (auto value = read_integer(context.diagnostics, field, 1, kMaxResponseBytesLimit)) {
    context.draft.settings.max_response_bytes = static_cast<std::size_t>(*value);
  }
}

void read_credentials_dir(const Field& field, LoadContext& context) {
  context.draft.credentials_dir_written = true;
  const auto text = read_string(context.diagnostics, field);
  if (!text) return;
  if (text->empty()) {
    context.diagnostics.error(field.position, field.path, "must be a directory path, got ''");
    return;
  }
  context.draft.credentials_dir = (context.base_directory / *text).lexically_normal();
  context.draft.credentials_dir_field = field;
}

// The policy directory; loaded separately (config/load_policies.h) by whoever needs it.
void read_policies_dir(const Field& field, LoadContext& context) {
  const auto text = read_string(context.diagnostics, field);
  if (!text) return;
  if (text->empty()) {
    context.diagnostics.error(field.position, field.path, "must be a directory path, got ''");
    return;
  }
  context.draft.settings.policies_dir = (context.base_directory / *text).lexically_normal();
}

// Safety caps; each key is optional and keeps its default when left out. 0 forbids mutations.
void read_limits(const Field& field, LoadContext& context) {
  constexpr std::array<KeySpec, 3> kKeys{
      {{"max_mutations_per_sweep"}, {"max_mutations_per_host"}, {"max_revoke_percent_per_host"}}};
  const auto mapping = Mapping::read(context.diagnostics, field, kKeys);
  if (!mapping) return;
  policy::Limits& limits = context.draft.settings.limits;
  const auto read_cap = [&](const char* key, unsigned& out, std::int64_t high) {
    if (const auto value = mapping->get(key)) {
      if (auto number = read_integer(context.diagnostics, *value, 0, high)) {
        out = static_cast<unsigned>(*number);
      }
    }
  };
  read_cap("max_mutations_per_sweep", limits.max_mutations_per_sweep, 1'000'000);
  read_cap("max_mutations_per_host", limits.max_mutations_per_host, 1'000'000);
  read_cap("max_revoke_percent_per_host", limits.max_revoke_percent_per_host, 100);
}

// `dry-run` (the default) or `enforce`. Enforcing also needs `scan --enforce` (or the daemon),
// `audit` and `state_dir`; those checks belong to whoever mutates, not to loading.
void read_mode(const Field& field, LoadContext& context) {
  const auto text = read_string(context.diagnostics, field);
  if (!text) return;
  if (*text == "dry-run") {
    context.draft.settings.mode = Mode::dry_run;
  } else if (*text == "enforce") {
    context.draft.settings.mode = Mode::enforce;
  } else {
    std::string message = quote_value(*text) + " is not a mode: use dry-run or enforce";
    constexpr std::array<std::string_view, 2> kModes{"dry-run", "enforce"};
    if (const auto closest = closest_spelling(*text, kModes); !closest.empty()) {
      message.append(" (did you mean '").append(closest).append("'?)");
    }
    context.diagnostics.error(field.position, field.path, message);
  }
}

// A path resolved against the configuration file's directory (absolute ones are kept).
std::optional<std::filesystem::path> read_path(const Field& field, LoadContext& context,
                                               std::string_view what) {
  const auto text = read_string(context.diagnostics, field);
  if (!text) return std::nullopt;
  if (text->empty()) {
    context.diagnostics.error(field.position, field.path,
                              "must be " + std::string(what) + " path, got ''");
    return std::nullopt;
  }
  return (context.base_directory / *text).lexically_normal();
}

// The audit trail: `audit: {path: FILE, max_bytes: N}`; path is required.
void read_audit(const Field& field, LoadContext& context) {
  constexpr std::array<KeySpec, 2> kKeys{{{"path", Presence::kRequired}, {"max_bytes"}}};
  if (field.node.IsScalar()) {
    context.diagnostics.error(
        field.position, field.path,
        "expected a mapping {path: FILE, max_bytes: N}, got " + describe(field.node));
    return;
  }
  const auto mapping = Mapping::read(context.diagnostics, field, kKeys);
  if (!mapping) return;
  AuditSettings audit;
  bool valid = true;
  if (const auto path = mapping->get("path")) {
    if (auto resolved = read_path(*path, context, "a file")) {
      audit.path = std::move(*resolved);
    } else {
      valid = false;
    }
  } else {
    valid = false;  // reported by Mapping::read
  }
  if (const auto max_bytes = mapping->get("max_bytes")) {
    if (auto value =
            read_integer(context.diagnostics, *max_bytes, kMinAuditBytes, kMaxAuditBytes)) {
      audit.max_bytes = static_cast<std::uint64_t>(*value);
    } else {
      valid = false;
    }
  }
  if (valid) context.draft.settings.audit = std::move(audit);
}

// Where the grace history lives (daemon/state); created when first written.
void read_state_dir(const Field& field, LoadContext& context) {
  if (auto resolved = read_path(field, context, "a directory")) {
    context.draft.settings.state_dir = std::move(*resolved);
  }
}

void read_fleet_key(const Field& field, LoadContext& context) {
  context.draft.fleet = read_fleet(context.diagnostics, field, context.base_directory);
}

// Every top-level key. Adding one: a line here and the function that reads its value.
struct TopLevelKey {
  KeySpec spec;
  void (*read)(const Field& value, LoadContext& context);
};
constexpr std::array<TopLevelKey, 11> kTopLevelKeys{{
    {{"mode"}, read_mode},
    {{"interval"}, read_interval},
    {{"concurrency"}, read_concurrency},
    {{"timeouts"}, read_timeouts},
    {{"max_response_bytes"}, read_max_response_bytes},
    {{"credentials_dir"}, read_credentials_dir},
    {{"policies"}, read_policies_dir},
    {{"limits"}, read_limits},
    {{"audit"}, read_audit},
    {{"state_dir"}, read_state_dir},
    {{"fleet", Presence::kRequired}, read_fleet_key},
}};
constexpr auto kTopLevelSpecs = [] {
  std::array<KeySpec, kTopLevelKeys.size()> specs{};
  for (std::size_t i = 0; i < specs.size(); ++i) specs[i] = kTopLevelKeys[i].spec;
  return specs;
}();

// connect <= request: the request timeout covers the whole exchange, connect included.
void check_timeouts(LoadContext& context) {
  const Timeouts& timeouts = context.draft.settings.timeouts;
  if (!context.draft.timeouts_valid || timeouts.connect <= timeouts.request) return;
  // Point at connect when it was written; otherwise request was set below the default connect.
  const Field& where = context.draft.connect ? *context.draft.connect : *context.draft.request;
  context.diagnostics.error(where.position, where.path,
                            "connect timeout " + policy::format_duration(timeouts.connect) +
                                " is longer than request timeout " +
                                policy::format_duration(timeouts.request) +
                                "; the request timeout covers the whole exchange, connect "
                                "included");
}

bool is_existing_directory(const std::filesystem::path& path) {
  std::error_code error;
  return std::filesystem::is_directory(path, error);
}

// Reads every credential the fleet names, from $CREDENTIALS_DIRECTORY when the caller passes
// it, else from `credentials_dir`.
void read_credentials(LoadContext& context, const LoadOptions& options) {
  Draft& draft = context.draft;
  if (draft.fleet.credentials.empty()) return;
  Diagnostics& diagnostics = context.diagnostics;
  std::filesystem::path directory;
  if (options.credentials_directory) {
    directory = *options.credentials_directory;
    if (!is_existing_directory(directory)) {
      diagnostics.file_error("the credentials directory '" + directory.string() +
                             "' ($CREDENTIALS_DIRECTORY) is not a directory");
      return;
    }
  } else if (draft.credentials_dir) {
    directory = *draft.credentials_dir;
    if (!is_existing_directory(directory)) {
      const Field& field = *draft.credentials_dir_field;
      diagnostics.error(field.position, field.path,
                        "'" + directory.string() + "' is not a directory");
      return;
    }
  } else {
    if (draft.credentials_dir_written) return;  // its error is already reported
    const Field& first = draft.fleet.credentials.front().field;
    std::string message =
        "no credentials directory: set 'credentials_dir', or run under systemd with "
        "LoadCredential= (which sets $CREDENTIALS_DIRECTORY)";
    if (const auto count = draft.fleet.credentials.size(); count > 1) {
      message += "; this applies to all " + std::to_string(count) + " credentials";
    }
    diagnostics.error(first.position, first.path, message);
    return;
  }
  for (const CredentialReference& reference : draft.fleet.credentials) {
    Account& account = draft.fleet.hosts[reference.host].accounts[reference.account];
    auto token = read_credential(directory / account.credential_name);
    if (token) {
      account.token = std::move(*token);
    } else {
      diagnostics.error(reference.field.position, reference.field.path, token.error());
    }
  }
}

// Parses `text` as exactly one YAML document; reports syntax errors at their position.
std::optional<YAML::Node> parse_document(Diagnostics& diagnostics, const std::string& text) {
  auto document = parse_single_document(diagnostics, text, "configuration file");
  if (document && document->IsNull()) {
    diagnostics.file_error("the configuration file is empty; it needs at least a 'fleet' section");
    return std::nullopt;
  }
  return document;
}

}  // namespace

std::expected<Snapshot, ConfigErrors> load_config(const std::filesystem::path& file,
                                                  const LoadOptions& options) {
  Diagnostics diagnostics(file.string());
  std::error_code error;
  const std::filesystem::path source = std::filesystem::absolute(file, error).lexically_normal();
  if (error) {
    diagnostics.file_error("cannot resolve the configuration file's path: " + error.message());
    return std::unexpected(diagnostics.take());
  }
  const auto text = read_source_text(file, "configuration file");
  if (!text) {
    diagnostics.file_error(text.error());
    return std::unexpected(diagnostics.take());
  }
  const auto root = parse_document(diagnostics, *text);
  if (!root) return std::unexpected(diagnostics.take());

  LoadContext context{diagnostics, source.parent_path(), {}};
  try {
    // The root's position is left unknown: a missing top-level key is about the whole file.
    if (const auto mapping = Mapping::read(diagnostics, Field{*root, "", {}}, kTopLevelSpecs)) {
      for (const TopLevelKey& key : kTopLevelKeys) {
        if (const auto value = mapping->get(key.spec.name)) key.read(*value, context);
      }
    }
    check_timeouts(context);
    read_credentials(context, options);
  } catch (const YAML::Exception& e) {  // not expected: readers check types before access
    diagnostics.file_error(std::string("cannot interpret the configuration file: ") + e.what());
  }
  if (diagnostics.count() > 0) return std::unexpected(diagnostics.take());

  Snapshot snapshot;
  snapshot.source = source;
  snapshot.settings = context.draft.settings;
  snapshot.hosts = std::move(context.draft.fleet.hosts);
  return snapshot;
}

}  // namespace tw::config
