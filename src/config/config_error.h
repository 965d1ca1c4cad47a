// One problem found in a config file, located precisely enough for an editor
// to jump to it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace memwatch::config {

struct ConfigError {
  std::string file;
  int line = 0;         // 1-based; 0 when the problem is the file as a whole (unreadable)
  int column = 0;       // 1-based, in bytes; 0 with line 0
  std::string key;      // dotted path, e.g. targets[1].address; "" for the text as a whole
  std::string message;  // what was expected; never contains a secret

  // "FILE:LINE:COLUMN: KEY: message". Without a line, "FILE: KEY: message";
  // without a key, "FILE:LINE:COLUMN: message".
  std::string ToString() const;

  bool operator==(const ConfigError&) const = default;
};

// What a person reads about a config that did not load: one line per error
// (ToString), at most `limit` of them, since a file of garbage can yield
// thousands; then "N error(s) in the configuration", saying how many were
// not shown. Every line ends with '\n'.
std::string ErrorReport(const std::vector<ConfigError>& errors, size_t limit = 100);

}  // namespace memwatch::config
