#include "daemon/run/daemon.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <set>

#include "config/load_config.h"
#include "config/load_policies.h"
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

std::vector<std::string> describe(const config::ConfigErrors& errors) {
  std::vector<std::string> out;
  out.reserve(errors.size());
  for (const auto& error : errors) out.push_back(error.to_string());
  return out;
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

std::expected<Generation, std::vector<std::string>> load_generation(const DaemonOptions& options) {
  config::LoadOptions load_options;
  load_options.credentials_directory = options.credentials_directory;
  auto configuration = config::load_config(options.config_file, load_options);
  if (!configuration) return std::unexpected(describe(configuration.error()));
  const auto& settings = configuration->settings;
  if (settings.policies_dir.empty()) {
    return std::unexpected(std::vector<std::string>{configuration->source.string() +
                                                    ": no policies: set `policies: DIR`"});
  }
  if (settings.mode == config::Mode::enforce && (!settings.audit || settings.state_dir.empty())) {
    return std::unexpected(std::vector<std::string>{
        configuration->source.string() +
        ": `mode: enforce` needs an audit trail and a state directory: set `audit: {path: "
        "FILE}` and `state_dir: DIR`"});
  }
  auto policies = config::load_policies(settings.policies_dir, now_seconds());
  if (!policies) return std::unexpected(describe(policies.error()));
  return Generation{std::move(*configuration), std::move(*policies)};
}

int Daemon::run(const DaemonOptions& options) {
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
    const EpochMillis slot = next_slot(now_millis(), splay_offset(host, interval), interval);
    const EpochMillis at = std::max(slot, loop.not_before);
    loop.timer->expires_at(steady_at(at));
    const auto waited = co_await loop.timer->async_wait(asio::as_tuple(asio::use_awaitable));
    if (stopping_) break;
    if (std::get<0>(waited)) continue;  // cancelled by a reload: work out the slot again
    generation = generation_;
    if (find_host(*generation, host) == nullptr) break;
    co_await sweep_host(generation, host);
  }
  auto& loop = loops_[host];
  loop.running = false;
  --loops_running_;
  finish_if_idle();
}

unsigned Daemon::mutation_budget(EpochMillis now) {
  const auto& settings = generation_->configuration.settings;
  if (now - window_start_ >= settings.interval.count()) {
    window_start_ = now;
    window_mutations_ = 0;
  }
  const unsigned cap = settings.limits.max_mutations_per_sweep;
  return window_mutations_ >= cap ? 0 : cap - window_mutations_;
}

asio::awaitable<void> Daemon::sweep_host(std::shared_ptr<const Generation> generation,
                                         std::string host) {
  config::Snapshot single = generation->configuration;
  single.hosts.clear();
  single.hosts.push_back(*find_host(*generation, host));
  single.settings.limits.max_mutations_per_sweep = mutation_budget(now_millis());
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
  audit::TrailWriter* trail = trail_ ? &*trail_ : nullptr;
  const auto result =
      co_await sweep::run_sweep(*client_, single, generation->policies, trail, options);

  ++sweeps_;
  window_mutations_ += static_cast<unsigned>(result.summary.sent);
  mutations_confirmed_ += result.summary.confirmed;
  mutations_failed_ += result.summary.failed;
  for (const auto& problem : result.problems) spdlog::error("{}: {}", host, problem);
  auto& loop = loops_[host];
  const Failure failure = failure_of(result);
  if (failure == Failure::none) {
    loop.failures = 0;
    loop.not_before = 0;
    loop.last_ok = true;
  } else {
    ++loop.failures;
    loop.last_ok = false;
    const auto wait = backoff(failure, loop.failures, single.settings.interval);
    loop.not_before = now_millis() + wait.count();
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

void Daemon::report_status(const std::string& last) {
  std::size_t ok = 0;
  std::size_t failed = 0;
  for (const auto& entry : loops_) {
    if (entry.second.last_ok) {
      ++ok;
    } else {
      ++failed;
    }
  }
  std::string text = "hosts ok " + std::to_string(ok) + ", failed " + std::to_string(failed) +
                     "; sweeps " + std::to_string(sweeps_) + "; mutations confirmed " +
                     std::to_string(mutations_confirmed_) + ", failed " +
                     std::to_string(mutations_failed_) + "; last: " + last;
  if (trail_ && trail_->failed()) text = "AUDIT TRAIL NOT WRITABLE, nothing is mutated; " + text;
  pending_status_ = std::move(text);
  const auto next = last_status_ + std::chrono::seconds(1);
  if (std::chrono::steady_clock::now() >= next) {
    send_status();
    return;
  }
  if (status_timer_armed_ || finished_) return;
  status_timer_armed_ = true;
  if (!status_timer_) status_timer_ = std::make_unique<asio::steady_timer>(io_);
  status_timer_->expires_at(next);
  status_timer_->async_wait([this](const boost::system::error_code& error) {
    status_timer_armed_ = false;
    if (!error && !finished_) send_status();
  });
}

void Daemon::send_status() {
  if (pending_status_.empty()) return;
  notifier_.status(pending_status_);
  pending_status_.clear();
  last_status_ = std::chrono::steady_clock::now();
}

asio::awaitable<void> Daemon::watchdog_loop(std::chrono::microseconds period) {
  watchdog_timer_ = std::make_unique<asio::steady_timer>(io_);
  while (!finished_) {
    notifier_.watchdog();
    watchdog_timer_->expires_after(period);
    const auto waited = co_await watchdog_timer_->async_wait(asio::as_tuple(asio::use_awaitable));
    if (std::get<0>(waited)) break;
  }
}

void Daemon::wait_for_signal() {
  signals_.async_wait([this](const boost::system::error_code& error, int signal) {
    if (error) return;
    if (signal == SIGHUP) {
      reload();
    } else if (signal == SIGUSR1) {
      reopen_trail();
    } else {
      stop();
    }
    if (!finished_) wait_for_signal();
  });
}

void Daemon::reload() {
  if (stopping_) return;
  notifier_.reloading();
  spdlog::info("reloading {}", options_.config_file.string());
  auto loaded = load_generation(options_);
  if (!loaded) {
    for (const auto& error : loaded.error()) spdlog::error("reload: {}", error);
    spdlog::error("reload rejected ({} error(s)): the previous configuration and policies go on",
                  loaded.error().size());
    if (trail_) {
      (void)trail_->append(audit::config_rejected(options_.config_file.string(), loaded.error(),
                                                  generation_->policies.hash));
    }
    notifier_.ready();
    report_status("reload rejected");
    return;
  }
  const auto& old_settings = generation_->configuration.settings;
  const auto& new_settings = loaded->configuration.settings;
  if (old_settings.audit != new_settings.audit ||
      old_settings.state_dir != new_settings.state_dir ||
      old_settings.concurrency != new_settings.concurrency ||
      old_settings.timeouts.connect != new_settings.timeouts.connect ||
      old_settings.timeouts.request != new_settings.timeouts.request) {
    spdlog::warn(
        "reload: audit, state_dir, concurrency and timeouts take effect at the next "
        "restart");
  }
  generation_ = std::make_shared<const Generation>(std::move(*loaded));
  if (trail_) {
    (void)trail_->append(audit::config_loaded(generation_->configuration));
    (void)trail_->append(audit::policy_loaded(generation_->policies));
  }
  spdlog::info("reloaded: {} host(s), policy {}", generation_->configuration.hosts.size(),
               generation_->policies.hash);
  // Waiting loops work out their slot again (the interval may have changed); new hosts start.
  for (auto& entry : loops_) {
    if (entry.second.timer) entry.second.timer->cancel();
  }
  start_missing_loops();
  notifier_.ready();
  report_status("reloaded");
}

void Daemon::reopen_trail() {
  if (!trail_) return;
  if (auto reopened = trail_->reopen(); !reopened) {
    spdlog::error("reopening the audit trail: {}", reopened.error());
  } else {
    spdlog::info("audit trail reopened: {}", trail_->path().string());
  }
}

void Daemon::stop() {
  if (stopping_) return;
  stopping_ = true;
  notifier_.stopping();
  spdlog::info("stopping: nothing new starts; a mutation in flight finishes");
  for (auto& entry : loops_) {
    if (entry.second.timer) entry.second.timer->cancel();
  }
  // Listings still running after the request timeout (and a margin) are cancelled.
  stop_deadline_ = std::make_unique<asio::steady_timer>(io_);
  stop_deadline_->expires_after(generation_->configuration.settings.timeouts.request +
                                std::chrono::seconds(2));
  stop_deadline_->async_wait([this](const boost::system::error_code& error) {
    if (!error && !finished_ && transport_) transport_->cancel_all();
  });
  finish_if_idle();
}

void Daemon::finish_if_idle() {
  if (!stopping_ || finished_ || loops_running_ > 0 || !started_) return;
  finished_ = true;
  if (trail_) {
    (void)trail_->append(audit::run_stopped(0, "stopped by signal"));
    if (auto closed = trail_->close(); !closed) {
      spdlog::error("closing the audit trail: {}", closed.error());
    }
  }
  if (stop_deadline_) stop_deadline_->cancel();
  if (watchdog_timer_) watchdog_timer_->cancel();
  if (status_timer_) status_timer_->cancel();
  signals_.cancel();
  spdlog::info("stopped");
  io_.stop();
}

}  // namespace tw::run
