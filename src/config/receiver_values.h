// Checks on single receiver values that are not secrets, so their messages
// may quote them: email addresses and HTTP header names.
#pragma once

#include <string>
#include <string_view>

#include "memwatch/result.h"

namespace memwatch::config {

// Ok iff `address` is a bare address, local@domain: exactly one '@', both
// sides non-empty, no spaces, control characters, quotes, '<', '>', ','
// or ';' (a display name or several addresses in one string).
Status CheckEmailAddress(std::string_view address);

// Ok iff `name` is an HTTP header name: an RFC 9110 token, so no spaces,
// colons or line breaks.
Status CheckHeaderName(std::string_view name);

// `text` with A-Z turned into a-z.
std::string LowerAscii(std::string_view text);

}  // namespace memwatch::config
