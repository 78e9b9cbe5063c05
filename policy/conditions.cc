#include "policy/conditions.h"

#include <algorithm>
#include <vector>

#include "policy/evaluate.h"
#include "policy/span.h"

namespace tw::policy {
namespace {

// A limit as the policy spelled it (`90d`, `2w`).
std::string limit(Seconds seconds) {
  return format_span(seconds);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// A whitelist entry from a host, quoted when it looks like an address; otherwise a neutral
// description, since the text may hold control characters or worse.
std::string describe_entry(std::string_view entry) {
  const bool plain = !entry.empty() && entry.size() <= 64 && std::ranges::all_of(entry, [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
           c == ':' || c == '/';
  });
  return plain ? "'" + std::string(entry) + "'" : "an entry that is not printable";
}

// Each check returns the sentence for a condition that holds, nullopt when it does not.
using Holds = std::optional<std::string>;

Holds check_expired(bool want, const Token& token, EpochSeconds now) {
  const bool expired = token.expired_at(now);
  if (expired != want) return std::nullopt;
  if (expired) {
    return "expired at " + format_time(*token.expires_at) + ", " +
           format_span(saturating_sub(now, *token.expires_at)) + " ago";
  }
  return token.expires_at ? "not expired (expires at " + format_time(*token.expires_at) + ")"
                          : std::string("not expired (never expires)");
}

Holds check_older_than(Seconds max_age, const Token& token, EpochSeconds now) {
  const Seconds age = saturating_sub(now, token.create_time);
  if (age <= max_age) return std::nullopt;
  return "created " + format_time(token.create_time) + ", " + format_span(age) +
         " ago; the limit is " + limit(max_age);
}

Holds check_never_expires(bool want, const Token& token) {
  if (token.never_expires() != want) return std::nullopt;
  return want ? std::string("never expires") : "expires at " + format_time(*token.expires_at);
}

Holds check_max_lifetime(Seconds max_life, const Token& token) {
  if (!token.expires_at) return "never expires; the maximum lifetime is " + limit(max_life);
  const Seconds life = saturating_sub(*token.expires_at, token.create_time);
  if (life <= max_life) return std::nullopt;
  return "lives " + format_span(life) + " (created " + format_time(token.create_time) +
         ", expires " + format_time(*token.expires_at) + "); the maximum lifetime is " +
         limit(max_life);
}

Holds check_expires_within(Seconds window, const Token& token, EpochSeconds now) {
  if (!token.expires_at || token.expired_at(now)) return std::nullopt;
  const Seconds left = saturating_sub(*token.expires_at, now);
  if (left > window) return std::nullopt;
  return "expires at " + format_time(*token.expires_at) + ", in " + format_span(left) +
         "; the window is " + limit(window);
}

Holds check_whitelist(const WhitelistCondition& cond, const Token& token) {
  // WHM stores an empty list as no list: both mean any IP.
  const bool any_ip = !token.whitelist_ips || token.whitelist_ips->empty();
  if (cond.required && any_ip) return "usable from any IP (no allow-list)";
  if (cond.within.empty() || any_ip) return std::nullopt;
  std::vector<std::string> outside;
  for (const auto& entry : *token.whitelist_ips) {
    // WHM's own entries are canonical; a stray host bit is read generously, and an entry that
    // does not parse at all cannot be shown to lie inside, so it counts as outside.
    const auto net = parse_network(entry, /*strict=*/false);
    const bool inside = net && std::ranges::any_of(cond.within, [&](const Network& approved) {
                          return approved.contains(*net);
                        });
    if (!inside) outside.push_back(describe_entry(entry));
  }
  if (outside.empty()) return std::nullopt;
  std::vector<std::string> approved;
  for (const auto& net : cond.within) approved.push_back(net.to_whm_string());
  return "allow-list entries outside " + join(approved) + ": " + join(outside);
}

Holds check_acls(const AclCondition& cond, const Token& token) {
  std::vector<std::string> granted;
  for (const auto& acl : cond.forbidden) {
    if (token.acls.grants(acl)) granted.push_back(acl);
  }
  if (!granted.empty()) {
    return "grants forbidden ACLs " + join(granted) +
           (token.acls.full_access ? " (full access)" : "");
  }
  if (!cond.allowed) return std::nullopt;
  if (token.acls.full_access) return std::string("has full access, beyond the allowed ACLs");
  std::vector<std::string> extra;
  for (const auto& acl : token.acls.names) {
    if (!cond.allowed->contains(acl)) extra.push_back(acl);
  }
  if (extra.empty()) return std::nullopt;
  return "grants ACLs outside the allowed set: " + join(extra);
}

Holds check_name(const NameCondition& cond, const Token& token) {
  const auto matches = [&](const std::string& glob) { return glob_match(glob, token.name); };
  if (!cond.must_match.empty() && std::ranges::none_of(cond.must_match, matches)) {
    std::vector<std::string> globs;
    for (const auto& glob : cond.must_match) globs.push_back("'" + glob + "'");
    return "the name matches none of " + join(globs);
  }
  const auto it = std::ranges::find_if(cond.must_not_match, matches);
  if (it != cond.must_not_match.end()) return "the name matches '" + *it + "'";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> conditions_hold(const Conditions& when, const Token& token,
                                           EpochSeconds now) {
  std::vector<std::string> parts;
  // Adds the sentence of a set condition; false when it is set and does not hold.
  const auto require = [&](bool set, const auto& check) {
    if (!set) return true;
    Holds holds = check();
    if (!holds) return false;
    parts.push_back(std::move(*holds));
    return true;
  };
  const bool all =
      require(when.expired.has_value(), [&] { return check_expired(*when.expired, token, now); }) &&
      require(when.older_than.has_value(),
              [&] { return check_older_than(*when.older_than, token, now); }) &&
      require(when.never_expires.has_value(),
              [&] { return check_never_expires(*when.never_expires, token); }) &&
      require(when.max_lifetime.has_value(),
              [&] { return check_max_lifetime(*when.max_lifetime, token); }) &&
      require(when.expires_within.has_value(),
              [&] { return check_expires_within(*when.expires_within, token, now); }) &&
      require(when.whitelist.has_value(),
              [&] { return check_whitelist(*when.whitelist, token); }) &&
      require(when.acls.has_value(), [&] { return check_acls(*when.acls, token); }) &&
      require(when.name.has_value(), [&] { return check_name(*when.name, token); });
  if (!all || parts.empty()) return std::nullopt;
  std::string why;
  for (const auto& part : parts) {
    if (!why.empty()) why += "; ";
    why += part;
  }
  return why;
}

}  // namespace tw::policy
