#include "daemon/http/transfer.h"

#include <string>
#include <vector>

#include "daemon/text/printable.h"

namespace tw::http {
namespace {

constexpr const char* kUserAgent = "tokenwarden/0.1";

ErrorKind classify(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return ErrorKind::connect;
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorKind::timeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_USE_SSL_FAILED:
      return ErrorKind::tls;
    case CURLE_FILESIZE_EXCEEDED:
      return ErrorKind::too_large;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return ErrorKind::connection_lost;
    default:
      return ErrorKind::other;
  }
}

}  // namespace

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::connect:
      return "connect";
    case ErrorKind::tls:
      return "tls";
    case ErrorKind::timeout:
      return "timeout";
    case ErrorKind::http_status:
      return "http-status";
    case ErrorKind::too_large:
      return "too-large";
    case ErrorKind::connection_lost:
      return "connection-lost";
    case ErrorKind::cancelled:
      return "cancelled";
    case ErrorKind::other:
      return "other";
  }
  return "other";
}

Transfer::Transfer(Request request) : request_(std::move(request)), easy_(curl_easy_init()) {}

Transfer::~Transfer() {
  if (easy_ != nullptr) curl_easy_cleanup(easy_);
  curl_slist_free_all(headers_);
}

std::expected<std::unique_ptr<Transfer>, Error> Transfer::create(Request request, CURLSH* share) {
  if (!request.url.starts_with("https://")) {
    return std::unexpected(Error{ErrorKind::other, "only https:// URLs are allowed", 0, {}});
  }
  std::unique_ptr<Transfer> transfer(new Transfer(std::move(request)));
  if (transfer->easy_ == nullptr) {
    return std::unexpected(Error{ErrorKind::other, "curl_easy_init failed", 0, {}});
  }
  if (const CURLcode code = transfer->configure(share); code != CURLE_OK) {
    return std::unexpected(Error{
        ErrorKind::other, std::string("curl setup failed: ") + curl_easy_strerror(code), 0, {}});
  }
  return transfer;
}

CURLcode Transfer::configure(CURLSH* share) {
  CURL* h = easy_;
  CURLcode rc = CURLE_OK;
  // Stops at the first failing option; every option below is required for a safe exchange.
  auto set = [&rc, h](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(h, option, value);
  };
  set(CURLOPT_URL, request_.url.c_str());
  // Straight to the host: no proxy from the environment (https_proxy, ALL_PROXY) sees the
  // credentials or decides where they go.
  set(CURLOPT_PROXY, "");
  set(CURLOPT_PROTOCOLS_STR, "https");
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_NOPROGRESS, 1L);
  set(CURLOPT_USERAGENT, kUserAgent);
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request_.connect_timeout.count()));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(request_.total_timeout.count()));
  set(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  const bool pin_only = request_.tls.pinned_public_key && !request_.tls.ca_file;
  set(CURLOPT_SSL_VERIFYPEER, pin_only ? 0L : 1L);
  if (request_.tls.ca_file) set(CURLOPT_CAINFO, request_.tls.ca_file->c_str());
  if (request_.tls.pinned_public_key) {
    set(CURLOPT_PINNEDPUBLICKEY, request_.tls.pinned_public_key->c_str());
  }
  if (share != nullptr) set(CURLOPT_SHARE, share);
  if (request_.max_response_bytes > 0) {
    // Rejects early when Content-Length announces too much; on_body enforces it for chunked
    // bodies and for servers that lie about the length.
    set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request_.max_response_bytes));
  }
  // curl would send `Expect: 100-continue` with larger POST bodies and then wait up to a
  // second for an interim answer cpsrvd may never send.
  std::vector<std::string> lines = request_.headers;
  lines.emplace_back("Accept: application/json");
  lines.emplace_back("Expect:");
  for (const auto& line : lines) {
    curl_slist* appended = curl_slist_append(headers_, line.c_str());
    if (appended == nullptr) return CURLE_OUT_OF_MEMORY;  // never send without a header
    headers_ = appended;
  }
  set(CURLOPT_HTTPHEADER, headers_);
  if (request_.method == Method::post) {
    set(CURLOPT_POST, 1L);
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request_.body.size()));
    set(CURLOPT_POSTFIELDS, request_.body.c_str());  // request_ outlives the easy handle
  } else {
    set(CURLOPT_HTTPGET, 1L);
  }
  set(CURLOPT_WRITEFUNCTION, &Transfer::on_body);
  set(CURLOPT_WRITEDATA, static_cast<void*>(this));
  set(CURLOPT_ERRORBUFFER, error_buffer_.data());
  set(CURLOPT_PRIVATE, static_cast<void*>(this));
  return rc;
}

std::size_t Transfer::on_body(char* data, std::size_t size, std::size_t count, void* self) {
  auto* transfer = static_cast<Transfer*>(self);
  const std::size_t n = size * count;
  const auto limit = transfer->request_.max_response_bytes;
  if (limit > 0 && transfer->body_.size() + n > limit) {
    transfer->body_too_large_ = true;
    return 0;  // anything short of n makes curl abort the transfer with CURLE_WRITE_ERROR
  }
  transfer->body_.append(data, n);
  return n;
}

Result Transfer::finish(CURLcode code) {
  if (body_too_large_ || code == CURLE_FILESIZE_EXCEEDED) {
    return std::unexpected(
        Error{ErrorKind::too_large,
              "response body larger than " + std::to_string(request_.max_response_bytes) + " bytes",
              0,
              {}});
  }
  if (code != CURLE_OK) {
    std::string detail = curl_easy_strerror(code);
    // curl's text may quote what the peer sent (a certificate's names): escape it.
    if (error_buffer_[0] != '\0') detail += ": " + text::printable(error_buffer_.data(), 300);
    return std::unexpected(Error{classify(code), std::move(detail), 0, {}});
  }
  Response response;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &response.status);
  const char* content_type = nullptr;
  curl_easy_getinfo(easy_, CURLINFO_CONTENT_TYPE, &content_type);
  if (content_type != nullptr) response.content_type = content_type;
  response.body = std::move(body_);
  if (response.status < 200 || response.status > 299) {
    return std::unexpected(Error{ErrorKind::http_status,
                                 "HTTP status " + std::to_string(response.status), response.status,
                                 std::move(response.body)});
  }
  return response;
}

}  // namespace tw::http
