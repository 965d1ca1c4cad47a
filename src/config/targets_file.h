// Target files (`targets_files:`): Prometheus file_sd files, YAML or JSON,
// each a list of groups
//   [{targets: ["host:port", ...], labels: {name: ..., ...}}]
// read into plain FileTargets with every problem located (file:line), and
// turned into TargetConfigs with what target_defaults gives. Reading and
// glob expansion are the only I/O; ParseTargetsFile is pure.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/address.h"
#include "config/config.h"
#include "config/config_error.h"
#include "memwatch/result.h"

namespace memwatch::config {

// One address of a group. Its name is the group's `name` label when it has
// one (then the group must have exactly one target), else the address as
// written.
struct FileTarget {
  std::string name;
  ParsedAddress address;
  // The group's labels as written, `name` included. Accepted whatever they
  // are (Prometheus label names); only `name` is used for now.
  std::map<std::string, std::string> labels;
  std::string file;
  int line = 0;  // 1-based, of the address
  int column = 0;
};

struct TargetsFileContent {
  std::vector<FileTarget> targets;  // in file order
  // Every problem; a file with any is not used (its last good content is).
  std::vector<ConfigError> errors;
  bool ok() const { return errors.empty(); }
};

// Parses file_sd text (YAML, or JSON, which is YAML). An empty file holds no
// targets. Never throws.
TargetsFileContent ParseTargetsFile(std::string_view text, const std::string& file);

// Reads `path` (at most 4 MiB) and parses it; an unreadable file is one
// error at line 0.
TargetsFileContent ReadTargetsFile(const std::string& path);

// The files the patterns match now (glob(3)), sorted, each once. A pattern
// that matches nothing contributes nothing.
std::vector<std::string> ExpandTargetsFiles(const std::vector<std::string>& patterns);

// The target `t` describes, from config.file_target_defaults: a redis://
// address's own user name or password wins over the defaults' as in a
// config target. Fails (message without file:line) when the result breaks
// a rule: TLS from target_defaults on a unix socket, a user name without a
// password.
Result<TargetConfig> MakeFileTarget(const Config& config, const FileTarget& t);

}  // namespace memwatch::config
