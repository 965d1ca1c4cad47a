// A `password_file:` key's secret: the path resolved against the config
// file (ResolveConfigPath), the file read as one secret (ReadSecretFile);
// what fails is reported at the key. Shared by targets and sentinels.
#pragma once

#include <optional>
#include <string>

#include "config/yaml_walker.h"
#include "memwatch/secret.h"

namespace memwatch::config {

std::optional<Secret> ReadPasswordFile(Walker& w, const Located<std::string>& path);

}  // namespace memwatch::config
