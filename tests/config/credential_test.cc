// Credential files: where they are looked up, what they may hold, who may read them, and that
// no error message ever shows any of their contents.

#include <gtest/gtest.h>

#include "config/load_config.h"
#include "tests/config/config_test_fixture.h"

namespace tw::config::testing {
namespace {

using std::filesystem::perms;

// One host whose credential (line 4, column 61) is named `whm01` unless told otherwise.
std::string one_host(std::string_view credential = "whm01",
                     std::string_view credentials_dir = "credentials") {
  return "credentials_dir: " + std::string(credentials_dir) +
         "\nfleet:\n  hosts:\n    - {name: whm01, address: whm01.example.net, credential: " +
         std::string(credential) + "}\n";
}
constexpr int kLine = 4;
constexpr int kColumn = 61;

class CredentialTest : public ConfigTest {
 protected:
  std::string credential_path(std::string_view name) const {
    return (dir_ / "credentials" / name).string();
  }
};

TEST_F(CredentialTest, MissingCredentialFile) {
  write_file("credentials/other", "TOKEN\n");
  expect_single_error(one_host(), kLine, kColumn,
                      {"fleet.hosts[0].credential: credential file '" + credential_path("whm01") +
                       "' does not exist"});
}

TEST_F(CredentialTest, GroupReadableIsRefused) {
  write_file("credentials/whm01", "TOKEN\n", perms(0640));
  expect_single_error(one_host(), kLine, kColumn,
                      {"fleet.hosts[0].credential:", "accessible by group or others (mode 0640)",
                       "chmod 600 '" + credential_path("whm01") + "'"});
}

TEST_F(CredentialTest, OtherReadableIsRefused) {
  write_file("credentials/whm01", "TOKEN\n", perms(0604));
  expect_single_error(one_host(), kLine, kColumn, {"mode 0604", "chmod 600"});
}

TEST_F(CredentialTest, SystemdCredentialsAreCheckedToo) {
  write_file("run/whm01", "TOKEN\n", perms(0440));
  const ConfigErrors errors = errors_of(one_host(), LoadOptions{dir_ / "run"});
  ASSERT_EQ(errors.size(), 1U) << format_errors(errors);
  EXPECT_NE(errors[0].message.find("mode 0440"), std::string::npos) << errors[0].message;
}

TEST_F(CredentialTest, EmptyCredentialFile) {
  for (const char* contents : {"", "\n", "\r\n"}) {
    write_file("credentials/whm01", contents);
    expect_single_error(one_host(), kLine, kColumn,
                        {"credential file '" + credential_path("whm01") + "' is empty"});
  }
}

TEST_F(CredentialTest, InnerWhitespaceOrControlCharacters) {
  for (const char* contents : {"TOKEN PART2\n", "TOKEN\tX", " TOKEN\n", "TOKEN \n", "TOKEN\n\n",
                               "TOKEN\nSECOND\n", "TOK\x01N", "TOK\xc3\xa9N"}) {
    SCOPED_TRACE(contents);
    write_file("credentials/whm01", contents);
    expect_single_error(one_host(), kLine, kColumn,
                        {"must hold the token alone on one line", "whitespace"});
  }
}

TEST_F(CredentialTest, TooLong) {
  write_file("credentials/whm01", std::string(4097, 'A') + "\n");
  expect_single_error(one_host(), kLine, kColumn, {"longer than 4096 bytes"});
}

TEST_F(CredentialTest, NotARegularFile) {
  std::filesystem::create_directories(dir_ / "credentials" / "whm01");
  expect_single_error(one_host(), kLine, kColumn, {"is not a regular file"});
}

TEST_F(CredentialTest, NameMustBeAPlainFileName) {
  write_file("whm01", "TOKEN\n");
  for (const char* name : {"../whm01", "sub/whm01", "/etc/passwd", "..", ".", "'a b'"}) {
    SCOPED_TRACE(name);
    expect_single_error(one_host(name), kLine, kColumn,
                        {"fleet.hosts[0].credential:", "must be a plain file name"});
  }
}

TEST_F(CredentialTest, ATokenPastedAsTheNameIsRefusedWithoutEchoingIt) {
  const std::string pasted = "Q7W2E9R4T6Y8U1I3O5P7A9S2D4F6G8H0";
  write_file("credentials/" + pasted, "TOKEN\n");
  const auto errors = errors_of(one_host(pasted));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].line, kLine);
  EXPECT_NE(errors[0].message.find("looks like an API token"), std::string::npos);
  EXPECT_EQ(errors[0].to_string().find(pasted), std::string::npos) << errors[0].to_string();
}

TEST_F(CredentialTest, NoCredentialsDirectoryAtAll) {
  const ConfigErrors errors = errors_of(R"(fleet:
  hosts:
    - {name: whm01, address: whm01.example.net, credential: whm01}
    - {name: whm02, address: whm02.example.net, credential: whm02}
)");
  ASSERT_EQ(errors.size(), 1U) << format_errors(errors);
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_EQ(errors[0].column, 61);
  EXPECT_NE(errors[0].message.find("no credentials directory"), std::string::npos);
  EXPECT_NE(errors[0].message.find("all 2 credentials"), std::string::npos);
}

TEST_F(CredentialTest, CredentialsDirThatIsNotADirectory) {
  expect_single_error(
      one_host("whm01", "nowhere"), 1, 18,
      {"credentials_dir: '" + (dir_ / "nowhere").string() + "' is not a directory"});
  const ConfigErrors errors = errors_of(one_host(), LoadOptions{dir_ / "nowhere"});
  ASSERT_EQ(errors.size(), 1U) << format_errors(errors);
  EXPECT_EQ(errors[0].line, 0);
  EXPECT_NE(errors[0].message.find("$CREDENTIALS_DIRECTORY"), std::string::npos);
}

TEST_F(CredentialTest, EachAccountIsCheckedAtItsOwnPosition) {
  write_credential("root");
  write_file("credentials/reseller", "TOKEN\n", perms(0644));
  const ConfigErrors errors = errors_of(R"(credentials_dir: credentials
fleet:
  hosts:
    - name: whm01
      address: whm01.example.net
      accounts:
        - {user: root, credential: root}
        - {user: reseller, credential: reseller}
        - {user: other, credential: missing}
)");
  ASSERT_EQ(errors.size(), 2U) << format_errors(errors);
  EXPECT_EQ(errors[0].line, 8);
  EXPECT_EQ(errors[0].column, 40);
  EXPECT_EQ(errors[0].message.rfind("fleet.hosts[0].accounts[1].credential: ", 0), 0U);
  EXPECT_EQ(errors[1].line, 9);
  EXPECT_EQ(errors[1].message.rfind("fleet.hosts[0].accounts[2].credential: ", 0), 0U);
}

// Over many broken credential files, no message contains any part of the secret.
TEST_F(CredentialTest, NoErrorMessageContainsTheSecret) {
  const std::string secret = "SECRETVALUE0123456789ABCDEFGHIJK";
  const std::vector<std::pair<std::string, perms>> files = {
      {secret + "\n", perms(0644)},
      {secret + "\n", perms(0640)},
      {secret + "\n", perms(0604)},
      {secret + " " + secret + "\n", perms(0600)},
      {"SECRETVALUE 0123456789\n", perms(0600)},
      {secret + "\n" + secret + "\n", perms(0600)},
      {secret + "\x01" + "\n", perms(0600)},
      {std::string(5000, 'S') + secret, perms(0600)},
      {"  " + secret + "  ", perms(0600)},
  };
  for (const auto& [contents, mode] : files) {
    write_file("credentials/whm01", contents, mode);
    write_file("run/whm01", contents, mode);
    for (const LoadOptions& options : {LoadOptions{}, LoadOptions{dir_ / "run"}}) {
      const ConfigErrors errors = errors_of(one_host(), options);
      ASSERT_FALSE(errors.empty());
      for (const ConfigError& error : errors) {
        const std::string text = error.to_string();
        EXPECT_EQ(text.find("SECRETVALUE"), std::string::npos) << text;
        EXPECT_EQ(text.find("0123456789"), std::string::npos) << text;
        EXPECT_EQ(text.find("SSSS"), std::string::npos) << text;
      }
    }
  }
}

}  // namespace
}  // namespace tw::config::testing
