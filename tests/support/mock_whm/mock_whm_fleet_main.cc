// mock-whm-fleet: runs a mock WHM fleet described by a fixture until SIGINT or SIGTERM, for the
// demo and process-level tests. See README.md.
//
//   mock-whm-fleet --fixture FILE --out DIR [--ready-file PATH]
//
// Exit codes: 0 after a signal, 64 (EX_USAGE) for bad arguments, 78 (EX_CONFIG) for a bad
// fixture, 1 when the fleet cannot start or its files cannot be written.

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <ctime>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "tests/support/mock_whm/file_util.h"
#include "tests/support/mock_whm/fixture.h"
#include "tests/support/mock_whm/fleet.h"
#include "tests/support/mock_whm/fleet_files.h"

namespace {

constexpr int kExitUsage = 64;
constexpr int kExitConfig = 78;

struct Arguments {
  std::filesystem::path fixture;
  std::filesystem::path out;
  std::optional<std::filesystem::path> ready_file;
};

constexpr std::string_view kUsage =
    "usage: mock-whm-fleet --fixture FILE --out DIR [--ready-file PATH]\n"
    "  Serves the mock WHM fleet FILE describes on 127.0.0.1 until SIGINT/SIGTERM.\n"
    "  Writes DIR/ca.pem, DIR/credentials/<host>-<user>, DIR/tokenwarden.yaml, then the ready\n"
    "  file (or prints `ready` on stdout).\n";

std::optional<Arguments> parse_arguments(int argc, char** argv) {
  Arguments args;
  bool have_fixture = false;
  bool have_out = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (i + 1 >= argc) return std::nullopt;
    const std::string value = argv[++i];
    if (flag == "--fixture") {
      args.fixture = value;
      have_fixture = true;
    } else if (flag == "--out") {
      args.out = value;
      have_out = true;
    } else if (flag == "--ready-file") {
      args.ready_file = value;
    } else {
      return std::nullopt;
    }
  }
  if (!have_fixture || !have_out) return std::nullopt;
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  const auto args = parse_arguments(argc, argv);
  if (!args) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  auto spec =
      tw::mock::load_fixture_file(args->fixture, static_cast<std::int64_t>(std::time(nullptr)));
  if (!spec) {
    std::cerr << "mock-whm-fleet: " << spec.error() << "\n";
    return kExitConfig;
  }
  try {
    // The signal set exists before the fleet is announced, so a SIGTERM sent as soon as the
    // ready file appears is never missed.
    boost::asio::io_context signals_io;
    boost::asio::signal_set signals(signals_io, SIGINT, SIGTERM);
    signals.async_wait([](const boost::system::error_code&, int) {});

    tw::mock::Fleet fleet(std::move(*spec));
    fleet.start();
    const tw::mock::FleetFiles files = tw::mock::write_fleet_files(fleet, args->out);
    for (const auto& name : fleet.host_names()) {
      std::cerr << "mock-whm-fleet: " << name << " on https://127.0.0.1:" << fleet.host(name).port()
                << "\n";
    }
    std::cerr << "mock-whm-fleet: configuration " << files.config_file.string() << "\n";
    if (args->ready_file) {
      tw::mock::write_file_atomically(*args->ready_file, "ready\n", 0644);
    } else {
      std::cout << "ready" << std::endl;
    }
    signals_io.run();  // returns once the signal handler has run
    fleet.stop();
    std::cerr << "mock-whm-fleet: stopped\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "mock-whm-fleet: " << e.what() << "\n";
    return 1;
  }
}
