#include "tests/support/mock_whm/token_rules.h"

#include <algorithm>
#include <charconv>

#include "tests/support/mock_whm/acl_catalog.h"
#include "tests/support/mock_whm/ip_range.h"

namespace tw::mock {

std::string quoted(std::string_view text) {
  return "\u201C" + std::string(text) + "\u201D";
}

std::string list_and(const std::vector<std::string>& items) {
  if (items.empty()) return {};
  if (items.size() == 1) return items.front();
  if (items.size() == 2) return items[0] + " and " + items[1];
  std::string out;
  for (std::size_t i = 0; i + 1 < items.size(); ++i) out += items[i] + ", ";
  return out + "and " + items.back();
}

bool is_valid_token_name(std::string_view name) {
  return !name.empty() && name.size() <= 50 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

std::expected<void, std::string> check_token_name(std::string_view name) {
  if (is_valid_token_name(name)) return {};
  return std::unexpected(quoted(name) +
                         " is not a valid API token name. An API token name must not be longer "
                         "than 50 characters and may only contain the following characters: "
                         "a-z A-Z 0-9 _ -");
}

std::expected<std::optional<std::vector<std::string>>, std::string> normalise_acls(
    std::vector<std::string> given, const WhmUser& owner) {
  std::erase(given, std::string{});
  std::sort(given.begin(), given.end());
  given.erase(std::unique(given.begin(), given.end()), given.end());
  std::vector<std::string> refused;
  for (const auto& acl : given) {
    if (!is_known_acl(acl) || !owner.holds(acl)) refused.push_back(acl);
  }
  if (refused.size() == 1)
    return std::unexpected("Invalid or unauthorized ACL specified: " + refused[0]);
  if (!refused.empty()) {
    return std::unexpected("Invalid or unauthorized ACLs specified: " + list_and(refused));
  }
  if (given.empty()) return std::optional<std::vector<std::string>>{};
  return std::optional<std::vector<std::string>>{std::move(given)};
}

std::expected<std::optional<EpochSeconds>, std::string> parse_expires_at(std::string_view text,
                                                                         EpochSeconds now) {
  EpochSeconds value = 0;
  const auto* const end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) {
    // [unverified] WHM's epoch validator wording is unknown.
    return std::unexpected("The value " + quoted(text) + " is not a valid Unix epoch timestamp.");
  }
  if (value == 0) return std::optional<EpochSeconds>{};
  if (value <= now) return std::unexpected("The " + quoted(text) + " value must be a future date.");
  return std::optional<EpochSeconds>{value};
}

std::expected<std::optional<std::vector<std::string>>, std::string> normalise_whitelist(
    const std::vector<std::string>& given) {
  if (std::any_of(given.begin(), given.end(), [](const std::string& v) { return v.empty(); })) {
    return std::unexpected("The " + quoted("whitelist_ip") + " arguments cannot be empty.");
  }
  if (std::find(given.begin(), given.end(), "any") != given.end()) {
    return std::optional<std::vector<std::string>>{};
  }
  if (given.size() > 100) {
    return std::unexpected("You have entered " + quoted(std::to_string(given.size())) +
                           " IP addresses, which is above the limit of 100.");
  }
  std::vector<IpRange> ranges;
  ranges.reserve(given.size());
  for (const auto& text : given) {
    auto range = parse_ip_range(text);
    if (!range) return std::unexpected("Invalid IP address or CIDR range specified: " + text);
    ranges.push_back(*range);
  }
  std::stable_sort(ranges.begin(), ranges.end(),
                   [](const IpRange& a, const IpRange& b) { return a.sorts_before(b); });
  std::vector<std::string> rendered;
  for (const auto& range : ranges) {
    std::string text = range.render();
    if (std::find(rendered.begin(), rendered.end(), text) == rendered.end()) {
      rendered.push_back(std::move(text));
    }
  }
  if (rendered.empty()) return std::optional<std::vector<std::string>>{};
  return std::optional<std::vector<std::string>>{std::move(rendered)};
}

bool whitelist_allows(const std::vector<std::string>& whitelist, std::string_view peer) {
  const auto address = parse_ip_range(peer);
  if (!address) return false;
  return std::any_of(whitelist.begin(), whitelist.end(), [&](const std::string& entry) {
    const auto range = parse_ip_range(entry);
    return range && range->contains(*address);
  });
}

}  // namespace tw::mock
