// A target's `sentinel:` or `cluster:` block: the target is a group whose
// data nodes are discovered (issue 15), not polled at one address.
//
//   sentinel:
//     addresses: [10.0.0.1:26379, 10.0.0.2:26379]   # host:port of each sentinel
//     master_name: mymaster
//     password_file: /etc/redis-memwatch/sentinel.pass   # the sentinels' own
//     tls: {...}                                          # as a target's
//     interval: 30s                                       # discovery cycle
//   cluster:
//     seeds: [10.0.1.1:6379]
//     interval: 30s
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/address.h"
#include "config/config.h"
#include "config/tls_reader.h"
#include "config/yaml_walker.h"

namespace memwatch::config {

struct SentinelSpec {
  Value where;
  std::vector<Located<ParsedAddress>> addresses;
  std::optional<Located<std::string>> master_name;
  std::optional<Located<Secret>> password;
  std::optional<Located<std::string>> password_file;
  std::optional<Value> password_key, password_file_key;
  std::optional<TlsSpec> tls;
  std::optional<Duration> interval;
};

struct ClusterSpec {
  Value where;
  std::vector<Located<ParsedAddress>> seeds;
  std::optional<Duration> interval;
};

void ReadSentinelSpec(Walker& w, const Value& v, SentinelSpec& out);
void ReadClusterSpec(Walker& w, const Value& v, ClusterSpec& out);

// The checked groups; errors go to `w` (a password file is read here).
std::optional<SentinelGroup> BuildSentinelGroup(Walker& w, const SentinelSpec& spec);
std::optional<ClusterGroup> BuildClusterGroup(Walker& w, const ClusterSpec& spec);

// The keys of each block, for KnownConfigKeys.
std::vector<std::string> SentinelKeys();
std::vector<std::string> ClusterKeys();

}  // namespace memwatch::config
