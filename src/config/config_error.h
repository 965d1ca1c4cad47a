// One problem found in a config file, located precisely enough for an editor
// to jump to it.
#pragma once

#include <string>

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

}  // namespace memwatch::config
