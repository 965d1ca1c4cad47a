// Checks on the raw config text, run before yaml-cpp sees it: for these
// problems yaml-cpp either fails with a misleading message ("illegal map
// value" for a tab) or reads garbage.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"

namespace memwatch::config {

// The 1-based line and column (in bytes) of text[offset].
struct TextPosition {
  int line = 1;
  int column = 1;
};
TextPosition PositionOf(std::string_view text, size_t offset);

// Returns one "not a text file" error when `text` contains a NUL byte or is
// not valid UTF-8 (at the first bad byte); otherwise one error per line
// whose indentation (leading spaces, tabs and "- " list markers) contains a
// tab, at that tab. Empty when the text is fit to parse.
std::vector<ConfigError> CheckText(std::string_view text, const std::string& file);

}  // namespace memwatch::config
