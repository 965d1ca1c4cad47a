// A target as written, before any rule that involves several keys: what
// each key of a `targets:` item (or of `target_defaults:`) said, and where.
// The loader turns it into a TargetConfig (BuildTarget in config_loader.cc)
// once target_defaults are merged in (target_defaults.h).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "checks/check_settings.h"
#include "config/address.h"
#include "config/group_reader.h"
#include "config/keyspace_settings.h"
#include "config/tls_reader.h"
#include "config/yaml_walker.h"
#include "memwatch/provider.h"
#include "memwatch/secret.h"

namespace memwatch::config {

struct TargetSpec {
  Value where;  // the target's mapping
  std::optional<Located<std::string>> name;
  std::optional<Located<ParsedAddress>> address;
  bool address_seen = false;  // written, valid or not
  std::optional<Located<std::string>> username;
  std::optional<Located<Secret>> password;
  std::optional<Located<std::string>> password_file;
  // Where the credential keys are written, valid or not: conflicts between
  // them are reported even when a value is also wrong. For a key taken from
  // target_defaults, the default's key.
  std::optional<Value> username_key, password_key, password_file_key;
  bool username_inherited = false;  // username_key is target_defaults'
  // Where `provider:` is written; `provider` is nullopt for `auto` (and for
  // a value that was reported as wrong).
  std::optional<Value> provider_key;
  std::optional<Provider> provider;
  std::optional<int64_t> memory_limit;
  // `tls:` as written (nullopt when absent); from target_defaults, the
  // default's block as a whole.
  std::optional<TlsSpec> tls;
  checks::ChecksBlock checks;
  KeyspaceBlock keyspace;
  std::optional<SentinelSpec> sentinel;  // a group instead of an address
  std::optional<ClusterSpec> cluster;
};

// Every key of a `targets:` item, for Walker::ReadFields.
std::span<const Field<TargetSpec>> TargetFields();

// The keys a target may take from `target_defaults:` (username, password,
// password_file, provider, memory_limit, tls): the rows of TargetFields that
// target_defaults shares. The others (name, address, checks,
// keyspace) are target-only.
std::span<const Field<TargetSpec>> DefaultableTargetFields();

// Every key of the `target_defaults:` block: DefaultableTargetFields, and
// the target-only keys as rows that report why they cannot be defaulted.
std::span<const Field<TargetSpec>> TargetDefaultsFields();

}  // namespace memwatch::config
