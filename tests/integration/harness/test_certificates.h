// The TLS tests' certificates: tests/tls/make_certs.sh run once per test
// process into a TempDir that lives until the process exits. See the script
// for what each file is (ca.crt, server.crt/.key for redis.test and
// 127.0.0.1, client.crt/.key, expired, other, cn-only, other-ca.crt,
// mismatch.key).
//
//   RedisServer redis(RedisServer::TlsOptions{.cert_dir = TestCertificates()});
#pragma once

#include <string>

namespace memwatch::testing {

// The directory holding the certificates, made on the first call (under a
// second) and shared by every later call in this process; the tests must
// not change its files (copy them to their own TempDir to rotate). Throws
// std::runtime_error, with the script's output, if the script fails.
const std::string& TestCertificates();

}  // namespace memwatch::testing
