// The validated configuration: plain values, every default applied, every
// secret wrapped. Produced only by config::LoadConfig().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alerting/alerting_config.h"
#include "checks/check_settings.h"
#include "config/keyspace_settings.h"
#include "memwatch/clock.h"
#include "memwatch/endpoint.h"
#include "memwatch/provider.h"
#include "memwatch/secret.h"
#include "memwatch/tls_settings.h"

namespace memwatch::config {

inline constexpr int kDefaultPort = 9479;
inline constexpr const char* kDefaultListen = "127.0.0.1:9479";

// How often a group's nodes are discovered again (`interval:` of a
// sentinel: or cluster: block); a failover is followed sooner.
inline constexpr Duration kDefaultDiscoveryInterval = std::chrono::seconds(30);

// A `sentinel:` block: the target is the group of data nodes that these
// sentinels monitor as `master_name`.
struct SentinelGroup {
  std::vector<Endpoint> addresses;  // TCP, at least one
  std::string master_name;
  std::optional<Secret> password;  // the sentinels' own (the nodes': the target's)
  std::optional<TlsSettings> tls;  // the sentinels' own
  Duration interval = kDefaultDiscoveryInterval;
};

// A `cluster:` block: the target is the Redis Cluster these nodes belong to.
struct ClusterGroup {
  std::vector<Endpoint> seeds;  // TCP, at least one
  Duration interval = kDefaultDiscoveryInterval;
};

struct TargetConfig {
  std::string name;
  Endpoint endpoint;
  // The address as a person wrote it, with any password removed
  // (redis://user:***@host:port). Safe to log.
  std::string display_address;
  std::optional<std::string> username;
  std::optional<Secret> password;
  std::optional<Provider> provider;     // nullopt: auto (detect from INFO)
  std::optional<int64_t> memory_limit;  // bytes
  // Set iff TLS is on: a rediss:// address, or a `tls:` block (the
  // target's own or target_defaults') that is not `tls: false`. Only ever
  // set for a TCP endpoint; relative file paths are resolved against the
  // config file's directory, as password_file's are.
  std::optional<TlsSettings> tls;
  checks::ChecksBlock checks;  // the target's own overrides
  // The global `keyspace:` block with the target's own laid over it.
  KeyspaceSettings keyspace;
  int line = 0;  // where it is defined, for messages
  // "" for a target of the config's `targets:`; else the targets file (of
  // `targets_files:`) it was read from.
  std::string targets_file;
  // A group (issue 15): exactly one of these is set, and `endpoint` is
  // unused; the daemon polls the group's discovered nodes instead.
  std::optional<SentinelGroup> sentinel;
  std::optional<ClusterGroup> cluster;
  // A discovered node: its group's name, how it was found ("sentinel",
  // "cluster"), its role as discovery saw it ("primary", "replica") and,
  // in a cluster, its shard's label. All "" for a configured target.
  std::string group;
  std::string discovered_by;
  std::string role;
  std::string shard;
  bool IsGroup() const { return sentinel.has_value() || cluster.has_value(); }
};

// `shard: {index, count}`: this daemon watches the targets whose name
// hashes to `index` modulo `count` (discovery::ShardOf). 0 <= index < count.
struct ShardConfig {
  uint64_t index = 0;
  uint64_t count = 1;
  bool operator==(const ShardConfig&) const = default;
};

struct Config {
  std::string source_file;  // path given to --config ("" for doctor URL)
  std::string listen = kDefaultListen;
  // Where under `listen` the endpoint serves everything (/metrics, the
  // status page, /-/healthy): "" for the root, else "/a" or "/a/b" with no
  // trailing slash, as Prometheus's --web.route-prefix.
  std::string route_prefix;
  Duration interval = std::chrono::seconds(1);
  Duration timeout = std::chrono::milliseconds(500);
  checks::ChecksBlock checks;  // global overrides
  KeyspaceBlock keyspace;      // the global `keyspace:` block, as written
  std::vector<TargetConfig> targets;
  // `targets_files:` glob patterns of Prometheus file_sd files, absolute
  // (a relative one is resolved against the config file's directory).
  std::vector<std::string> targets_files;
  std::optional<ShardConfig> shard;
  // What a target read from targets_files starts from: target_defaults
  // resolved (credentials read, TLS block) and the global keyspace block;
  // no name or address. See config/targets_file.h, MakeFileTarget.
  TargetConfig file_target_defaults;
  alerting::AlertingConfig alerting;  // state_dir, alerting:, receivers:
};

}  // namespace memwatch::config
