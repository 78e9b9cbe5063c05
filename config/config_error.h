#pragma once
// An error in a file a user wrote, with the position a text editor can jump to.

#include <string>
#include <vector>

namespace tw::config {

struct ConfigError {
  std::string file;
  int line = 0;    // 1-based; 0 when the error is about the file as a whole
  int column = 0;  // 1-based; 0 when unknown
  std::string message;

  // `file:line:column: message` (position parts left out when unknown).
  [[nodiscard]] std::string to_string() const;
};

using ConfigErrors = std::vector<ConfigError>;

}  // namespace tw::config
