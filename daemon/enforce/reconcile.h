#pragma once
// Reconciliation after a crash: an intent without an outcome means the process stopped between
// writing the intent and writing what came of it; the mutation may or may not have reached the
// host. The only way to know is to list that account again. Each open intent gets a
// "mutation.reconciled" record, or "reconcile.deferred" when the host cannot be listed now (it
// stays open and is tried again next time).

#include <boost/asio/awaitable.hpp>
#include <vector>

#include "config/fleet.h"
#include "daemon/audit/events.h"
#include "daemon/audit/trail_writer.h"
#include "daemon/whm/whm_client.h"

namespace tw::enforce {

struct Reconciliation {
  std::size_t reconciled = 0;
  std::size_t deferred = 0;
  std::size_t unrecorded = 0;  // the trail could not be written
};

// Lists each account named by `intents` once (accounts in parallel) and records the result.
[[nodiscard]] boost::asio::awaitable<Reconciliation> reconcile(
    whm::WhmClient& client, const config::Snapshot& configuration,
    std::vector<audit::OpenIntent> intents, audit::TrailWriter& trail);

// Reads the trail file `trail` writes to, finds the intents left open in it (audit/
// open_intents.h) and reconciles them. An unreadable file is reported in `problem`.
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
