// Loads the YAML config file into a validated Config, reporting every
// problem at once, each with file:line:column, the key and what was
// expected. Loading goes in stages: raw text checks (binary, tabs) -> YAML
// -> per-key values (yaml_walker, checks_reader, alerting_reader) ->
// cross-key rules (duplicates, credentials, receivers_reader) -> Config.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/address.h"
#include "config/config.h"
#include "config/config_error.h"
#include "config/duration.h"
#include "config/env_expand.h"
#include "config/size.h"

namespace memwatch::config {

struct LoadResult {
  // Set iff errors is empty. Values are as written except: defaults fill
  // omitted keys, ${VAR}s are expanded, listen ":port" becomes
  // "0.0.0.0:port" (the HTTP server needs a host), and check parameters are
  // in base units.
  std::optional<Config> config;
  std::vector<ConfigError> errors;  // ordered by position in the file
  bool ok() const { return errors.empty() && config.has_value(); }
};

// Reads `path` (at most 1 MiB) and loads it. Reads the files named by
// `password_file` and `webhook_url_file`, checks that `ca_file`s are
// readable and that a `tls:` block's certificate and key files parse and
// match (tls_files.h), relative ones against the config file's directory.
// ${VAR} in any value, and STATE_DIRECTORY (state_dir's default), are
// looked up through `env`. Never throws.
LoadResult LoadConfigFile(const std::string& path, const EnvLookup& env);

// Every key the loader accepts, as dotted paths: "listen",
// "targets[].address", "checks.memory_high.warning" (the same check keys
// are accepted under targets[].checks), "alerting.for",
// "receivers[].webhook_url" (receiver keys of every type). For docs and
// their test.
std::vector<std::string> KnownConfigKeys();

// Loads config text; `file_name` is used in messages, as
// Config::source_file and as the base for relative password_file paths.
LoadResult LoadConfigText(std::string_view yaml, const std::string& file_name,
                          const EnvLookup& env);

}  // namespace memwatch::config
