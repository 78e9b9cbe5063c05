#include "policy/matching.h"

#include <algorithm>
#include <vector>

namespace tw::policy {
namespace {

// Empty matches everything; otherwise some glob must match.
bool any_glob(const std::vector<std::string>& globs, std::string_view text) {
  return globs.empty() || std::ranges::any_of(globs, [&](const std::string& glob) {
           return glob_match(glob, text);
         });
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matching with one backtrack point: the last `*` seen and where in `text` it
  // started. Linear in practice, never exponential, whatever a host sends.
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool scope_matches(const Scope& scope, const HostSnapshot& host, const std::string& user,
                   const std::string& token) {
  const bool tagged =
      scope.host_tags.empty() || std::ranges::any_of(scope.host_tags, [&](const std::string& tag) {
        return std::ranges::find(host.tags, tag) != host.tags.end();
      });
  return tagged && any_glob(scope.host_names, host.host) && any_glob(scope.users, user) &&
         any_glob(scope.tokens, token);
}

std::optional<std::string> protection_reason(const PolicySet& policies, const HostSnapshot& host,
                                             const std::string& token) {
  if (!host.self_token.empty() && token == host.self_token) {
    return "the daemon's own token on " + host.host + " is never mutated";
  }
  for (const auto& glob : policies.protected_tokens) {
    if (glob_match(glob, token)) return "protected by the pattern '" + glob + "': never mutated";
  }
  return std::nullopt;
}

std::optional<std::size_t> find_exemption(const PolicySet& policies, const std::string& host,
                                          const std::string& user, const std::string& token,
                                          const std::string& rule_id, EpochSeconds now) {
  for (std::size_t i = 0; i < policies.exemptions.size(); ++i) {
    const Exemption& exemption = policies.exemptions[i];
    if (exemption.expires <= now || exemption.tokens.empty()) continue;
    if (!any_glob(exemption.tokens, token) || !any_glob(exemption.hosts, host) ||
        !any_glob(exemption.users, user)) {
      continue;
    }
    if (!exemption.rules.empty() &&
        std::ranges::find(exemption.rules, rule_id) == exemption.rules.end()) {
      continue;
    }
    return i;
  }
  return std::nullopt;
}

}  // namespace tw::policy
