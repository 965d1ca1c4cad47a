// Parser of the text reply of CLUSTER NODES (Redis 3.x to 7.2), one node per
// line:
//   <id> <ip:port@cport[,hostname[,aux=value...]]> <flags> <primary> <ping-sent>
//   <pong-recv> <config-epoch> <link-state> [<slot> | <first>-<last> |
//   [<slot>->-<id>] | [<slot>-<-<id>]]...
// Redis 6.x prints `ip:port@cport`; 7.0 appends `,hostname` (possibly
// empty); 7.2 appends `,key=value` fields (shard-id, tls-port) after it,
// which are ignored. Versions before 4.0 print no `@cport`. An IPv6 address
// is split at its last ':'. A node without an address prints `:0@0`.
//
// Contract: for any text, ParseClusterNodes returns either every node, or
// an error naming the first bad line ("CLUSTER NODES line 3: ...") and what
// is wrong with it. Empty lines are skipped; "\r\n" endings are accepted.
// Unknown flags are tolerated (later versions add some); the importing and
// migrating entries ([...]) are skipped. Output is bounded: at most
// kMaxClusterNodes lines, each at most kMaxClusterNodesLineBytes, every
// slot range within 0..16383 and ascending.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "discovery/node_address.h"
#include "discovery/slot_range.h"
#include "memwatch/result.h"

namespace memwatch::discovery {

// A cluster larger than this is refused (Redis recommends at most 1,000).
inline constexpr size_t kMaxClusterNodes = 10000;
// A longer line is refused: 16,384 migrating entries of a node fit.
inline constexpr size_t kMaxClusterNodesLineBytes = 1 << 20;

// The flags field; "noflags" sets none.
struct NodeFlags {
  bool myself = false;      // the node that answered
  bool primary = false;     // "master"
  bool replica = false;     // "slave"
  bool pfail = false;       // "fail?": this node suspects it is down
  bool fail = false;        // "fail": the majority of primaries agreed it is down
  bool handshake = false;   // not yet a member
  bool noaddr = false;      // address unknown
  bool nofailover = false;  // a replica that never fails over
  bool operator==(const NodeFlags&) const = default;
};

struct ClusterNode {
  std::string id;        // 40 hex characters
  std::string ip;        // as printed; empty for a node without an address
  std::string hostname;  // the announced hostname (7.0+); empty when none
  // Where to reach it: the hostname when announced, otherwise the ip.
  NodeAddress address;
  int bus_port = 0;  // the cluster bus port; 0 when not printed
  NodeFlags flags;
  std::string primary_id;  // a replica's primary; empty for "-"
  bool connected = false;  // link-state "connected" (else "disconnected")
  long long config_epoch = 0;
  std::vector<SlotRange> slots;  // as printed, in order
  bool operator==(const ClusterNode&) const = default;
};

struct ClusterNodes {
  std::vector<ClusterNode> nodes;  // in the order of the reply
};

Result<ClusterNodes> ParseClusterNodes(std::string_view text);

// Parses one node line (without its newline); the error says what is wrong,
// without a line number. Exposed for tests.
Result<ClusterNode> ParseClusterNodeLine(std::string_view line);

}  // namespace memwatch::discovery
