#include "config/load_policies.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <string>
#include <system_error>
#include <vector>

#include "config/acl_catalog.h"
#include "config/content_hash.h"
#include "config/diagnostics.h"
#include "config/policy_draft.h"
#include "config/policy_reader.h"
#include "config/source_file.h"
#include "config/spelling.h"

namespace tw::config {
namespace {

constexpr std::string_view kWhat = "policy file";

bool is_policy_file_name(const std::string& name) {
  if (name.empty() || name.front() == '.') return false;  // hidden, editor locks (`.#x.yaml`)
  return name.ends_with(".yaml") || name.ends_with(".yml");
}

// `<length>:<bytes>,`: pieces that cannot run into each other.
void append_netstring(std::string& out, std::string_view bytes) {
  out += std::to_string(bytes.size());
  out += ':';
  out += bytes;
  out += ',';
}

// The policy files of `directory`, sorted by name (byte-wise), or nothing after reporting why
// there are none into `diagnostics` (which is about the directory).
std::vector<std::filesystem::path> list_policy_files(const std::filesystem::path& directory,
                                                     Diagnostics& diagnostics) {
  std::error_code error;
  const auto status = std::filesystem::status(directory, error);
  if (status.type() == std::filesystem::file_type::not_found) {
    diagnostics.file_error("cannot read the policy directory: it does not exist");
    return {};
  }
  if (error) {
    diagnostics.file_error("cannot read the policy directory: " + error.message());
    return {};
  }
  if (!std::filesystem::is_directory(status)) {
    diagnostics.file_error("cannot read the policy directory: it is not a directory");
    return {};
  }
  std::vector<std::string> names;
  std::filesystem::directory_iterator it(directory, error);
  for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    std::string name = it->path().filename().string();
    std::error_code type_error;
    if (it->is_directory(type_error)) continue;  // subdirectories are not read
    if (is_policy_file_name(name)) names.push_back(std::move(name));
  }
  if (error) {
    diagnostics.file_error("cannot read the policy directory: " + error.message());
    return {};
  }
  if (names.empty()) {
    diagnostics.file_error("the policy directory holds no policy files (*.yaml or *.yml)");
    return {};
  }
  std::sort(names.begin(), names.end());  // std::string compares bytes as unsigned char
  std::vector<std::filesystem::path> files;
  files.reserve(names.size());
  for (const std::string& name : names) files.push_back(directory / name);
  return files;
}

// ACL names must be WHM's or declared in `third_party_acls` of some file.
void check_acl_names(const PolicyDraft& draft, std::vector<Diagnostics>& diagnostics) {
  for (const Reference& acl : draft.acl_names) {
    if (is_whm_acl(acl.name) || draft.set.third_party_acls.contains(acl.name)) continue;
    std::string message = quote_value(acl.name) + " is not a WHM ACL";
    if (const auto closest = closest_spelling(acl.name, whm_acl_names()); !closest.empty()) {
      message.append(" (did you mean '").append(closest).append("'?)");
    }
    message += "; declare an Additional Software ACL in third_party_acls";
    Diagnostics& file = diagnostics[acl.file];
    const std::string previous = file.subject();
    file.set_subject(acl.subject);
    file.error(acl.field.position, acl.field.path, message);
    file.set_subject(previous);
  }
}

// The rules an exemption names must exist in some file.
void check_rule_references(const PolicyDraft& draft, std::vector<Diagnostics>& diagnostics) {
  std::vector<std::string_view> ids;
  for (const auto& [id, source] : draft.defined_rules) ids.push_back(id);
  for (const Reference& rule : draft.rule_ids) {
    if (draft.defined_rules.contains(rule.name)) continue;
    std::string message = "no rule has the id " + quote_value(rule.name);
    if (const auto closest = closest_spelling(rule.name, ids); !closest.empty()) {
      message.append(" (did you mean '").append(closest).append("'?)");
    }
    diagnostics[rule.file].error(rule.field.position, rule.field.path, message);
  }
}

// Reads `files` (already known to exist by name) into one policy set. `top` holds errors about
// the set as a whole and comes first in the result.
std::expected<policy::PolicySet, ConfigErrors> load_files(
    const std::vector<std::filesystem::path>& files, Diagnostics top, policy::EpochSeconds now) {
  PolicyDraft draft;
  std::vector<Diagnostics> diagnostics;
  diagnostics.reserve(files.size());
  std::string hashed;
  for (std::size_t index = 0; index < files.size(); ++index) {
    const std::filesystem::path& path = files[index];
    draft.set.files.push_back(path.string());
    Diagnostics& file = diagnostics.emplace_back(path.string());
    const auto text = read_source_text(path, kWhat);
    if (!text) {
      file.file_error(text.error());
      continue;
    }
    append_netstring(hashed, path.filename().string());
    append_netstring(hashed, *text);
    const auto document = parse_single_document(file, *text, kWhat);
    if (!document) continue;
    try {
      read_policy_document(file, *document, index, now, draft);
    } catch (const YAML::Exception& e) {  // not expected: readers check types before access
      file.file_error(std::string("cannot interpret the policy file: ") + e.what());
    }
  }
  check_acl_names(draft, diagnostics);
  check_rule_references(draft, diagnostics);

  std::size_t file_errors = 0;
  for (const Diagnostics& file : diagnostics) file_errors += file.count();
  if (file_errors == 0 && draft.set.rules.empty()) {
    top.file_error(files.size() == 1 ? "the policy file holds no rules"
                                     : "none of the policy files holds a rule");
  }
  ConfigErrors errors = top.take();
  for (Diagnostics& file : diagnostics) {
    for (ConfigError& error : file.take()) errors.push_back(std::move(error));
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));

  const std::string_view piece = hashed;
  auto hash = sha256_hex(std::span(&piece, 1));
  if (!hash) {
    top.file_error("cannot compute the policy hash (OpenSSL failed)");
    return std::unexpected(top.take());
  }
  draft.set.hash = std::move(*hash);
  return std::move(draft.set);
}

}  // namespace

std::expected<policy::PolicySet, ConfigErrors> load_policies(const std::filesystem::path& directory,
                                                             policy::EpochSeconds now) {
  if (directory.empty()) {
    Diagnostics top("policies");
    top.file_error("no policy directory given");
    return std::unexpected(top.take());
  }
  Diagnostics top(directory.string());
  const auto files = list_policy_files(directory, top);
  if (files.empty()) return std::unexpected(top.take());
  return load_files(files, std::move(top), now);
}

std::expected<policy::PolicySet, ConfigErrors> load_policy_file(const std::filesystem::path& file,
                                                                policy::EpochSeconds now) {
  return load_files({file}, Diagnostics(file.string()), now);
}

}  // namespace tw::config
