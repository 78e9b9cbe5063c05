#pragma once
// A small, strict command-line reader: `--name value`, `--name=value` and boolean `--flag`.
// Unknown options and missing values are usage errors that say which option.

#include <expected>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tw::cli {

struct OptionSpec {
  std::set<std::string> with_value;  // e.g. {"--config", "--format"}
  std::set<std::string> flags;       // e.g. {"--help"}
};

class Arguments {
 public:
  // Reads `args` (the words after the command). Positional words are kept in order.
  static std::expected<Arguments, std::string> parse(const std::vector<std::string_view>& args,
                                                     const OptionSpec& spec);

  [[nodiscard]] std::optional<std::string> value(const std::string& name) const;
  [[nodiscard]] bool flag(const std::string& name) const { return flags_.contains(name); }
  [[nodiscard]] const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
};

// Reads the words after `tokenwarden COMMAND`. `--help` prints `usage` to `out`, `--version`
// the version; both end the command with status 0. A bad command line (unknown option, missing
// value, or a positional word where `positional` is false) prints the problem and the usage to
// `err` and ends it with 64 (EX_USAGE). Otherwise: the arguments to run with.
[[nodiscard]] std::expected<Arguments, int> read_command_line(
    std::string_view command, const std::vector<std::string_view>& args, OptionSpec spec,
    std::string_view usage, bool positional, std::ostream& out, std::ostream& err);

}  // namespace tw::cli
