// A target's `tls:` value (or target_defaults'): true, false, or a mapping
// of ca_file, cert_file, key_file, server_name and insecure_skip_verify.
// Everything about the block itself is checked here, files included; the
// rules that involve the address (rediss://, unix:) are BuildTarget's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/yaml_walker.h"
#include "memwatch/tls_settings.h"

namespace memwatch::config {

struct TlsSpec {
  Value at;               // the `tls:` value, for messages
  bool disabled = false;  // `tls: false`
  // The settings of `tls: true`, `tls: {}` or a valid block, file paths
  // resolved against the config file. nullopt for `tls: false` and for a
  // value that was reported as wrong.
  std::optional<TlsSettings> settings;
  bool inherited = false;  // taken from target_defaults
};

// Reads `v` into a TlsSpec and reports what is wrong with it: an unknown
// key, cert_file without key_file (or the reverse), a file that cannot be
// read or holds no certificate or key, a key that does not match its
// certificate. Expired certificates are accepted.
TlsSpec ReadTls(Walker& walker, const Value& v);

// The keys of a `tls:` mapping, for KnownConfigKeys.
std::vector<std::string> TlsKeys();

}  // namespace memwatch::config
