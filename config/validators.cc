#include "config/validators.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>

#include "config/diagnostics.h"

namespace tw::config {
namespace {

bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_lower(c) || is_upper(c) || is_digit(c);
}
bool is_space_or_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte <= 0x20 || byte == 0x7f;
}

bool is_ipv6(const std::string& text) {
  in6_addr parsed{};
  return inet_pton(AF_INET6, text.c_str(), &parsed) == 1;
}

bool is_ipv4(const std::string& text) {
  in_addr parsed{};
  return inet_pton(AF_INET, text.c_str(), &parsed) == 1;
}

// A DNS name: dot-separated labels of 1-63 letters, digits, '-' or '_', not starting or ending
// with '-'; 253 characters at most.
Check check_dns_name(std::string_view name) {
  if (name.size() > 253) return std::unexpected("is longer than 253 characters");
  std::size_t start = 0;
  while (true) {
    const auto dot = name.find('.', start);
    const auto label = name.substr(start, dot == std::string_view::npos ? name.npos : dot - start);
    if (label.empty())
      return std::unexpected("has an empty label (two dots, or a leading or trailing dot)");
    if (label.size() > 63) return std::unexpected("has a label longer than 63 characters");
    if (label.front() == '-' || label.back() == '-') {
      return std::unexpected("has a label that starts or ends with '-'");
    }
    for (const char c : label) {
      if (!is_alnum(c) && c != '-' && c != '_') {
        return std::unexpected("is not a DNS name or IP address: it contains " +
                               quote_value(std::string_view(&c, 1)));
      }
    }
    if (dot == std::string_view::npos) return {};
    start = dot + 1;
  }
}

// A glob over names of one kind: `name_char` says which characters such names hold.
Check check_glob(std::string_view glob, bool (*name_char)(char), std::string_view kind,
                 std::string_view alphabet) {
  if (glob.empty()) return std::unexpected("must not be empty");
  if (glob.size() > 256) return std::unexpected("is longer than 256 characters");
  const bool valid = std::all_of(glob.begin(), glob.end(),
                                 [&](char c) { return name_char(c) || c == '*' || c == '?'; });
  if (!valid) {
    return std::unexpected("can never match a " + std::string(kind) + ": those use only " +
                           std::string(alphabet) + " (globs add '*' and '?')");
  }
  return {};
}

bool is_token_char(char c) {
  return is_alnum(c) || c == '_' || c == '-';
}
bool is_host_char(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '-';
}
bool is_user_char(char c) {
  return is_lower(c) || is_digit(c) || c == '_' || c == '-';
}

}  // namespace

Check check_rule_id(std::string_view id) {
  const bool valid = !id.empty() && id.size() <= 64 && (is_lower(id[0]) || is_digit(id[0])) &&
                     std::all_of(id.begin(), id.end(), [](char c) {
                       return is_lower(c) || is_digit(c) || c == '_' || c == '.' || c == '-';
                     });
  if (!valid) {
    return std::unexpected(
        "is not a rule id: use 1 to 64 lowercase letters, digits, '_', '.' or '-', starting "
        "with a letter or digit");
  }
  return {};
}

Check check_token_glob(std::string_view glob) {
  return check_glob(glob, is_token_char, "token name", "letters, digits, '_' and '-'");
}

Check check_host_glob(std::string_view glob) {
  return check_glob(glob, is_host_char, "host name", "letters, digits, '.', '_' and '-'");
}

Check check_user_glob(std::string_view glob) {
  return check_glob(glob, is_user_char, "WHM user name", "lowercase letters, digits, '_' and '-'");
}

Check check_tag(std::string_view tag) {
  if (tag.empty() || std::any_of(tag.begin(), tag.end(), is_space_or_control)) {
    return std::unexpected("is not a tag: a tag is a non-empty word");
  }
  return {};
}

Check check_acl_name(std::string_view name) {
  const bool valid = !name.empty() && name.size() <= 64 && is_alnum(name[0]) &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return is_alnum(c) || c == '_' || c == '.' || c == '-';
                     });
  if (!valid) {
    return std::unexpected(
        "is not an ACL name: use 1 to 64 letters, digits, '_', '.' or '-', starting with a "
        "letter or digit");
  }
  return {};
}

Check check_host_name(std::string_view name) {
  const bool valid =
      !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return is_alnum(c) || c == '.' || c == '_' || c == '-';
      });
  if (!valid) return std::unexpected("must be 1 to 64 letters, digits, '.', '_' or '-'");
  return {};
}

std::expected<std::string, std::string> normalize_address(std::string_view address) {
  if (address.empty()) return std::unexpected("must not be empty");
  if (std::any_of(address.begin(), address.end(), is_space_or_control)) {
    return std::unexpected("must not contain whitespace or control characters");
  }
  if (address.find("://") != std::string_view::npos) {
    return std::unexpected("must be a host name or IP address without a scheme (no https://)");
  }
  if (address.find('/') != std::string_view::npos) {
    return std::unexpected("must be a host name or IP address without a path (no '/')");
  }
  if (address.front() == '[') {
    const auto close = address.find(']');
    if (close != std::string_view::npos && close + 1 < address.size()) {
      return std::unexpected("must not include a port; use the 'port' key");
    }
    const std::string inner(
        address.substr(1, close == std::string_view::npos ? address.npos : close - 1));
    if (close == std::string_view::npos || !is_ipv6(inner)) {
      return std::unexpected("is not a valid bracketed IPv6 address");
    }
    return inner;
  }
  const std::string text(address);
  if (text.find(':') != std::string::npos) {
    if (is_ipv6(text)) return text;
    const auto colon = text.find(':');
    if (text.find(':', colon + 1) == std::string::npos) {
      return std::unexpected("must not include a port; use the 'port' key");
    }
    return std::unexpected("is not a valid IPv6 address");
  }
  if (std::all_of(text.begin(), text.end(), [](char c) { return is_digit(c) || c == '.'; })) {
    if (!is_ipv4(text)) return std::unexpected("is not a valid IPv4 address");
    return text;
  }
  if (auto dns = check_dns_name(text); !dns) return std::unexpected(dns.error());
  return text;
}

Check check_user_name(std::string_view user) {
  const bool valid = !user.empty() && user.size() <= 32 && (is_lower(user[0]) || user[0] == '_') &&
                     std::all_of(user.begin(), user.end(), [](char c) {
                       return is_lower(c) || is_digit(c) || c == '_' || c == '-';
                     });
  if (!valid) {
    return std::unexpected(
        "must be a system user name: 1 to 32 lowercase letters, digits, '_' or '-', starting "
        "with a letter or '_'");
  }
  return {};
}

Check check_token_name(std::string_view name) {
  const bool valid = !name.empty() && name.size() <= 50 &&
                     std::all_of(name.begin(), name.end(),
                                 [](char c) { return is_alnum(c) || c == '_' || c == '-'; });
  if (!valid)
    return std::unexpected("must be a WHM token name: 1 to 50 letters, digits, '_' or '-'");
  return {};
}

Check check_pins(std::string_view pins) {
  constexpr std::string_view kPrefix = "sha256//";
  constexpr std::size_t kBase64Length = 44;  // 32 bytes: 43 characters and one '='
  // The last character before '=' carries 2 unused bits that must be zero; canonical base64
  // of 32 bytes therefore ends in one of these.
  constexpr std::string_view kCanonicalLast = "AEIMQUYcgkosw048";
  const auto is_base64 = [](char c) { return is_alnum(c) || c == '+' || c == '/'; };
  const Check bad = std::unexpected(
      "is not a public-key pin: expected sha256// followed by the base64 of a 32-byte SHA-256 hash "
      "(44 characters ending "
      "in '='); join several pins with ';'");
  std::size_t start = 0;
  while (true) {
    const auto end = pins.find(';', start);
    const auto pin = pins.substr(start, end == std::string_view::npos ? pins.npos : end - start);
    if (!pin.starts_with(kPrefix)) return bad;
    const auto hash = pin.substr(kPrefix.size());
    if (hash.size() != kBase64Length || hash.back() != '=' ||
        !std::all_of(hash.begin(), hash.end() - 1, is_base64) ||
        kCanonicalLast.find(hash[kBase64Length - 2]) == std::string_view::npos) {
      return bad;
    }
    if (end == std::string_view::npos) return {};
    start = end + 1;
  }
}

bool looks_like_api_token(std::string_view text) {
  return text.size() == 32 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
         });
}

Check check_credential_name(std::string_view name) {
  if (looks_like_api_token(name)) {
    return std::unexpected(
        "looks like an API token itself: `credential` names a file that holds the token, and "
        "the token never goes into the configuration");
  }
  if (name.empty() || name == "." || name == ".." || name.size() > 255 ||
      name.find('/') != std::string_view::npos ||
      std::any_of(name.begin(), name.end(), is_space_or_control)) {
    return std::unexpected(
        "must be a plain file name in the credentials directory (no '/', not '.' or '..', no "
        "whitespace)");
  }
  return {};
}

}  // namespace tw::config
