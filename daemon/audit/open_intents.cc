#include "daemon/audit/open_intents.h"

#include <cstdint>
#include <map>
#include <optional>

namespace tw::audit {
namespace json = boost::json;

namespace {

OpenIntent intent_from(const json::object& record, std::uint64_t seq) {
  OpenIntent intent;
  intent.seq = seq;
  intent.sweep = string_member(record, "sweep").value_or("");
  intent.host = string_member(record, "host").value_or("");
  intent.user = string_member(record, "user").value_or("");
  intent.token = string_member(record, "token").value_or("");
  intent.rule = string_member(record, "rule").value_or("");
  intent.policy_hash = string_member(record, "policy_hash").value_or("");
  if (const auto* data = data_of(record)) {
    intent.action = string_member(*data, "action").value_or("");
    if (const auto* before = data->if_contains("before")) intent.before = *before;
    if (const auto* after = data->if_contains("after")) intent.after = *after;
  }
  return intent;
}

}  // namespace

std::vector<OpenIntent> open_intents(const std::vector<ReadRecord>& records) {
  std::vector<std::optional<OpenIntent>> intents;  // trail order; nullopt once closed
  std::map<std::uint64_t, std::size_t> pending;    // intent seq -> index in `intents`
  for (const auto& read : records) {
    if (!read.json) continue;
    const auto& record = *read.json;
    const auto event = string_member(record, "event");
    if (!event) continue;
    if (*event == "mutation.intent") {
      const auto seq = seq_of(record);
      if (!seq) continue;
      pending[*seq] = intents.size();
      intents.emplace_back(intent_from(record, *seq));
    } else if (*event == "mutation.outcome" || *event == "mutation.reconciled") {
      const auto* data = data_of(record);
      if (data == nullptr) continue;
      const auto intent_seq = unsigned_member(*data, "intent_seq");
      if (!intent_seq) continue;
      // Only an intent already seen can be closed: an outcome must come after its intent.
      if (const auto it = pending.find(*intent_seq); it != pending.end()) {
        intents[it->second].reset();
        pending.erase(it);
      }
    }
  }
  std::vector<OpenIntent> open;
  for (auto& intent : intents) {
    if (intent) open.push_back(std::move(*intent));
  }
  return open;
}

}  // namespace tw::audit
