#include "config/targets_file.h"

#include <glob.h>

#include <algorithm>
#include <optional>
#include <utility>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/file_reader.h"
#include "config/yaml_document.h"
#include "config/yaml_walker.h"

namespace memwatch::config {
namespace {

constexpr size_t kMaxTargetsFileBytes = size_t{4} * 1024 * 1024;
constexpr std::string_view kNameLabel = "name";

// A group as written.
struct GroupSpec {
  std::vector<Located<ParsedAddress>> targets;
  std::map<std::string, std::string> labels;
  std::optional<Located<std::string>> name;  // the `name` label, valid
};

// Prometheus label names: [a-zA-Z_][a-zA-Z0-9_]*.
bool IsLabelName(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void ReadGroupTargets(Walker& w, const Value& v, GroupSpec& g) {
  w.ForEachItem(v, [&](const Value& item) {
    std::optional<std::string> text = w.String(item);
    if (!text) return;
    Result<ParsedAddress> address = ParseAddress(*text);
    if (!address.ok()) {
      w.Error(item, address.status().message());
      return;
    }
    g.targets.push_back({std::move(address).value(), item});
  });
}

void ReadGroupLabels(Walker& w, const Value& v, GroupSpec& g) {
  if (v.node.IsNull()) return;
  w.ForEachEntry(v, [&](const Entry& e) {
    if (!IsLabelName(e.key)) {
      w.Error(e.key_mark, e.value.path,
              fmt::format("expected a label name of letters, digits and '_' not starting with a "
                          "digit, got '{}'",
                          e.key));
      return;
    }
    if (e.key == kNameLabel) {
      if (std::optional<std::string> name = w.LabelName(e.value)) {
        g.labels[e.key] = *name;
        g.name = {std::move(*name), e.value};
      }
      return;
    }
    if (!e.value.node.IsScalar()) {
      w.Error(e.value, fmt::format("expected a label value (a string), found {}",
                                   Walker::Describe(e.value.node)));
      return;
    }
    g.labels[e.key] = e.value.node.Scalar();
  });
}

constexpr Field<GroupSpec> kGroupFields[] = {
    {"targets", ReadGroupTargets, "missing; expected a list of addresses such as [\"host:6379\"]"},
    {"labels", ReadGroupLabels},
};

void ReadGroup(Walker& w, const Value& item, const std::string& file,
               std::vector<FileTarget>& out) {
  GroupSpec g;
  const size_t errors_before = w.error_count();
  w.ReadFields<GroupSpec>(item, kGroupFields, g);
  if (g.name && g.targets.size() > 1) {
    w.Error(g.name->at, fmt::format("a name label names one target, and this group has {}; give "
                                    "each target a group of its own",
                                    g.targets.size()));
  }
  if (w.error_count() != errors_before) return;
  for (Located<ParsedAddress>& t : g.targets) {
    FileTarget ft;
    ft.name = g.name ? g.name->value : t.at.node.Scalar();
    ft.address = std::move(t.value);
    ft.labels = g.labels;
    ft.file = file;
    ft.line = t.at.mark.line + 1;
    ft.column = t.at.mark.column + 1;
    out.push_back(std::move(ft));
  }
}

}  // namespace

TargetsFileContent ParseTargetsFile(std::string_view text, const std::string& file) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  // Prometheus does not expand variables in these files; a ${VAR} is kept as
  // an unset variable, which String() reports.
  static const EnvLookup kNoEnv = [](std::string_view) { return std::optional<std::string>(); };
  const std::string owned(text);
  Walker w(file, owned, kNoEnv);
  TargetsFileContent out;
  try {
    std::optional<YamlDocument> doc = ParseYamlDocument(owned, w);
    if (doc && doc->second_document) {
      w.Error(*doc->second_document, "", "a second YAML document starts here; expected one list");
    }
    if (doc && !doc->root.IsNull()) {
      const Value root{doc->root, "", doc->root.Mark()};
      if (!doc->root.IsSequence()) {
        w.Error(root, fmt::format("expected a list of target groups such as [{{targets: "
                                  "[\"host:6379\"], labels: {{name: cache}}}}], found {}",
                                  Walker::Describe(doc->root)));
      } else {
        w.ForEachItem(root, [&](const Value& item) { ReadGroup(w, item, file, out.targets); });
      }
    }
  } catch (const YAML::Exception& e) {
    w.Error(e.mark, "", fmt::format("cannot read the YAML ({})", e.msg));
  }
  out.errors = w.TakeErrors();
  if (!out.errors.empty()) out.targets.clear();
  return out;
}

TargetsFileContent ReadTargetsFile(const std::string& path) {
  Result<std::string> text = ReadSmallFile(path, kMaxTargetsFileBytes);
  if (!text.ok()) {
    TargetsFileContent out;
    out.errors.push_back(
        {path, 0, 0, "", fmt::format("cannot read the targets file: {}", text.status().message())});
    return out;
  }
  return ParseTargetsFile(text.value(), path);
}

std::vector<std::string> ExpandTargetsFiles(const std::vector<std::string>& patterns) {
  std::vector<std::string> files;
  for (const std::string& pattern : patterns) {
    glob_t g{};
    // glob(3) is not thread-safe; the daemon calls this from one thread at
    // a time (under its apply lock).
    if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {  // NOLINT(concurrency-mt-unsafe)
      for (size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

Result<TargetConfig> MakeFileTarget(const Config& config, const FileTarget& t) {
  TargetConfig out = config.file_target_defaults;
  out.name = t.name;
  out.endpoint = t.address.endpoint;
  out.display_address = t.address.display;
  out.line = t.line;
  out.targets_file = t.file;
  if (t.address.username) out.username = t.address.username;
  if (t.address.password) out.password = t.address.password;
  if (out.username && !out.password) {
    return Status::Error(
        "a user name needs a password: give one in the redis:// address or in "
        "target_defaults");
  }
  if (t.address.endpoint.kind == Endpoint::Kind::kUnix) {
    if (out.tls) {
      return Status::Error(
          "a unix socket cannot use TLS, which targets from targets_files take from "
          "target_defaults");
    }
  } else if (t.address.tls && !out.tls) {
    out.tls = TlsSettings{};
  }
  return out;
}

}  // namespace memwatch::config
