#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>

#include "daemon/cli/arguments.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/config_loading.h"
#include "daemon/cli/exit_codes.h"
#include "daemon/cli/logging.h"
#include "daemon/http/curl_multi_transport.h"
#include "daemon/inventory/inventory.h"
#include "daemon/inventory/inventory_format.h"
#include "daemon/whm/whm_client.h"

namespace tw::cli {
namespace asio = boost::asio;

namespace {

constexpr const char* kUsage =
    "usage: tokenwarden inventory [--config FILE] [--format table|json|csv] [--log-level LEVEL]\n"
    "\n"
    "Lists every API token of every configured WHM user on every host of the fleet.\n"
    "Hosts that cannot be listed are reported with the reason, and the exit status is 1.\n"
    "\n"
    "  --config FILE     configuration file (default /etc/tokenwarden/tokenwarden.yaml)\n"
    "  --format FORMAT   table (default), json (one document) or csv\n"
    "  --log-level LEVEL diagnostics on stderr: trace, debug, info, warn (default), error, off\n";

}  // namespace

int run_inventory(const std::vector<std::string_view>& args, Streams streams) {
  auto arguments =
      read_command_line("inventory", args, {{"--config", "--format", "--log-level"}, {}}, kUsage,
                        false, streams.out, streams.err);
  if (!arguments) return arguments.error();
  const auto format = inventory::parse_format(arguments->value("--format").value_or("table"));
  if (!format) {
    streams.err << "tokenwarden inventory: --format must be table, json or csv\n";
    return kExitUsage;
  }
  if (!set_up_logging(arguments->value("--log-level").value_or("warn"))) {
    streams.err << "tokenwarden inventory: unknown --log-level\n";
    return kExitUsage;
  }
  const auto snapshot = load_configuration(arguments->value("--config"), streams.err);
  if (!snapshot) return kExitConfig;

  asio::io_context io;
  std::vector<inventory::AccountInventory> result;
  {
    http::CurlMultiTransport transport(io, {.max_in_flight = snapshot->settings.concurrency});
    whm::WhmClient client(transport, whm::client_options(snapshot->settings));
    asio::co_spawn(io, inventory::collect(client, *snapshot),
                   [&result](std::exception_ptr error, std::vector<inventory::AccountInventory> r) {
                     if (error) std::rethrow_exception(error);
                     result = std::move(r);
                   });
    io.run();
  }
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  streams.out << inventory::render(result, *format, now);
  return inventory::complete(result) ? kExitOk : kExitIncomplete;
}

}  // namespace tw::cli
