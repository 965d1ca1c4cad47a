#include "poller/openssl_error.h"

#include <openssl/err.h>

#include <array>

namespace memwatch::poller {

std::string TakeOpenSslError() {
  unsigned long last = 0;  // NOLINT(google-runtime-int): OpenSSL's type
  while (const unsigned long e = ERR_get_error()) last = e;  // NOLINT(google-runtime-int)
  if (last == 0) return "unknown error";
  std::array<char, 256> text{};
  ERR_error_string_n(last, text.data(), text.size());
  return text.data();
}

}  // namespace memwatch::poller
