#pragma once
// The grace history of one process, in memory, shared by its sweeps (a daemon sweeps hosts
// concurrently on one thread): each sweep reads it when it plans and, when it ends, replaces
// the entries of the accounts it listed and saves the whole history (grace_store.h). Accounts
// it did not list keep their entries, so concurrent sweeps of different hosts lose nothing.

#include <expected>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "policy/plan.h"

namespace tw::state {

class GraceBook {
 public:
  // `state_dir` empty: the history lives in memory only and save() does nothing.
  explicit GraceBook(std::filesystem::path state_dir) : state_dir_(std::move(state_dir)) {}

  // Reads the file. Returns the problem when it existed but could not be read (the history then
  // starts empty and the caller reports and audits this).
  std::optional<std::string> load();

  [[nodiscard]] const policy::GraceState& state() const { return state_; }

  using AccountKey = std::pair<std::string, std::string>;  // host, user
  // Replaces the entries of `listed` accounts by those `planned` holds for them.
  void update(const std::set<AccountKey>& listed, const policy::GraceState& planned);

  // Drops the entries of accounts not in `configured` (hosts or users removed from the
  // configuration), so the history does not grow forever.
  void forget_all_but(const std::set<AccountKey>& configured);

  // Writes the file atomically; nothing when there is no state_dir.
  [[nodiscard]] std::expected<void, std::string> save() const;

  [[nodiscard]] const std::filesystem::path& state_dir() const { return state_dir_; }

 private:
  std::filesystem::path state_dir_;
  policy::GraceState state_;
};

}  // namespace tw::state
