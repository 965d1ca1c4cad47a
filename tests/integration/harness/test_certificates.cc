#include "harness/test_certificates.h"

#include <stdexcept>

#include "harness/child_process.h"
#include "harness/temp_dir.h"

namespace memwatch::testing {
namespace {

void MakeCertificates(const std::string& dir) {
  const CommandResult made =
      RunCommand({"/bin/bash", std::string(MEMWATCH_SOURCE_DIR) + "/tests/tls/make_certs.sh", dir},
                 {}, std::chrono::seconds(30));
  if (made.exit_code != 0) {
    throw std::runtime_error("tests/tls/make_certs.sh failed with code " +
                             std::to_string(made.exit_code) + ":\n" + made.output + made.error);
  }
}

}  // namespace

const std::string& TestCertificates() {
  // Function-local statics: made once even when several threads ask,
  // removed at exit. A failed run throws and is tried again next time.
  static const TempDir dir("memwatch-certs");
  static const bool made = (MakeCertificates(dir.path()), true);
  (void)made;
  return dir.path();
}

}  // namespace memwatch::testing
