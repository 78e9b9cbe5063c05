#pragma once
// Request parameters as cpsrvd reads them: `application/x-www-form-urlencoded` pairs from the
// query string and from a POST body (query first), and WHM's multi-valued parameters
// (`acl`, `acl-0`, `acl-7`, ...; whm-api.md §1, Cpanel/Form/Param.pm).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tw::mock {

class FormParams {
 public:
  using Pair = std::pair<std::string, std::string>;

  // Decodes `a=1&b=x%20y&c` (`+` is a space, `%XX` a byte; a malformed escape is kept as is,
  // a pair without `=` has an empty value, empty pairs are skipped) and appends the pairs.
  void add_encoded(std::string_view text);

  // The first value of `key`, or nullopt when absent. A repeated single-valued key keeps its
  // first value [unverified: cpsrvd's choice is not documented].
  [[nodiscard]] std::optional<std::string> get(std::string_view key) const;

  // True when `base` or some `base-N` is present.
  [[nodiscard]] bool has_multi(std::string_view base) const;

  // The values of `base` and `base-N` (N = one or more decimal digits), the bare name first,
  // then by N ascending (numerically; gaps and any starting number are fine). Values of the
  // same key keep their arrival order. Keys like `base-x` or `base_ip` are not collected.
  [[nodiscard]] std::vector<std::string> collect(std::string_view base) const;

  // Every pair in arrival order.
  [[nodiscard]] const std::vector<Pair>& pairs() const { return pairs_; }

 private:
  std::vector<Pair> pairs_;
};

// Percent-decoding as used for form fields (`+` becomes a space).
[[nodiscard]] std::string form_decode(std::string_view text);

}  // namespace tw::mock
