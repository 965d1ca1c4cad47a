// Checking the http(s) URLs that receivers post to. Such a URL is often a
// credential (a Slack webhook's path, a token in a query), so no message
// here ever quotes any part of it: it says what is wrong, and the
// file:line:column says where.
#pragma once

#include <string_view>

#include "memwatch/result.h"

namespace memwatch::config {

// Ok iff `url` is http:// or https://, then a host name, an IPv4 address or
// a bracketed IPv6 address, an optional port 1..65535, and an optional path,
// query and fragment; user:password@ before the host is allowed. No spaces,
// control characters or non-ASCII bytes anywhere.
Status CheckHttpUrl(std::string_view url);

}  // namespace memwatch::config
