#pragma once
// `tokenwarden run`: the service systemd supervises. One io_context runs everything: signals,
// timers, the watchdog, libcurl, every host's sweeps.
//
// Start-up, in order: configuration and policies loaded (else exit 78); the audit trail opened
// (else 74); "run.started"; the grace history loaded; READY=1; intents a crash left open
// reconciled; then one loop per host. Each loop sweeps its host once per interval at the
// host's splay offset (run/schedule.h), never two sweeps of one host at once, backing off after
// failures. The per-sweep mutation cap counts every host's mutations within one interval.
//
// SIGHUP: RELOADING=1, the new configuration and policies are built beside the old ones and
// swapped in only when both load cleanly (else "config.rejected" and the old ones go on), then
// READY=1. Sweeps in flight finish with the generation they started with. The audit trail,
// state_dir and concurrency are read at start only (a change is logged and needs a restart).
// SIGUSR1: the audit trail is reopened (logrotate moved it).
// SIGTERM/SIGINT: STOPPING=1; nothing new starts; a mutation in flight finishes and its outcome
// is recorded; requests still running after the request timeout (plus a margin) are cancelled;
// "run.stopped"; exit 0.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "config/fleet.h"
#include "daemon/audit/trail_writer.h"
#include "daemon/http/curl_multi_transport.h"
#include "daemon/notify/notifier.h"
#include "daemon/run/generation.h"
#include "daemon/run/schedule.h"
#include "daemon/state/grace_book.h"
#include "daemon/whm/whm_client.h"

namespace tw::run {

class Daemon {
 public:
  // Runs until stopped; returns the exit status. Errors at start-up go to the log (stderr).
  static int run(const DaemonOptions& options);

 private:
  struct HostLoop {
    std::unique_ptr<boost::asio::steady_timer> timer;
    unsigned failures = 0;
    EpochMillis not_before = 0;  // backoff: no sweep before this
    EpochMillis last_slot = 0;   // the slot of the last sweep started
    bool swept = false;          // at least once since start
    bool last_ok = true;
    bool running = false;
  };

  Daemon(DaemonOptions options, std::shared_ptr<const Generation> generation);

  int start();
  boost::asio::awaitable<void> begin();
  boost::asio::awaitable<void> host_loop(std::string host);
  boost::asio::awaitable<void> sweep_host(std::shared_ptr<const Generation> generation,
                                          std::string host);
  boost::asio::awaitable<void> watchdog_loop(std::chrono::microseconds period);
  void wait_for_signal();
  void reload();
  void reopen_trail();
  void stop();
  void finish_if_idle();
  void start_missing_loops();
  // STATUS= at most once a second (a large fleet finishes many sweeps a second, and a
  // notification socket nobody reads would block the loop); the latest text wins.
  void report_status(const std::string& last);
  void send_status();
  // The fleet-wide cap per interval: admits `count` mutations (empty reason) or says why not.
  [[nodiscard]] std::string admit_mutations(std::size_t count);

  DaemonOptions options_;
  std::shared_ptr<const Generation> generation_;
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  std::unique_ptr<http::CurlMultiTransport> transport_;
  std::unique_ptr<whm::WhmClient> client_;
  std::optional<audit::TrailWriter> trail_;
  state::GraceBook grace_;
  notify::Notifier notifier_;
  std::map<std::string, HostLoop> loops_;
  std::size_t loops_running_ = 0;
  bool started_ = false;  // host loops may start (after reconciliation)
  bool stopping_ = false;
  bool finished_ = false;
  std::unique_ptr<boost::asio::steady_timer> stop_deadline_;
  std::unique_ptr<boost::asio::steady_timer> watchdog_timer_;
  std::unique_ptr<boost::asio::steady_timer> status_timer_;
  std::string pending_status_;
  std::chrono::steady_clock::time_point last_status_{};
  bool status_timer_armed_ = false;
  // The per-sweep cap, counted over an interval-long window for the whole fleet.
  EpochMillis window_start_ = 0;
  std::size_t window_mutations_ = 0;  // sent in the current window
  std::size_t reserved_ = 0;          // admitted to sweeps still executing
  std::size_t sweeps_ = 0;
  std::size_t mutations_confirmed_ = 0;
  std::size_t mutations_failed_ = 0;
};

}  // namespace tw::run
