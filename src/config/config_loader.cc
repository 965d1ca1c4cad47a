#include "config/config_loader.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <utility>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "checks/check_registry.h"
#include "config/alerting_reader.h"
#include "config/checks_reader.h"
#include "config/file_reader.h"
#include "config/keyspace_reader.h"
#include "config/password_file.h"
#include "config/receivers_reader.h"
#include "config/target_defaults.h"
#include "config/target_spec.h"
#include "config/text_checks.h"
#include "config/yaml_document.h"
#include "config/yaml_walker.h"

namespace memwatch::config {
namespace {

constexpr size_t kMaxConfigBytes = size_t{1024} * 1024;
constexpr std::string_view kNoTargets = "at least one target is required";
// Set by systemd's StateDirectory=; several directories are separated by ':'.
constexpr std::string_view kStateDirectoryVariable = "STATE_DIRECTORY";

// The file as written. Keys with no cross-key rule go straight into config.
struct FileSpec {
  Config config;
  std::vector<TargetSpec> targets;
  std::optional<TargetSpec> target_defaults;
  bool interval_invalid = false;  // then no rule compares it
  std::optional<std::string> state_dir;
  AlertingSpec alerting;
  // Read once the target names are known: receivers may filter on them.
  std::optional<Value> receivers;
  // `targets:` with no target, or absent (nullopt and !targets_seen):
  // an error unless targets_files names where the targets are.
  std::optional<Value> empty_targets;
  bool targets_seen = false;
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
  // ":port" means every interface (IPv4, as Prometheus's own ":9090"
  // does); the HTTP server binds an explicit host, so give it one.
  f.config.listen = listen.value().host.empty() ? fmt::format("0.0.0.0:{}", listen.value().port)
                                                : std::move(*text);
}

// "/", "/memwatch", "/ops/memwatch/": segments of URL-safe characters; the
// trailing slash is dropped and "/" means the root.
void ReadRoutePrefix(Walker& w, const Value& v, FileSpec& f) {
  std::optional<std::string> text = w.String(v);
  if (!text) return;
  std::string prefix = *text;
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  bool valid = prefix.starts_with('/') && prefix.find("//") == std::string::npos;
  for (const char c : prefix) {
    valid = valid && (std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                      std::string_view("/-._~").find(c) != std::string_view::npos);
  }
  for (size_t begin = 1; valid && begin < prefix.size();) {
    const size_t end = std::min(prefix.find('/', begin), prefix.size());
    const std::string_view segment = std::string_view{prefix}.substr(begin, end - begin);
    valid = segment != "." && segment != "..";
    begin = end + 1;
  }
  if (!valid) {
    w.Error(v, fmt::format("expected a path such as /memwatch (segments of letters, digits, "
                           "'-', '.', '_' and '~'), got '{}'",
                           *text));
    return;
  }
  f.config.route_prefix = prefix == "/" ? "" : prefix;
}

void ReadInterval(Walker& w, const Value& v, FileSpec& f) {
  std::optional<Duration> d = w.PositiveDuration(v);
  if (d) f.config.interval = *d;
  f.interval_invalid = !d;
}

void ReadTimeout(Walker& w, const Value& v, FileSpec& f) {
  if (std::optional<Duration> d = w.PositiveDuration(v)) f.config.timeout = *d;
}

void ReadGlobalChecks(Walker& w, const Value& v, FileSpec& f) {
  ReadChecksBlock(w, v, f.config.checks);
}

void ReadGlobalKeyspace(Walker& w, const Value& v, FileSpec& f) {
  ReadKeyspaceBlock(w, v, f.config.keyspace);
}

void ReadTargets(Walker& w, const Value& v, FileSpec& f) {
  f.targets_seen = true;
  if (v.node.IsNull() || (v.node.IsSequence() && v.node.size() == 0)) {
    f.empty_targets = v;
    return;
  }
  w.ForEachItem(v, [&](const Value& item) {
    TargetSpec& target = f.targets.emplace_back();
    target.where = item;
    w.ReadFields<TargetSpec>(item, TargetFields(), target);
  });
}

// A glob pattern whose file name ends in .yml, .yaml or .json, as
// Prometheus's file_sd requires; relative to the config file's directory.
void ReadTargetsFiles(Walker& w, const Value& v, FileSpec& f) {
  w.ForEachOneOrMore(v, "a list of file patterns", [&](const Value& item) {
    std::optional<std::string> pattern = w.NonEmptyString(item, "a file pattern");
    if (!pattern) return;
    const std::string base = std::filesystem::path(*pattern).filename().string();
    if (!base.ends_with(".yml") && !base.ends_with(".yaml") && !base.ends_with(".json")) {
      w.Error(item, fmt::format("expected a file pattern ending in .yml, .yaml or .json, such as "
                                "/etc/redis-memwatch/targets.d/*.yml, got '{}'",
                                *pattern));
      return;
    }
    f.config.targets_files.push_back(ResolveConfigPath(*pattern, w.file()));
  });
}

// A whole number >= `min`.
std::optional<uint64_t> ReadCount(Walker& w, const Value& v, uint64_t min) {
  const std::optional<std::string> text = w.String(v);
  if (!text) return std::nullopt;
  const std::string_view digits = *text;
  uint64_t n = 0;
  const std::from_chars_result r = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  const bool whole = r.ec == std::errc() && r.ptr == digits.data() + digits.size();
  if (!whole || n < min) {
    w.Error(v, fmt::format("expected a whole number of at least {}, got '{}'", min, digits));
    return std::nullopt;
  }
  return n;
}

struct ShardSpec {
  std::optional<Located<uint64_t>> index;
  std::optional<uint64_t> count;
};

void ReadShardIndex(Walker& w, const Value& v, ShardSpec& s) {
  if (std::optional<uint64_t> n = ReadCount(w, v, 0)) s.index = {*n, v};
}

void ReadShardCount(Walker& w, const Value& v, ShardSpec& s) { s.count = ReadCount(w, v, 1); }

constexpr Field<ShardSpec> kShardFields[] = {
    {"index", ReadShardIndex, "missing; expected this daemon's shard, 0 to count - 1"},
    {"count", ReadShardCount, "missing; expected how many shards the targets are split into"},
};

void ReadShard(Walker& w, const Value& v, FileSpec& f) {
  ShardSpec spec;
  const size_t errors_before = w.error_count();
  w.ReadFields<ShardSpec>(v, kShardFields, spec);
  if (w.error_count() != errors_before || !spec.index || !spec.count) return;
  if (spec.index->value >= *spec.count) {
    w.Error(spec.index->at, fmt::format("expected a shard index from 0 to {} (count - 1), got {}",
                                        *spec.count - 1, spec.index->value));
    return;
  }
  f.config.shard = config::ShardConfig{spec.index->value, *spec.count};
}

void ReadDefaults(Walker& w, const Value& v, FileSpec& f) {
  ReadTargetDefaults(w, v, f.target_defaults.emplace());
}

void ReadStateDir(Walker& w, const Value& v, FileSpec& f) {
  std::optional<std::string> dir = w.NonEmptyString(v, "a directory");
  if (!dir) return;
  if (!std::filesystem::path(*dir).is_absolute()) {
    w.Error(v, fmt::format("expected an absolute directory such as {}, got '{}'",
                           alerting::kDefaultStateDir, *dir));
    return;
  }
  f.state_dir = std::move(*dir);
}

void ReadAlerting(Walker& w, const Value& v, FileSpec& f) { ReadAlertingBlock(w, v, f.alerting); }

void ReadReceiversLater(Walker&, const Value& v, FileSpec& f) { f.receivers = v; }

constexpr Field<FileSpec> kTopLevelFields[] = {
    {"listen", ReadListen},               // default kDefaultListen
    {"route_prefix", ReadRoutePrefix},    // default "" (the root)
    {"interval", ReadInterval},           // default 1s
    {"timeout", ReadTimeout},             // default 500ms
    {"checks", ReadGlobalChecks},         // default: no overrides
    {"keyspace", ReadGlobalKeyspace},     // default: sample primaries (keyspace_settings.h)
    {"target_defaults", ReadDefaults},    // default: none
    {"targets", ReadTargets},             // required unless targets_files is given
    {"targets_files", ReadTargetsFiles},  // default: none
    {"shard", ReadShard},                 // default: every target
    {"state_dir", ReadStateDir},          // default $STATE_DIRECTORY, else kDefaultStateDir
    {"alerting", ReadAlerting},           // default: every alerting default
    {"receivers", ReadReceiversLater},    // default: none (alerting off)
};

// ---- Cross-key rules -------------------------------------------------------

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
    out.password = ReadPasswordFile(w, *spec.password_file);
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
    if (spec.username_inherited) {
      w.Error(spec.username->at,
              fmt::format("{} (line {}) takes this user name but no password: set password or "
                          "password_file here or in that target",
                          spec.where.path, spec.where.mark.line + 1));
    } else {
      w.Error(spec.username ? spec.username->at : spec.address->at,
              "a user name needs a password: set password or password_file");
    }
  }
}

// Decides whether the target speaks TLS, from its address (rediss://) and
// its `tls:` (own or inherited), which must agree: TLS needs TCP, and a
// target's own `tls: false` cannot turn off what rediss:// asks for. An
// inherited `tls: false` yields to rediss://.
void ResolveTls(Walker& w, const TargetSpec& spec, TargetConfig& out) {
  if (!spec.address) return;
  const ParsedAddress& address = spec.address->value;
  const bool block_on = spec.tls && !spec.tls->disabled;
  if (address.endpoint.kind == Endpoint::Kind::kUnix && block_on) {
    if (spec.tls->inherited) {
      w.Error(spec.address->at,
              fmt::format("a unix socket cannot use TLS, which this target takes from "
                          "target_defaults (line {}): write tls: false in this target",
                          spec.tls->at.mark.line + 1));
    } else {
      w.Error(spec.tls->at, "a unix socket cannot use TLS; remove tls: or use a TCP address");
    }
    return;
  }
  if (address.tls && spec.tls && spec.tls->disabled && !spec.tls->inherited) {
    w.Error(spec.tls->at,
            "tls: false contradicts the rediss:// address; use redis:// for plain TCP");
    return;
  }
  if (block_on) {
    out.tls = spec.tls->settings;  // nullopt if the block was reported as wrong
  } else if (address.tls) {
    out.tls = TlsSettings{};
  }
}

// A target has exactly one of address, sentinel: and cluster:. A group's
// `tls:` applies to its data nodes.
void ResolveGroup(Walker& w, const TargetSpec& spec, TargetConfig& out) {
  if (!spec.where.node.IsMap()) return;  // reported as not a mapping
  const int given = (spec.address_seen ? 1 : 0) + (spec.sentinel ? 1 : 0) + (spec.cluster ? 1 : 0);
  if (given == 0) {
    w.Error(spec.where.mark, JoinPath(spec.where.path, "address"),
            "missing; expected host:port, [ipv6]:port, unix:/path/redis.sock or "
            "redis://host:port, or a sentinel: or cluster: block");
    return;
  }
  if (given > 1) {
    const Value& at = spec.cluster ? spec.cluster->where : spec.sentinel->where;
    w.Error(at, "a target is one of: an address, a sentinel: group or a cluster:; keep one");
    return;
  }
  if (spec.sentinel) out.sentinel = BuildSentinelGroup(w, *spec.sentinel);
  if (spec.cluster) out.cluster = BuildClusterGroup(w, *spec.cluster);
  if (out.IsGroup() && spec.tls && !spec.tls->disabled) out.tls = spec.tls->settings;
  if (out.IsGroup()) out.display_address = spec.sentinel ? "sentinel" : "cluster";
}

// Applies the rules that involve several keys or targets. `first_lines`
// maps the names seen so far to the line that defined them.
TargetConfig BuildTarget(Walker& w, const TargetSpec& spec, const KeyspaceBlock& global_keyspace,
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
  ResolveTls(w, spec, out);
  out.provider = spec.provider;
  out.memory_limit = spec.memory_limit;
  out.checks = spec.checks;
  out.keyspace = ResolveKeyspace(global_keyspace, spec.keyspace);
  return out;
}

// The state directory when the file names none: systemd's StateDirectory=
// (the first, if several), else the packaged default.
std::string DefaultStateDir(const EnvLookup& env) {
  std::optional<std::string> dirs = env(kStateDirectoryVariable);
  if (dirs) {
    std::string first = dirs->substr(0, dirs->find(':'));
    if (!first.empty()) return first;
  }
  return alerting::kDefaultStateDir;
}

alerting::AlertingConfig BuildAlerting(Walker& w, FileSpec& spec, const Config& config,
                                       const EnvLookup& env) {
  alerting::AlertingConfig out = std::move(spec.alerting.config);
  out.state_dir = spec.state_dir ? *spec.state_dir : DefaultStateDir(env);
  if (spec.alerting.fast_interval) {
    if (!spec.interval_invalid && spec.alerting.fast_interval->value >= config.interval) {
      w.Error(spec.alerting.fast_interval->at,
              fmt::format("expected a duration shorter than interval ({}): targets close to "
                          "their limit are polled faster, not slower",
                          FormatDuration(config.interval)));
    }
  } else if (out.fast_interval > config.interval) {
    // Polling is already at least as fast as the default fast interval.
    out.fast_interval = config.interval;
  }
  if (spec.receivers) {
    std::vector<std::string> target_names;
    for (const TargetConfig& t : config.targets) {
      if (!t.name.empty()) target_names.push_back(t.name);
    }
    out.receivers = ReadReceivers(w, *spec.receivers, target_names);
  }
  return out;
}

// What a target of targets_files starts from: target_defaults with no name
// or address, its rules checked here (once, at the defaults' lines).
TargetConfig FileTargetDefaults(Walker& w, const FileSpec& spec, const KeyspaceBlock& keyspace) {
  TargetSpec probe;
  if (spec.target_defaults) {
    probe.where = spec.target_defaults->where;
    ApplyTargetDefaults(*spec.target_defaults, probe);
    probe.username_inherited = false;
    probe.tls.reset();  // ResolveTls needs an address; taken as a block below
  }
  std::map<std::string, int> no_names;
  TargetConfig out = BuildTarget(w, probe, keyspace, no_names);
  if (spec.target_defaults && spec.target_defaults->tls && !spec.target_defaults->tls->disabled) {
    out.tls = spec.target_defaults->tls->settings;
  }
  out.line = 0;
  return out;
}

Config Validate(Walker& w, FileSpec& spec, const Value& root, const EnvLookup& env) {
  Config config = std::move(spec.config);
  std::map<std::string, int> first_lines;
  if (config.targets_files.empty()) {
    if (spec.empty_targets) {
      w.Error(*spec.empty_targets, std::string(kNoTargets));
    } else if (!spec.targets_seen) {
      w.Error(root.mark, JoinPath(root.path, "targets"), std::string(kNoTargets));
    }
  }
  if (spec.target_defaults) CheckTargetDefaults(w, *spec.target_defaults);
  for (TargetSpec& target : spec.targets) {
    if (spec.target_defaults) ApplyTargetDefaults(*spec.target_defaults, target);
    TargetConfig& built =
        config.targets.emplace_back(BuildTarget(w, target, config.keyspace, first_lines));
    ResolveGroup(w, target, built);
  }
  if (!config.targets_files.empty()) {
    config.file_target_defaults = FileTargetDefaults(w, spec, config.keyspace);
  }
  config.alerting = BuildAlerting(w, spec, config, env);
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
      const Value root{doc->root, "", doc->root.Mark()};
      walker.ReadFields<FileSpec>(root, kTopLevelFields, spec);
      config = Validate(walker, spec, root, env);
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
  for (const Field<TargetSpec>& f : TargetFields()) {
    keys.push_back("targets[]." + std::string(f.key));
  }
  for (const Field<ShardSpec>& f : kShardFields) keys.push_back("shard." + std::string(f.key));
  for (const std::string& k : TlsKeys()) keys.push_back("targets[].tls." + k);
  for (const std::string& k : SentinelKeys()) keys.push_back("targets[].sentinel." + k);
  for (const std::string& k : TlsKeys()) keys.push_back("targets[].sentinel.tls." + k);
  for (const std::string& k : ClusterKeys()) keys.push_back("targets[].cluster." + k);
  for (const Field<TargetSpec>& f : DefaultableTargetFields()) {
    keys.push_back("target_defaults." + std::string(f.key));
  }
  for (const std::string& k : KeyspaceKeys()) {
    keys.push_back("keyspace." + k);
    keys.push_back("targets[].keyspace." + k);
  }
  for (std::string& k : AlertingKeys()) keys.push_back(std::move(k));
  for (std::string& k : ReceiverKeys()) keys.push_back(std::move(k));
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
