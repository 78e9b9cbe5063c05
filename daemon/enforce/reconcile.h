#pragma once
// Reconciliation after a crash: an intent without an outcome means the process stopped between
// writing the intent and writing what came of it; the mutation may or may not have reached the
// host. The only way to know is to list that account again. Each open intent gets a
// "mutation.reconciled" record, or "reconcile.deferred" when the host cannot be listed now (it
// stays open and is tried again next time). An intent that can never be listed again (host or
// credential gone from the configuration) is reconciled as "unverifiable".

#include <boost/asio/awaitable.hpp>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/fleet.h"
#include "daemon/audit/events.h"
#include "daemon/audit/trail_writer.h"
#include "daemon/whm/whm_client.h"

namespace tw::enforce {

struct Reconciliation {
  std::size_t reconciled = 0;    // closed by a "mutation.reconciled" record, unverifiable included
  std::size_t unverifiable = 0;  // of those, never to be checked (host or credential gone)
  std::size_t deferred = 0;
  std::size_t unrecorded = 0;  // the trail could not be written
};

// Lists each account named by `intents` once (accounts in parallel) and records the result.
// An intent whose host is no longer in `configuration`, or whose user has no credential there,
// can never be checked: it is recorded as reconciled with result "unverifiable", which closes it.
[[nodiscard]] boost::asio::awaitable<Reconciliation> reconcile(
    whm::WhmClient& client, const config::Snapshot& configuration,
    std::vector<audit::OpenIntent> intents, audit::TrailWriter& trail);

// The intents left open (audit/open_intents.h) in the trail whose current file is `current`,
// and in the files before it: while the first record of the file read last is
// "trail.continued" with a previous_file that names another file that exists, can be read and
// ends before it in the chain, that file is read too, up to 3 files back (an intent written
// just before a rotation or a logrotate reopening is in the file before). Records are taken in
// chain order, so an outcome in a later file closes an intent in an earlier one. An error only
// when `current` cannot be read; an earlier file that cannot be read ends the search.
[[nodiscard]] std::expected<std::vector<audit::OpenIntent>, std::string> open_intents_in_trail(
    const std::filesystem::path& current);

// Finds the intents left open in the trail `trail` writes to (open_intents_in_trail) and
// reconciles them. An unreadable file is reported in `problem`.
struct TrailReconciliation {
  std::size_t open = 0;
  Reconciliation done;
  std::optional<std::string> problem;
};
[[nodiscard]] boost::asio::awaitable<TrailReconciliation> reconcile_trail(
    whm::WhmClient& client, const config::Snapshot& configuration, audit::TrailWriter& trail);

// What the listing says about one intent (exposed for tests). `observed`: the token as listed
// now, nullopt when absent.
[[nodiscard]] audit::ReconcileResult classify(const audit::OpenIntent& intent,
                                              const std::optional<policy::Token>& observed);

}  // namespace tw::enforce
