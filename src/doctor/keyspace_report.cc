#include "doctor/keyspace_report.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checks/format.h"
#include "keyspace/prefix.h"

namespace memwatch::doctor {
namespace {

using keyspace::CountEstimate;
using keyspace::KeyspaceSummary;
using keyspace::PrefixSummary;

// Rows per table besides "other"; the JSON carries every prefix.
constexpr size_t kMaxRows = 10;
// A prefix without any TTL gets its own advice from this share of the keys
// (or of the estimated bytes) on.
constexpr double kLargeShare = 0.05;
// Longest prefix in a table column and in advice text.
constexpr size_t kMaxPrefixColumns = 40;
constexpr size_t kMinPrefixColumns = 16;
// Prefixes named in the volatile-* advice.
constexpr size_t kMaxNamed = 5;
constexpr std::string_view kIndent = "  ";

size_t Columns(std::string_view s) {
  // UTF-8: every byte but continuation bytes starts a code point.
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string Count(uint64_t n) {
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  return checks::FormatCount(static_cast<int64_t>(std::min(n, kMax)));
}

std::string Bytes(double bytes) {
  constexpr double kMax = 9.0e18;
  return checks::FormatBytes(std::llround(std::clamp(bytes, -kMax, kMax)));
}

uint64_t Margin(const CountEstimate& e) {
  const uint64_t below = e.value > e.low ? e.value - e.low : 0;
  const uint64_t above = e.high > e.value ? e.high - e.value : 0;
  return std::max(below, above);
}

// "50,000 ± 1,900", or "50,000" when the interval is exact.
std::string CountWithMargin(const CountEstimate& e) {
  const uint64_t margin = Margin(e);
  return margin == 0 ? Count(e.value) : fmt::format("{} ± {}", Count(e.value), Count(margin));
}

std::string Percent(double fraction) {
  if (!std::isfinite(fraction)) return "-";
  return checks::FormatPercent(std::clamp(fraction, 0.0, 1.0));
}

double Ratio(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0 : static_cast<double>(part) / static_cast<double>(whole);
}

// The prefix as people read it: escaped and bounded; FoldKey already ends a
// folded prefix in `*` ("coupon:gen:*").
std::string ShownPrefix(const PrefixSummary& p, size_t max_columns) {
  if (p.other) return "(other prefixes)";
  if (p.prefix.empty()) return "(empty key name)";
  return keyspace::EscapeKeyName(p.prefix, max_columns);
}

std::string ShownType(const PrefixSummary& p) {
  return p.dominant_type.empty() ? "-" : keyspace::EscapeKeyName(p.dominant_type, 12);
}

// The listed prefixes, at most kMaxRows, and "other" last when present.
std::vector<const PrefixSummary*> Rows(const std::vector<PrefixSummary>& prefixes,
                                       size_t* left_out) {
  std::vector<const PrefixSummary*> rows;
  const PrefixSummary* other = nullptr;
  *left_out = 0;
  for (const PrefixSummary& p : prefixes) {
    if (p.other) {
      other = &p;
    } else if (rows.size() < kMaxRows) {
      rows.push_back(&p);
    } else {
      ++*left_out;
    }
  }
  if (other != nullptr) rows.push_back(other);
  return rows;
}

// A table whose first column holds prefixes and takes what the others leave
// of kKeyspaceTextColumns (kMinPrefixColumns..kMaxPrefixColumns). The first
// column is left-aligned, the others right-aligned except a last text column.
class Table {
 public:
  Table(std::vector<std::string> header, bool last_is_text)
      : header_(std::move(header)), last_is_text_(last_is_text) {}

  void Add(const PrefixSummary& p, std::vector<std::string> cells) {
    prefixes_.push_back(&p);
    rows_.push_back(std::move(cells));
  }

  std::string Render() const {
    std::vector<size_t> widths(header_.size(), 0);
    for (size_t c = 1; c < header_.size(); ++c) {
      widths[c] = Columns(header_[c]);
      for (const auto& row : rows_) widths[c] = std::max(widths[c], Columns(row[c - 1]));
    }
    size_t others = kIndent.size();
    for (size_t c = 1; c < widths.size(); ++c) others += 2 + widths[c];
    const size_t budget = kKeyspaceTextColumns > others ? kKeyspaceTextColumns - others : 0;
    const size_t max_prefix = std::clamp(budget, kMinPrefixColumns, kMaxPrefixColumns);
    std::vector<std::string> prefixes;
    widths[0] = Columns(header_[0]);
    for (const PrefixSummary* p : prefixes_) {
      prefixes.push_back(ShownPrefix(*p, max_prefix));
      widths[0] = std::max(widths[0], Columns(prefixes.back()));
    }
    std::string out = Line(header_[0], header_, 1, widths);
    for (size_t r = 0; r < rows_.size(); ++r) out += Line(prefixes[r], rows_[r], 0, widths);
    return out;
  }

 private:
  // One line: `first`, then cells[from..] in the columns after it.
  std::string Line(const std::string& first, const std::vector<std::string>& cells, size_t from,
                   const std::vector<size_t>& widths) const {
    std::string line{kIndent};
    line += first;
    line.append(widths[0] - Columns(first), ' ');
    for (size_t c = 1; c < widths.size(); ++c) {
      const std::string& cell = cells[c - 1 + from];
      const std::string pad(widths[c] - Columns(cell), ' ');
      line += "  ";
      line += last_is_text_ && c + 1 == widths.size() ? cell + pad : pad + cell;
    }
    while (line.ends_with(' ')) line.pop_back();
    return line + '\n';
  }

  std::vector<std::string> header_;
  bool last_is_text_;
  std::vector<const PrefixSummary*> prefixes_;
  std::vector<std::vector<std::string>> rows_;
};

// `text` wrapped at spaces to kKeyspaceTextColumns, `first` before its first
// line and as many spaces before the others.
std::string Wrap(std::string_view text, const std::string& first) {
  const std::string rest(first.size(), ' ');
  std::string out;
  std::string line = first;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(start, end - start);
    const bool empty = line.size() == first.size();
    if (!empty && Columns(line) + 1 + Columns(word) > kKeyspaceTextColumns) {
      out += line + '\n';
      line = rest;
    } else if (!empty) {
      line += ' ';
    }
    // A word longer than a whole line is cut at the margin.
    std::string_view left = word;
    while (Columns(line) + Columns(left) > kKeyspaceTextColumns) {
      size_t cut = 0;
      for (size_t room = kKeyspaceTextColumns - Columns(line); cut < left.size(); ++cut) {
        const bool starts_code_point = (static_cast<unsigned char>(left[cut]) & 0xC0) != 0x80;
        if (starts_code_point && room-- == 0) break;
      }
      line.append(left.substr(0, cut));
      out += line + '\n';
      line = rest;
      left.remove_prefix(cut);
    }
    line += left;
    start = end + 1;
  }
  return out + line + '\n';
}

// One advice line: "  - " and `text`, wrapped.
std::string Bullet(std::string_view text) { return Wrap(text, std::string{kIndent} + "- "); }

std::string Header(const KeyspaceSummary& s, const KeyspaceContext& context) {
  const double seconds = context.scan.seconds > 0 ? context.scan.seconds : s.seconds;
  if (s.total_keys == 0 && s.sampled_keys == 0) {
    return fmt::format("{}Keyspace: no keys (scanned in {:.1f} s)\n", kIndent, seconds);
  }
  std::string line = fmt::format("{}Keyspace: {} of {} keys sampled in {:.1f} s", kIndent,
                                 Count(s.sampled_keys), Count(s.total_keys), seconds);
  if (s.complete) return line + " (full cycle)\n";
  line += fmt::format(" ({})", Percent(Ratio(s.sampled_keys, s.total_keys)));
  line += context.scan.cut_short ? ", stopped at --scan-time\n" : ", scan incomplete\n";
  return line;
}

std::string ByBytesTable(const KeyspaceSummary& s) {
  size_t left_out = 0;
  const std::vector<const PrefixSummary*> rows = Rows(s.by_bytes, &left_out);
  if (rows.empty()) return "";
  // The summary orders by keys while no key has a MEMORY USAGE sample.
  const bool any_bytes = std::any_of(s.by_bytes.begin(), s.by_bytes.end(),
                                     [](const PrefixSummary& p) { return p.bytes.has_value(); });
  Table table({any_bytes ? "top prefixes by memory" : "top prefixes by keys", "est. keys", "share",
               "no TTL", "est. bytes", "type"},
              /*last_is_text=*/true);
  for (const PrefixSummary* p : rows) {
    table.Add(*p, {CountWithMargin(p->keys), Percent(p->share),
                   Percent(Ratio(p->keys_without_ttl.value, p->keys.value)),
                   p->bytes ? Bytes(static_cast<double>(*p->bytes)) : "-", ShownType(*p)});
  }
  std::string out = "\n" + table.Render();
  if (left_out > 0) {
    out += fmt::format("{}({} more prefixes in --format json)\n", kIndent, left_out);
  }
  return out;
}

std::string Growth(const std::optional<double>& per_hour) {
  if (!per_hour || !std::isfinite(*per_hour)) return "-";
  const double rounded = std::round(*per_hour);
  if (rounded == 0) return "0";
  const auto magnitude = static_cast<uint64_t>(std::min(std::fabs(rounded), 9.0e18));
  return (rounded > 0 ? "+" : "-") + Count(magnitude);
}

std::string ByNoTtlTable(const KeyspaceSummary& s) {
  size_t left_out = 0;
  const std::vector<const PrefixSummary*> rows = Rows(s.by_no_ttl, &left_out);
  if (rows.empty()) return "";
  Table table({"top prefixes by keys without TTL", "est. keys without TTL", "of its keys",
               "est. bytes", "keys/hour"},
              /*last_is_text=*/false);
  for (const PrefixSummary* p : rows) {
    table.Add(*p, {CountWithMargin(p->keys_without_ttl),
                   Percent(Ratio(p->keys_without_ttl.value, p->keys.value)),
                   p->bytes ? Bytes(static_cast<double>(*p->bytes)) : "-",
                   Growth(p->keys_growth_per_hour)});
  }
  std::string out = "\n" + table.Render();
  if (left_out > 0) {
    out += fmt::format("{}({} more prefixes in --format json)\n", kIndent, left_out);
  }
  return out;
}

uint64_t TotalBytes(const KeyspaceSummary& s) {
  uint64_t total = 0;
  for (const PrefixSummary& p : s.by_bytes) total += p.bytes.value_or(0);
  return total;
}

// Keys without TTL in the whole keyspace, as the by_no_ttl list adds up.
uint64_t KeysWithoutTtl(const KeyspaceSummary& s) {
  uint64_t total = 0;
  for (const PrefixSummary& p : s.by_no_ttl) total += p.keys_without_ttl.value;
  return total;
}

// "coupon:gen:* — 50,000 keys (20%), none with a TTL, ...": one per prefix
// that has no TTL at all and is a large share of the keys or the bytes.
std::string NoTtlAdvice(const KeyspaceSummary& s) {
  const uint64_t total_bytes = TotalBytes(s);
  std::string out;
  for (const PrefixSummary& p : s.by_no_ttl) {
    if (p.other || p.keys.value == 0 || p.keys_without_ttl.value < p.keys.value) continue;
    const bool large =
        p.share >= kLargeShare || (p.bytes && Ratio(*p.bytes, total_bytes) >= kLargeShare);
    if (!large) continue;
    std::string text =
        fmt::format("{} — {} keys ({}), none with a TTL", ShownPrefix(p, kMaxPrefixColumns),
                    Count(p.keys.value), Percent(p.share));
    if (p.keys_growth_per_hour && *p.keys_growth_per_hour >= 1) {
      text += fmt::format(", grows by {} keys an hour", Growth(p.keys_growth_per_hour).substr(1));
      if (p.bytes_growth_per_hour && *p.bytes_growth_per_hour >= 1) {
        text += fmt::format(", about {} an hour", Bytes(*p.bytes_growth_per_hour));
      }
    }
    text +=
        ": the job writing these keys needs an expiry (SET ... EX), or they stay until deleted.";
    out += Bullet(text);
  }
  return out;
}

// The prefixes holding keys without TTL, named for the policy advice.
std::string NamedNoTtlPrefixes(const KeyspaceSummary& s) {
  std::vector<std::string> names;
  size_t more = 0;
  for (const PrefixSummary& p : s.by_no_ttl) {
    if (p.keys_without_ttl.value == 0) continue;
    if (!p.other && names.size() < kMaxNamed) {
      names.push_back(ShownPrefix(p, kMaxPrefixColumns));
    } else {
      ++more;
    }
  }
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() && more == 0 ? " and " : ", ";
    out += names[i];
  }
  if (more > 0) out += names.empty() ? "keys under other prefixes" : " and other prefixes";
  return out;
}

std::string PolicyAdvice(const KeyspaceSummary& s, const KeyspaceContext& context) {
  const uint64_t without_ttl = KeysWithoutTtl(s);
  if (without_ttl == 0) return "";
  const std::string& policy = context.maxmemory_policy;
  const std::string amount = fmt::format("{} keys, {} of all keys", Count(without_ttl),
                                         Percent(Ratio(without_ttl, s.total_keys)));
  if (policy.starts_with("volatile-")) {
    std::string text = fmt::format(
        "maxmemory-policy {} evicts only keys with a TTL: {} ({}) can never be evicted. Once the "
        "keys with a TTL are gone, writes are refused although eviction is on "
        "(eviction_ineffective): give these keys a TTL, or use an allkeys-* policy.",
        keyspace::EscapeKeyName(policy, 40), NamedNoTtlPrefixes(s), amount);
    if (!context.limit_set) text += " (No maxmemory is set yet, so nothing is evicted at all.)";
    return Bullet(text);
  }
  if (policy == "noeviction") {
    return Bullet(fmt::format(
        "maxmemory-policy noeviction evicts nothing, and {} ({}) have no TTL, so nothing makes "
        "room: {}",
        NamedNoTtlPrefixes(s), amount,
        context.limit_set ? "when memory reaches maxmemory, writes are refused (OOM command not "
                            "allowed) until keys are deleted."
                          : "with no maxmemory set, memory grows until the host or container "
                            "runs out of it."));
  }
  return "";
}

bool AnyMargin(const std::vector<PrefixSummary>& prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(), [](const PrefixSummary& p) {
    return Margin(p.keys) > 0 || Margin(p.keys_without_ttl) > 0;
  });
}

std::string EstimateNote(const KeyspaceSummary& s) {
  if (!s.complete || AnyMargin(s.by_bytes) || AnyMargin(s.by_no_ttl)) {
    return Bullet(fmt::format(
        "Figures are estimates from a sample of {} keys: ± is the 95% interval of a count (the "
        "true count lies within it 19 times out of 20); bytes extrapolate MEMORY USAGE of the "
        "keys sampled for them.",
        Count(s.sampled_keys)));
  }
  return Bullet(
      "Counts come from one full SCAN cycle (keys written during it may be missed or counted "
      "twice); bytes extrapolate MEMORY USAGE of the keys sampled for them.");
}

nlohmann::json EstimateJson(const CountEstimate& e) {
  return {{"value", e.value}, {"low", e.low}, {"high", e.high}};
}

nlohmann::json OptionalJson(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json PrefixesJson(const std::vector<PrefixSummary>& prefixes) {
  nlohmann::json out = nlohmann::json::array();
  for (const PrefixSummary& p : prefixes) {
    out.push_back({
        {"prefix", p.other ? "" : keyspace::EscapeKeyName(p.prefix)},
        {"other", p.other},
        {"sampled", p.sampled},
        {"keys", EstimateJson(p.keys)},
        {"keys_without_ttl", EstimateJson(p.keys_without_ttl)},
        {"bytes", p.bytes ? nlohmann::json(*p.bytes) : nlohmann::json(nullptr)},
        {"bytes_samples", p.bytes_samples},
        {"share", std::isfinite(p.share) ? p.share : 0.0},
        {"dominant_type", keyspace::EscapeKeyName(p.dominant_type)},
        {"keys_growth_per_hour", OptionalJson(p.keys_growth_per_hour)},
        {"bytes_growth_per_hour", OptionalJson(p.bytes_growth_per_hour)},
    });
  }
  return out;
}

}  // namespace

std::string FormatKeyspaceText(const KeyspaceSummary& summary, const KeyspaceContext& context) {
  std::string out = Header(summary, context);
  if (summary.total_keys == 0 && summary.sampled_keys == 0) return out;
  out += ByBytesTable(summary);
  out += ByNoTtlTable(summary);
  out += '\n';
  out += NoTtlAdvice(summary);
  out += PolicyAdvice(summary, context);
  out += EstimateNote(summary);
  return out;
}

std::string FormatKeyspaceSkippedText(const std::string& reason) {
  return Wrap(keyspace::EscapeKeyName(reason, 1000),
              std::string{kIndent} + "Keyspace: not scanned: ");
}

nlohmann::json KeyspaceJson(const KeyspaceSummary& summary, const KeyspaceContext& context) {
  return {
      {"total_keys", summary.total_keys},
      {"sampled_keys", summary.sampled_keys},
      {"complete", summary.complete},
      {"seconds", summary.seconds},
      {"scan",
       {{"seconds", context.scan.seconds},
        {"keys_scanned", context.scan.keys_scanned},
        {"cut_short", context.scan.cut_short}}},
      {"by_bytes", PrefixesJson(summary.by_bytes)},
      {"by_no_ttl", PrefixesJson(summary.by_no_ttl)},
  };
}

std::string FormatEvictionEventsText(const EvictionEvents& events) {
  std::string patterns;
  for (const std::string& p : events.protected_patterns) {
    if (!patterns.empty()) patterns += ", ";
    patterns += "`" + keyspace::EscapeKeyName(p) + "`";
  }
  const std::string head = std::string{kIndent} + "Eviction events: ";
  if (events.on) {
    return Wrap(fmt::format("on (notify-keyspace-events \"{}\"): redis-memwatch reports each "
                            "eviction of a protected key ({}) as protected_key_evicted.",
                            keyspace::EscapeKeyName(*events.flags, 40), patterns),
                head);
  }
  const std::string state = events.flags
                                ? fmt::format("off (notify-keyspace-events \"{}\")",
                                              keyspace::EscapeKeyName(*events.flags, 40))
                                : fmt::format("unknown (CONFIG GET notify-keyspace-events: {})",
                                              keyspace::EscapeKeyName(events.error, 200));
  return Wrap(
      fmt::format(
          "{}: Redis does not announce evictions, so redis-memwatch cannot report an evicted "
          "protected key ({}). Turn them on with CONFIG SET notify-keyspace-events Ee (add E "
          "and e to any flags already set; keep it with CONFIG REWRITE or "
          "notify-keyspace-events Ee in redis.conf), or on a managed service set "
          "notify-keyspace-events in its parameter group. Cost: one pub/sub message per "
          "evicted key, sent only to subscribers (almost nothing without any). redis-memwatch "
          "never changes it.",
          state, patterns),
      head);
}

nlohmann::json EvictionEventsJson(const EvictionEvents& events) {
  nlohmann::json patterns = nlohmann::json::array();
  for (const std::string& p : events.protected_patterns) {
    patterns.push_back(keyspace::EscapeKeyName(p));
  }
  nlohmann::json out{{"state", events.on ? "on" : (events.flags ? "off" : "unknown")},
                     {"notify_keyspace_events", nullptr},
                     {"protected", patterns}};
  if (events.flags) out["notify_keyspace_events"] = keyspace::EscapeKeyName(*events.flags, 40);
  if (!events.flags) out["error"] = keyspace::EscapeKeyName(events.error, 200);
  return out;
}

nlohmann::json KeyspaceSkippedJson(const std::string& reason) {
  return {{"skipped", keyspace::EscapeKeyName(reason, 1000)}};
}

std::string FormatProgressBar(double fraction, uint64_t keys, double seconds, int width) {
  if (width <= 0) return "";
  if (!(fraction >= 0)) fraction = 0;  // NaN too
  fraction = std::min(fraction, 1.0);
  if (!(seconds >= 0) || !std::isfinite(seconds)) seconds = 0;
  const auto percent = static_cast<int>(std::floor(fraction * 100));
  const std::string figures =
      fmt::format("{:3d}%  {} keys  {:.1f} s", percent, Count(keys), seconds);
  const auto columns = static_cast<size_t>(width);
  // "[####....] " before the figures when there is room for a useful bar.
  // The figures get a fixed room so the bar keeps its length as they grow.
  constexpr size_t kMinBar = 5;
  constexpr size_t kFiguresColumns = 32;
  const size_t room = std::max(kFiguresColumns, figures.size()) + 3;
  std::string line;
  if (columns >= room + kMinBar) {
    const size_t bar = columns - room;
    const auto filled = static_cast<size_t>(std::floor(fraction * static_cast<double>(bar)));
    line = "[" + std::string(filled, '#') + std::string(bar - filled, '.') + "] " + figures;
  } else {
    line = figures;
  }
  line.resize(columns, ' ');
  return line;
}

}  // namespace memwatch::doctor
