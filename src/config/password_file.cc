#include "config/password_file.h"

#include <utility>

#include "config/file_reader.h"

namespace memwatch::config {

std::optional<Secret> ReadPasswordFile(Walker& w, const Located<std::string>& path) {
  Result<Secret> secret = ReadSecretFile(ResolveConfigPath(path.value, w.file()), "a password");
  if (!secret.ok()) {
    w.Error(path.at, secret.status().message());
    return std::nullopt;
  }
  return std::move(secret).value();
}

}  // namespace memwatch::config
