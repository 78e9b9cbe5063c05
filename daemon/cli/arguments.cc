#include "daemon/cli/arguments.h"

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

}  // namespace tw::cli
