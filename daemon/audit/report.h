#pragma once
// `tokenwarden audit report`: what an auditor asks of a period. What was revoked or updated,
// when, on which host, for which rule, under which policy hash, with what result; and which
// hosts were not covered by which sweep.

#include <optional>
#include <string>
#include <vector>

#include "daemon/audit/record.h"
#include "daemon/audit/trail_reader.h"

namespace tw::audit {

struct ReportedMutation {
  EpochMillis time = 0;  // of the intent
  std::string sweep;
  std::string host;
  std::string user;
  std::string token;
  std::string action;  // revoke | update
  std::vector<std::string> rules;
  std::string policy_hash;
  std::string result;  // confirmed | failed | unconfirmed | applied | not_applied |
                       // diverged (reconciled) | open (no outcome yet)
  std::uint64_t intent_seq = 0;
  std::string before;  // one-line summaries of the states
  std::string after;
};

struct ReportedGap {
  EpochMillis time = 0;
  std::string sweep;
  std::string host;
  std::string user;
  std::string reason;
};

struct Report {
  std::optional<EpochMillis> since;
  std::optional<EpochMillis> until;
  std::vector<ReportedMutation> mutations;  // real ones only (not dry runs), in trail order
  std::vector<ReportedGap> uncovered;       // coverage.failed records
  std::size_t sweeps = 0;                   // sweep.started records in the period
  std::size_t dry_run_mutations = 0;
};

// Records with since <= time < until. Lines that are not records are skipped (verify says why).
[[nodiscard]] Report build_report(const std::vector<ReadRecord>& records,
                                  std::optional<EpochMillis> since,
                                  std::optional<EpochMillis> until);

enum class ReportFormat { table, csv, json };
[[nodiscard]] std::optional<ReportFormat> parse_report_format(std::string_view text);
// json: one document, schema "tokenwarden.audit-report/1"; csv: one header line and one line
// per mutation, then a blank line and the uncovered list with its own header (formula
// characters defused as in inventory CSV); table: for people.
[[nodiscard]] std::string render_report(const Report& report, ReportFormat format);

}  // namespace tw::audit
