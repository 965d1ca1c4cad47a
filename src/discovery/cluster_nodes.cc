#include "discovery/cluster_nodes.h"

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "discovery/text_fields.h"

namespace memwatch::discovery {
namespace {

constexpr size_t kIdLength = 40;
constexpr size_t kFixedFields = 8;  // id .. link-state, before the slots

Status Bad(std::string what) { return Status::Error(std::move(what)); }

// Quotes a piece of the input for an error message, cut and printable.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s.substr(0, 60)) {
    out.push_back(c >= 0x20 && c <= 0x7e ? c : '?');
  }
  return out + (s.size() > 60 ? "...\"" : "\"");
}

bool IsNodeId(std::string_view s) {
  if (s.size() != kIdLength) {
    return false;
  }
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

// "ip:port@cport[,hostname[,aux...]]" into node->ip, hostname, address, bus_port.
Status ParseAddress(std::string_view field, ClusterNode* node) {
  const std::vector<std::string_view> parts = Split(field, ',', false, 3);
  std::string_view endpoint = parts[0];
  const size_t at = endpoint.find('@');
  if (at != std::string_view::npos) {
    const std::optional<int> bus = ParsePort(endpoint.substr(at + 1));
    if (!bus) {
      return Bad("bad cluster bus port in address " + Quote(field));
    }
    node->bus_port = *bus;
    endpoint = endpoint.substr(0, at);
  }
  const size_t colon = endpoint.rfind(':');
  const std::optional<int> port =
      colon == std::string_view::npos ? std::nullopt : ParsePort(endpoint.substr(colon + 1));
  if (!port) {
    return Bad("address " + Quote(field) + " is not ip:port@cport");
  }
  node->ip = std::string{endpoint.substr(0, colon)};
  node->hostname = parts.size() > 1 ? std::string{parts[1]} : std::string{};
  node->address = {node->hostname.empty() ? node->ip : node->hostname, *port};
  return Status::Ok();
}

void SetFlag(std::string_view flag, NodeFlags* flags) {
  if (flag == "myself") {
    flags->myself = true;
  } else if (flag == "master") {
    flags->primary = true;
  } else if (flag == "slave") {
    flags->replica = true;
  } else if (flag == "fail?") {
    flags->pfail = true;
  } else if (flag == "fail") {
    flags->fail = true;
  } else if (flag == "handshake") {
    flags->handshake = true;
  } else if (flag == "noaddr") {
    flags->noaddr = true;
  } else if (flag == "nofailover") {
    flags->nofailover = true;
  }  // "noflags" and flags of later versions set nothing
}

Status ParseSlot(std::string_view field, std::vector<SlotRange>* slots) {
  if (field.front() == '[') {
    if (field.back() != ']' || field.size() < 3) {
      return Bad("unterminated importing/migrating entry " + Quote(field));
    }
    return Status::Ok();  // [slot->-id] / [slot-<-id]: a move in progress, not ownership
  }
  const std::vector<std::string_view> ends = Split(field, '-', false, 2);
  const std::optional<long long> first = ParseDecimal(ends[0]);
  const std::optional<long long> last = ends.size() > 1 ? ParseDecimal(ends[1]) : first;
  if (!first || !last) {
    return Bad("slot " + Quote(field) + " is not a number or a range first-last");
  }
  if (*last > kMaxSlot || *first > *last) {
    return Bad("slot range " + Quote(field) + " is not ascending within 0-16383");
  }
  slots->push_back({static_cast<int>(*first), static_cast<int>(*last)});
  return Status::Ok();
}

Status ParseLinkAndNumbers(const std::vector<std::string_view>& f, ClusterNode* node) {
  if (!ParseDecimal(f[4]) || !ParseDecimal(f[5])) {
    return Bad("ping-sent/pong-recv " + Quote(f[4]) + " " + Quote(f[5]) + " are not numbers");
  }
  const std::optional<long long> epoch = ParseDecimal(f[6]);
  if (!epoch) {
    return Bad("config-epoch " + Quote(f[6]) + " is not a number");
  }
  node->config_epoch = *epoch;
  if (f[7] != "connected" && f[7] != "disconnected") {
    return Bad("link-state " + Quote(f[7]) + " is neither connected nor disconnected");
  }
  node->connected = f[7] == "connected";
  return Status::Ok();
}

Status ParseIdentity(const std::vector<std::string_view>& f, ClusterNode* node) {
  if (!IsNodeId(f[0])) {
    return Bad("node id " + Quote(f[0]) + " is not 40 hex characters");
  }
  node->id = std::string{f[0]};
  for (const std::string_view flag : Split(f[2], ',', true)) {
    SetFlag(flag, &node->flags);
  }
  if (f[3] != "-" && !IsNodeId(f[3])) {
    return Bad("primary " + Quote(f[3]) + " is neither - nor a node id");
  }
  node->primary_id = f[3] == "-" ? std::string{} : std::string{f[3]};
  return Status::Ok();
}

}  // namespace

Result<ClusterNode> ParseClusterNodeLine(std::string_view line) {
  if (line.size() > kMaxClusterNodesLineBytes) {
    return Bad("line longer than " + std::to_string(kMaxClusterNodesLineBytes) + " bytes");
  }
  const std::vector<std::string_view> f = Split(line, ' ', true);
  if (f.size() < kFixedFields) {
    return Bad(std::to_string(f.size()) + " fields, expected at least 8 (id address flags " +
               "primary ping-sent pong-recv config-epoch link-state)");
  }
  ClusterNode node;
  for (const Status& s :
       {ParseIdentity(f, &node), ParseAddress(f[1], &node), ParseLinkAndNumbers(f, &node)}) {
    if (!s.ok()) {
      return s;
    }
  }
  for (size_t i = kFixedFields; i < f.size(); ++i) {
    if (Status s = ParseSlot(f[i], &node.slots); !s.ok()) {
      return s;
    }
  }
  return node;
}

Result<ClusterNodes> ParseClusterNodes(std::string_view text) {
  ClusterNodes out;
  std::set<std::string> ids;
  size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      continue;
    }
    const std::string where = "CLUSTER NODES line " + std::to_string(line_number) + ": ";
    if (out.nodes.size() == kMaxClusterNodes) {
      return Bad(where + "more than " + std::to_string(kMaxClusterNodes) + " nodes");
    }
    Result<ClusterNode> node = ParseClusterNodeLine(line);
    if (!node.ok()) {
      return Bad(where + node.status().message());
    }
    if (!ids.insert(node.value().id).second) {
      return Bad(where + "node " + node.value().id + " appears twice");
    }
    out.nodes.push_back(std::move(node).value());
  }
  return out;
}

}  // namespace memwatch::discovery
