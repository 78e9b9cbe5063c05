#pragma once
// The admin endpoints each virtual host serves for process-level tests (no authentication:
// a loopback test tool). Never shows a secret or a token hash.
//   GET    /__mock/state  the host's users, tokens, call counts, counters and fault (JSON)
//   POST   /__mock/fault  sets the fault from a JSON object (the fixture `faults` keys)
//   DELETE /__mock/fault  clears the fault

#include <boost/json/object.hpp>
#include <string_view>

#include "tests/support/mock_whm/host.h"
#include "tests/support/mock_whm/http_wire.h"

namespace tw::mock {

// Answers an admin request (`kind` is kAdminState or kAdminFault).
[[nodiscard]] HttpReply handle_admin_request(Host& host, RequestTarget::Kind kind,
                                             std::string_view method, std::string_view body);

// The document GET /__mock/state returns.
[[nodiscard]] boost::json::object host_state_json(const Host& host);

}  // namespace tw::mock
