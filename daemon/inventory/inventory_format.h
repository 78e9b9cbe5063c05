#pragma once
// Renders an inventory for people (table), for programs (one JSON document) and for
// spreadsheets (CSV, RFC 4180). `now` decides which tokens count as expired.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/inventory/inventory.h"
#include "policy/token.h"

namespace tw::inventory {

enum class Format { table, json, csv };

[[nodiscard]] std::optional<Format> parse_format(std::string_view name);

[[nodiscard]] std::string render(const std::vector<AccountInventory>& inventory, Format format,
                                 policy::EpochSeconds now);

}  // namespace tw::inventory
