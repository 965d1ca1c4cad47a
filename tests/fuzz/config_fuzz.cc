// Fuzzes config::LoadConfigText with arbitrary YAML (run with -timeout= to
// catch hangs: yaml-cpp 0.7's LoadAll loops forever on some inputs, which
// the loader avoids). Checks the LoadResult contract: a config iff no
// errors, errors ordered by position, every error located in the file.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "config/config_loader.h"

namespace {

using namespace memwatch::config;

void Require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "config_fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

// Fixed values, so a run never depends on the fuzzing machine's environment.
std::optional<std::string> FixedEnv(std::string_view name) {
  if (name == "REDIS_HOST") return "127.0.0.1";
  if (name == "REDIS_PORT") return "6379";
  if (name == "REDIS_PASSWORD") return "s3cret!";
  if (name == "INTERVAL") return "250ms";
  if (name == "EMPTY") return "";
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  // A relative password_file is read against the directory of "fuzz.yml":
  // the fuzzer's working directory, which scripts/fuzz.sh makes a temp dir.
  const LoadResult r = LoadConfigText(yaml, "fuzz.yml", EnvLookup(FixedEnv));
  Require(r.ok() == r.errors.empty(), "ok() disagrees with errors");
  Require(r.config.has_value() == r.errors.empty(), "a config together with errors");
  int last_line = 0;
  int last_column = 0;
  for (const ConfigError& e : r.errors) {
    Require(e.file == "fuzz.yml", "an error names another file");
    Require(e.line >= 0 && e.column >= 0, "a negative position");
    Require(!e.message.empty(), "an error without a message");
    Require(e.line > last_line || (e.line == last_line && e.column >= last_column),
            "errors not ordered by position");
    last_line = e.line;
    last_column = e.column;
    (void)e.ToString();
  }
  if (r.config) {
    Require(r.config->interval.count() > 0 && r.config->timeout.count() > 0,
            "a non-positive interval or timeout");
    for (const TargetConfig& t : r.config->targets) {
      Require(!t.name.empty(), "a target without a name");
    }
  }
  return 0;
}
