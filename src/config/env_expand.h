// ${VAR} expansion of config values, with the environment behind a seam so
// tests never touch the process environment.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "memwatch/result.h"

namespace memwatch::config {

// Returns the value of an environment variable, or nullopt when it is unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The real environment (getenv).
EnvLookup ProcessEnv();

// Replaces every ${NAME} in `text` with the variable's value and every `$$`
// with a single `$`; a `$` followed by anything else stays as it is. NAME is
// [A-Za-z_][A-Za-z0-9_]*. Values are inserted verbatim, never expanded again.
// Fails when a variable is unset (the message names it), on `${` without a
// closing `}` and on an invalid name. Error messages never contain `text`
// itself, which may be a password.
Result<std::string> ExpandEnv(std::string_view text, const EnvLookup& env);

}  // namespace memwatch::config
