#include "harness/temp_dir.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace memwatch::testing {

TempDir::TempDir(std::string_view prefix, std::string base) {
  if (base.empty()) base = DefaultBase();
  std::string tmpl = base + "/" + std::string(prefix) + ".XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + tmpl + ": " + std::strerror(errno));
  }
  path_ = std::move(tmpl);
}

TempDir::~TempDir() {
  if (KeepRequested()) {
    std::fprintf(stderr, "[ keep     ] %s (MEMWATCH_KEEP_TEMP=1)\n", path_.c_str());
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::File(std::string_view name) const { return path_ + "/" + std::string(name); }

std::string TempDir::DefaultBase() {
  const char* tmpdir = std::getenv("TMPDIR");
  if (tmpdir != nullptr && tmpdir[0] == '/') {
    std::string base = tmpdir;
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    return base;
  }
  return "/tmp";
}

std::string TempDir::BaseForSocket(std::string_view prefix, std::string_view socket_name) {
  const std::string base = DefaultBase();
  const size_t length = base.size() + 1 + prefix.size() + 7 + 1 + socket_name.size();
  return length <= 107 ? base : "/tmp";
}

bool TempDir::KeepRequested() {
  const char* keep = std::getenv("MEMWATCH_KEEP_TEMP");
  return keep != nullptr && std::strcmp(keep, "1") == 0;
}

}  // namespace memwatch::testing
