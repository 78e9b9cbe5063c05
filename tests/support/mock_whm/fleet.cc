#include "tests/support/mock_whm/fleet.h"

#include <openssl/ssl.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <ctime>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "tests/support/mock_whm/file_util.h"
#include "tests/support/mock_whm/session.h"

namespace tw::mock {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

net::ssl::context make_ssl_context(const TlsMaterial& tls) {
  net::ssl::context ssl(net::ssl::context::tls_server);
  ssl.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                  net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                  net::ssl::context::no_tlsv1_1);
  ssl.use_certificate_chain(net::buffer(tls.server_cert_pem));
  ssl.use_private_key(net::buffer(tls.server_key_pem), net::ssl::context::pem);
  // Session resumption (TLS 1.2 session IDs and TLS 1.3 tickets) needs a session ID context;
  // the built-in server cache (on by default) is bounded by OpenSSL (20480 sessions).
  static constexpr unsigned char kContext[] = "tokenwarden-mock-whm";
  SSL_CTX_set_session_id_context(ssl.native_handle(), kContext, sizeof kContext - 1);
  return ssl;
}

// Accepts connections for one host until its acceptor closes.
net::awaitable<void> accept_loop(tcp::acceptor& acceptor, Host& host, SessionContext& context) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
    if (context.registry.stopping() || !acceptor.is_open() || ec == net::error::operation_aborted) {
      co_return;
    }
    if (ec) {
      // Out of descriptors or similar: back off briefly instead of spinning.
      net::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(20));
      co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
      continue;
    }
    host.count_connection();
    if (context.registry.size() >= context.options.max_connections) continue;  // closes it
    try {
      Session::launch(std::make_shared<Session>(std::move(socket), host, context));
    } catch (const std::exception&) {
      // Out of memory (or SSL_new failed): drop this connection, keep accepting.
    }
  }
}

}  // namespace

struct Fleet::Impl {
  Impl(FleetSpec fleet_spec, FleetOptions fleet_options)
      : options(fleet_options), tls(generate_tls_material()), ssl(make_ssl_context(tls)) {
    if (auto ok = validate_fleet_spec(fleet_spec); !ok) throw std::invalid_argument(ok.error());
    const auto now = static_cast<EpochSeconds>(std::time(nullptr));
    hosts.reserve(fleet_spec.hosts.size());
    for (auto& host_spec : fleet_spec.hosts) {
      hosts.push_back(std::make_unique<Host>(std::move(host_spec), now, options.request_log_limit));
    }
  }

  // Declaration order is destruction order reversed: everything a session refers to
  // (options, ssl, hosts, registry) is declared before the io_context that may still own
  // sessions when it is destroyed.
  const FleetOptions options;
  const TlsMaterial tls;
  net::ssl::context ssl;
  std::vector<std::unique_ptr<Host>> hosts;
  SessionRegistry registry;
  RequestGauge api_requests;
  SessionContext session_context{ssl, options, registry, api_requests};
  net::io_context io{1};
  std::vector<tcp::acceptor> acceptors;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::thread thread;
  mutable std::mutex mu;  // guards started / stopped against concurrent start() and stop()
  bool started = false;
  bool stopped = false;
};

Fleet::Fleet(FleetSpec spec, FleetOptions options)
    : impl_(std::make_unique<Impl>(std::move(spec), options)) {}

Fleet::~Fleet() {
  stop();
}

void Fleet::start() {
  std::lock_guard lock(impl_->mu);
  if (impl_->started) throw std::logic_error("tw::mock::Fleet::start() called twice");
  impl_->started = true;
  const auto loopback = net::ip::make_address_v4("127.0.0.1");
  impl_->acceptors.reserve(impl_->hosts.size());
  try {
    for (auto& host : impl_->hosts) {
      tcp::acceptor& acceptor = impl_->acceptors.emplace_back(impl_->io);
      const tcp::endpoint endpoint(loopback, host->spec().port);
      acceptor.open(endpoint.protocol());
      acceptor.set_option(net::socket_base::reuse_address(true));
      acceptor.bind(endpoint);
      acceptor.listen(net::socket_base::max_listen_connections);
      host->set_port(acceptor.local_endpoint().port());
    }
  } catch (...) {
    impl_->acceptors.clear();  // closes the ports bound so far
    impl_->stopped = true;
    throw;
  }
  for (std::size_t i = 0; i < impl_->hosts.size(); ++i) {
    net::co_spawn(impl_->io,
                  accept_loop(impl_->acceptors[i], *impl_->hosts[i], impl_->session_context),
                  net::detached);
  }
  impl_->work.emplace(impl_->io.get_executor());
  impl_->thread = std::thread([impl = impl_.get()] {
    for (;;) {
      try {
        impl->io.run();
        return;
      } catch (const std::exception&) {
        // A handler threw (coroutines catch their own errors, so this is unexpected):
        // keep serving the other hosts.
      }
    }
  });
}

void Fleet::stop() {
  std::lock_guard lock(impl_->mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  if (!impl_->thread.joinable()) return;
  net::post(impl_->io, [impl = impl_.get()] {
    impl->registry.stop_all();
    for (auto& acceptor : impl->acceptors) {
      boost::system::error_code ec;
      acceptor.close(ec);
    }
  });
  impl_->work.reset();
  impl_->thread.join();
}

bool Fleet::running() const {
  std::lock_guard lock(impl_->mu);
  return impl_->started && !impl_->stopped;
}

const TlsMaterial& Fleet::tls() const {
  return impl_->tls;
}

void Fleet::write_ca_pem(const std::filesystem::path& path) const {
  write_file(path, impl_->tls.ca_pem, 0644);
}

std::uint64_t Fleet::concurrent_requests() const {
  return impl_->api_requests.current();
}

std::uint64_t Fleet::max_concurrent_requests() const {
  return impl_->api_requests.max();
}

void Fleet::reset_max_concurrent_requests() {
  impl_->api_requests.reset_max();
}

std::size_t Fleet::size() const {
  return impl_->hosts.size();
}

Host& Fleet::host(std::size_t index) {
  return *impl_->hosts.at(index);
}

Host& Fleet::host(std::string_view name) {
  for (auto& host : impl_->hosts) {
    if (host->name() == name) return *host;
  }
  throw std::out_of_range("no mock host named `" + std::string(name) + "`");
}

const Host& Fleet::host(std::string_view name) const {
  for (const auto& host : impl_->hosts) {
    if (host->name() == name) return *host;
  }
  throw std::out_of_range("no mock host named `" + std::string(name) + "`");
}

std::vector<std::string> Fleet::host_names() const {
  std::vector<std::string> names;
  for (const auto& host : impl_->hosts) names.push_back(host->name());
  return names;
}

}  // namespace tw::mock
