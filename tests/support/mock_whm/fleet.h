#pragma once
// The mock WHM fleet: many virtual WHM hosts served at once over HTTPS on 127.0.0.1, one
// listening port per host, with the token semantics of whm-api.md, state that each call
// changes, injectable faults and inspection for tests. One background thread runs one
// io_context for every host; faults use async timers, so a slow host never stalls another.
//
//   tw::mock::Fleet fleet(spec);
//   fleet.start();
//   auto& h = fleet.host("whm01");          // h.port(), h.tokens("root"), h.set_fault(...)
//   ... point a client at https://127.0.0.1:<port> trusting fleet.ca_pem() ...
//   fleet.stop();                           // or let the destructor do it

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/mock_whm/fleet_options.h"
#include "tests/support/mock_whm/fleet_spec.h"
#include "tests/support/mock_whm/host.h"
#include "tests/support/mock_whm/tls_material.h"

namespace tw::mock {

class Fleet {
 public:
  // Validates `spec` (throws std::invalid_argument with the problem), builds every host's
  // state with the current time and generates the TLS material. Binds nothing yet.
  explicit Fleet(FleetSpec spec, FleetOptions options = {});
  // Stops the fleet if it runs.
  ~Fleet();
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  // Binds one port per host on 127.0.0.1 (the spec's port, or one the OS picks) and starts
  // the I/O thread. Host ports are known when it returns. Call once; throws
  // boost::system::system_error when a port cannot be bound (then nothing runs).
  void start();

  // Closes the listeners and every open connection (hung ones too), waits for the I/O thread
  // to finish. Idempotent; the fleet cannot be started again.
  void stop();

  [[nodiscard]] bool running() const;

  // TLS: the CA that signed the server certificate, and the server key's pin
  // (`sha256//BASE64`, curl's CURLOPT_PINNEDPUBLICKEY format).
  [[nodiscard]] const TlsMaterial& tls() const;
  [[nodiscard]] const std::string& ca_pem() const { return tls().ca_pem; }
  [[nodiscard]] const std::string& server_pin() const { return tls().server_pin; }
  // Writes ca_pem() to `path` (mode 0644). Throws std::system_error on failure.
  void write_ca_pem(const std::filesystem::path& path) const;

  // /json-api requests being served at once, fleet-wide: each counts from the moment it has
  // been read until its answer is written or its connection ends (a request a `latency`
  // fault delays, or a `hang` holds, counts while it waits). Any thread. A client may get its
  // answer a moment before the write completes here: poll briefly for 0 after the last one.
  [[nodiscard]] std::uint64_t concurrent_requests() const;
  // The most there have been at the same time since the fleet started or the last reset.
  [[nodiscard]] std::uint64_t max_concurrent_requests() const;
  // Starts a new maximum from the requests being served now.
  void reset_max_concurrent_requests();

  // Hosts in spec order.
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] Host& host(std::size_t index);
  // Throws std::out_of_range for an unknown name.
  [[nodiscard]] Host& host(std::string_view name);
  [[nodiscard]] const Host& host(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> host_names() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tw::mock
