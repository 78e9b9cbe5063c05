#pragma once
// The seam between the WHM client and the network. The real implementation is
// CurlMultiTransport; tests of the layers above may substitute a fake.

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <utility>

#include "daemon/http/request.h"

namespace tw::http {

class Transport {
 public:
  using Signature = void(Result);
  using Handler = boost::asio::any_completion_handler<Signature>;

  virtual ~Transport() = default;

  // Starts `request`. `handler` is invoked exactly once, never from inside send(), with the
  // response or a typed error.
  virtual void send(Request request, Handler handler) = 0;
};

// Asio-style initiating function: works with callbacks, use_awaitable, use_future, ...
template <typename CompletionToken>
auto async_send(Transport& transport, Request request, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, Transport::Signature>(
      [&transport](auto handler, Request r) {
        transport.send(std::move(r), Transport::Handler(std::move(handler)));
      },
      token, std::move(request));
}

}  // namespace tw::http
