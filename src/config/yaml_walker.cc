#include "config/yaml_walker.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "config/duration.h"
#include "config/edit_distance.h"
#include "config/size.h"
#include "config/text_checks.h"

namespace memwatch::config {
namespace {

// A whole string as a finite double; nullopt otherwise ("1e999", "nan").
std::optional<double> ParseDouble(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double value = 0;
  const char* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

std::string JoinPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return fmt::format("{}.{}", parent, key);
}

std::string IndexPath(std::string_view parent, size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

Walker::Walker(std::string file, std::string_view text, const EnvLookup& env)
    : file_(std::move(file)), text_(text), env_(env) {}

void Walker::Error(const YAML::Mark& mark, std::string key, std::string message) {
  const bool known = !mark.is_null() && mark.line >= 0;
  errors_.push_back({file_, known ? mark.line + 1 : 0, known ? mark.column + 1 : 0, std::move(key),
                     std::move(message)});
}

void Walker::Error(const Value& at, std::string message) {
  Error(at.mark, at.path, std::move(message));
}

std::vector<ConfigError> Walker::TakeErrors() {
  std::stable_sort(errors_.begin(), errors_.end(), [](const ConfigError& a, const ConfigError& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  // One mistake can be found more than once: a target_defaults value is
  // checked in every target that takes it. Repeats are reported once; after
  // the sort they sit among the errors at the same position.
  std::vector<ConfigError> out;
  for (ConfigError& e : errors_) {
    bool repeat = false;
    for (auto it = out.rbegin(); it != out.rend() && it->line == e.line && it->column == e.column;
         ++it) {
      repeat = repeat || *it == e;
    }
    if (!repeat) out.push_back(std::move(e));
  }
  errors_.clear();
  return out;
}

std::string_view Walker::Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a single value";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

bool Walker::ForEachEntry(const Value& map, const std::function<void(const Entry&)>& fn) {
  if (!map.node.IsMap()) {
    Error(map, fmt::format("expected a mapping (key: value), found {}", Describe(map.node)));
    return false;
  }
  std::map<std::string, int, std::less<>> first_line;
  // Copies, not references: yaml-cpp's iterators hand out temporaries.
  for (const auto& pair : map.node) {
    const YAML::Node key = pair.first;
    const YAML::Node value = pair.second;
    if (!key.IsScalar()) {
      Error(key.Mark(), map.path,
            fmt::format("expected a plain key name, found {} as a key", Describe(key)));
      continue;
    }
    Entry entry{key.Scalar(), key.Mark(), {}};
    entry.value =
        Value{value, JoinPath(map.path, entry.key), value.IsNull() ? key.Mark() : value.Mark()};
    const auto [first, inserted] = first_line.emplace(entry.key, key.Mark().line + 1);
    if (!inserted) {
      Error(key.Mark(), entry.value.path,
            fmt::format("repeated key; it is already set at line {}", first->second));
      continue;
    }
    fn(entry);
  }
  return true;
}

bool Walker::ForEachItem(const Value& list, const std::function<void(const Value&)>& fn) {
  if (!list.node.IsSequence()) {
    Error(list, fmt::format("expected a list (- item), found {}", Describe(list.node)));
    return false;
  }
  size_t index = 0;
  for (const YAML::Node& item : list.node) {
    fn(Value{item, IndexPath(list.path, index), ItemMark(item, list.mark)});
    ++index;
  }
  return true;
}

bool Walker::ForEachOneOrMore(const Value& v, std::string_view expected,
                              const std::function<void(const Value&)>& fn) {
  if (v.node.IsScalar()) {
    fn(v);
    return true;
  }
  if (!v.node.IsSequence()) {
    Error(v, fmt::format("expected {}, or a list of them, found {}", expected, Describe(v.node)));
    return false;
  }
  return ForEachItem(v, fn);
}

void Walker::UnknownKey(const Entry& entry, std::span<const std::string_view> allowed,
                        std::string_view kind) {
  UnknownName(entry.key_mark, entry.value.path, entry.key, allowed, kind);
}

void Walker::UnknownName(const YAML::Mark& at, std::string key, std::string_view name,
                         std::span<const std::string_view> allowed, std::string_view kind) {
  const std::string_view suggestion = ClosestMatch(name, allowed);
  if (!suggestion.empty()) {
    Error(at, std::move(key),
          fmt::format("unknown {} '{}'; did you mean '{}'?", kind, name, suggestion));
  } else {
    Error(
        at, std::move(key),
        fmt::format("unknown {} '{}'; expected one of: {}", kind, name, fmt::join(allowed, ", ")));
  }
}

std::optional<std::string> Walker::Scalar(const Value& v, std::string_view expected) {
  if (!v.node.IsScalar()) {
    Error(v, fmt::format("expected {}, found {}", expected, Describe(v.node)));
    return std::nullopt;
  }
  if (QuoteIsUnclosed(v.node)) {
    Error(v, "the quoted value has no closing quote");
    return std::nullopt;
  }
  Result<std::string> expanded = ExpandEnv(v.node.Scalar(), env_);
  if (!expanded.ok()) {
    Error(v, expanded.status().message());
    return std::nullopt;
  }
  return std::move(expanded).value();
}

std::optional<std::string> Walker::String(const Value& v) { return Scalar(v, "a string"); }

std::optional<std::string> Walker::NonEmptyString(const Value& v, std::string_view what) {
  std::optional<std::string> text = String(v);
  if (text && text->empty()) {
    Error(v, fmt::format("expected {}, got an empty value", what));
    return std::nullopt;
  }
  return text;
}

std::optional<Duration> Walker::PositiveDuration(const Value& v) {
  std::optional<std::string> text = Scalar(v, "a duration such as 500ms, 1s, 2m or 1h");
  if (!text) return std::nullopt;
  Result<Duration> d = ParseDuration(*text);
  if (!d.ok()) {
    Error(v, d.status().message());
    return std::nullopt;
  }
  if (d.value() <= Duration::zero()) {
    Error(v, fmt::format("expected a duration greater than 0, got '{}'", *text));
    return std::nullopt;
  }
  return d.value();
}

std::optional<Duration> Walker::NonNegativeDuration(const Value& v) {
  std::optional<std::string> text = Scalar(v, "a duration such as 0s, 30s, 5m or 1h");
  if (!text) return std::nullopt;
  Result<Duration> d = ParseDuration(*text);
  if (!d.ok()) {
    Error(v, d.status().message());
    return std::nullopt;
  }
  return d.value();
}

std::optional<int64_t> Walker::PositiveSize(const Value& v) {
  std::optional<std::string> text = Scalar(v, "a size such as 4GiB or 512MiB");
  if (!text) return std::nullopt;
  Result<int64_t> bytes = ParseSize(*text);
  if (!bytes.ok()) {
    Error(v, bytes.status().message());
    return std::nullopt;
  }
  if (bytes.value() <= 0) {
    Error(v, fmt::format("expected a size greater than 0, got '{}'", *text));
    return std::nullopt;
  }
  return bytes.value();
}

std::optional<double> Walker::Percent(const Value& v) {
  constexpr std::string_view kExpected =
      "a percentage such as 85% or a fraction such as 0.85 (above 0, at most 100%)";
  std::optional<std::string> text = Scalar(v, kExpected);
  if (!text) return std::nullopt;
  std::optional<double> fraction;
  if (!text->empty() && text->back() == '%') {
    std::string_view number = *text;
    number.remove_suffix(1);
    std::optional<double> percent = ParseDouble(number);
    if (percent && *percent > 0 && *percent <= 100) fraction = *percent / 100;
  } else {
    std::optional<double> plain = ParseDouble(*text);
    if (plain && *plain > 1 && *plain <= 100) {
      Error(v, fmt::format("'{}' is not a fraction: write {}% for a percentage, or a fraction "
                           "such as 0.85",
                           *text, *text));
      return std::nullopt;
    }
    if (plain && *plain > 0 && *plain <= 1) fraction = plain;
  }
  if (!fraction) Error(v, fmt::format("expected {}, got '{}'", kExpected, *text));
  return fraction;
}

std::optional<double> Walker::PositiveNumber(const Value& v) {
  std::optional<std::string> text = Scalar(v, "a number greater than 0");
  if (!text) return std::nullopt;
  std::optional<double> number = ParseDouble(*text);
  if (!number || *number <= 0) {
    Error(v, fmt::format("expected a number greater than 0, got '{}'", *text));
    return std::nullopt;
  }
  return number;
}

std::optional<bool> Walker::Bool(const Value& v) {
  std::optional<std::string> text = Scalar(v, "true or false");
  if (!text) return std::nullopt;
  std::string lower = *text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "true") return true;
  if (lower == "false") return false;
  Error(v, fmt::format("expected true or false, got '{}'", *text));
  return std::nullopt;
}

std::optional<std::string> Walker::LabelName(const Value& v) {
  std::optional<std::string> name = String(v);
  if (!name) return std::nullopt;
  const auto is_label_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == ':' || c == '-';
  };
  if (name->empty() || !std::all_of(name->begin(), name->end(), is_label_char)) {
    Error(v, fmt::format("expected a name of letters, digits, '_', '.', ':' and '-' (it becomes "
                         "a Prometheus label value), got '{}'",
                         *name));
    return std::nullopt;
  }
  return name;
}

YAML::Mark Walker::ItemMark(const YAML::Node& item, const YAML::Mark& list_mark) const {
  if (!item.IsNull()) return item.Mark();
  const YAML::Mark mark = item.Mark();
  if (mark.is_null() || mark.pos <= 0) return list_mark;
  size_t i = std::min(static_cast<size_t>(mark.pos), text_.size());
  while (i > 0 && std::string_view(" \t\r\n").find(text_[i - 1]) != std::string_view::npos) --i;
  if (i == 0 || text_[i - 1] != '-') return list_mark;
  const TextPosition pos = PositionOf(text_, i - 1);
  YAML::Mark dash;
  dash.pos = static_cast<int>(i - 1);
  dash.line = pos.line - 1;
  dash.column = pos.column - 1;
  return dash;
}

bool Walker::QuoteIsUnclosed(const YAML::Node& node) const {
  if (node.Tag() != "!") return false;  // "!" marks a quoted or block scalar
  const YAML::Mark mark = node.Mark();
  if (mark.is_null() || mark.pos < 0 || static_cast<size_t>(mark.pos) >= text_.size()) {
    return false;
  }
  const char quote = text_[mark.pos];
  if (quote != '"' && quote != '\'') return false;
  for (size_t i = mark.pos + 1; i < text_.size(); ++i) {
    const char c = text_[i];
    if (quote == '"' && c == '\\') {
      ++i;  // skip the escaped character
    } else if (c == quote) {
      if (quote == '\'' && i + 1 < text_.size() && text_[i + 1] == '\'') {
        ++i;  // '' is an escaped quote
      } else {
        return false;
      }
    }
  }
  return true;
}

}  // namespace memwatch::config
