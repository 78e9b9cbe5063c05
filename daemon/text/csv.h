#pragma once
// CSV for reports people open in a spreadsheet: RFC 4180 quoting, CRLF line ends, and a
// leading apostrophe on a cell a spreadsheet would run as a formula (it starts with = + - @, a
// tab or a CR: a token name may start with '-', a host may send anything), so opening a report
// never executes what a host sent.

#include <initializer_list>
#include <ranges>
#include <string>
#include <string_view>

namespace tw::text {

// One cell, quoted when it holds a comma, a quote, a CR or an LF; formulas defused.
[[nodiscard]] std::string csv_cell(std::string_view value);

// Appends one line: the cells (anything that converts to std::string_view) as csv_cell makes
// them, separated by commas, ended by CRLF.
template <std::ranges::input_range Cells>
void append_csv_line(std::string& out, const Cells& cells) {
  bool first = true;
  for (const auto& cell : cells) {
    if (!first) out += ',';
    out += csv_cell(std::string_view(cell));
    first = false;
  }
  out += "\r\n";
}

inline void append_csv_line(std::string& out, std::initializer_list<std::string_view> cells) {
  append_csv_line<std::initializer_list<std::string_view>>(out, cells);
}

}  // namespace tw::text
