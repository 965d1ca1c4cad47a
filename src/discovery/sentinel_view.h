// Parsers of the Sentinel replies the daemon reads to follow a group (a
// primary and its replicas watched by several sentinels), given as
// RespValues, and of the +switch-master pub/sub message. Sentinel replies
// every field as a string, numbers included; instances are flat
// field/value arrays. Unknown fields are ignored; the fields below marked
// required make an error when missing.
//
//   SENTINEL GET-MASTER-ADDR-BY-NAME <group>  ->  [ip, port] or nil
//   SENTINEL REPLICAS <group> (or SLAVES)     ->  [[field, value, ...], ...]
//   SENTINEL SENTINELS <group>                ->  likewise
//   SENTINEL MASTER <group>                   ->  [field, value, ...]
//   +switch-master payload                    ->  "<group> <old ip> <old port> <new ip> <new port>"
//
// Contract: for any input, a value or an error that names the command and
// what is wrong; an error reply of Redis ("ERR No such master with that
// name") is an error naming it. At most kMaxSentinelInstances instances.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "discovery/node_address.h"
#include "discovery/resp_value.h"
#include "memwatch/result.h"

namespace memwatch::discovery {

inline constexpr size_t kMaxSentinelInstances = 10000;

// The "flags" field: comma-separated; unknown flags are ignored.
struct InstanceFlags {
  bool primary = false;       // "master"
  bool replica = false;       // "slave"
  bool sentinel = false;      // "sentinel"
  bool s_down = false;        // subjectively down: this sentinel gets no reply
  bool o_down = false;        // objectively down: quorum sentinels agree
  bool disconnected = false;  // this sentinel has no link to it
  bool failover_in_progress = false;
  bool operator==(const InstanceFlags&) const = default;
};

// One replica or sentinel as a sentinel sees it.
struct SentinelInstance {
  std::string name;     // required
  NodeAddress address;  // "ip" and "port", required
  std::string run_id;   // "runid"; empty when unknown
  InstanceFlags flags;  // required
  // A replica's "master-link-status" ("ok" or "err"); empty when absent.
  std::string master_link_status;
  // True iff the sentinel reports it down or unreachable.
  bool Down() const { return flags.s_down || flags.o_down || flags.disconnected; }
  bool operator==(const SentinelInstance&) const = default;
};

// SENTINEL MASTER: the primary as one sentinel sees it, and the group's
// sentinel settings.
struct SentinelPrimary {
  SentinelInstance instance;
  int quorum = 0;               // required: sentinels needed to agree it is down
  int num_other_sentinels = 0;  // required: the sentinels this one knows, itself excluded
  int num_replicas = 0;         // "num-slaves"
  long long config_epoch = 0;   // grows with each failover of the group
};

struct SwitchMaster {
  std::string group;
  NodeAddress from;
  NodeAddress to;
  bool operator==(const SwitchMaster&) const = default;
};

// nullopt when the sentinel does not know the group (nil reply).
Result<std::optional<NodeAddress>> ParseGetMasterAddrByName(const RespValue& reply);
// For SENTINEL REPLICAS, SLAVES and SENTINELS; `command` names it in errors.
Result<std::vector<SentinelInstance>> ParseSentinelInstances(const RespValue& reply,
                                                             std::string_view command);
Result<SentinelPrimary> ParseSentinelMaster(const RespValue& reply);
Result<SwitchMaster> ParseSwitchMaster(std::string_view payload);

}  // namespace memwatch::discovery
