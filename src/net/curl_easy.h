// What CurlHttpClient and CurlSmtpClient share: global initialisation,
// an owning handle, and the mapping of CURLcode to NetError.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/net_error.h"

namespace memwatch::net {

// curl_global_init exactly once per process (thread-safe). Clients call it
// in their constructors.
void EnsureCurlGlobalInit();

struct CurlEasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlSlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// Appends `line` to `list`; false when out of memory.
bool Append(CurlSlist& list, const std::string& line);

NetError ClassifyCurlError(CURLcode code);

// "<curl's text for code>: <error buffer>", with every secret scrubbed.
std::string DescribeCurlError(CURLcode code, std::string_view error_buffer,
                              const std::vector<std::string_view>& secrets);

// True when `s` contains CR, LF or NUL (header / address injection).
bool HasLineBreak(std::string_view s);

}  // namespace memwatch::net
