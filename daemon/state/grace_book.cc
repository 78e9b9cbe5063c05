#include "daemon/state/grace_book.h"

#include "daemon/state/grace_store.h"

namespace tw::state {

std::optional<std::string> GraceBook::load() {
  if (state_dir_.empty()) return std::nullopt;
  auto loaded = load_grace(state_dir_);
  state_ = std::move(loaded.grace);
  return loaded.problem;
}

void GraceBook::update(const std::set<AccountKey>& listed, const policy::GraceState& planned) {
  std::erase_if(state_, [&](const auto& entry) {
    return listed.contains({std::get<0>(entry.first), std::get<1>(entry.first)});
  });
  for (const auto& entry : planned) {
    if (listed.contains({std::get<0>(entry.first), std::get<1>(entry.first)})) {
      state_.insert(entry);
    }
  }
}

void GraceBook::forget_all_but(const std::set<AccountKey>& configured) {
  std::erase_if(state_, [&](const auto& entry) {
    return !configured.contains({std::get<0>(entry.first), std::get<1>(entry.first)});
  });
}

std::expected<void, std::string> GraceBook::save() const {
  if (state_dir_.empty()) return {};
  return save_grace(state_dir_, state_);
}

}  // namespace tw::state
