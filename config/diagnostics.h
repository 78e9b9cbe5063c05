#pragma once
// Collects the errors found while loading one configuration file. Internal to config/.
//
// Loading never stops at the first problem: every reader reports into a Diagnostics and goes
// on, so that `tokenwarden check` can show everything that is wrong in one run.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "config/config_error.h"

namespace YAML {
class Node;
struct Mark;
}  // namespace YAML

namespace tw::config {

// A 1-based position in the file; {0, 0} when unknown.
struct Position {
  int line = 0;
  int column = 0;
};

// Converts yaml-cpp's 0-based mark (-1 when it has none) into a Position.
[[nodiscard]] Position position_of(const YAML::Mark& mark);

class Diagnostics {
 public:
  // `file` is the name errors carry: the path as the user gave it.
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  // Records `path: message` at `where`. An empty `path` records the message alone. While a
  // subject is set, the message starts with it: `rule 'max-age': rules[1].grace: ...`.
  void error(Position where, std::string_view path, std::string_view message);

  // What the errors recorded from now on are about (`rule 'max-age'`); empty: nothing.
  void set_subject(std::string subject) { subject_ = std::move(subject); }
  [[nodiscard]] const std::string& subject() const { return subject_; }

  // Records an error about the file as a whole (no position).
  void file_error(std::string_view message);

  [[nodiscard]] std::size_t count() const { return errors_.size(); }
  [[nodiscard]] const std::string& file() const { return file_; }

  // The errors in file order (by line, then column; file-level errors first).
  [[nodiscard]] ConfigErrors take();

 private:
  std::string file_;
  std::string subject_;
  ConfigErrors errors_;
};

// `text` for a message: in single quotes, control and non-ASCII bytes escaped, cut after 64
// bytes. Only for values from the configuration file itself, never for credential contents.
[[nodiscard]] std::string quote_value(std::string_view text);

}  // namespace tw::config
