#include "config/keyspace_reader.h"

#include <array>
#include <cmath>
#include <string_view>

#include <fmt/format.h>

#include "keyspace/glob.h"

namespace memwatch::config {
namespace {

using KeyspaceField = Field<KeyspaceBlock>;

constexpr double kMaxBudget = 0.10;

// An integer in [low, high], or nullopt after reporting it.
std::optional<int64_t> IntegerIn(Walker& w, const Value& v, int64_t low, int64_t high) {
  std::optional<std::string> text = w.String(v);
  if (!text) return std::nullopt;
  int64_t value = 0;
  bool digits = !text->empty() && text->size() <= 18;
  for (const char c : *text) digits = digits && c >= '0' && c <= '9';
  if (digits) {
    for (const char c : *text) value = value * 10 + (c - '0');
  }
  if (!digits || value < low || value > high) {
    w.Error(v, fmt::format("expected a whole number from {} to {}, got '{}'", low, high, *text));
    return std::nullopt;
  }
  return value;
}

// `text` with every byte outside printable ASCII as \xHH, for a message.
std::string Printable(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      out += c;
    } else {
      out += fmt::format("\\x{:02x}", byte);
    }
  }
  return out;
}

void ReadEnabled(Walker& w, const Value& v, KeyspaceBlock& b) {
  if (std::optional<bool> on = w.Bool(v)) b.enabled = *on;
}

void ReadBudget(Walker& w, const Value& v, KeyspaceBlock& b) {
  std::optional<double> fraction = w.Percent(v);
  if (!fraction) return;
  if (*fraction > kMaxBudget) {
    w.Error(v, fmt::format("expected at most 10% of Redis's time for sampling, got {:g}%",
                           *fraction * 100));
    return;
  }
  b.budget = *fraction;
}

void ReadMaxKeys(Walker& w, const Value& v, KeyspaceBlock& b) {
  if (std::optional<int64_t> n = IntegerIn(w, v, 1, 1'000'000)) {
    b.max_keys_per_second = static_cast<uint32_t>(*n);
  }
}

void ReadDelimiters(Walker& w, const Value& v, KeyspaceBlock& b) {
  std::optional<std::string> text = w.String(v);
  if (!text) return;
  bool valid = !text->empty() && text->size() <= 8;
  for (size_t i = 0; valid && i < text->size(); ++i) {
    const char c = (*text)[i];
    valid = c > 0x20 && c < 0x7f && text->find(c) == i;
  }
  if (!valid) {
    w.Error(v, fmt::format("expected 1 to 8 distinct printable characters such as \":\" or "
                           "\":/|\", each of which separates key segments, got '{}'",
                           Printable(*text)));
    return;
  }
  b.delimiters = std::move(*text);
}

void ReadDepth(Walker& w, const Value& v, KeyspaceBlock& b) {
  if (std::optional<int64_t> n = IntegerIn(w, v, 1, 10)) b.depth = static_cast<int>(*n);
}

void ReadTop(Walker& w, const Value& v, KeyspaceBlock& b) {
  if (std::optional<int64_t> n = IntegerIn(w, v, 1, 200)) b.top = static_cast<int>(*n);
}

void ReadInterval(Walker& w, const Value& v, KeyspaceBlock& b) {
  if (std::optional<Duration> d = w.PositiveDuration(v)) b.interval = *d;
}

// At most this many patterns, each at most kMaxPatternBytes: every
// sampled key and every eviction is matched against all of them.
constexpr size_t kMaxPatterns = 32;
constexpr size_t kMaxPatternBytes = 256;

void ReadProtected(Walker& w, const Value& v, KeyspaceBlock& b) {
  std::vector<std::string> patterns;
  bool clean = true;
  const bool is_list = w.ForEachItem(v, [&](const Value& item) {
    std::optional<std::string> text = w.String(item);
    if (!text) {
      clean = false;
      return;
    }
    std::optional<std::string> problem = keyspace::GlobProblem(*text);
    if (!problem && text->size() > kMaxPatternBytes) {
      problem = fmt::format("a pattern of at most {} bytes", kMaxPatternBytes);
    }
    if (problem) {
      w.Error(item, fmt::format("expected a Redis key pattern such as \"session:*\", got '{}': {}",
                                Printable(*text), *problem));
      clean = false;
      return;
    }
    patterns.push_back(std::move(*text));
  });
  if (!is_list || !clean) return;
  if (patterns.size() > kMaxPatterns) {
    w.Error(v, fmt::format("expected at most {} patterns, got {}", kMaxPatterns, patterns.size()));
    return;
  }
  b.protected_patterns = std::move(patterns);
}

constexpr std::array<KeyspaceField, 8> kKeyspaceFields = {{
    {"enabled", ReadEnabled},              // default: primaries only
    {"budget", ReadBudget},                // default 1%
    {"max_keys_per_second", ReadMaxKeys},  // default 2000
    {"delimiters", ReadDelimiters},        // default ":"
    {"depth", ReadDepth},                  // default 3
    {"top", ReadTop},                      // default 20
    {"interval", ReadInterval},            // default 5m
    {"protected", ReadProtected},          // default none
}};

}  // namespace

void ReadKeyspaceBlock(Walker& walker, const Value& block, KeyspaceBlock& out) {
  if (block.node.IsNull()) return;
  walker.ReadFields<KeyspaceBlock>(block, kKeyspaceFields, out);
}

std::vector<std::string> KeyspaceKeys() {
  std::vector<std::string> keys;
  keys.reserve(kKeyspaceFields.size());
  for (const KeyspaceField& f : kKeyspaceFields) keys.emplace_back(f.key);
  return keys;
}

}  // namespace memwatch::config
