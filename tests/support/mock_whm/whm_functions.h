#pragma once
// The five WHM API 1 token functions (whm-api.md §3), run for an authenticated WHM user
// against that user's token table, with WHM's envelope, normalisation and error strings.
// Pure apart from generating secrets: `now` is an argument.

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "tests/support/mock_whm/form_params.h"
#include "tests/support/mock_whm/host_state.h"

namespace tw::mock {

// api_token_create, api_token_list, api_token_get_details, api_token_update, api_token_revoke.
[[nodiscard]] bool is_token_function(std::string_view function);

// The API 1 envelope: {"data":...,"metadata":{"command","reason","result","version":1}}.
// `data` absent when nullopt (get_details of an unknown token, the result-0 fault).
[[nodiscard]] boost::json::object api1_envelope(std::string_view function,
                                                std::optional<boost::json::value> data,
                                                bool success, std::string_view reason);

// Runs `function` as `user` (who must exist in `users`). A function that is not a token
// function gets WHM's "Unknown app" answer with result 0 [unverified wording for API 1].
// Function errors are `result: 0` envelopes (the caller answers them with HTTP 200).
[[nodiscard]] boost::json::object call_whm_function(UserTable& users, const std::string& user,
                                                    std::string_view function,
                                                    const FormParams& params, EpochSeconds now);

// The body of the answer to a call without `api.version=1` (the legacy API 0 dispatcher, which
// has no token functions). The envelope {"status":0,"statusmsg":...} is [unverified]; the
// message is WHM's: `Unknown app (<fn>) requested for this version (0) of the API.`
[[nodiscard]] std::string api0_unknown_app_body(std::string_view function);

}  // namespace tw::mock
