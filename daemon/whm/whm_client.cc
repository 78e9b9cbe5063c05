#include "daemon/whm/whm_client.h"

#include <boost/asio/use_awaitable.hpp>

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

WhmError from_transport(const http::Error& error) {
  if (error.kind == http::ErrorKind::http_status &&
      (error.http_status == 401 || error.http_status == 403)) {
    return WhmError{WhmErrorKind::authentication,
                    "HTTP " + std::to_string(error.http_status) +
                        ": WHM refused the credential (wrong, expired or IP-restricted token)",
                    error.kind, error.http_status};
  }
  std::string message = error.detail;  // printable already (http::Error's contract)
  if (error.kind == http::ErrorKind::http_status && !error.body.empty()) {
    message += ": " + text::printable(error.body, 80);
  }
  return WhmError{WhmErrorKind::transport, std::move(message), error.kind, error.http_status};
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
  if (!result) co_return std::unexpected(from_transport(result.error()));
  co_return std::move(result->body);
}

WhmClient::Awaitable<TokenList> WhmClient::list_tokens(Target target) {
  auto body = co_await call(target, "api_token_list", {}, http::Method::get);
  if (!body) co_return std::unexpected(std::move(body.error()));
  co_return parse_token_list(*body);
}

WhmClient::Awaitable<std::optional<policy::Token>> WhmClient::get_token_details(
    Target target, config::Secret token) {
  FormParams params;
  params.add("token", token.reveal());
  // POST: the secret is a parameter and must not sit in a URL.
  auto body = co_await call(target, "api_token_get_details", params, http::Method::post);
  if (!body) co_return std::unexpected(std::move(body.error()));
  co_return parse_token_details(*body);
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
  co_return parse_updated_token(*body);
}

WhmClient::Awaitable<void> WhmClient::revoke_tokens(Target target, std::vector<std::string> names) {
  if (names.empty()) co_return std::expected<void, WhmError>{};
  FormParams params;
  params.add_list("token_name", names);
  auto body = co_await call(target, "api_token_revoke", params, http::Method::get);
  if (!body) co_return std::unexpected(std::move(body.error()));
  co_return parse_revoke(*body);
}

WhmClient::Awaitable<CreatedToken> WhmClient::create_token(Target target, NewToken token) {
  FormParams params;
  params.add("token_name", token.name);
  params.add_list("acl", token.acls);
  if (token.expires_at) params.add("expires_at", std::to_string(*token.expires_at));
  if (token.whitelist_ips) params.add_list("whitelist_ip", *token.whitelist_ips);
  auto body = co_await call(target, "api_token_create", params, http::Method::get);
  if (!body) co_return std::unexpected(std::move(body.error()));
  co_return parse_created_token(*body);
}

}  // namespace tw::whm
