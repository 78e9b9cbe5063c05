// Benchmark: what the audit trail costs per record, side by side with its bound. A buffered
// record (finding, outcome) is one JSON serialisation, one SHA-256 and one write(2); a synced
// record (an intent, before each mutation) adds an fdatasync. The peer is the same line written
// with a bare write(2) (+ fdatasync) and no JSON or hashing: what the disk allows at best.
// Run with scripts/bench.sh; results in docs/performance.md.

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "daemon/audit/events.h"
#include "daemon/audit/trail_writer.h"

namespace {

using namespace std::chrono;

tw::audit::Event sample_event() {
  tw::policy::PlannedAction action;
  action.host = "whm042";
  action.user = "reseller7";
  action.token = "ci-deploy-2041";
  action.kind = tw::policy::ActionKind::update;
  action.rules = {"dangerous-acls", "must-expire"};
  action.why = {"dangerous-acls: grants forbidden ACLs passwd", "must-expire: never expires"};
  action.before.name = action.token;
  action.before.create_time = 1'790'000'000;
  action.before.acls.full_access = false;
  action.before.acls.names = {"create-acct", "list-accts", "passwd"};
  tw::policy::IntendedState after;
  after.acls = {"create-acct", "list-accts"};
  after.expires_at = 1'800'000'000;
  action.after = after;
  return tw::audit::mutation_intent("20261129T000000Z-0a1b2c3d", std::string(64, 'a'), action);
}

double per_record_us(nanoseconds total, int count) {
  return static_cast<double>(duration_cast<nanoseconds>(total).count()) / 1000.0 / count;
}

void run(const std::filesystem::path& dir, tw::audit::Durability durability, int count) {
  const bool synced = durability == tw::audit::Durability::synced;
  tw::audit::TrailOptions options;
  options.path = dir / (synced ? "synced.jsonl" : "buffered.jsonl");
  auto trail = tw::audit::TrailWriter::open(options);
  if (!trail) {
    std::fprintf(stderr, "%s\n", trail.error().c_str());
    std::exit(1);
  }
  const auto event = sample_event();
  const auto start = steady_clock::now();
  std::size_t bytes = 0;
  for (int i = 0; i < count; ++i) {
    auto record = trail->append(event, durability);
    if (!record) {
      std::fprintf(stderr, "%s\n", record.error().c_str());
      std::exit(1);
    }
    bytes += record->line.size() + 1;
  }
  const auto trail_time = steady_clock::now() - start;
  const std::size_t line_bytes = bytes / static_cast<std::size_t>(count);

  // The peer: the same number of lines of the same size, bare write(2) (+ fdatasync).
  const std::string line(line_bytes - 1, 'x');
  const std::string text = line + "\n";
  const auto peer_path = dir / (synced ? "peer-synced" : "peer-buffered");
  const int fd = ::open(peer_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  const auto peer_start = steady_clock::now();
  for (int i = 0; i < count; ++i) {
    if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) std::exit(1);
    if (synced && ::fdatasync(fd) != 0) std::exit(1);
  }
  const auto peer_time = steady_clock::now() - peer_start;
  ::close(fd);
  std::printf("| %s | %d | %zu | %.1f | %.1f | %.2f |\n", synced ? "synced (intent)" : "buffered",
              count, line_bytes, per_record_us(trail_time, count), per_record_us(peer_time, count),
              static_cast<double>(duration_cast<nanoseconds>(trail_time).count()) /
                  static_cast<double>(duration_cast<nanoseconds>(peer_time).count()));
}

}  // namespace

int main() {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("tokenwarden-audit-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::printf("Audit trail appends in %s\n\n", dir.c_str());
  std::printf(
      "| record | records | bytes per line | trail (µs/record) | bare write (µs/record) | "
      "trail / bare |\n|---|---:|---:|---:|---:|---:|\n");
  run(dir, tw::audit::Durability::buffered, 20'000);
  run(dir, tw::audit::Durability::synced, 2'000);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("\npeak RSS: %.1f MiB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  std::filesystem::remove_all(dir);
}
