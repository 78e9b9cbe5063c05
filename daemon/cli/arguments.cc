#include "daemon/cli/arguments.h"

#include "daemon/cli/exit_codes.h"

namespace tw::cli {

std::expected<Arguments, std::string> Arguments::parse(const std::vector<std::string_view>& args,
                                                       const OptionSpec& spec) {
  Arguments out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view word = args[i];
    if (!word.starts_with("--")) {
      out.positional_.emplace_back(word);
      continue;
    }
    const auto equals = word.find('=');
    const std::string name(word.substr(0, equals));
    if (spec.flags.contains(name)) {
      if (equals != std::string_view::npos) return std::unexpected(name + " takes no value");
      out.flags_.insert(name);
      continue;
    }
    if (!spec.with_value.contains(name)) return std::unexpected("unknown option " + name);
    if (out.values_.contains(name)) return std::unexpected(name + " is given twice");
    if (equals != std::string_view::npos) {
      out.values_[name] = std::string(word.substr(equals + 1));
    } else if (i + 1 < args.size()) {
      out.values_[name] = std::string(args[++i]);
    } else {
      return std::unexpected(name + " needs a value");
    }
  }
  return out;
}

std::optional<std::string> Arguments::value(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::expected<Arguments, int> read_command_line(std::string_view command,
                                                const std::vector<std::string_view>& args,
                                                OptionSpec spec, std::string_view usage,
                                                bool positional, std::ostream& out,
                                                std::ostream& err) {
  spec.flags.insert("--help");
  spec.flags.insert("--version");
  auto arguments = Arguments::parse(args, spec);
  if (arguments && arguments->flag("--help")) {
    out << usage;
    return std::unexpected(kExitOk);
  }
  if (arguments && arguments->flag("--version")) {
    out << "tokenwarden " << TOKENWARDEN_VERSION << "\n";
    return std::unexpected(kExitOk);
  }
  std::string problem;
  if (!arguments) {
    problem = arguments.error();
  } else if (!positional && !arguments->positional().empty()) {
    problem = "unexpected argument '" + arguments->positional().front() + "'";
  }
  if (!problem.empty()) {
    err << "tokenwarden " << command << ": " << problem << "\n\n" << usage;
    return std::unexpected(kExitUsage);
  }
  return std::move(*arguments);
}

}  // namespace tw::cli
