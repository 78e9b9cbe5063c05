#pragma once
// One sweep, from listing to confirmed outcomes, with everything recorded in the audit trail:
//   1. "sweep.started"; every account listed; coverage recorded per account;
//   2. the grace history read from the caller's GraceBook (a copy: other sweeps may change it);
//   3. policies evaluated and a plan made (policy/plan.h: caps, protections, grace);
//   4. findings, exemptions used and caps that held recorded;
//   5. mutations: on hosts that were not fully listed, withheld ("host.held"); in a dry run,
//      recorded as "mutation.dry_run"; when enforcing, executed (enforce/executor.h);
//   6. the grace history of the listed accounts updated and saved; "sweep.finished" with the
//      summary; the trail synced.
// Used by `scan` and, on a schedule, by the daemon.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <vector>

#include "config/fleet.h"
#include "daemon/audit/events.h"
#include "daemon/audit/trail_writer.h"
#include "daemon/enforce/executor.h"
#include "daemon/report/plan_format.h"
#include "daemon/scan/evaluation.h"
#include "daemon/state/grace_book.h"
#include "daemon/whm/whm_client.h"
#include "policy/policy.h"

namespace tw::sweep {

struct SweepOptions {
  // Send mutations. The caller decides (configuration mode and command line) and makes sure a
  // trail is given; without one nothing is ever sent.
  bool enforce = false;
  policy::EpochSeconds now = 0;
  // The grace history (null: every violation is seen for the first time, nothing is kept).
  state::GraceBook* grace = nullptr;
  // Update and save the grace history afterwards. Off for evaluations at another time than the
  // clock's (`scan --now`), which must not write first sightings into the history.
  bool save_grace = true;
  // Asked, when enforcing, with the number of mutations about to be sent (after every belt of
  // the plan): an empty reason lets them go; otherwise none is sent and the reason is recorded
  // as "cap.held". The daemon uses it for its fleet-wide cap per interval, since several host
  // sweeps run at once. Unset: always allowed.
  std::function<std::string(std::size_t)> admit;
  // Called once the mutations admitted above are done, with how many were sent.
  std::function<void(std::size_t admitted, std::size_t sent)> release;
  // Checked before each mutation: once true, nothing more is sent (a stopping daemon lets the
  // mutation in flight finish and its outcome be recorded). Null: never stops.
  const bool* stopping = nullptr;
};

struct SweepResult {
  std::string sweep_id;
  scan::Evaluation evaluation;  // the plan and what it was made from
  std::vector<report::Uncovered> uncovered;
  std::vector<enforce::Execution> executions;  // for actions with decision apply
  audit::SweepSummary summary;
  // Things the operator must hear about (trail not written, grace state not saved, ...).
  std::vector<std::string> problems;
};

// `trail` may be null only for a dry run without a configured trail.
[[nodiscard]] boost::asio::awaitable<SweepResult> run_sweep(whm::WhmClient& client,
                                                            const config::Snapshot& configuration,
                                                            const policy::PolicySet& policies,
                                                            audit::TrailWriter* trail,
                                                            SweepOptions options);

// "20261128T233425Z-1a2b3c4d": the sweep's time and 32 random bits.
[[nodiscard]] std::string new_sweep_id(policy::EpochSeconds now);

// The lines `scan` prints about executions (report/plan_format.h Outcome).
[[nodiscard]] std::vector<report::Outcome> outcomes(const SweepResult& result);

}  // namespace tw::sweep
