// Fuzzes keyspace::FoldKey, EscapeKeyName, GlobMatch and PrefixTable::Add with
// arbitrary key names (they come from SCAN: any bytes) and checks the
// promises of their headers: bounded lengths, idempotent folding, printable
// escapes, a table that never outgrows its capacity or loses a sample,
// glob matching that terminates on any pattern (each name is also a
// pattern for the next) and agrees with the obvious cases.
// Input: the first byte picks the options, the rest are key names separated
// by '\n' (names may still hold any other byte). Seeds:
// tests/fuzz/corpus/keyspace_fuzz.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "keyspace/glob.h"
#include "keyspace/prefix.h"
#include "keyspace/prefix_table.h"

namespace {

// Aborts with a message, so libFuzzer records the input as a crash.
void Require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "keyspace_fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

constexpr size_t kTableCapacity = 8;

memwatch::keyspace::FoldOptions OptionsFrom(uint8_t selector) {
  static constexpr std::string_view kDelimiters[] = {":", ":./", "/", ""};
  memwatch::keyspace::FoldOptions options;
  options.delimiters = std::string{kDelimiters[selector & 3]};
  options.depth = static_cast<int>((selector >> 2) & 7) - 1;  // -1 .. 6: below 1 counts as 1
  options.max_segment_bytes = (selector >> 5) == 0 ? 0 : size_t{8} << (selector >> 5);
  return options;
}

void CheckFold(std::string_view key, const memwatch::keyspace::FoldOptions& options) {
  using memwatch::keyspace::FoldKey;
  const size_t depth = static_cast<size_t>(options.depth < 1 ? 1 : options.depth);
  const size_t max_segment = options.max_segment_bytes < 1 ? 1 : options.max_segment_bytes;
  const std::string folded = FoldKey(key, options);
  Require(folded.size() <= depth * (max_segment + 1) + 2, "a prefix above its bound");
  Require(FoldKey(folded, options) == folded, "folding a prefix changed it");
}

// The bytes an uncut escaped name stands for (the inverse of EscapeKeyName).
std::string Unescape(std::string_view escaped) {
  std::string raw;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '\\') {
      raw.push_back(escaped[i]);
      continue;
    }
    Require(i + 1 < escaped.size(), "a lone backslash at the end of an escaped name");
    if (escaped[i + 1] == 'x') {
      Require(i + 3 < escaped.size(), "a cut \\x escape");
      raw.push_back(static_cast<char>(
          std::strtoul(std::string{escaped.substr(i + 2, 2)}.c_str(), nullptr, 16)));
      i += 3;
    } else {
      Require(escaped[i + 1] == '\\' || escaped[i + 1] == '"', "an unknown escape");
      raw.push_back(escaped[i + 1]);
      i += 1;
    }
  }
  return raw;
}

void CheckGlob(std::string_view pattern, std::string_view key) {
  using memwatch::keyspace::GlobMatch;
  (void)GlobMatch(pattern, key);  // terminates, within the sanitizers' eyes
  Require(GlobMatch("*", key), "* does not match a name");
  // A name without glob metacharacters matches itself, and only itself.
  if (key.find_first_of("*?[\\") == std::string_view::npos) {
    Require(GlobMatch(key, key), "a plain name does not match itself");
    Require(!GlobMatch(key, std::string(key) + "x"), "a plain name matches a longer one");
  }
  // (A trailing backslash would escape the appended star; "*" matches the
  // empty name as KEYS does, "**" does not, as stringmatchlen.)
  if (!memwatch::keyspace::GlobProblem(pattern).has_value() && !pattern.ends_with('\\') &&
      !key.empty()) {
    Require(GlobMatch(std::string(pattern) + "*", std::string(key)) || !GlobMatch(pattern, key),
            "appending * lost a match");
  }
}

void CheckEscape(std::string_view key, size_t max_bytes) {
  const std::string escaped = memwatch::keyspace::EscapeKeyName(key, max_bytes);
  Require(escaped.size() <= max_bytes, "an escaped name above its limit");
  for (const char c : escaped) {
    Require(c >= 0x20 && c <= 0x7e, "a byte outside printable ASCII in an escaped name");
  }
  // At most 4 bytes per input byte: a name that fits is never cut, and the
  // escape loses nothing.
  if (key.size() * 4 <= max_bytes) {
    Require(Unescape(escaped) == key, "an uncut escaped name does not decode to the name");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace memwatch::keyspace;
  if (size == 0) {
    return 0;
  }
  const FoldOptions options = OptionsFrom(data[0]);
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  PrefixTable table(kTableCapacity);
  uint64_t added = 0;
  std::string_view previous;
  while (true) {
    const size_t end = rest.find('\n');
    const std::string_view key = rest.substr(0, end);
    CheckFold(key, options);
    CheckEscape(key, kMaxEscapedKeyBytes);
    CheckEscape(key, key.size() % 17);
    CheckGlob(previous, key);
    previous = key;
    table.Add(FoldKey(key, options), key.size() % 2 == 0,
              key.size() % 3 == 0 ? std::nullopt : std::optional<int64_t>(key.size()));
    ++added;
    if (end == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(end + 1);
  }
  Require(table.size() <= kTableCapacity, "the table outgrew its capacity");
  const PrefixTop top = table.Top(3);
  uint64_t sum = top.other.sampled;
  for (const PrefixStats& s : top.prefixes) {
    sum += s.sampled;
    Require(s.max_missed <= added / kTableCapacity, "max_missed above total / capacity");
  }
  Require(top.total_sampled == added && sum == added, "a sample was lost");
  const Estimate e =
      EstimateKeys(top.prefixes.empty() ? 0 : top.prefixes[0].sampled, added, added * 3);
  Require(e.low <= e.keys && e.keys <= e.high && e.high <= added * 3, "an estimate out of order");
  return 0;
}
