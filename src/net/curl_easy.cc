#include "net/curl_easy.h"

#include <cstdlib>
#include <mutex>

#include "net/url_redaction.h"

namespace memwatch::net {

void EnsureCurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) std::abort();  // out of memory at start
  });
}

bool Append(CurlSlist& list, const std::string& line) {
  curl_slist* next = curl_slist_append(list.get(), line.c_str());
  if (next == nullptr) return false;
  (void)list.release();
  list.reset(next);
  return true;
}

NetError ClassifyCurlError(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return NetError::kNone;
    case CURLE_OPERATION_TIMEDOUT:
      return NetError::kTimeout;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
      return NetError::kConnect;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_USE_SSL_FAILED:
      return NetError::kTls;
    case CURLE_LOGIN_DENIED:
      return NetError::kAuth;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      return NetError::kBadRequest;
    default:
      return NetError::kOther;
  }
}

std::string DescribeCurlError(CURLcode code, std::string_view error_buffer,
                              const std::vector<std::string_view>& secrets) {
  std::string text = curl_easy_strerror(code);
  if (!error_buffer.empty() && error_buffer != text) {
    text += ": ";
    text += error_buffer;
  }
  return ScrubSecrets(std::move(text), secrets);
}

bool HasLineBreak(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

}  // namespace memwatch::net
