// Helpers shared by the config tests: a fake environment, a temporary
// directory, and loading a YAML string under a fixed file name.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <gtest/gtest.h>

#include "config/config_loader.h"

namespace memwatch::config::testutil {

inline constexpr const char* kFile = "memwatch.yaml";

// One valid target, appended to configs whose other parts are under test.
inline constexpr const char* kTarget =
    "targets:\n"
    "  - name: a\n"
    "    address: 127.0.0.1:6379\n";

// kTarget (lines 1-3), then `receivers:` on line 4 and `list`: the first
// receiver starts on line 5.
inline std::string Receivers(std::string_view list) {
  return std::string(kTarget) + "receivers:\n" + std::string(list);
}

inline EnvLookup FakeEnv(std::map<std::string, std::string> vars = {}) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

inline LoadResult Load(std::string_view yaml, const EnvLookup& env = FakeEnv()) {
  return LoadConfigText(yaml, kFile, env);
}

// Every error of a load, one per line, for readable failure output.
inline std::string AllErrors(const LoadResult& r) {
  std::string out;
  for (const ConfigError& e : r.errors) out += e.ToString() + "\n";
  return out;
}

// The one error of a load that must have failed with exactly one.
inline std::string OnlyError(const LoadResult& r) {
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.config.has_value());
  EXPECT_EQ(r.errors.size(), 1u) << AllErrors(r);
  return r.errors.empty() ? "" : r.errors[0].ToString();
}

// A directory under $TMPDIR that is removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "memwatch-config-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

  // Writes `content` to path()/name and returns the full path.
  std::string Write(std::string_view name, std::string_view content) const {
    const std::string full = path_ + "/" + std::string(name);
    std::ofstream out(full, std::ios::binary);
    out << content;
    return full;
  }

 private:
  std::string path_;
};

}  // namespace memwatch::config::testutil
