#include "config/group_reader.h"

#include <utility>

#include <fmt/format.h>

#include "config/password_file.h"

namespace memwatch::config {
namespace {

// One host:port of a list: TCP only, no URL credentials (the block's own
// password keys say them once for every address).
void ReadNodeAddresses(Walker& w, const Value& v, std::vector<Located<ParsedAddress>>& out) {
  if (v.node.IsSequence() && v.node.size() == 0) {
    w.Error(v, "expected at least one host:port");
    return;
  }
  w.ForEachOneOrMore(v, "a list of host:port addresses", [&](const Value& item) {
    std::optional<std::string> text = w.String(item);
    if (!text) return;
    Result<ParsedAddress> address = ParseAddress(*text);
    if (!address.ok()) {
      w.Error(item, address.status().message());
      return;
    }
    if (address.value().endpoint.kind != Endpoint::Kind::kTcp) {
      w.Error(item, "expected host:port; discovery speaks TCP");
      return;
    }
    if (address.value().password || address.value().username) {
      w.Error(item, "expected host:port without credentials; give them once in password_file");
      return;
    }
    out.push_back({std::move(address).value(), item});
  });
}

void ReadSentinelAddresses(Walker& w, const Value& v, SentinelSpec& s) {
  ReadNodeAddresses(w, v, s.addresses);
}

void ReadMasterName(Walker& w, const Value& v, SentinelSpec& s) {
  if (auto name = w.NonEmptyString(v, "the name the sentinels monitor the primary under")) {
    s.master_name = {std::move(*name), v};
  }
}

void ReadSentinelPassword(Walker& w, const Value& v, SentinelSpec& s) {
  s.password_key = v;
  if (auto pass = w.NonEmptyString(v, "a password")) s.password = {Secret(std::move(*pass)), v};
}

void ReadSentinelPasswordFile(Walker& w, const Value& v, SentinelSpec& s) {
  s.password_file_key = v;
  if (auto path = w.NonEmptyString(v, "a file path")) s.password_file = {std::move(*path), v};
}

void ReadSentinelTls(Walker& w, const Value& v, SentinelSpec& s) { s.tls = ReadTls(w, v); }

void ReadSentinelInterval(Walker& w, const Value& v, SentinelSpec& s) {
  s.interval = w.PositiveDuration(v);
}

constexpr Field<SentinelSpec> kSentinelFields[] = {
    {"addresses", ReadSentinelAddresses,
     "missing; expected the sentinels' host:port, e.g. [10.0.0.1:26379, 10.0.0.2:26379]"},
    {"master_name", ReadMasterName,
     "missing; expected the name the sentinels monitor the primary under, e.g. mymaster"},
    {"password", ReadSentinelPassword},
    {"password_file", ReadSentinelPasswordFile},
    {"tls", ReadSentinelTls},
    {"interval", ReadSentinelInterval},  // default kDefaultDiscoveryInterval
};

void ReadSeeds(Walker& w, const Value& v, ClusterSpec& c) { ReadNodeAddresses(w, v, c.seeds); }

void ReadClusterInterval(Walker& w, const Value& v, ClusterSpec& c) {
  c.interval = w.PositiveDuration(v);
}

constexpr Field<ClusterSpec> kClusterFields[] = {
    {"seeds", ReadSeeds,
     "missing; expected the host:port of one or more cluster nodes, e.g. [10.0.1.1:6379]"},
    {"interval", ReadClusterInterval},  // default kDefaultDiscoveryInterval
};

}  // namespace

void ReadSentinelSpec(Walker& w, const Value& v, SentinelSpec& out) {
  out.where = v;
  w.ReadFields<SentinelSpec>(v, kSentinelFields, out);
}

void ReadClusterSpec(Walker& w, const Value& v, ClusterSpec& out) {
  out.where = v;
  w.ReadFields<ClusterSpec>(v, kClusterFields, out);
}

std::optional<SentinelGroup> BuildSentinelGroup(Walker& w, const SentinelSpec& spec) {
  SentinelGroup out;
  for (const Located<ParsedAddress>& a : spec.addresses) out.addresses.push_back(a.value.endpoint);
  if (spec.master_name) out.master_name = spec.master_name->value;
  if (spec.password_key && spec.password_file_key) {
    w.Error(*spec.password_file_key, "password and password_file are mutually exclusive; keep one");
  } else if (spec.password) {
    out.password = spec.password->value;
  } else if (spec.password_file) {
    out.password = ReadPasswordFile(w, *spec.password_file);
  }
  if (spec.tls && !spec.tls->disabled) out.tls = spec.tls->settings;
  if (spec.interval) out.interval = *spec.interval;
  if (out.addresses.empty() || out.master_name.empty()) return std::nullopt;
  return out;
}

std::optional<ClusterGroup> BuildClusterGroup(Walker& /*w*/, const ClusterSpec& spec) {
  ClusterGroup out;
  for (const Located<ParsedAddress>& a : spec.seeds) out.seeds.push_back(a.value.endpoint);
  if (spec.interval) out.interval = *spec.interval;
  if (out.seeds.empty()) return std::nullopt;
  return out;
}

std::vector<std::string> SentinelKeys() {
  std::vector<std::string> keys;
  for (const Field<SentinelSpec>& f : kSentinelFields) keys.emplace_back(f.key);
  return keys;
}

std::vector<std::string> ClusterKeys() {
  std::vector<std::string> keys;
  for (const Field<ClusterSpec>& f : kClusterFields) keys.emplace_back(f.key);
  return keys;
}

}  // namespace memwatch::config
