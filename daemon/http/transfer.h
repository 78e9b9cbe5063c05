#pragma once
// One HTTP exchange as a libcurl easy handle: configured from a Request, it collects the
// response under a size cap and turns curl's outcome into a Result. Owned by
// CurlMultiTransport; knows nothing of the event loop.

#include <curl/curl.h>

#include <array>
#include <memory>
#include <optional>

#include "daemon/http/request.h"
#include "daemon/http/transport.h"

namespace tw::http {

class Transfer {
 public:
  // Configures a new easy handle. `share` (may be null) shares TLS sessions and DNS between
  // transfers. Fails, without throwing, when the request itself is unusable (not https).
  static std::expected<std::unique_ptr<Transfer>, Error> create(Request request, CURLSH* share);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  [[nodiscard]] CURL* easy() const { return easy_; }

  // The outcome once curl reported `code` for this transfer.
  [[nodiscard]] Result finish(CURLcode code);

  // The completion handler travels with the transfer until it is finished. Kept in an
  // optional and only ever move-constructed: Boost 1.81's any_completion_handler move
  // assignment recurses without end (it copies `other` as an lvalue into a new wrapper).
  void set_handler(Transport::Handler handler) { handler_.emplace(std::move(handler)); }
  [[nodiscard]] Transport::Handler take_handler() {
    Transport::Handler handler(std::move(*handler_));
    handler_.reset();
    return handler;
  }

 private:
  explicit Transfer(Request request);
  [[nodiscard]] CURLcode configure(CURLSH* share);
  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self);

  Request request_;
  std::optional<Transport::Handler> handler_;
  CURL* easy_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::string body_;
  bool body_too_large_ = false;
  std::array<char, CURL_ERROR_SIZE> error_buffer_{};
};

}  // namespace tw::http
