#pragma once
// The WHM API 1 token functions, over an http::Transport. Each call authenticates as one WHM
// user with `Authorization: whm USER:TOKEN`, always sends `api.version=1`, and makes exactly
// one request: nothing is retried here, because repeated failed logins get the daemon's IP
// locked out by cPHulk. Retry and backoff policy belongs to the caller.

#include <boost/asio/awaitable.hpp>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "config/fleet.h"
#include "config/secret.h"
#include "daemon/http/transport.h"
#include "daemon/whm/form_params.h"
#include "daemon/whm/response_parser.h"
#include "daemon/whm/whm_error.h"
#include "policy/token.h"

namespace tw::whm {

// Where and as whom a call is made.
struct Target {
  std::string host;      // the fleet's name for the host, for messages
  std::string base_url;  // https://address:port
  std::string user;      // WHM user
  config::Secret token;  // that user's API token
  http::TlsOptions tls;
};

[[nodiscard]] Target make_target(const config::Host& host, const config::Account& account);

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{30'000};
  std::size_t max_response_bytes = 8U << 20U;
};

[[nodiscard]] ClientOptions client_options(const config::Settings& settings);

// A token's complete intended state. WHM replaces what it is given and, depending on the
// version, may reset what it is not given, so an update always sends all of it.
struct TokenUpdate {
  std::string token_name;
  std::optional<std::string> new_name;
  // Every ACL the token should keep (non-empty: an empty list means full access in WHM).
  // `{"all"}` grants full access explicitly.
  std::vector<std::string> acls;
  std::optional<policy::EpochSeconds> expires_at;         // nullopt: never expires
  std::optional<std::vector<std::string>> whitelist_ips;  // nullopt: any IP
};

struct NewToken {
  std::string name;
  std::vector<std::string> acls;  // empty: full access
  std::optional<policy::EpochSeconds> expires_at;
  std::optional<std::vector<std::string>> whitelist_ips;
};

class WhmClient {
 public:
  WhmClient(http::Transport& transport, ClientOptions options)
      : transport_(transport), options_(options) {}

  template <typename T>
  using Awaitable = boost::asio::awaitable<std::expected<T, WhmError>>;

  Awaitable<TokenList> list_tokens(Target target);
  // nullopt when the host does not recognise `token` as one of target.user's (or it expired).
  Awaitable<std::optional<policy::Token>> get_token_details(Target target, config::Secret token);
  Awaitable<policy::Token> update_token(Target target, TokenUpdate update);
  // Success does not mean the names existed: list again to confirm.
  Awaitable<void> revoke_tokens(Target target, std::vector<std::string> names);
  Awaitable<CreatedToken> create_token(Target target, NewToken token);

 private:
  // One exchange; returns the body of a 2xx answer.
  Awaitable<std::string> call(const Target& target, std::string_view function,
                              const FormParams& params, http::Method method);

  http::Transport& transport_;
  ClientOptions options_;
};

}  // namespace tw::whm
