#include <charconv>
#include <filesystem>

#include "daemon/audit/report.h"
#include "daemon/audit/trail_reader.h"
#include "daemon/audit/verify.h"
#include "daemon/cli/arguments.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/exit_codes.h"
#include "policy/timestamp.h"

namespace tw::cli {
namespace {

constexpr const char* kUsage =
    "usage: tokenwarden audit verify FILE... [--after SEQ:HASH]\n"
    "       tokenwarden audit report FILE... [--since TIME] [--until TIME]\n"
    "                                        [--format table|csv|json] [--after SEQ:HASH]\n"
    "\n"
    "Reads the audit trail: the current file and any rotated ones, in any order.\n"
    "\n"
    "verify   checks the sequence numbers and the hash chain across the files and names the\n"
    "         first bad record. Prints `OK <records> records, last seq <N>, last hash <H>` and\n"
    "         exits 0, or `FAIL seq <N> (<file>:<line>): <problem>` and exits 1.\n"
    "report   what was revoked or updated, when, where, by which rule and policy, with what\n"
    "         result; and which accounts sweeps could not list. Exits 1, after the report and a\n"
    "         warning, when the trail does not verify.\n"
    "\n"
    "  --after SEQ:HASH  the chain starts after this record (the last seq and hash an earlier\n"
    "                    verify printed), when older files were rotated away\n"
    "  --since TIME      only records at or after TIME (UTC: 2026-11-01, 2026-11-01T00:00:00Z)\n"
    "  --until TIME      only records before TIME\n"
    "  --format FORMAT   table (default), csv or json\n"
    "\n"
    "Exit status: 0 fine, 1 the trail does not verify, 64 bad command line, 66 a file cannot\n"
    "be read.\n";

// `SEQ:HASH` as verify prints them.
std::optional<audit::Anchor> parse_anchor(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  audit::Anchor anchor;
  const auto digits = text.substr(0, colon);
  const auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), anchor.seq);
  if (error != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  const auto hash = text.substr(colon + 1);
  if (hash.size() != 64 || hash.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
    return std::nullopt;
  }
  anchor.hash = std::string(hash);
  return anchor;
}

// What policy::parse_utc accepts (to the second), or a time with milliseconds as the trail
// writes it.
std::optional<audit::EpochMillis> parse_time(std::string_view text) {
  if (const auto seconds = policy::parse_utc(text)) return *seconds * 1000;
  return audit::parse_utc_millis(text);
}

std::string describe(const audit::VerifyResult& result) {
  if (result.ok) {
    return "OK " + std::to_string(result.records) + " records, last seq " +
           std::to_string(result.last_seq) + ", last hash " + result.last_hash;
  }
  std::string out = "FAIL seq " + std::to_string(result.bad_seq);
  // No place when there is no record at all.
  if (!result.bad_file.empty()) {
    out += " (" + result.bad_file.string() + ":" + std::to_string(result.bad_line) + ")";
  }
  return out + ": " + result.problem;
}

struct Common {
  std::vector<std::filesystem::path> files;
  audit::Anchor anchor;
};

// The files and --after, shared by both subcommands; nullopt after reporting a usage error.
std::optional<Common> read_common(std::string_view command, const Arguments& arguments,
                                  std::ostream& err) {
  Common common;
  if (arguments.positional().empty()) {
    err << "tokenwarden " << command << ": no trail FILE given\n\n" << kUsage;
    return std::nullopt;
  }
  for (const auto& file : arguments.positional()) common.files.emplace_back(file);
  if (const auto after = arguments.value("--after")) {
    const auto anchor = parse_anchor(*after);
    if (!anchor) {
      err << "tokenwarden " << command
          << ": --after must be SEQ:HASH (a sequence number and 64 lowercase hex digits)\n";
      return std::nullopt;
    }
    common.anchor = *anchor;
  }
  return common;
}

int run_verify(const std::vector<std::string_view>& args, Streams streams) {
  auto arguments = read_command_line("audit verify", args, {{"--after"}, {}}, kUsage, true,
                                     streams.out, streams.err);
  if (!arguments) return arguments.error();
  const auto common = read_common("audit verify", *arguments, streams.err);
  if (!common) return kExitUsage;
  const auto records = audit::read_trail(common->files);
  if (!records) {
    streams.err << "tokenwarden audit verify: " << records.error() << "\n";
    return kExitNoInput;
  }
  const auto result = audit::verify(*records, common->anchor);
  streams.out << describe(result) << "\n";
  return result.ok ? kExitOk : kExitIncomplete;
}

int run_report(const std::vector<std::string_view>& args, Streams streams) {
  auto arguments =
      read_command_line("audit report", args, {{"--after", "--since", "--until", "--format"}, {}},
                        kUsage, true, streams.out, streams.err);
  if (!arguments) return arguments.error();
  const auto common = read_common("audit report", *arguments, streams.err);
  if (!common) return kExitUsage;
  const auto format = audit::parse_report_format(arguments->value("--format").value_or("table"));
  if (!format) {
    streams.err << "tokenwarden audit report: --format must be table, csv or json\n";
    return kExitUsage;
  }
  bool bad_time = false;
  const auto bound = [&](const std::string& name) -> std::optional<audit::EpochMillis> {
    const auto text = arguments->value(name);
    if (!text) return std::nullopt;
    const auto time = parse_time(*text);
    if (!time) {
      streams.err << "tokenwarden audit report: " << name << ": not a UTC time: '" << *text
                  << "' (use 2026-11-01 or 2026-11-01T00:00:00Z)\n";
      bad_time = true;
    }
    return time;
  };
  const auto since = bound("--since");
  const auto until = bound("--until");
  if (bad_time) return kExitUsage;
  const auto records = audit::read_trail(common->files);
  if (!records) {
    streams.err << "tokenwarden audit report: " << records.error() << "\n";
    return kExitNoInput;
  }
  const auto report = audit::build_report(*records, since, until);
  streams.out << audit::render_report(report, *format);
  streams.out.flush();
  const auto verified = audit::verify(*records, common->anchor);
  if (!verified.ok) {
    streams.err << "warning: the trail does not verify: " << describe(verified) << "\n";
    return kExitIncomplete;
  }
  return kExitOk;
}

}  // namespace

int run_audit(const std::vector<std::string_view>& args, Streams streams) {
  if (args.empty()) {
    streams.err << "tokenwarden audit: verify or report?\n\n" << kUsage;
    return kExitUsage;
  }
  const std::string_view subcommand = args.front();
  const std::vector<std::string_view> rest(args.begin() + 1, args.end());
  if (subcommand == "--help" || subcommand == "-h" || subcommand == "help") {
    streams.out << kUsage;
    return kExitOk;
  }
  if (subcommand == "verify") return run_verify(rest, streams);
  if (subcommand == "report") return run_report(rest, streams);
  streams.err << "tokenwarden audit: unknown subcommand '" << subcommand << "'\n\n" << kUsage;
  return kExitUsage;
}

}  // namespace tw::cli
