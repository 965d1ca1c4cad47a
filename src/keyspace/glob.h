// Redis glob patterns (the `protected:` key patterns of the config, the
// same language as KEYS, SCAN MATCH and PSUBSCRIBE), matched against raw
// key bytes. Pure; linear memory, and O(pattern x key) time at worst, so a
// hostile key name or pattern cannot make it recurse or explode.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace memwatch::keyspace {

// Returns true iff `key` matches `pattern` as Redis's stringmatchlen
// (case-sensitive) decides:
//   *        any run of bytes, the empty one included
//   ?        exactly one byte
//   [abc]    one byte of the set; [^abc] one byte not in it; [a-z] a range
//            (a reversed range [z-a] is the same as [a-z]); \ escapes a
//            byte inside brackets; an unclosed [ ends at the pattern's end
//   \x       the byte x itself (a trailing \ matches a \)
//   anything else matches itself.
bool GlobMatch(std::string_view pattern, std::string_view key);

// What is wrong with `pattern` as a protected-key pattern, for a config
// error; nullopt when it is fine. Empty patterns and unclosed brackets are
// rejected (Redis would accept them, but they are always mistakes here).
std::optional<std::string> GlobProblem(std::string_view pattern);

}  // namespace memwatch::keyspace
