#pragma once
// Exit statuses with a meaning, so the systemd unit can use RestartPreventExitStatus= and
// scripts can tell "fix your config" from "a host is down". Values from sysexits.h.

namespace tw::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitIncomplete = 1;  // ran, but some hosts could not be handled
inline constexpr int kExitUsage = 64;      // EX_USAGE: bad command line
inline constexpr int kExitNoInput = 66;    // EX_NOINPUT: an input file cannot be read
inline constexpr int kExitSoftware = 70;   // EX_SOFTWARE: an internal error (a bug)
// EX_IOERR: the audit trail could not be written, so nothing (more) was mutated
inline constexpr int kExitIoError = 74;
inline constexpr int kExitConfig = 78;  // EX_CONFIG: bad configuration or policy

}  // namespace tw::cli
