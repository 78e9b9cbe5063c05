#include "config/fleet_loader.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <map>
#include <string>
#include <system_error>

#include "config/validators.h"

namespace tw::config {
namespace {

// The keys of each mapping in the section. Adding a key: one line here, and read it below.
constexpr std::array<KeySpec, 2> kFleetKeys{{{"defaults"}, {"hosts", Presence::kRequired}}};
constexpr std::array<KeySpec, 4> kDefaultsKeys{{{"port"}, {"user"}, {"self_token"}, {"tls"}}};
constexpr std::array<KeySpec, 9> kHostKeys{{{"name", Presence::kRequired},
                                            {"address", Presence::kRequired},
                                            {"port"},
                                            {"user"},
                                            {"credential"},
                                            {"accounts"},
                                            {"tags"},
                                            {"tls"},
                                            {"self_token"}}};
constexpr std::array<KeySpec, 2> kAccountKeys{
    {{"user", Presence::kRequired}, {"credential", Presence::kRequired}}};
constexpr std::array<KeySpec, 2> kTlsKeys{{{"ca_file"}, {"pin"}}};

// What `fleet.defaults` gives every host that does not say otherwise.
struct HostDefaults {
  std::uint16_t port = 2087;
  std::string user = "root";
  std::string self_token = "tokenwarden";
  TlsSettings tls;
};

class FleetReader {
 public:
  FleetReader(Diagnostics& diagnostics, std::filesystem::path base_directory)
      : diagnostics_(diagnostics), base_directory_(std::move(base_directory)) {}

  FleetDraft read(const Field& fleet);

 private:
  HostDefaults read_defaults(const Field& field);
  void read_host(const Field& field, const HostDefaults& defaults);
  void read_accounts(const Field& field, std::size_t host_index, Host& host);
  void read_tls(const Field& field, TlsSettings& tls);
  std::optional<std::filesystem::path> read_ca_file(const Field& field);

  // A string that must pass `check`; reports `'value' <why not>` otherwise.
  std::optional<std::string> read_checked(const Field& field, Check (*check)(std::string_view));
  std::optional<std::uint16_t> read_port(const Field& field);

  Diagnostics& diagnostics_;
  std::filesystem::path base_directory_;
  FleetDraft draft_;
  std::map<std::string, int, std::less<>> name_lines_;  // host name -> line it was defined on
};

FleetDraft FleetReader::read(const Field& fleet) {
  const auto mapping = Mapping::read(diagnostics_, fleet, kFleetKeys);
  if (!mapping) return {};
  HostDefaults defaults;
  if (const auto field = mapping->get("defaults")) defaults = read_defaults(*field);
  if (const auto hosts_field = mapping->get("hosts")) {
    if (const auto hosts = read_list(diagnostics_, *hosts_field)) {
      for (const Field& host : *hosts) read_host(host, defaults);
    }
  }
  return std::move(draft_);
}

HostDefaults FleetReader::read_defaults(const Field& field) {
  HostDefaults defaults;
  const auto mapping = Mapping::read(diagnostics_, field, kDefaultsKeys);
  if (!mapping) return defaults;
  if (const auto port = mapping->get("port"))
    defaults.port = read_port(*port).value_or(defaults.port);
  if (const auto user = mapping->get("user")) {
    defaults.user = read_checked(*user, check_user_name).value_or(defaults.user);
  }
  if (const auto token = mapping->get("self_token")) {
    defaults.self_token = read_checked(*token, check_token_name).value_or(defaults.self_token);
  }
  if (const auto tls = mapping->get("tls")) read_tls(*tls, defaults.tls);
  return defaults;
}

void FleetReader::read_host(const Field& field, const HostDefaults& defaults) {
  const auto mapping = Mapping::read(diagnostics_, field, kHostKeys);
  if (!mapping) return;
  const std::size_t host_index = draft_.hosts.size();
  Host& host = draft_.hosts.emplace_back();
  host.port = defaults.port;
  host.self_token = defaults.self_token;
  host.tls = defaults.tls;

  if (const auto name = mapping->get("name")) {
    if (auto value = read_checked(*name, check_host_name)) {
      const auto [first, inserted] = name_lines_.emplace(*value, name->position.line);
      if (!inserted) {
        diagnostics_.error(name->position, name->path,
                           "duplicate host name " + quote_value(*value) +
                               " (first defined at line " + std::to_string(first->second) + ")");
      }
      host.name = std::move(*value);
    }
  }
  if (const auto address = mapping->get("address")) {
    if (const auto text = read_string(diagnostics_, *address)) {
      if (auto normalized = normalize_address(*text)) {
        host.address = std::move(*normalized);
      } else {
        diagnostics_.error(address->position, address->path,
                           quote_value(*text) + " " + normalized.error());
      }
    }
  }
  if (const auto port = mapping->get("port")) host.port = read_port(*port).value_or(host.port);
  if (const auto token = mapping->get("self_token")) {
    host.self_token = read_checked(*token, check_token_name).value_or(host.self_token);
  }
  if (const auto tls = mapping->get("tls")) read_tls(*tls, host.tls);
  if (const auto tags = mapping->get("tags")) {
    for (const Field& tag : read_list(diagnostics_, *tags).value_or(std::vector<Field>{})) {
      if (auto value = read_string(diagnostics_, tag)) {
        if (value->empty() || value->find_first_of(" \t\r\n") != std::string::npos) {
          diagnostics_.error(tag.position, tag.path,
                             "a tag must be a non-empty word, got " + quote_value(*value));
        } else {
          host.tags.push_back(std::move(*value));
        }
      }
    }
  }

  const auto credential = mapping->get("credential");
  const auto accounts = mapping->get("accounts");
  const auto user = mapping->get("user");
  if (credential && accounts) {
    diagnostics_.error(accounts->position, accounts->path,
                       "cannot be combined with 'credential' (line " +
                           std::to_string(credential->position.line) +
                           "); use 'credential' for one WHM user or 'accounts' for several");
  } else if (accounts) {
    if (user) {
      diagnostics_.error(user->position, user->path,
                         "cannot be combined with 'accounts'; give each account its own user");
    }
    read_accounts(*accounts, host_index, host);
  } else if (credential) {
    Account& account = host.accounts.emplace_back();
    account.user = defaults.user;
    if (user) account.user = read_checked(*user, check_user_name).value_or(account.user);
    if (auto name = read_checked(*credential, check_credential_name)) {
      account.credential_name = std::move(*name);
      draft_.credentials.push_back({host_index, 0, *credential});
    }
  } else {
    diagnostics_.error(field.position, field.path,
                       "missing required key 'credential' (or 'accounts' for several WHM users)");
  }
}

void FleetReader::read_accounts(const Field& field, std::size_t host_index, Host& host) {
  const auto items = read_list(diagnostics_, field);
  if (!items) return;
  if (items->empty()) {
    diagnostics_.error(field.position, field.path, "must list at least one account");
    return;
  }
  std::map<std::string, int, std::less<>> user_lines;
  for (const Field& item : *items) {
    const auto mapping = Mapping::read(diagnostics_, item, kAccountKeys);
    if (!mapping) continue;
    Account account;
    if (const auto user = mapping->get("user")) {
      if (auto value = read_checked(*user, check_user_name)) {
        const auto [first, inserted] = user_lines.emplace(*value, user->position.line);
        if (!inserted) {
          diagnostics_.error(user->position, user->path,
                             "duplicate user " + quote_value(*value) +
                                 " on this host (first at line " + std::to_string(first->second) +
                                 ")");
        }
        account.user = std::move(*value);
      }
    }
    if (const auto credential = mapping->get("credential")) {
      if (auto name = read_checked(*credential, check_credential_name)) {
        account.credential_name = std::move(*name);
        draft_.credentials.push_back({host_index, host.accounts.size(), *credential});
      }
    }
    host.accounts.push_back(std::move(account));
  }
}

void FleetReader::read_tls(const Field& field, TlsSettings& tls) {
  const auto mapping = Mapping::read(diagnostics_, field, kTlsKeys);
  if (!mapping) return;
  if (const auto ca_file = mapping->get("ca_file")) {
    // `none` drops a CA file inherited from the defaults: a host with a self-signed
    // certificate is then authenticated by its pin alone (or, without one, the system store).
    if (ca_file->node.IsScalar() && ca_file->node.Scalar() == "none") {
      tls.ca_file.reset();
    } else if (auto path = read_ca_file(*ca_file)) {
      tls.ca_file = std::move(*path);
    }
  }
  if (const auto pin = mapping->get("pin")) {
    if (auto value = read_checked(*pin, check_pins)) tls.pinned_public_key = std::move(*value);
  }
}

std::optional<std::filesystem::path> FleetReader::read_ca_file(const Field& field) {
  const auto text = read_string(diagnostics_, field);
  if (!text) return std::nullopt;
  if (text->empty()) {
    diagnostics_.error(field.position, field.path, "must be a path to a CA bundle, got ''");
    return std::nullopt;
  }
  const std::filesystem::path path = (base_directory_ / *text).lexically_normal();
  const auto fail = [&](const std::string& why) {
    diagnostics_.error(field.position, field.path, "CA file '" + path.string() + "' " + why);
    return std::nullopt;
  };
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (status.type() == std::filesystem::file_type::not_found) return fail("does not exist");
  if (error) return fail("cannot be inspected: " + error.message());
  if (!std::filesystem::is_regular_file(status)) return fail("is not a regular file");
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return fail("cannot be read: " + std::generic_category().message(errno));
  std::fclose(file);
  return path;
}

std::optional<std::string> FleetReader::read_checked(const Field& field,
                                                     Check (*check)(std::string_view)) {
  auto value = read_string(diagnostics_, field);
  if (!value) return std::nullopt;
  if (const Check result = check(*value); !result) {
    const std::string shown = looks_like_api_token(*value) ? "the value" : quote_value(*value);
    diagnostics_.error(field.position, field.path, shown + " " + result.error());
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint16_t> FleetReader::read_port(const Field& field) {
  const auto port = read_integer(diagnostics_, field, 1, 65535);
  if (!port) return std::nullopt;
  return static_cast<std::uint16_t>(*port);
}

}  // namespace

FleetDraft read_fleet(Diagnostics& diagnostics, const Field& fleet,
                      const std::filesystem::path& base_directory) {
  return FleetReader(diagnostics, base_directory).read(fleet);
}

}  // namespace tw::config
