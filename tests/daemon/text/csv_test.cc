#include "daemon/text/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tw::text {
namespace {

// {value, cell}
const std::vector<std::pair<std::string_view, std::string_view>> kCells = {
    // Plain text stays as it is.
    {"my-token_01 ok", "my-token_01 ok"},
    {"", ""},
    {"a=b", "a=b"},
    // RFC 4180: commas, quotes, CRs and LFs are quoted, quotes doubled.
    {"a,b", "\"a,b\""},
    {"say \"hi\"", "\"say \"\"hi\"\"\""},
    {"a\nb", "\"a\nb\""},
    {"a\rb", "\"a\rb\""},
    // What a spreadsheet would run as a formula gets a leading apostrophe (then the quoting).
    {"=1+1", "'=1+1"},
    {"+1", "'+1"},
    {"-token", "'-token"},
    {"@SUM(A1)", "'@SUM(A1)"},
    {"\tx", "'\tx"},
    {"\rx", "\"'\rx\""},
    {"=a,b", "\"'=a,b\""},
};

TEST(CsvCell, QuotesAndDefusesFormulas) {
  for (const auto& [value, cell] : kCells) EXPECT_EQ(csv_cell(value), cell) << value;
}

TEST(CsvLine, JoinsCellsAndEndsWithCrLf) {
  std::string out;
  append_csv_line(out, {"a", "b,c", ""});
  append_csv_line(out, std::vector<std::string>{"=x", "y"});
  append_csv_line(out, std::vector<std::string>{});
  EXPECT_EQ(out, "a,\"b,c\",\r\n'=x,y\r\n\r\n");
}

}  // namespace
}  // namespace tw::text
