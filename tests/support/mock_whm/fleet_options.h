#pragma once
// Limits and switches of a mock fleet. Every resource a client can make the mock hold is
// bounded by one of these.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace tw::mock {

struct ApiCall;  // host.h

struct FleetOptions {
  // A request body larger than this gets 413 and the connection closes.
  std::size_t max_request_body = 64 * 1024;
  std::size_t max_request_header = 16 * 1024;
  // A keep-alive connection idle this long, or a request or answer not moving for this long,
  // is closed. (Hung faults are exempt: they hold the connection until the client or stop().)
  std::chrono::milliseconds idle_timeout{30'000};
  std::chrono::milliseconds handshake_timeout{10'000};
  // Connections open at once across the fleet; a connection above this is closed at once.
  std::size_t max_connections = 4096;
  // Entries kept per host in the request log (oldest dropped first).
  std::size_t request_log_limit = 10'000;
  // Serve /__mock/state and /__mock/fault.
  bool admin_endpoints = true;
  // Called with the host's name for every /json-api request the mock has read (GET or POST,
  // any function), before anything else happens to it: before a fault's latency or answer,
  // before authentication, before the function changes any state. So a test sees the exact
  // moment a mutation arrives (e.g. that the client's audit intent is already on disk).
  // Runs on the fleet's I/O thread, which serves every host: it must be quick, must not throw
  // (the connection would end unanswered), and whatever it touches must be thread-safe.
  // `call.authorization` holds the client's secret: never log, print or keep it.
  std::function<void(const std::string& host, const ApiCall& call)> on_api_call;
};

}  // namespace tw::mock
