// Benchmark: one inventory of a large mock fleet over TLS on loopback, at several concurrency
// limits, side by side with the bound that latency alone sets (hosts x latency / concurrency),
// and the peak memory of the process. Run with scripts/bench.sh; results in docs/performance.md.
//
// Every host answers after a fixed delay (the mock's latency fault), standing in for the round
// trip to a WHM server far away; the fleet is on 127.0.0.1 only.

#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "config/fleet.h"
#include "daemon/http/curl_multi_transport.h"
#include "daemon/inventory/inventory.h"
#include "tests/support/mock_whm/fleet.h"

namespace {

using namespace std::chrono;
namespace asio = boost::asio;

int kHosts = 400;
constexpr int kTokensPerHost = 20;
constexpr milliseconds kLatency{25};

std::string secret_for(int i) {
  std::string s = "BENCH" + std::to_string(i);
  s.resize(32, 'Q');
  return s;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) kHosts = std::stoi(argv[1]);
  std::vector<unsigned> concurrencies{1U, 8U, 32U, 64U, 128U};
  if (argc > 2) concurrencies = {static_cast<unsigned>(std::stoul(argv[2]))};
  tw::mock::FleetSpec spec;
  for (int i = 0; i < kHosts; ++i) {
    tw::mock::HostSpec host;
    host.name = "bench" + std::to_string(i);
    tw::mock::UserSpec root;
    tw::mock::TokenSpec own;
    own.name = "tokenwarden";
    own.secret = secret_for(i);
    root.tokens.push_back(own);
    for (int t = 1; t < kTokensPerHost; ++t) {
      tw::mock::TokenSpec token;
      token.name = "token-" + std::to_string(t);
      token.acls = std::vector<std::string>{"list-accts", "acct-summary"};
      token.whitelist = std::vector<std::string>{"203.0.113.0/24", "2001:db8::/32"};
      root.tokens.push_back(token);
    }
    host.users = {root};
    tw::mock::Fault slow;
    slow.latency = kLatency;
    host.fault = slow;
    spec.hosts.push_back(host);
  }
  tw::mock::Fleet fleet(std::move(spec));
  fleet.start();
  const auto ca = std::filesystem::temp_directory_path() / "tokenwarden-bench-ca.pem";
  fleet.write_ca_pem(ca);

  tw::config::Snapshot snapshot;
  for (int i = 0; i < kHosts; ++i) {
    tw::config::Host host;
    host.name = "bench" + std::to_string(i);
    host.address = "127.0.0.1";
    host.port = fleet.host(static_cast<std::size_t>(i)).port();
    host.tls.ca_file = ca;
    host.accounts.push_back({"root", host.name, tw::config::Secret(secret_for(i))});
    snapshot.hosts.push_back(host);
  }

  std::printf("inventory of %d hosts x %d tokens, every host answering after %lld ms\n\n", kHosts,
              kTokensPerHost, static_cast<long long>(kLatency.count()));
  std::printf("%12s %12s %14s %10s %14s\n", "concurrency", "wall (ms)", "bound (ms)", "ratio",
              "peak RSS (MiB)");
  for (const unsigned concurrency : concurrencies) {
    asio::io_context io;
    std::vector<tw::inventory::AccountInventory> result;
    const auto start = steady_clock::now();
    {
      tw::http::CurlMultiTransport transport(io, {.max_in_flight = concurrency});
      tw::whm::WhmClient client(transport, tw::whm::ClientOptions{});
      asio::co_spawn(io, tw::inventory::collect(client, snapshot),
                     [&result](std::exception_ptr e, std::vector<tw::inventory::AccountInventory> r) {
                       if (e) std::rethrow_exception(e);
                       result = std::move(r);
                     });
      io.run();
    }
    const auto wall = duration_cast<milliseconds>(steady_clock::now() - start).count();
    if (!tw::inventory::complete(result)) {
      std::fprintf(stderr, "inventory incomplete at concurrency %u\n", concurrency);
      return 1;
    }
    const double bound = static_cast<double>(kHosts) * static_cast<double>(kLatency.count()) /
                         static_cast<double>(concurrency);
    std::printf("%12u %12lld %14.0f %10.2f %14.1f\n", concurrency, static_cast<long long>(wall),
                bound, static_cast<double>(wall) / bound,
                static_cast<double>(peak_rss_kib()) / 1024.0);
  }
  std::filesystem::remove(ca);
  return 0;
}
