#include "tests/support/mock_whm/host.h"

#include <boost/json/serialize.hpp>
#include <ctime>
#include <stdexcept>

#include "tests/support/mock_whm/auth.h"
#include "tests/support/mock_whm/secrets.h"
#include "tests/support/mock_whm/whm_functions.h"

namespace tw::mock {
namespace {

EpochSeconds now_seconds() {
  return static_cast<EpochSeconds>(std::time(nullptr));
}

RequestRecord make_record(const ApiCall& call, EpochSeconds now) {
  RequestRecord record;
  record.time = now;
  record.method = call.method;
  record.function = call.function;
  for (const auto& [key, value] : call.params.pairs()) {
    // api_token_get_details takes a secret as `token`; no other parameter carries one.
    record.params.emplace_back(key, key == "token" ? std::string("<redacted>") : value);
  }
  record.user = authorization_user(call.authorization);
  if (record.user.size() > 64) record.user.resize(64);
  return record;
}

}  // namespace

Host::Host(HostSpec spec, EpochSeconds now, std::size_t request_log_limit)
    : spec_(std::move(spec)),
      request_log_limit_(request_log_limit),
      users_(build_user_table(spec_, now)),
      fault_(spec_.fault) {}

std::vector<std::string> Host::users() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, user] : users_) names.push_back(name);
  return names;
}

std::vector<StoredToken> Host::tokens(std::string_view user) const {
  std::lock_guard lock(mu_);
  std::vector<StoredToken> out;
  if (const auto found = users_.find(user); found != users_.end()) {
    for (const auto& [name, token] : found->second.tokens) out.push_back(token);
  }
  return out;
}

std::optional<StoredToken> Host::find_token(std::string_view user, std::string_view name) const {
  std::lock_guard lock(mu_);
  const auto found = users_.find(user);
  if (found == users_.end()) return std::nullopt;
  const auto token = found->second.tokens.find(name);
  if (token == found->second.tokens.end()) return std::nullopt;
  return token->second;
}

std::map<std::string, std::uint64_t, std::less<>> Host::call_counts() const {
  std::lock_guard lock(mu_);
  return calls_;
}

std::uint64_t Host::calls(std::string_view function) const {
  std::lock_guard lock(mu_);
  const auto found = calls_.find(function);
  return found == calls_.end() ? 0 : found->second;
}

std::vector<RequestRecord> Host::request_log() const {
  std::lock_guard lock(mu_);
  return {log_.begin(), log_.end()};
}

HostCounters Host::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

HostSnapshot Host::snapshot() const {
  std::lock_guard lock(mu_);
  return HostSnapshot{users_, calls_, counters_, fault_};
}

void Host::reset_counters() {
  std::lock_guard lock(mu_);
  calls_.clear();
  log_.clear();
  counters_ = {};
}

std::string Host::add_token(std::string_view user, const TokenSpec& token) {
  TokenSpec spec = token;
  if (!spec.secret) spec.secret = generate_secret();
  StoredToken stored = build_token(spec, now_seconds());  // throws on an invalid spec
  std::lock_guard lock(mu_);
  const auto found = users_.find(user);
  if (found == users_.end()) {
    throw std::invalid_argument("unknown WHM user `" + std::string(user) + "`");
  }
  if (found->second.tokens.contains(spec.name)) {
    throw std::invalid_argument("token `" + spec.name + "` already exists");
  }
  found->second.tokens.emplace(spec.name, std::move(stored));
  return *spec.secret;
}

void Host::set_fault(Fault fault) {
  std::lock_guard lock(mu_);
  fault_ = std::move(fault);
}

void Host::clear_fault() {
  std::lock_guard lock(mu_);
  fault_.reset();
}

std::optional<Fault> Host::fault() const {
  std::lock_guard lock(mu_);
  return fault_;
}

void Host::count_connection() {
  std::lock_guard lock(mu_);
  ++counters_.connections_accepted;
}

void Host::count_handshake(bool resumed) {
  std::lock_guard lock(mu_);
  ++counters_.tls_handshakes;
  if (resumed) ++counters_.tls_resumed;
}

void Host::count_request() {
  std::lock_guard lock(mu_);
  ++counters_.requests;
}

void Host::count_body_bytes(std::uint64_t bytes) {
  std::lock_guard lock(mu_);
  counters_.body_bytes_written += bytes;
}

void Host::count_reply_cut_off() {
  std::lock_guard lock(mu_);
  ++counters_.replies_cut_off;
}

std::optional<Fault> Host::begin_call(std::string_view function) {
  std::lock_guard lock(mu_);
  ++calls_[std::string(function)];
  if (!fault_ || !fault_->matches(function)) return std::nullopt;
  Fault applied = *fault_;
  if (fault_->remaining && --*fault_->remaining == 0) fault_.reset();
  return applied;
}

HttpReply Host::serve_call(const ApiCall& call, FaultKind applied) {
  std::lock_guard lock(mu_);
  const EpochSeconds now = now_seconds();
  RequestRecord record = make_record(call, now);
  record.fault = applied;
  HttpReply reply;
  const auto user = authenticate(users_, call.authorization, call.peer_address, now);
  if (!user) {
    ++counters_.auth_failures;
    reply.status = 403;
    reply.body = std::string(access_denied_body());
  } else if (call.params.get("api.version") != "1") {
    reply.body = api0_unknown_app_body(call.function);
  } else {
    const boost::json::object envelope =
        call_whm_function(users_, *user, call.function, call.params, now);
    record.result = static_cast<int>(envelope.at("metadata").at("result").as_int64());
    reply.body = boost::json::serialize(envelope);
  }
  record.http_status = reply.status;
  append_log(std::move(record));
  return reply;
}

void Host::log_faulted_call(const ApiCall& call, FaultKind kind, unsigned http_status,
                            std::optional<int> result) {
  std::lock_guard lock(mu_);
  RequestRecord record = make_record(call, now_seconds());
  record.fault = kind;
  record.http_status = http_status;
  record.result = result;
  append_log(std::move(record));
}

void Host::append_log(RequestRecord record) {
  if (request_log_limit_ == 0) return;
  while (log_.size() >= request_log_limit_) log_.pop_front();
  log_.push_back(std::move(record));
}

}  // namespace tw::mock
