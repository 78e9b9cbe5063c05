#pragma once
// Whether what a host lists after a mutation is what was intended. WHM answers success to a
// revoke of a name it does not have, and normalises what it stores (ACLs sorted, IPv6 expanded,
// `/32` dropped), so success proves nothing and strings cannot be compared as sent.

#include <optional>

#include "policy/plan.h"
#include "policy/token.h"

namespace tw::enforce {

// True when `observed` carries exactly `intended`: the same ACLs (`all` among the intended ACLs
// means full access), the same expiry and the same allow-list up to WHM's normalisation.
[[nodiscard]] bool has_intended_state(const policy::Token& observed,
                                      const policy::IntendedState& intended);

// The token named `name` in `tokens`, if listed.
[[nodiscard]] std::optional<policy::Token> find_token(const std::vector<policy::Token>& tokens,
                                                      std::string_view name);

}  // namespace tw::enforce
