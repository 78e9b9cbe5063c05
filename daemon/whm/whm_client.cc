#include "daemon/whm/whm_client.h"

#include <algorithm>
#include <array>
#include <boost/asio/use_awaitable.hpp>
#include <type_traits>

#include "daemon/text/printable.h"

namespace tw::whm {
namespace asio = boost::asio;

Target make_target(const config::Host& host, const config::Account& account) {
  Target target;
  target.host = host.name;
  target.base_url = host.base_url();
  target.user = account.user;
  target.token = account.token;
  if (host.tls.ca_file) target.tls.ca_file = host.tls.ca_file->string();
  target.tls.pinned_public_key = host.tls.pinned_public_key;
  return target;
}

ClientOptions client_options(const config::Settings& settings) {
  return ClientOptions{settings.timeouts.connect, settings.timeouts.request,
                       settings.max_response_bytes};
}

namespace {

constexpr std::string_view kRedacted = "<redacted>";

// The credentials one call must never show: the target's token, and for get_token_details the
// token it asks about. Null entries are skipped.
using Secrets = std::array<const config::Secret*, 2>;

Secrets secrets_of(const Target& target, const config::Secret* other = nullptr) {
  return Secrets{&target.token, other};
}

void replace_all(std::string& text, std::string_view needle) {
  for (auto at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + kRedacted.size())) {
    text.replace(at, needle.size(), kRedacted);
  }
}

// text::printable cuts long text and puts "...(N bytes)" in its place. When a cut falls inside a
// credential, the text before that marker ends with a prefix of it: that goes too.
void redact_cuts(std::string& text, std::string_view needle) {
  constexpr std::string_view kOpen = "...(";
  constexpr std::string_view kClose = " bytes)";
  for (auto marker = text.find(kOpen); marker != std::string::npos;
       marker = text.find(kOpen, marker + kOpen.size())) {
    const auto digits = marker + kOpen.size();
    const auto end = text.find_first_not_of("0123456789", digits);
    if (end == digits || end == std::string::npos ||
        std::string_view(text).substr(end, kClose.size()) != kClose) {
      continue;
    }
    for (std::size_t n = std::min(needle.size() - 1, marker); n > 0; --n) {
      if (std::string_view(text).substr(marker - n, n) == needle.substr(0, n)) {
        text.replace(marker - n, n, kRedacted);
        marker = marker - n + kRedacted.size();
        break;
      }
    }
  }
}

// THE helper for every piece of host-supplied text that goes into a message (HTTP error bodies,
// WHM's reason, anything the parsers quote from a response): a host may echo the Authorization
// header, so every occurrence of a credential, as it is and as text::printable escapes it, is
// replaced by "<redacted>", including the part of one that a cut left.
std::string redact(std::string text, const Secrets& secrets) {
  for (const auto* secret : secrets) {
    if (secret == nullptr || secret->empty()) continue;
    const std::string& raw = secret->reveal();
    replace_all(text, raw);
    redact_cuts(text, raw);
    if (const std::string escaped = text::printable(raw, raw.size()); escaped != raw) {
      replace_all(text, escaped);
      redact_cuts(text, escaped);
    }
  }
  return text;
}

WhmError redact(WhmError error, const Secrets& secrets) {
  error.message = redact(std::move(error.message), secrets);
  return error;
}

template <typename T>
std::expected<T, WhmError> redact(std::expected<T, WhmError> result, const Secrets& secrets) {
  if (!result) return std::unexpected(redact(std::move(result.error()), secrets));
  if constexpr (std::is_same_v<T, TokenList>) {
    for (auto& rejected : result->rejected) {
      rejected.name = redact(std::move(rejected.name), secrets);
      rejected.reason = redact(std::move(rejected.reason), secrets);
    }
  }
  return result;
}

WhmError from_transport(const http::Error& error, const Secrets& secrets) {
  if (error.kind == http::ErrorKind::http_status &&
      (error.http_status == 401 || error.http_status == 403)) {
    return WhmError{WhmErrorKind::authentication,
                    "HTTP " + std::to_string(error.http_status) +
                        ": WHM refused the credential (wrong, expired or IP-restricted token)",
                    error.kind, error.http_status};
  }
  std::string message = error.detail;  // printable already (http::Error's contract)
  if (error.kind == http::ErrorKind::http_status && !error.body.empty()) {
    // Redacted before the cut, so that no part of a credential is left at the cut.
    message += ": " + text::printable(redact(error.body, secrets), 80);
  }
  return WhmError{WhmErrorKind::transport, redact(std::move(message), secrets), error.kind,
                  error.http_status};
}

void add_state(FormParams& params, const std::vector<std::string>& acls,
               const std::optional<policy::EpochSeconds>& expires_at,
               const std::optional<std::vector<std::string>>& whitelist_ips) {
  params.add_list("acl", acls);
  params.add("expires_at", std::to_string(expires_at.value_or(0)));
  if (whitelist_ips && !whitelist_ips->empty()) {
    params.add_list("whitelist_ip", *whitelist_ips);
  } else {
    params.add("whitelist_ip", "any");
  }
}

}  // namespace

WhmClient::Awaitable<std::string> WhmClient::call(const Target& target, std::string_view function,
                                                  const FormParams& params, http::Method method) {
  http::Request request;
  request.method = method;
  const std::string query = "api.version=1" + (params.items().empty() ? "" : "&" + params.encode());
  request.url = target.base_url + "/json-api/" + std::string(function);
  if (method == http::Method::get) {
    request.url += "?" + query;
  } else {
    request.body = query;
    request.headers.emplace_back("Content-Type: application/x-www-form-urlencoded");
  }
  request.headers.push_back("Authorization: whm " + target.user + ":" + target.token.reveal());
  request.tls = target.tls;
  request.connect_timeout = options_.connect_timeout;
  request.total_timeout = options_.request_timeout;
  request.max_response_bytes = options_.max_response_bytes;
  http::Result result =
      co_await http::async_send(transport_, std::move(request), asio::use_awaitable);
  if (!result) co_return std::unexpected(from_transport(result.error(), secrets_of(target)));
  co_return std::move(result->body);
}

WhmClient::Awaitable<TokenList> WhmClient::list_tokens(Target target) {
  auto body = co_await call(target, "api_token_list", {}, http::Method::get);
  if (!body) co_return std::unexpected(std::move(body.error()));
  co_return redact(parse_token_list(*body), secrets_of(target));
}

WhmClient::Awaitable<std::optional<policy::Token>> WhmClient::get_token_details(
    Target target, config::Secret token) {
  FormParams params;
  params.add("token", token.reveal());
  // POST: the secret is a parameter and must not sit in a URL.
  auto body = co_await call(target, "api_token_get_details", params, http::Method::post);
  const Secrets secrets = secrets_of(target, &token);
  if (!body) co_return std::unexpected(redact(std::move(body.error()), secrets));
  co_return redact(parse_token_details(*body), secrets);
}

WhmClient::Awaitable<policy::Token> WhmClient::update_token(Target target, TokenUpdate update) {
  if (update.acls.empty()) {
    co_return std::unexpected(
        WhmError{WhmErrorKind::protocol,
                 "refusing to send an update with no ACLs: WHM would read it as full access",
                 std::nullopt, 0});
  }
  FormParams params;
  params.add("token_name", update.token_name);
  if (update.new_name) params.add("new_name", *update.new_name);
  add_state(params, update.acls, update.expires_at, update.whitelist_ips);
  auto body = co_await call(target, "api_token_update", params, http::Method::get);
  if (!body) co_return std::unexpected(std::move(body.error()));
  co_return redact(parse_updated_token(*body), secrets_of(target));
}

WhmClient::Awaitable<void> WhmClient::revoke_tokens(Target target, std::vector<std::string> names) {
  if (names.empty()) co_return std::expected<void, WhmError>{};
  FormParams params;
  params.add_list("token_name", names);
  auto body = co_await call(target, "api_token_revoke", params, http::Method::get);
  if (!body) co_return std::unexpected(std::move(body.error()));
  co_return redact(parse_revoke(*body), secrets_of(target));
}

WhmClient::Awaitable<CreatedToken> WhmClient::create_token(Target target, NewToken token) {
  FormParams params;
  params.add("token_name", token.name);
  params.add_list("acl", token.acls);
  if (token.expires_at) params.add("expires_at", std::to_string(*token.expires_at));
  if (token.whitelist_ips) params.add_list("whitelist_ip", *token.whitelist_ips);
  auto body = co_await call(target, "api_token_create", params, http::Method::get);
  if (!body) co_return std::unexpected(std::move(body.error()));
  co_return redact(parse_created_token(*body), secrets_of(target));
}

}  // namespace tw::whm
