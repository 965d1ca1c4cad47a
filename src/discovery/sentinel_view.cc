#include "discovery/sentinel_view.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "discovery/text_fields.h"

namespace memwatch::discovery {
namespace {

using Type = RespValue::Type;

// The field's text when it is a string (or an integer, printed), else nullopt.
std::optional<std::string> Text(const RespValue& map, std::string_view key) {
  const RespValue* v = FindField(map, key);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (v->type == Type::kInteger) {
    return std::to_string(v->integer);
  }
  return v->type == Type::kString ? std::optional<std::string>{v->text} : std::nullopt;
}

InstanceFlags FlagsOf(std::string_view text) {
  InstanceFlags f;
  for (const std::string_view flag : Split(text, ',', true)) {
    f.primary |= flag == "master";
    f.replica |= flag == "slave";
    f.sentinel |= flag == "sentinel";
    f.s_down |= flag == "s_down";
    f.o_down |= flag == "o_down";
    f.disconnected |= flag == "disconnected";
    f.failover_in_progress |= flag == "failover_in_progress";
  }
  return f;
}

Result<SentinelInstance> ParseInstance(const RespValue& map) {
  if (map.type != Type::kArray) {
    return Status::Error("not a field/value array but " + Describe(map));
  }
  const std::optional<std::string> name = Text(map, "name");
  const std::optional<std::string> ip = Text(map, "ip");
  const std::optional<std::string> port_text = Text(map, "port");
  const std::optional<std::string> flags = Text(map, "flags");
  if (!name || !ip || !port_text || !flags) {
    return Status::Error("\"name\", \"ip\", \"port\" or \"flags\" missing");
  }
  const std::optional<int> port = ParsePort(*port_text);
  if (!port) {
    return Status::Error("port \"" + port_text->substr(0, 20) + "\" is not 0-65535");
  }
  SentinelInstance out;
  out.name = *name;
  out.address = {*ip, *port};
  out.run_id = Text(map, "runid").value_or("");
  out.flags = FlagsOf(*flags);
  out.master_link_status = Text(map, "master-link-status").value_or("");
  return out;
}

Status Reject(std::string_view command, const std::string& what) {
  return Status::Error(std::string{command} + ": " + what);
}

// A required small non-negative number field.
std::optional<int> Count(const RespValue& map, std::string_view key) {
  const std::optional<std::string> text = Text(map, key);
  const std::optional<long long> n = text ? ParseDecimal(*text) : std::nullopt;
  return n && *n <= 1000000 ? std::optional<int>{static_cast<int>(*n)} : std::nullopt;
}

}  // namespace

Result<std::optional<NodeAddress>> ParseGetMasterAddrByName(const RespValue& reply) {
  constexpr std::string_view kCommand = "SENTINEL GET-MASTER-ADDR-BY-NAME";
  if (reply.type == Type::kNil) {
    return std::optional<NodeAddress>{};
  }
  if (reply.type != Type::kArray || reply.elements.size() != 2 ||
      reply.elements[0].type != Type::kString || reply.elements[1].type != Type::kString) {
    return Reject(kCommand, "the reply is " + Describe(reply) + ", not [ip, port] or nil");
  }
  const std::optional<int> port = ParsePort(reply.elements[1].text);
  if (!port) {
    return Reject(kCommand, "port \"" + reply.elements[1].text.substr(0, 20) + "\" is not 0-65535");
  }
  return std::optional<NodeAddress>{NodeAddress{reply.elements[0].text, *port}};
}

Result<std::vector<SentinelInstance>> ParseSentinelInstances(const RespValue& reply,
                                                             std::string_view command) {
  if (reply.type != Type::kArray) {
    return Reject(command, "the reply is " + Describe(reply) + ", not an array");
  }
  if (reply.elements.size() > kMaxSentinelInstances) {
    return Reject(command, "more than " + std::to_string(kMaxSentinelInstances) + " instances");
  }
  std::vector<SentinelInstance> out;
  out.reserve(reply.elements.size());
  for (size_t i = 0; i < reply.elements.size(); ++i) {
    Result<SentinelInstance> instance = ParseInstance(reply.elements[i]);
    if (!instance.ok()) {
      return Reject(command, "instance " + std::to_string(i) + ": " + instance.status().message());
    }
    out.push_back(std::move(instance).value());
  }
  return out;
}

Result<SentinelPrimary> ParseSentinelMaster(const RespValue& reply) {
  constexpr std::string_view kCommand = "SENTINEL MASTER";
  Result<SentinelInstance> instance = ParseInstance(reply);
  if (!instance.ok()) {
    return Reject(kCommand, instance.status().message());
  }
  const std::optional<int> quorum = Count(reply, "quorum");
  const std::optional<int> others = Count(reply, "num-other-sentinels");
  if (!quorum || !others) {
    return Reject(kCommand, "\"quorum\" or \"num-other-sentinels\" missing or not a number");
  }
  SentinelPrimary out;
  out.instance = std::move(instance).value();
  out.quorum = *quorum;
  out.num_other_sentinels = *others;
  out.num_replicas = Count(reply, "num-slaves").value_or(0);
  const std::optional<std::string> epoch = Text(reply, "config-epoch");
  out.config_epoch = epoch ? ParseDecimal(*epoch).value_or(0) : 0;
  return out;
}

Result<SwitchMaster> ParseSwitchMaster(std::string_view payload) {
  const std::vector<std::string_view> f = Split(payload, ' ', false);
  if (f.size() != 5) {
    return Status::Error("+switch-master: " + std::to_string(f.size()) +
                         " fields, expected \"<group> <old ip> <old port> <new ip> <new port>\"");
  }
  const std::optional<int> from_port = ParsePort(f[2]);
  const std::optional<int> to_port = ParsePort(f[4]);
  if (f[0].empty() || f[1].empty() || f[3].empty() || !from_port || !to_port) {
    return Status::Error("+switch-master: an empty field or a port not within 0-65535");
  }
  return SwitchMaster{
      std::string{f[0]}, {std::string{f[1]}, *from_port}, {std::string{f[3]}, *to_port}};
}

}  // namespace memwatch::discovery
