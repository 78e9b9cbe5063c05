// The record line: canonical form and hash (checked against an independent computation),
// hostile strings that must neither split nor forge a line, and the UTC millisecond times.

#include "daemon/audit/record.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <array>
#include <boost/json.hpp>
#include <string>
#include <string_view>

namespace tw::audit {
namespace {

// 2026-03-01T12:00:00.250Z
constexpr EpochMillis kTime = 1772366400250;

// SHA-256 hex through OpenSSL's one-shot API, independent of sha256_hex's EVP code.
std::string reference_sha256(std::string_view bytes) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest.data());
  std::string out;
  char hex[3];
  for (const unsigned char byte : digest) {
    std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned>(byte));
    out += hex;
  }
  return out;
}

Event sample_event() {
  Event event;
  event.type = "test.event";
  event.subject.sweep = "s1";
  event.subject.host = "whm01";
  event.subject.user = "root";
  event.data["n"] = 1;
  event.data["s"] = "x";
  return event;
}

TEST(RecordTest, CanonicalFormAndHashKnownAnswer) {
  const std::string prev(64, 'a');
  const Record record = make_record(sample_event(), 7, kTime, prev);
  const std::string canonical =
      R"({"v":1,"seq":7,"ts":"2026-03-01T12:00:00.250Z","event":"test.event","sweep":"s1",)"
      R"("host":"whm01","user":"root","token":null,"rule":null,"policy_hash":null,)"
      R"("data":{"n":1,"s":"x"},"prev":")" +
      prev + R"("})";
  const std::string hash = reference_sha256(canonical);
  EXPECT_EQ(record.hash, hash);
  EXPECT_EQ(record.line, canonical.substr(0, canonical.size() - 1) + R"(,"hash":")" + hash + "\"}");
  EXPECT_EQ(record.seq, 7U);
  EXPECT_EQ(record.time, kTime);
  EXPECT_EQ(expected_hash(record.line), hash);
  EXPECT_EQ(sha256_hex(canonical), hash);
  // The well-known vector for "abc".
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(RecordTest, GenesisPrevAndAllNullSubject) {
  Event event;
  event.type = "run.started";
  const Record record = make_record(event, 1, 0, kGenesisHash);
  const auto parsed = boost::json::parse(record.line).as_object();
  EXPECT_EQ(parsed.at("prev").as_string(), kGenesisHash);
  EXPECT_EQ(parsed.at("ts").as_string(), "1970-01-01T00:00:00.000Z");
  for (const char* member : {"sweep", "host", "user", "token", "rule", "policy_hash"}) {
    EXPECT_TRUE(parsed.at(member).is_null()) << member;
  }
  EXPECT_TRUE(parsed.at("data").as_object().empty());
  // Members in the documented order.
  std::vector<std::string> names;
  for (const auto& member : parsed) names.emplace_back(member.key());
  EXPECT_EQ(names,
            (std::vector<std::string>{"v", "seq", "ts", "event", "sweep", "host", "user", "token",
                                      "rule", "policy_hash", "data", "prev", "hash"}));
}

TEST(RecordTest, HostileStringsStayOnOneLineAndRoundTrip) {
  const std::string fake_hash = R"(","hash":")" + std::string(64, '0') + R"("})";
  const std::string hostile = "a\nb\r\"c\\d\u2028e\u2029f\u0085g\x01h\x1f\x7fi" + fake_hash;
  const std::string invalid =
      "ok\xff\xfe\xc3(\xe2\x82\xed\xa0\x80\xf4\x90\x80\x80\xc0\xaf"
      "end";
  Event event;
  event.type = "finding";
  event.subject.token = hostile;
  event.subject.user = invalid;
  event.data[hostile] = hostile;
  event.data["list"] = boost::json::array{invalid, boost::json::object{{"k", hostile}}};

  const Record record = make_record(event, 3, kTime, kGenesisHash);
  EXPECT_EQ(record.line.find('\n'), std::string::npos);
  EXPECT_EQ(record.line.find('\r'), std::string::npos);
  EXPECT_EQ(record.line.find("\u2028"), std::string::npos);
  EXPECT_EQ(record.line.find("\u2029"), std::string::npos);
  EXPECT_EQ(record.line.find("\u0085"), std::string::npos);
  for (const char c : record.line) EXPECT_GE(static_cast<unsigned char>(c), 0x20U);
  // The only unescaped `,"hash":"` is the record's own, at the end.
  EXPECT_EQ(record.line.find(R"(,"hash":")"), record.line.size() - 75);
  EXPECT_EQ(expected_hash(record.line), record.hash);

  boost::system::error_code error;
  const auto parsed = boost::json::parse(record.line, error);  // rejects invalid UTF-8
  ASSERT_FALSE(error) << error.message();
  const auto& object = parsed.as_object();
  EXPECT_EQ(object.at("token").as_string(), hostile);
  EXPECT_EQ(object.at("data").as_object().at(hostile).as_string(), hostile);
  EXPECT_EQ(object.at("hash").as_string(), record.hash);
  // Each invalid byte (or truncated sequence start) became U+FFFD.
  std::string replaced = "ok";
  for (int i = 0; i < 3; ++i) replaced += "\uFFFD";
  replaced += "(";
  for (int i = 0; i < 11; ++i) replaced += "\uFFFD";
  replaced += "end";
  EXPECT_EQ(object.at("user").as_string(), replaced);
  EXPECT_EQ(object.at("data").as_object().at("list").as_array().at(0).as_string(), replaced);
}

TEST(RecordTest, ValidMultibyteUtf8IsKept) {
  Event event;
  event.type = "finding";
  event.subject.token = "caf\u00e9-\u20ac-\U0001F600";
  const Record record = make_record(event, 1, kTime, kGenesisHash);
  EXPECT_NE(record.line.find("caf\u00e9-\u20ac-\U0001F600"), std::string::npos);
}

TEST(RecordTest, ExpectedHashRejectsLinesWithoutAProperHashSuffix) {
  const Record record = make_record(sample_event(), 1, kTime, kGenesisHash);
  const std::string& line = record.line;
  EXPECT_TRUE(expected_hash(line));
  EXPECT_FALSE(expected_hash(""));
  EXPECT_FALSE(expected_hash("{}"));
  EXPECT_FALSE(expected_hash(line + " "));
  EXPECT_FALSE(expected_hash(line + "\n"));
  EXPECT_FALSE(expected_hash(line.substr(0, line.size() - 1)));
  std::string upper = line;
  upper[upper.size() - 3] = 'A';
  EXPECT_FALSE(expected_hash(upper));
  std::string short_hash = line;
  short_hash.erase(short_hash.size() - 3, 1);
  EXPECT_FALSE(expected_hash(short_hash));
  std::string other_member = line;
  other_member.replace(other_member.size() - 75, 9, R"(,"hasx":")");
  EXPECT_FALSE(expected_hash(other_member));
  // A line that only is a hash suffix has no canonical form to hash.
  EXPECT_FALSE(expected_hash(line.substr(line.size() - 75)));
  // Another (well-formed) hash value: the expected one is still the content's.
  std::string changed = line;
  changed[changed.size() - 3] = changed[changed.size() - 3] == '0' ? '1' : '0';
  EXPECT_EQ(expected_hash(changed), record.hash);
}

TEST(RecordTest, UtcMillis) {
  EXPECT_EQ(format_utc_millis(kTime), "2026-03-01T12:00:00.250Z");
  EXPECT_EQ(format_utc_millis(1772366400000), "2026-03-01T12:00:00.000Z");
  EXPECT_EQ(format_utc_millis(1772366400007), "2026-03-01T12:00:00.007Z");
  EXPECT_EQ(format_utc_millis(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(parse_utc_millis("2026-03-01T12:00:00.250Z"), kTime);
  EXPECT_EQ(parse_utc_millis("2026-03-01T12:00:00Z"), 1772366400000);
  EXPECT_EQ(parse_utc_millis("2026-03-01"), 1772323200000);
  EXPECT_EQ(parse_utc_millis(format_utc_millis(-1)), -1);
  for (const char* bad : {"", "1772366400", "2026-03-01T12:00:00.25Z", "2026-03-01T12:00:00.250",
                          "2026-03-01T12:00:00,250Z", "2026-03-01T12:00:00.2a0Z", "2026-02-30",
                          "2026-03-01T24:00:00.000Z", "yesterday"}) {
    EXPECT_FALSE(parse_utc_millis(bad)) << bad;
  }
}

}  // namespace
}  // namespace tw::audit
