// The daemon's side facing systemd and signals: STATUS=, the watchdog, reload, reopen, stop.

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "daemon/audit/events.h"
#include "daemon/run/daemon.h"

namespace tw::run {
namespace asio = boost::asio;

void Daemon::report_status(const std::string& last) {
  std::size_t ok = 0;
  std::size_t failed = 0;
  std::size_t waiting = 0;
  for (const auto& host : generation_->configuration.hosts) {  // hosts removed are not counted
    const auto entry = loops_.find(host.name);
    if (entry == loops_.end() || !entry->second.swept) {
      ++waiting;
    } else if (entry->second.last_ok) {
      ++ok;
    } else {
      ++failed;
    }
  }
  std::string text = "hosts ok " + std::to_string(ok) + ", failed " + std::to_string(failed) +
                     ", not swept yet " + std::to_string(waiting) + "; sweeps " +
                     std::to_string(sweeps_) + "; mutations confirmed " +
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
  std::expected<Generation, std::vector<std::string>> loaded;
  try {
    loaded = load_generation(options_);
  } catch (const std::exception& e) {
    loaded = std::unexpected(std::vector<std::string>{std::string("loading failed: ") + e.what()});
  }
  if (loaded && loaded->configuration.settings.mode == config::Mode::enforce && !trail_) {
    // The trail is opened at start only: enforcing without one is never allowed.
    loaded = std::unexpected(std::vector<std::string>{
        loaded->configuration.source.string() +
        ": `mode: enforce` needs the audit trail, which this process started without: restart "
        "tokenwarden to enforce"});
  }
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
