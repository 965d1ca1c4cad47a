#include "config/target_spec.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "config/checks_reader.h"
#include "config/edit_distance.h"
#include "config/keyspace_reader.h"

namespace memwatch::config {
namespace {

// `provider:` values in the order people read them: "auto" first.
constexpr std::array<std::string_view, 5> kProviderValues = {"auto", "self-managed", "elasticache",
                                                             "azure", "memorystore"};

using TargetField = Field<TargetSpec>;

template <size_t N, size_t M>
constexpr std::array<TargetField, N + M> Concat(const std::array<TargetField, N>& a,
                                                const std::array<TargetField, M>& b) {
  std::array<TargetField, N + M> out{};
  std::copy(a.begin(), a.end(), out.begin());
  std::copy(b.begin(), b.end(), out.begin() + N);
  return out;
}

// ---- Keys only a target has ------------------------------------------------

void ReadName(Walker& w, const Value& v, TargetSpec& t) {
  if (std::optional<std::string> name = w.LabelName(v)) t.name = {std::move(*name), v};
}

void ReadAddress(Walker& w, const Value& v, TargetSpec& t) {
  t.address_seen = true;
  std::optional<std::string> text = w.String(v);
  if (!text) return;
  Result<ParsedAddress> address = ParseAddress(*text);
  if (!address.ok()) {
    w.Error(v, address.status().message());
    return;
  }
  t.address = {std::move(address).value(), v};
}

void ReadChecks(Walker& w, const Value& v, TargetSpec& t) { ReadChecksBlock(w, v, t.checks); }

void ReadKeyspace(Walker& w, const Value& v, TargetSpec& t) { ReadKeyspaceBlock(w, v, t.keyspace); }

void ReadSentinel(Walker& w, const Value& v, TargetSpec& t) {
  ReadSentinelSpec(w, v, t.sentinel.emplace());
}

void ReadCluster(Walker& w, const Value& v, TargetSpec& t) {
  ReadClusterSpec(w, v, t.cluster.emplace());
}

// ---- Keys target_defaults may set for every target -------------------------

void ReadUsername(Walker& w, const Value& v, TargetSpec& t) {
  t.username_key = v;
  if (auto user = w.NonEmptyString(v, "a user name")) t.username = {std::move(*user), v};
}

void ReadPassword(Walker& w, const Value& v, TargetSpec& t) {
  t.password_key = v;
  if (auto pass = w.NonEmptyString(v, "a password")) t.password = {Secret(std::move(*pass)), v};
}

void ReadPasswordFile(Walker& w, const Value& v, TargetSpec& t) {
  t.password_file_key = v;
  if (auto path = w.NonEmptyString(v, "a file path")) t.password_file = {std::move(*path), v};
}

void ReadProvider(Walker& w, const Value& v, TargetSpec& t) {
  t.provider_key = v;
  std::optional<std::string> text = w.String(v);
  if (!text || *text == "auto") return;
  if ((t.provider = ParseProviderName(*text))) return;
  std::string lower = *text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string_view nearest = ClosestMatch(lower, kProviderValues);
  w.Error(v, fmt::format("expected one of {}, got '{}'{}", fmt::join(kProviderValues, ", "), *text,
                         nearest.empty() ? "" : fmt::format("; did you mean '{}'?", nearest)));
}

void ReadMemoryLimit(Walker& w, const Value& v, TargetSpec& t) {
  t.memory_limit = w.PositiveSize(v);
}

void ReadTlsKey(Walker& w, const Value& v, TargetSpec& t) { t.tls = ReadTls(w, v); }

// ---- What target_defaults cannot set ----------------------------------------

void RejectName(Walker& w, const Value& v, TargetSpec&) {
  w.Error(v, "a target's name cannot have a default; give each target its own");
}

void RejectAddress(Walker& w, const Value& v, TargetSpec&) {
  w.Error(v, "a target's address cannot have a default; give each target its own");
}

void RejectChecks(Walker& w, const Value& v, TargetSpec&) {
  w.Error(v,
          "checks cannot be set in target_defaults; use the top-level checks: block, which "
          "applies to every target");
}

void RejectGroup(Walker& w, const Value& v, TargetSpec&) {
  w.Error(v, "a Sentinel group or Redis Cluster cannot have a default; give it its own target");
}

void RejectKeyspace(Walker& w, const Value& v, TargetSpec&) {
  w.Error(v,
          "keyspace cannot be set in target_defaults; use the top-level keyspace: block, which "
          "applies to every target");
}

// `address` is required unless `sentinel:` or `cluster:` is given
// (BuildTarget in config_loader.cc says so when none is).
constexpr std::array<TargetField, 6> kTargetOnlyFields = {{
    {"name", ReadName, "missing; every target needs a unique name such as coupon-redis"},
    {"address", ReadAddress},
    {"checks", ReadChecks},
    {"keyspace", ReadKeyspace},
    {"sentinel", ReadSentinel},
    {"cluster", ReadCluster},
}};

// A key added here is accepted in every target and in target_defaults;
// ApplyTargetDefaults (target_defaults.cc) says how a target inherits it.
constexpr std::array<TargetField, 6> kDefaultableFields = {{
    {"username", ReadUsername},
    {"password", ReadPassword},
    {"password_file", ReadPasswordFile},
    {"provider", ReadProvider},  // default auto
    {"memory_limit", ReadMemoryLimit},
    {"tls", ReadTlsKey},  // default: TLS only for a rediss:// address
}};

constexpr std::array<TargetField, 6> kNotDefaultableFields = {{
    {"name", RejectName},
    {"address", RejectAddress},
    {"checks", RejectChecks},
    {"keyspace", RejectKeyspace},
    {"sentinel", RejectGroup},
    {"cluster", RejectGroup},
}};

constexpr auto kTargetFields = Concat(kTargetOnlyFields, kDefaultableFields);
constexpr auto kTargetDefaultsFields = Concat(kDefaultableFields, kNotDefaultableFields);

}  // namespace

std::span<const Field<TargetSpec>> TargetFields() { return kTargetFields; }

std::span<const Field<TargetSpec>> DefaultableTargetFields() { return kDefaultableFields; }

std::span<const Field<TargetSpec>> TargetDefaultsFields() { return kTargetDefaultsFields; }

}  // namespace memwatch::config
