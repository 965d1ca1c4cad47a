// How to speak TLS to one target: what the config reads from `rediss://`
// and a `tls:` block, and the poller's transport uses. A value type of its
// own, so the poller needs neither the config nor OpenSSL's types here.
#pragma once

#include <string>

namespace memwatch {

struct TlsSettings {
  std::string ca_file;                // PEM CA bundle; "" = the system's CA store
  std::string cert_file;              // client certificate (mutual TLS); "" = none
  std::string key_file;               // its private key; set iff cert_file is
  std::string server_name;            // to verify and send as SNI; "" = the address's host
  bool insecure_skip_verify = false;  // encrypt without verifying the server
  bool operator==(const TlsSettings&) const = default;
};

}  // namespace memwatch
