#pragma once
// The subcommands of the one tokenwarden binary. Each takes the words after its name and
// returns the process exit status (daemon/cli/exit_codes.h); output goes to the streams given.

#include <ostream>
#include <string_view>
#include <vector>

namespace tw::cli {

struct Streams {
  std::ostream& out;
  std::ostream& err;
};

int run_audit(const std::vector<std::string_view>& args, Streams streams);
int run_inventory(const std::vector<std::string_view>& args, Streams streams);
int run_check(const std::vector<std::string_view>& args, Streams streams);
int run_plan(const std::vector<std::string_view>& args, Streams streams);
int run_daemon(const std::vector<std::string_view>& args, Streams streams);
int run_scan(const std::vector<std::string_view>& args, Streams streams);
int run_test(const std::vector<std::string_view>& args, Streams streams);

}  // namespace tw::cli
