#pragma once
// A credential value (a WHM API token). It cannot be streamed or formatted: the only way to
// read it is reveal(), which the WHM client calls when it builds the Authorization header.
// Keeps secrets out of logs, error messages and the audit trail by construction.

#include <string>
#include <utility>

namespace tw::config {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  [[nodiscard]] const std::string& reveal() const { return value_; }
  [[nodiscard]] bool empty() const { return value_.empty(); }
  friend bool operator==(const Secret&, const Secret&) = default;

 private:
  std::string value_;
};

}  // namespace tw::config
