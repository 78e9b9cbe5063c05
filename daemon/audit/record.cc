#include "daemon/audit/record.h"

#include <boost/json.hpp>
#include <charconv>
#include <span>
#include <stdexcept>
#include <utility>

#include "config/content_hash.h"
#include "policy/timestamp.h"

namespace tw::audit {
namespace {

constexpr std::string_view kHashKey = R"(,"hash":")";
// `,"hash":"` + 64 hex digits + `"}`
constexpr std::size_t kHashSuffixSize = kHashKey.size() + 64 + 2;

// The length of the well-formed UTF-8 sequence at the start of `s`, or 0 when it is not one
// (overlong forms, surrogates and code points above U+10FFFF are not well formed).
std::size_t utf8_sequence_length(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto continuation = [&](std::size_t i) {
    return i < s.size() && (byte(i) & 0xC0U) == 0x80U;
  };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80U) return 1;
  if (b0 >= 0xC2U && b0 <= 0xDFU) return continuation(1) ? 2 : 0;
  if (b0 >= 0xE0U && b0 <= 0xEFU) {
    if (!continuation(1) || !continuation(2)) return 0;
    if (b0 == 0xE0U && byte(1) < 0xA0U) return 0;   // overlong
    if (b0 == 0xEDU && byte(1) >= 0xA0U) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (b0 >= 0xF0U && b0 <= 0xF4U) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if (b0 == 0xF0U && byte(1) < 0x90U) return 0;   // overlong
    if (b0 == 0xF4U && byte(1) >= 0x90U) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// `text` with every byte that does not start a well-formed UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t length = utf8_sequence_length(text);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      text.remove_prefix(1);
    } else {
      out.append(text.substr(0, length));
      text.remove_prefix(length);
    }
  }
  return out;
}

boost::json::string json_string(std::string_view text) {
  return boost::json::string(valid_utf8(text));
}

boost::json::value clean(const boost::json::value& value);

boost::json::object clean(const boost::json::object& object) {
  boost::json::object out;
  out.reserve(object.size());
  for (const auto& member : object) {
    const std::string key = valid_utf8(member.key());
    out[key] = clean(member.value());
  }
  return out;
}

// A copy of `value` whose strings (and member names) are all valid UTF-8.
boost::json::value clean(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::string:
      return json_string(value.get_string());
    case boost::json::kind::object:
      return clean(value.get_object());
    case boost::json::kind::array: {
      boost::json::array out;
      out.reserve(value.get_array().size());
      for (const auto& element : value.get_array()) out.push_back(clean(element));
      return out;
    }
    default:
      return value;
  }
}

boost::json::value optional_string(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return json_string(*text);
}

// boost::json leaves U+0085, U+2028 and U+2029 as they are: valid JSON, but line breaks to some
// readers (Python's str.splitlines, older JavaScript). They can only occur inside strings, so
// writing them as escapes changes no value and keeps every record on one line for any reader.
std::string escape_unicode_line_breaks(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::string_view rest = std::string_view(text).substr(i);
    if (rest.starts_with("\xC2\x85")) {
      out += "\\u0085";
      ++i;
    } else if (rest.starts_with("\xE2\x80\xA8")) {
      out += "\\u2028";
      i += 2;
    } else if (rest.starts_with("\xE2\x80\xA9")) {
      out += "\\u2029";
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

bool is_lower_hex(std::string_view text) {
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  auto hex = config::sha256_hex(std::span(&bytes, 1));
  if (!hex) throw std::runtime_error("SHA-256 failed (OpenSSL)");
  return std::move(*hex);
}

Record make_record(const Event& event, std::uint64_t seq, EpochMillis time,
                   std::string_view prev_hash) {
  boost::json::object object;
  object["v"] = kSchemaVersion;
  object["seq"] = seq;
  object["ts"] = format_utc_millis(time);
  object["event"] = json_string(event.type);
  object["sweep"] = optional_string(event.subject.sweep);
  object["host"] = optional_string(event.subject.host);
  object["user"] = optional_string(event.subject.user);
  object["token"] = optional_string(event.subject.token);
  object["rule"] = optional_string(event.subject.rule);
  object["policy_hash"] = optional_string(event.subject.policy_hash);
  object["data"] = clean(event.data);
  object["prev"] = json_string(prev_hash);

  // The canonical form: the record without its hash. It ends with `}`, which the line keeps
  // after the hash member.
  const std::string canonical = escape_unicode_line_breaks(boost::json::serialize(object));
  Record record;
  record.seq = seq;
  record.time = time;
  record.hash = sha256_hex(canonical);
  record.line.reserve(canonical.size() + kHashSuffixSize);
  record.line.append(canonical, 0, canonical.size() - 1);
  record.line += kHashKey;
  record.line += record.hash;
  record.line += "\"}";
  return record;
}

std::optional<std::string> expected_hash(std::string_view line) {
  if (line.size() < kHashSuffixSize + 1) return std::nullopt;
  const std::size_t at = line.size() - kHashSuffixSize;
  const std::string_view suffix = line.substr(at);
  if (!suffix.starts_with(kHashKey) || !suffix.ends_with("\"}")) return std::nullopt;
  if (!is_lower_hex(suffix.substr(kHashKey.size(), 64))) return std::nullopt;
  std::string canonical(line.substr(0, at));
  canonical.push_back('}');
  return sha256_hex(canonical);
}

std::string format_utc_millis(EpochMillis time) {
  EpochMillis seconds = time / 1000;
  EpochMillis millis = time % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  std::string text = policy::format_utc(seconds);  // ...SSZ
  char buffer[8];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, millis + 1000);
  (void)ec;
  // millis + 1000 is 1000..1999: its last three digits are the zero-padded milliseconds.
  text.insert(text.size() - 1, "." + std::string(buffer + 1, end));
  return text;
}

std::optional<EpochMillis> parse_utc_millis(std::string_view text) {
  // A plain number would be ambiguous (seconds or milliseconds?): not accepted.
  if (text.empty() || text.find_first_not_of("0123456789") == std::string_view::npos) {
    return std::nullopt;
  }
  EpochMillis millis = 0;
  std::string whole(text);
  if (text.size() == 24) {  // YYYY-MM-DDTHH:MM:SS.mmmZ
    if (text[19] != '.' || text[23] != 'Z') return std::nullopt;
    const std::string_view digits = text.substr(20, 3);
    if (digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
    std::from_chars(digits.data(), digits.data() + digits.size(), millis);
    whole = std::string(text.substr(0, 19)) + "Z";
  }
  const auto seconds = policy::parse_utc(whole);
  if (!seconds) return std::nullopt;
  return *seconds * 1000 + millis;
}

}  // namespace tw::audit
