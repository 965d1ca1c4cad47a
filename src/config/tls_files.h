// Checks of the PEM files a `tls:` block names, with OpenSSL, so that a
// wrong file is a config error at start (with file:line) rather than a
// failed handshake later. Only checks: the poller's transport loads the
// files itself. Messages name the file and the reason, never its content.
#pragma once

#include <string>

#include "memwatch/result.h"

namespace memwatch::config {

// Ok iff `path` is readable and holds at least one PEM certificate (a CA
// bundle, or a client certificate with its chain). An expired certificate
// is accepted: a rotation may be pending, and the handshake reports it.
// Fails with "cannot read '<path>': <reason>" or "'<path>' holds no PEM
// certificate (-----BEGIN CERTIFICATE-----)".
Status CheckCertificateFile(const std::string& path);

// Ok iff `path` is readable and holds an unencrypted PEM private key.
Status CheckPrivateKeyFile(const std::string& path);

// Ok iff the private key in `key_path` belongs to the first certificate in
// `cert_path`. Call only once both files passed the checks above.
Status CheckKeyMatchesCertificate(const std::string& cert_path, const std::string& key_path);

}  // namespace memwatch::config
