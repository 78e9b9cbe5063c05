#include "daemon/run/daemon.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <set>

#include "daemon/audit/events.h"
#include "daemon/enforce/reconcile.h"
#include "daemon/state/grace_store.h"
#include "daemon/sweep/sweep.h"
#include "daemon/sweep/trail_setup.h"

// GCC 12 at -O2 reports a coroutine frame's sized delete as mismatched with its allocation in
// this file (a false positive: both are Boost.Asio's awaitable_frame_base operators).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace tw::run {
namespace asio = boost::asio;
namespace {

constexpr int kExitOk = 0;
constexpr int kExitIoError = 74;
constexpr int kExitConfig = 78;

EpochMillis now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

policy::EpochSeconds now_seconds() {
  return now_millis() / 1000;
}

// The steady-clock moment of the wall-clock time `at`.
std::chrono::steady_clock::time_point steady_at(EpochMillis at) {
  return std::chrono::steady_clock::now() + std::chrono::milliseconds(at - now_millis());
}

const config::Host* find_host(const Generation& generation, const std::string& name) {
  const auto& hosts = generation.configuration.hosts;
  const auto it = std::ranges::find(hosts, name, &config::Host::name);
  return it == hosts.end() ? nullptr : &*it;
}

// How a host sweep failed, from the accounts that could not be listed.
Failure failure_of(const sweep::SweepResult& result) {
  Failure failure = Failure::none;
  for (const auto& failed : result.summary.hosts_failed) {
    if (failed.reason.rfind("authentication", 0) == 0) return Failure::authentication;
    failure = Failure::unreachable;
  }
  return failure;
}

}  // namespace

int Daemon::run(const DaemonOptions& options) {
  // Until the signal_set is in place, these signals wait (blocked) instead of ending the
  // process by their default action: logrotate's SIGUSR1 or a stop can come at any moment.
  sigset_t handled;
  sigemptyset(&handled);
  for (const int signal : {SIGHUP, SIGTERM, SIGINT, SIGUSR1}) sigaddset(&handled, signal);
  sigprocmask(SIG_BLOCK, &handled, nullptr);
  auto generation = load_generation(options);
  if (!generation) {
    for (const auto& error : generation.error()) spdlog::critical("{}", error);
    spdlog::critical("tokenwarden run: {} error(s) in the configuration or policies; not started",
                     generation.error().size());
    return kExitConfig;
  }
  Daemon daemon(options, std::make_shared<const Generation>(std::move(*generation)));
  return daemon.start();
}

Daemon::Daemon(DaemonOptions options, std::shared_ptr<const Generation> generation)
    : options_(std::move(options)),
      generation_(std::move(generation)),
      signals_(io_, SIGHUP, SIGTERM, SIGINT),
      grace_(generation_->configuration.settings.state_dir) {
  signals_.add(SIGUSR1);
  // The signal_set handles them now; any that came while blocked is delivered to it.
  sigset_t handled;
  sigemptyset(&handled);
  for (const int signal : {SIGHUP, SIGTERM, SIGINT, SIGUSR1}) sigaddset(&handled, signal);
  sigprocmask(SIG_UNBLOCK, &handled, nullptr);
}

int Daemon::start() {
  const auto& settings = generation_->configuration.settings;
  if (settings.audit) {
    auto opened = sweep::open_configured_trail(settings);
    if (!opened) {
      spdlog::critical("the audit trail cannot be opened: {}; not started", opened.error());
      return kExitIoError;
    }
    trail_.emplace(std::move(*opened));
  } else {
    spdlog::warn("no audit trail configured (`audit: {{path: FILE}}`): sweeps are not recorded");
  }
  const bool enforce = settings.mode == config::Mode::enforce;
  if (trail_) {
    (void)trail_->append(audit::run_started("run", options_.version, !enforce));
    (void)trail_->append(audit::config_loaded(generation_->configuration));
    (void)trail_->append(audit::policy_loaded(generation_->policies));
  }
  if (const auto problem = grace_.load()) {
    spdlog::error("grace state rebuilt: {}", *problem);
    if (trail_) {
      (void)trail_->append(
          audit::state_rebuilt(state::grace_file(settings.state_dir).string(), *problem));
    }
  }
  transport_ = std::make_unique<http::CurlMultiTransport>(
      io_, http::TransportOptions{.max_in_flight = settings.concurrency});
  client_ = std::make_unique<whm::WhmClient>(*transport_, whm::client_options(settings));
  spdlog::info("tokenwarden run: {} host(s), interval {} ms, {}",
               generation_->configuration.hosts.size(), settings.interval.count(),
               enforce ? "enforcing" : "dry run");

  wait_for_signal();
  if (const auto period = notify::Notifier::watchdog_period()) {
    asio::co_spawn(io_, watchdog_loop(*period), asio::detached);
  }
  asio::co_spawn(io_, begin(), [](std::exception_ptr error) {
    if (error) std::rethrow_exception(error);
  });
  io_.run();
  // Destroyed before the io_context goes: the transport's handles belong to it.
  client_.reset();
  transport_.reset();
  return kExitOk;
}

asio::awaitable<void> Daemon::begin() {
  notifier_.ready();
  if (trail_) {
    const auto generation = generation_;
    const auto reconciled =
        co_await enforce::reconcile_trail(*client_, generation->configuration, *trail_);
    if (reconciled.problem) spdlog::error("reading the audit trail: {}", *reconciled.problem);
    if (reconciled.open > 0) {
      spdlog::warn("reconciled {} of {} intent(s) left open by an earlier run",
                   reconciled.done.reconciled, reconciled.open);
    }
  }
  started_ = true;
  if (stopping_) {
    finish_if_idle();
    co_return;
  }
  start_missing_loops();
  report_status("started");
}

void Daemon::start_missing_loops() {
  if (!started_ || stopping_) return;
  for (const auto& host : generation_->configuration.hosts) {
    auto& loop = loops_[host.name];
    if (loop.running) continue;
    loop.running = true;
    ++loops_running_;
    loop.timer = std::make_unique<asio::steady_timer>(io_);
    asio::co_spawn(io_, host_loop(host.name), [](std::exception_ptr error) {
      if (error) std::rethrow_exception(error);
    });
  }
}

asio::awaitable<void> Daemon::host_loop(std::string host) {
  while (!stopping_) {
    auto generation = generation_;
    if (find_host(*generation, host) == nullptr) break;  // removed by a reload
    const auto interval = generation->configuration.settings.interval;
    auto& loop = loops_[host];
    // Never the slot just swept again (the wall clock may have been stepped back), and after a
    // failure the first slot once the backoff is over.
    const EpochMillis after = std::max({now_millis(), loop.last_slot, loop.not_before - 1});
    const EpochMillis at = next_slot(after, splay_offset(host, interval), interval);
    loop.timer->expires_at(steady_at(at));
    const auto waited = co_await loop.timer->async_wait(asio::as_tuple(asio::use_awaitable));
    if (stopping_) break;
    if (std::get<0>(waited)) continue;  // cancelled by a reload: work out the slot again
    loop.last_slot = at;
    generation = generation_;
    if (find_host(*generation, host) == nullptr) break;
    // A failure inside one sweep (a bug) is logged and backed off; it never ends the daemon.
    bool crashed = false;
    try {
      co_await sweep_host(generation, host);
    } catch (const std::exception& e) {
      spdlog::critical("{}: sweep failed: {}", host, e.what());
      crashed = true;
    }
    if (crashed) {
      ++loop.failures;
      loop.not_before =
          loop.last_slot + backoff(Failure::unreachable, loop.failures, interval).count();
    }
  }
  auto& loop = loops_[host];
  loop.running = false;
  --loops_running_;
  finish_if_idle();
}

std::string Daemon::admit_mutations(std::size_t count) {
  const auto& settings = generation_->configuration.settings;
  const EpochMillis now = now_millis();
  if (now - window_start_ >= settings.interval.count()) {
    window_start_ = now;
    window_mutations_ = 0;
  }
  const std::size_t cap = settings.limits.max_mutations_per_sweep;
  if (window_mutations_ + reserved_ + count > cap) {
    return std::to_string(count) + " mutations planned, but " +
           std::to_string(window_mutations_ + reserved_) +
           " are already sent or under way in this interval, and the cap is " +
           std::to_string(cap) + " per interval for the fleet; none of them is applied";
  }
  reserved_ += count;
  return "";
}

asio::awaitable<void> Daemon::sweep_host(std::shared_ptr<const Generation> generation,
                                         std::string host) {
  config::Snapshot single = generation->configuration;
  single.hosts.clear();
  single.hosts.push_back(*find_host(*generation, host));
  if (trail_) {
    if (auto rotated = trail_->rotate_if_due(); !rotated) {
      spdlog::error("rotating the audit trail: {}", rotated.error());
    }
  }
  sweep::SweepOptions options;
  options.enforce = single.settings.mode == config::Mode::enforce && trail_.has_value();
  options.now = now_seconds();
  options.grace = &grace_;
  options.stopping = &stopping_;
  options.admit = [this](std::size_t count) { return admit_mutations(count); };
  options.release = [this](std::size_t admitted, std::size_t sent) {
    reserved_ -= std::min(reserved_, admitted);
    window_mutations_ += sent;
  };
  audit::TrailWriter* trail = trail_ ? &*trail_ : nullptr;
  const auto result =
      co_await sweep::run_sweep(*client_, single, generation->policies, trail, options);

  ++sweeps_;
  mutations_confirmed_ += result.summary.confirmed;
  mutations_failed_ += result.summary.failed;
  for (const auto& problem : result.problems) spdlog::error("{}: {}", host, problem);
  auto& loop = loops_[host];
  loop.swept = true;
  const Failure failure = failure_of(result);
  if (failure == Failure::none) {
    loop.failures = 0;
    loop.not_before = 0;
    loop.last_ok = true;
  } else {
    ++loop.failures;
    loop.last_ok = false;
    const auto wait = backoff(failure, loop.failures, single.settings.interval);
    // Counted from the slot of the failed sweep: the next one comes `wait` after it.
    loop.not_before = loop.last_slot + wait.count();
    for (const auto& failed : result.summary.hosts_failed) {
      if (failure == Failure::authentication) {
        spdlog::error("{} ({}): {}; the credential is not tried again for {} s", failed.host,
                      failed.user, failed.reason, wait.count() / 1000);
      } else {
        spdlog::warn("{} ({}): {}; failure {} in a row, next try in {} s at the earliest",
                     failed.host, failed.user, failed.reason, loop.failures, wait.count() / 1000);
      }
    }
  }
  spdlog::info("{}: swept: {} tokens, {} findings, {} mutations sent ({} confirmed)", host,
               result.summary.tokens_seen, result.summary.findings, result.summary.sent,
               result.summary.confirmed);
  report_status(host + ": " + std::to_string(result.summary.findings) + " findings, " +
                std::to_string(result.summary.sent) + " mutations");
}

}  // namespace tw::run
