// MIME building blocks for email (RFC 2045, 2047). Pure.
#pragma once

#include <string>
#include <string_view>

namespace memwatch::notify {

// Quoted-printable body encoding with CRLF line ends and lines of at most
// 76 characters. "=" is always encoded, so a boundary starting with "=_"
// can never occur in the encoded text.
std::string QuotedPrintable(std::string_view text);

// A header value: as is when it is printable ASCII, otherwise RFC 2047
// encoded-words ("=?UTF-8?B?...?=") split at UTF-8 boundaries and folded.
std::string EncodeHeader(std::string_view value);

std::string Base64(std::string_view bytes);

}  // namespace memwatch::notify
