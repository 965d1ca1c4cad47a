#include "config/config_loader.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <utility>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "checks/check_spec.h"
#include "config/checks_reader.h"
#include "config/file_reader.h"
#include "config/text_checks.h"
#include "config/yaml_document.h"
#include "config/yaml_walker.h"

namespace memwatch::config {
namespace {

constexpr size_t kMaxConfigBytes = size_t{1024} * 1024;
constexpr size_t kMaxPasswordFileBytes = size_t{64} * 1024;
constexpr std::string_view kNoTargets = "at least one target is required";

// A value read from one key, with where it was written, for rules that
// involve several keys.
template <typename T>
struct Located {
  T value;
  Value at;
};

// A target as written: each key read and checked alone.
struct TargetSpec {
  Value where;  // the target's mapping
  std::optional<Located<std::string>> name;
  std::optional<Located<ParsedAddress>> address;
  std::optional<Located<std::string>> username;
  std::optional<Located<Secret>> password;
  std::optional<Located<std::string>> password_file;
  // Where the credential keys are written, valid or not: conflicts between
  // them are reported even when a value is also wrong.
  std::optional<Value> username_key, password_key, password_file_key;
  std::optional<int64_t> memory_limit;
  checks::ChecksBlock checks;
};

// The file as written. Keys with no cross-key rule go straight into config.
struct FileSpec {
  Config config;
  std::vector<TargetSpec> targets;
};

// ---- Target keys -----------------------------------------------------------

bool IsLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '-';
}

void ReadName(Walker& w, const Value& v, TargetSpec& t) {
  std::optional<std::string> name = w.String(v);
  if (!name) return;
  if (name->empty() || !std::all_of(name->begin(), name->end(), IsLabelChar)) {
    w.Error(v, fmt::format("expected a name of letters, digits, '_', '.', ':' and '-' (it becomes "
                           "a Prometheus label value), got '{}'",
                           *name));
    return;
  }
  t.name = {std::move(*name), v};
}

void ReadAddress(Walker& w, const Value& v, TargetSpec& t) {
  std::optional<std::string> text = w.String(v);
  if (!text) return;
  Result<ParsedAddress> address = ParseAddress(*text);
  if (!address.ok()) {
    w.Error(v, address.status().message());
    return;
  }
  t.address = {std::move(address).value(), v};
}

// A non-empty string; `what` names it in the message.
std::optional<std::string> NonEmptyString(Walker& w, const Value& v, std::string_view what) {
  std::optional<std::string> text = w.String(v);
  if (text && text->empty()) {
    w.Error(v, fmt::format("expected {}, got an empty value", what));
    return std::nullopt;
  }
  return text;
}

void ReadUsername(Walker& w, const Value& v, TargetSpec& t) {
  t.username_key = v;
  if (auto user = NonEmptyString(w, v, "a user name")) t.username = {std::move(*user), v};
}

void ReadPassword(Walker& w, const Value& v, TargetSpec& t) {
  t.password_key = v;
  if (auto pass = NonEmptyString(w, v, "a password")) t.password = {Secret(std::move(*pass)), v};
}

void ReadPasswordFile(Walker& w, const Value& v, TargetSpec& t) {
  t.password_file_key = v;
  if (auto path = NonEmptyString(w, v, "a file path")) t.password_file = {std::move(*path), v};
}

void ReadMemoryLimit(Walker& w, const Value& v, TargetSpec& t) {
  t.memory_limit = w.PositiveSize(v);
}

void ReadTargetChecks(Walker& w, const Value& v, TargetSpec& t) { ReadChecksBlock(w, v, t.checks); }

constexpr Field<TargetSpec> kTargetFields[] = {
    {"name", ReadName, "missing; every target needs a unique name such as coupon-redis"},
    {"address", ReadAddress,
     "missing; expected host:port, [ipv6]:port, unix:/path/redis.sock or redis://host:port"},
    {"username", ReadUsername},
    {"password", ReadPassword},
    {"password_file", ReadPasswordFile},
    {"memory_limit", ReadMemoryLimit},
    {"checks", ReadTargetChecks},
};

// ---- Top-level keys --------------------------------------------------------

void ReadListen(Walker& w, const Value& v, FileSpec& f) {
  std::optional<std::string> text = w.String(v);
  if (!text) return;
  Result<ListenAddress> listen = ParseListenAddress(*text);
  if (!listen.ok()) {
    w.Error(v, listen.status().message());
    return;
  }
  // ":port" means every interface; the HTTP server (CivetWeb) wants an
  // explicit host, so give it one.
  f.config.listen = listen.value().host.empty() ? fmt::format("0.0.0.0:{}", listen.value().port)
                                                : std::move(*text);
}

void ReadInterval(Walker& w, const Value& v, FileSpec& f) {
  if (std::optional<Duration> d = w.PositiveDuration(v)) f.config.interval = *d;
}

void ReadTimeout(Walker& w, const Value& v, FileSpec& f) {
  if (std::optional<Duration> d = w.PositiveDuration(v)) f.config.timeout = *d;
}

void ReadGlobalChecks(Walker& w, const Value& v, FileSpec& f) {
  ReadChecksBlock(w, v, f.config.checks);
}

void ReadTargets(Walker& w, const Value& v, FileSpec& f) {
  if (v.node.IsNull() || (v.node.IsSequence() && v.node.size() == 0)) {
    w.Error(v, std::string(kNoTargets));
    return;
  }
  w.ForEachItem(v, [&](const Value& item) {
    TargetSpec& target = f.targets.emplace_back();
    target.where = item;
    w.ReadFields<TargetSpec>(item, kTargetFields, target);
  });
}

// Later issues add state_dir, alerting and receivers here.
constexpr Field<FileSpec> kTopLevelFields[] = {
    {"listen", ReadListen},        // default kDefaultListen
    {"interval", ReadInterval},    // default 1s
    {"timeout", ReadTimeout},      // default 500ms
    {"checks", ReadGlobalChecks},  // default: no overrides
    {"targets", ReadTargets, kNoTargets},
};

// ---- Cross-key rules -------------------------------------------------------

// Relative password files are found next to the config file, not in
// whatever directory the daemon was started from.
std::string ResolvePath(const std::string& path, const std::string& config_file) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(config_file).parent_path() / p).string();
}

// Chooses the target's password among the URL, `password` and
// `password_file`, which are mutually exclusive.
void ResolvePassword(Walker& w, const TargetSpec& spec, TargetConfig& out) {
  const bool in_url = spec.address && spec.address->value.password;
  if (spec.password_key && spec.password_file_key) {
    w.Error(*spec.password_file_key, "password and password_file are mutually exclusive; keep one");
  } else if (in_url && (spec.password_key || spec.password_file_key)) {
    w.Error(spec.password_key ? *spec.password_key : *spec.password_file_key,
            "the address already contains a password; keep one of the two");
  } else if (in_url) {
    out.password = spec.address->value.password;
  } else if (spec.password) {
    out.password = spec.password->value;
  } else if (spec.password_file) {
    const std::string path = ResolvePath(spec.password_file->value, w.file());
    Result<std::string> content = ReadSmallFile(path, kMaxPasswordFileBytes);
    if (!content.ok()) {
      w.Error(spec.password_file->at,
              fmt::format("cannot read '{}': {}", path, content.status().message()));
      return;
    }
    std::string secret = std::move(content).value();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.empty()) {
      w.Error(spec.password_file->at, fmt::format("'{}' is empty; expected a password", path));
      return;
    }
    out.password = Secret(std::move(secret));
  }
}

void ResolveUsername(Walker& w, const TargetSpec& spec, TargetConfig& out) {
  const bool in_url = spec.address && spec.address->value.username;
  if (spec.username_key && in_url) {
    w.Error(*spec.username_key, "the address already contains a user name; keep one of the two");
  } else if (spec.username) {
    out.username = spec.username->value;
  } else if (in_url) {
    out.username = spec.address->value.username;
  }
  const bool password_given =
      spec.password_key || spec.password_file_key || (spec.address && spec.address->value.password);
  if (out.username && !password_given) {
    w.Error(spec.username ? spec.username->at : spec.address->at,
            "a user name needs a password: set password or password_file");
  }
}

// Applies the rules that involve several keys or targets. `first_lines`
// maps the names seen so far to the line that defined them.
TargetConfig BuildTarget(Walker& w, const TargetSpec& spec,
                         std::map<std::string, int>& first_lines) {
  TargetConfig out;
  out.line = spec.where.mark.line + 1;
  if (spec.name) {
    out.name = spec.name->value;
    const auto [first, inserted] = first_lines.emplace(out.name, spec.name->at.mark.line + 1);
    if (!inserted) {
      w.Error(spec.name->at, fmt::format("duplicate target name '{}'; the first target with this "
                                         "name is at line {}",
                                         out.name, first->second));
    }
  }
  if (spec.address) {
    out.endpoint = spec.address->value.endpoint;
    out.display_address = spec.address->value.display;
  }
  ResolveUsername(w, spec, out);
  ResolvePassword(w, spec, out);
  out.memory_limit = spec.memory_limit;
  out.checks = spec.checks;
  return out;
}

Config Validate(Walker& w, FileSpec& spec) {
  Config config = std::move(spec.config);
  std::map<std::string, int> first_lines;
  for (const TargetSpec& target : spec.targets) {
    config.targets.push_back(BuildTarget(w, target, first_lines));
  }
  return config;
}

}  // namespace

LoadResult LoadConfigText(std::string_view yaml, const std::string& file_name,
                          const EnvLookup& env) {
  LoadResult result;
  // yaml-cpp skips a byte order mark itself; dropping it here keeps our own
  // offsets equal to yaml-cpp's marks.
  if (yaml.substr(0, 3) == "\xEF\xBB\xBF") yaml.remove_prefix(3);
  result.errors = CheckText(yaml, file_name);
  if (!result.errors.empty()) return result;

  const std::string text(yaml);
  Walker walker(file_name, text, env);
  Config config;
  try {
    std::optional<YamlDocument> doc = ParseYamlDocument(text, walker);
    if (doc && doc->second_document) {
      walker.Error(*doc->second_document, "",
                   "a second YAML document starts here; the config must be one document");
    }
    if (doc && doc->root.IsNull() && !doc->has_content) {
      walker.Error(YAML::Mark(), "", fmt::format("the file is empty; {}", kNoTargets));
    } else if (doc && !doc->root.IsMap()) {
      walker.Error(Value{doc->root, "", doc->root.Mark()},
                   fmt::format("expected a mapping of keys such as interval: and targets: at the "
                               "top level, found {}",
                               Walker::Describe(doc->root)));
    } else if (doc) {
      FileSpec spec;
      walker.ReadFields<FileSpec>(Value{doc->root, "", doc->root.Mark()}, kTopLevelFields, spec);
      config = Validate(walker, spec);
    }
  } catch (const YAML::Exception& e) {
    // Not expected once parsed; keep it from crossing the module's edge.
    walker.Error(e.mark, "", fmt::format("cannot read the YAML ({})", e.msg));
  }
  result.errors = walker.TakeErrors();
  if (result.errors.empty()) {
    config.source_file = file_name;
    result.config = std::move(config);
  }
  return result;
}

std::vector<std::string> KnownConfigKeys() {
  std::vector<std::string> keys;
  for (const Field<FileSpec>& f : kTopLevelFields) keys.emplace_back(f.key);
  for (const Field<TargetSpec>& f : kTargetFields)
    keys.push_back("targets[]." + std::string(f.key));
  for (const checks::CheckSpec& c : checks::AllChecks()) {
    keys.push_back("checks." + std::string(c.name) + ".enabled");
    for (const checks::ParamSpec& p : c.params) {
      keys.push_back("checks." + std::string(c.name) + "." + std::string(p.key));
    }
  }
  return keys;
}

LoadResult LoadConfigFile(const std::string& path, const EnvLookup& env) {
  Result<std::string> text = ReadSmallFile(path, kMaxConfigBytes);
  if (!text.ok()) {
    LoadResult result;
    result.errors.push_back(
        {path, 0, 0, "", fmt::format("cannot read the config file: {}", text.status().message())});
    return result;
  }
  return LoadConfigText(text.value(), path, env);
}

}  // namespace memwatch::config
