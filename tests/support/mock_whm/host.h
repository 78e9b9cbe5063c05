#pragma once
// One virtual WHM host: its token tables, its injected fault and what tests inspect (call
// counts, a request log, connection and TLS statistics). Thread-safe: the fleet's I/O thread
// serves calls while the test thread reads state or changes the fault; one mutex guards all.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/mock_whm/fault.h"
#include "tests/support/mock_whm/fleet_spec.h"
#include "tests/support/mock_whm/form_params.h"
#include "tests/support/mock_whm/host_state.h"

namespace tw::mock {

// One request to /json-api/<function>, as the session read it.
struct ApiCall {
  std::string method;  // "GET" or "POST"
  std::string function;
  FormParams params;          // query string, then the form body
  std::string authorization;  // the raw header value: holds the secret; never logged or kept
  std::string peer_address;   // the client's IP address as text
};

// What the session sends back.
struct HttpReply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// One entry of the request log. Never holds the Authorization header nor a secret: the value
// of a `token` parameter (api_token_get_details) is replaced by "<redacted>".
struct RequestRecord {
  EpochSeconds time = 0;
  std::string method;
  std::string function;
  std::vector<std::pair<std::string, std::string>> params;
  std::string user;                    // from the Authorization header; empty when absent
  unsigned http_status = 0;            // 0: nothing was answered (hang, reset)
  std::optional<int> result;           // metadata.result when an API 1 envelope was answered
  FaultKind fault = FaultKind::kNone;  // the fault applied, if any
};

struct HostCounters {
  std::uint64_t connections_accepted = 0;
  std::uint64_t tls_handshakes = 0;  // completed server handshakes
  std::uint64_t tls_resumed = 0;     // of which SSL_session_reused() was true
  std::uint64_t requests = 0;        // HTTP requests read (admin endpoints included)
  std::uint64_t auth_failures = 0;   // 403 answers to /json-api calls
  // Bytes of response bodies written to the socket (HTTP heads and chunk framing excluded),
  // every kind of answer included; the part of a body written before a failure counts too.
  std::uint64_t body_bytes_written = 0;
  // Answers the mock began to write but could not finish because writing failed: the client
  // closed or reset the connection (or stopped reading until the idle timeout).
  std::uint64_t replies_cut_off = 0;
};

// A consistent copy of everything a test or /__mock/state may want.
struct HostSnapshot {
  UserTable users;
  std::map<std::string, std::uint64_t, std::less<>> calls;
  HostCounters counters;
  std::optional<Fault> fault;
};

class Host {
 public:
  // Builds the token tables from `spec` (validated by the caller) at time `now`.
  Host(HostSpec spec, EpochSeconds now, std::size_t request_log_limit);

  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  [[nodiscard]] const std::string& name() const { return spec_.name; }
  [[nodiscard]] const HostSpec& spec() const { return spec_; }
  // The port the host listens on (0 before the fleet starts).
  [[nodiscard]] std::uint16_t port() const { return port_.load(); }

  // --- Inspection (any thread) ---
  [[nodiscard]] std::vector<std::string> users() const;
  // The user's tokens sorted by name; empty for an unknown user.
  [[nodiscard]] std::vector<StoredToken> tokens(std::string_view user) const;
  [[nodiscard]] std::optional<StoredToken> find_token(std::string_view user,
                                                      std::string_view name) const;
  [[nodiscard]] std::map<std::string, std::uint64_t, std::less<>> call_counts() const;
  [[nodiscard]] std::uint64_t calls(std::string_view function) const;
  [[nodiscard]] std::vector<RequestRecord> request_log() const;  // oldest first, bounded
  [[nodiscard]] HostCounters counters() const;
  [[nodiscard]] HostSnapshot snapshot() const;
  // Zeroes call counts and counters and empties the request log. State and fault stay.
  void reset_counters();

  // --- Changes (any thread) ---
  // Adds a token to `user` (created now unless the spec says otherwise). Returns its secret:
  // the spec's, or a fresh random one. Throws std::invalid_argument for an unknown user, a
  // name already taken or an invalid spec.
  std::string add_token(std::string_view user, const TokenSpec& token);
  void set_fault(Fault fault);
  void clear_fault();
  [[nodiscard]] std::optional<Fault> fault() const;

  // --- Used by the server (I/O thread) ---
  void set_port(std::uint16_t port) { port_.store(port); }
  void count_connection();
  void count_handshake(bool resumed);
  void count_request();
  void count_body_bytes(std::uint64_t bytes);
  void count_reply_cut_off();
  // Counts a call to `function` and returns the fault to apply to it, if any; consumes one
  // use of a fault limited to the next N requests (clearing it after the last).
  [[nodiscard]] std::optional<Fault> begin_call(std::string_view function);
  // Authenticates and runs `call` (the real WHM behaviour), and logs it with `applied` (a
  // fault that delays or trickles the real answer).
  [[nodiscard]] HttpReply serve_call(const ApiCall& call, FaultKind applied = FaultKind::kNone);
  // Logs a call that a fault answered (or did not answer: status 0).
  void log_faulted_call(const ApiCall& call, FaultKind kind, unsigned http_status,
                        std::optional<int> result);

 private:
  void append_log(RequestRecord record);  // requires mu_

  const HostSpec spec_;
  const std::size_t request_log_limit_;
  std::atomic<std::uint16_t> port_{0};

  mutable std::mutex mu_;
  UserTable users_;
  std::optional<Fault> fault_;
  std::map<std::string, std::uint64_t, std::less<>> calls_;
  std::deque<RequestRecord> log_;
  HostCounters counters_;
};

}  // namespace tw::mock
