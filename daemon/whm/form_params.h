#pragma once
// The parameters of one WHM API 1 call, URL-encoded as cpsrvd reads them. Multi-valued
// parameters use WHM's numbered form (`acl-0`, `acl-1`, ...), which the server collects in
// suffix order; repeating a bare key is not reliably understood (whm-api.md §1).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tw::whm {

class FormParams {
 public:
  void add(std::string_view key, std::string_view value);
  // Adds `base-0`, `base-1`, ... in order.
  void add_list(std::string_view base, const std::vector<std::string>& values);

  // `k=v&k=v`, percent-encoding everything but RFC 3986's unreserved characters.
  [[nodiscard]] std::string encode() const;
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& items() const {
    return items_;
  }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

[[nodiscard]] std::string percent_encode(std::string_view raw);

}  // namespace tw::whm
