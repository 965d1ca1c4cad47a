#include "config/env_expand.h"

#include <cstdlib>
#include <string>

#include <fmt/format.h>

namespace memwatch::config {
namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

bool IsValidName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0])) return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    // The daemon never calls setenv, so reading the environment is safe from any thread.
    const char* value = std::getenv(std::string(name).c_str());  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<std::string> ExpandEnv(std::string_view text, const EnvLookup& env) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t dollar = text.find('$', i);
    if (dollar == text.npos || dollar + 1 == text.size()) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, dollar - i));
    const char next = text[dollar + 1];
    if (next == '$') {
      out.push_back('$');
      i = dollar + 2;
      continue;
    }
    if (next != '{') {
      out.push_back('$');
      i = dollar + 1;
      continue;
    }
    const size_t close = text.find('}', dollar + 2);
    if (close == text.npos) {
      return Status::Error("'${' is not closed by '}' (write $$ for a literal $)");
    }
    const std::string_view name = text.substr(dollar + 2, close - dollar - 2);
    // The name is not quoted back: a value that only looks like ${...} may
    // be part of a password.
    if (!IsValidName(name)) {
      return Status::Error(
          "invalid variable name in '${...}': use letters, digits and _ (write $$ for a literal "
          "$)");
    }
    std::optional<std::string> value = env(name);
    if (!value) {
      return Status::Error(
          fmt::format("environment variable {} is not set (write $$ for a literal $)", name));
    }
    out.append(*value);
    i = close + 1;
  }
  return out;
}

}  // namespace memwatch::config
