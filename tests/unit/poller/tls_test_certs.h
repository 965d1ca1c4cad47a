// The certificates of tests/tls/make_certs.sh, made once per test binary
// into a temp dir that is removed at exit.
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace memwatch::poller::tls_test {

class Certs {
 public:
  static const std::string& Dir() {
    static const Certs certs;
    return certs.dir_;
  }

 private:
  Certs() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "memwatch-tls.XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
    const std::string cmd =
        "bash " MEMWATCH_SOURCE_DIR "/tests/tls/make_certs.sh " + dir_ + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) std::abort();
  }
  ~Certs() { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

// The path of one of them, e.g. File("ca.crt").
inline std::string File(const std::string& name) { return Certs::Dir() + "/" + name; }

}  // namespace memwatch::poller::tls_test
