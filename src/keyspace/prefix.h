// Key families: folds a sampled key name into the prefix it belongs to
// ("coupon:gen:6f1c2d4e-..." -> "coupon:gen:*"), and escapes key names and
// prefixes into the one printable form they take in every output. Pure: key
// names are data from outside (binary bytes, newlines, quotes, 10 KB names),
// so both functions take any bytes and bound what they return.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace memwatch::keyspace {

struct FoldOptions {
  // Every one of these bytes separates two segments of a key name.
  std::string delimiters = ":";
  // At most this many segments in a prefix (values below 1 count as 1).
  int depth = 3;
  // A longer segment folds to `*` (values below 1 count as 1).
  size_t max_segment_bytes = 64;
};

// Returns the family of `key`: its segments, split on any byte of
// options.delimiters and joined again with the delimiter that was actually
// there, each variable segment replaced by `*`. Examples (defaults):
//   "cache:user:12345"  -> "cache:user:*"    "user:42:profile" -> "user:*:profile"
//   "coupon:gen:<uuid>" -> "coupon:gen:*"    "a:b:c:d:e"       -> "a:b:c:*"
//   "counter"           -> "counter"         "2026-12-07:jobs" -> "*:jobs"
//   ""                  -> ""                "::"              -> "::"
// A segment is variable iff it is any of:
//  - all digits (counters, ids, unix timestamps);
//  - hex of >= 8 characters with at least one digit (hashes, object ids);
//  - UUID-like: 8-4-4-4-12 hex with dashes, any case (32 hex without dashes
//    is covered by the hex rule);
//  - date/time-like: a digit first, then only digits and `-:.+` with at most
//    one `T` between digits and an optional final `Z` ("2026-12-07",
//    "2026-12-07T10", "00Z": a `:` delimiter splits an ISO time into these);
//  - a random-looking token: >= 16 bytes of [A-Za-z0-9+/=_-] with at least
//    one letter and one digit (base64, base64url, nanoids);
//  - longer than options.max_segment_bytes, or holding a byte outside
//    printable ASCII (0x20-0x7e).
// A segment that is literally `*` counts as folded too, and consecutive `*`
// segments collapse into one. When the key has more than options.depth
// segments, the prefix is the first depth segments, the delimiter after them
// and `*` (which may then collapse with a `*` before it).
//
// Guarantees, for any input: the result is at most
// depth * (max_segment_bytes + 1) + 2 bytes long; FoldKey(FoldKey(k)) ==
// FoldKey(k) with the same options. The result is not escaped: pass it to
// EscapeKeyName before it goes anywhere people or parsers read it.
std::string FoldKey(std::string_view key, const FoldOptions& options);

// Longest output of EscapeKeyName by default, the "..." included.
inline constexpr size_t kMaxEscapedKeyBytes = 200;

// Returns `raw` as printable ASCII: bytes 0x20-0x7e are kept, except `\`
// (-> `\\`) and `"` (-> `\"`); every other byte becomes `\xHH` (lower-case
// hex). When the escaped form is longer than max_output_bytes, it is cut at
// an escape boundary and "..." is appended so the whole stays within
// max_output_bytes (below 3, the result is the first max_output_bytes bytes
// of "..."). This is the one form a key or prefix takes in Prometheus labels,
// JSON, Slack and HTML; each of those still applies its own escaping on top.
std::string EscapeKeyName(std::string_view raw, size_t max_output_bytes = kMaxEscapedKeyBytes);

}  // namespace memwatch::keyspace
