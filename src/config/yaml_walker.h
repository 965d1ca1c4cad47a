// Reading a parsed YAML tree into plain values while collecting every
// problem as a ConfigError, instead of stopping at the first one. The
// accepted keys of a mapping are a table of Fields, so adding a config key
// means adding a row and a reader.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/config_error.h"
#include "config/env_expand.h"
#include "memwatch/clock.h"

namespace memwatch::config {

// A node, the dotted key path that leads to it and where messages about it
// point.
struct Value {
  YAML::Node node;
  std::string path;  // e.g. "targets[1].address"; "" for the document root
  // The node's position. For an empty value (`key:` and nothing) it is its
  // key's, because yaml-cpp places an empty node at the next token, often on
  // a later line.
  YAML::Mark mark;
};

// A value read from one key, with where it was written, for rules that
// involve several keys.
template <typename T>
struct Located {
  T value;
  Value at;
};

// One key: value pair of a mapping.
struct Entry {
  std::string key;
  YAML::Mark key_mark;
  Value value;
};

class Walker;

// One accepted key of a mapping and how its value is read into Out.
template <typename Out>
struct Field {
  std::string_view key;
  void (*read)(Walker& walker, const Value& value, Out& out);
  // Non-empty for a required key: the message reported when it is absent.
  std::string_view missing_message = {};
};

std::string JoinPath(std::string_view parent, std::string_view key);  // "a" + "b" = "a.b"
std::string IndexPath(std::string_view parent, size_t index);         // "a" + 1 = "a[1]"

class Walker {
 public:
  // `text` is what yaml-cpp parsed: marks are offsets into it. `text` and
  // `env` must outlive the Walker.
  Walker(std::string file, std::string_view text, const EnvLookup& env);

  Walker(const Walker&) = delete;
  Walker& operator=(const Walker&) = delete;

  const std::string& file() const { return file_; }

  // Records a problem. A null mark (yaml-cpp's -1) gives line 0.
  void Error(const YAML::Mark& mark, std::string key, std::string message);
  void Error(const Value& at, std::string message);

  bool has_errors() const { return !errors_.empty(); }
  // How many problems were recorded so far (repeats included): a reader
  // compares it before and after to learn whether a block was clean.
  size_t error_count() const { return errors_.size(); }
  // Every problem so far, ordered by position in the file, each once.
  std::vector<ConfigError> TakeErrors();

  // Calls fn for each pair of a mapping in file order. Keys that are not
  // plain scalars, and repeats of an earlier key, are reported and skipped.
  // Returns false, after reporting it, when `map` is not a mapping.
  bool ForEachEntry(const Value& map, const std::function<void(const Entry&)>& fn);
  // Calls fn for each item of a list. Returns false, after reporting it,
  // when `list` is not a list.
  bool ForEachItem(const Value& list, const std::function<void(const Value& item)>& fn);
  // Like ForEachItem, but a single value also counts as a list of one (`to:
  // a@example.com`); fn then gets `v` itself. Returns false, after
  // reporting it, when `v` is neither (a mapping, or nothing).
  bool ForEachOneOrMore(const Value& v, std::string_view expected,
                        const std::function<void(const Value& item)>& fn);

  // Reads a mapping by its table of fields: an unknown key is reported with
  // the nearest allowed one, an absent required key at the mapping itself.
  template <typename Out>
  void ReadFields(const Value& map, std::span<const Field<Out>> fields, Out& out);

  // Reports `entry` as not allowed here, suggesting the nearest of
  // `allowed`. `kind` names what the key is: "key", "check".
  void UnknownKey(const Entry& entry, std::span<const std::string_view> allowed,
                  std::string_view kind = "key");
  // Reports `name`, written at `at`, as not one of `allowed`: "unknown
  // <kind> '<name>'; did you mean ...?" or the list of allowed names.
  void UnknownName(const YAML::Mark& at, std::string key, std::string_view name,
                   std::span<const std::string_view> allowed, std::string_view kind);

  // Typed readers. Each returns nullopt after reporting what was expected.
  // Scalars pass through ${VAR} expansion first. String() never quotes the
  // value in a message (it may be a password); the others do.
  std::optional<std::string> String(const Value& v);
  // A string that is not empty; `what` names it in the message.
  std::optional<std::string> NonEmptyString(const Value& v, std::string_view what);
  std::optional<Duration> PositiveDuration(const Value& v);
  std::optional<Duration> NonNegativeDuration(const Value& v);  // 0s allowed
  std::optional<int64_t> PositiveSize(const Value& v);
  std::optional<double> Percent(const Value& v);  // "85%" or 0.85 -> 0.85; (0, 1]
  std::optional<double> PositiveNumber(const Value& v);
  std::optional<bool> Bool(const Value& v);  // true|false, any case
  // A non-empty [A-Za-z0-9_.:-]+ name: it becomes a Prometheus label value.
  std::optional<std::string> LabelName(const Value& v);

  // For messages: "a mapping", "a list", "nothing", "a single value".
  static std::string_view Describe(const YAML::Node& node);

 private:
  // The scalar text after ${VAR} expansion, or nullopt after reporting
  // "expected <expected>, found ...".
  std::optional<std::string> Scalar(const Value& v, std::string_view expected);
  // Where to point at for a list item: yaml-cpp marks an empty item at the
  // next token, so look back for its '-'.
  YAML::Mark ItemMark(const YAML::Node& item, const YAML::Mark& list_mark) const;
  // yaml-cpp accepts a quoted scalar that runs to the end of the file.
  bool QuoteIsUnclosed(const YAML::Node& node) const;

  std::string file_;
  std::string_view text_;
  const EnvLookup& env_;
  std::vector<ConfigError> errors_;
};

template <typename Out>
void Walker::ReadFields(const Value& map, std::span<const Field<Out>> fields, Out& out) {
  std::vector<std::string_view> keys;
  for (const Field<Out>& f : fields) keys.push_back(f.key);
  std::vector<bool> seen(fields.size(), false);
  const bool is_map = ForEachEntry(map, [&](const Entry& entry) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].key == entry.key) {
        seen[i] = true;
        fields[i].read(*this, entry.value, out);
        return;
      }
    }
    UnknownKey(entry, keys);
  });
  if (!is_map) return;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!seen[i] && !fields[i].missing_message.empty()) {
      Error(map.mark, JoinPath(map.path, fields[i].key), std::string(fields[i].missing_message));
    }
  }
}

}  // namespace memwatch::config
