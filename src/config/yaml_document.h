// Parsing config text into one YAML document with yaml-cpp 0.7, around its
// traps: exceptions become ConfigErrors, its messages become plain ones, and
// YAML::LoadAll is never called (on input such as "," it loops forever
// allocating memory: yaml-cpp issue #1040, fixed after 0.7 by PR #1319).
#pragma once

#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "config/yaml_walker.h"

namespace memwatch::config {

struct YamlDocument {
  YAML::Node root;  // the first document; Null when it holds no value
  // Where a second document with content starts ("---" then more keys).
  std::optional<YAML::Mark> second_document;
  // False when the text is only blank lines, comments and "---"/"...".
  bool has_content = false;
};

// Parses `text`. Returns nullopt after reporting a syntax error to `walker`,
// at yaml-cpp's mark, in plain words. Never throws.
std::optional<YamlDocument> ParseYamlDocument(const std::string& text, Walker& walker);

}  // namespace memwatch::config
