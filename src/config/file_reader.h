// Reading the few small files the config names: the config itself, password
// and webhook URL files, and checking that a CA file is readable. The only
// I/O of the config module.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "memwatch/result.h"
#include "memwatch/secret.h"

namespace memwatch::config {

// Returns the whole content of the regular file at `path`. On failure the
// message is only the reason, for the caller to put after the file's name:
// strerror's text ("No such file or directory", "Is a directory",
// "Permission denied"), "not a regular file" (a FIFO would block), or
// "larger than N bytes". Never returns content in a message.
Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes);

// `path` as a file named in the config: a relative one is found next to the
// config file, not in whatever directory the daemon was started from.
std::string ResolveConfigPath(const std::string& path, const std::string& config_file);

// Reads a file that holds one secret (a password, a webhook URL): at most
// 64 KiB, trailing newlines (\n, \r\n) removed. Fails with "cannot read
// '<path>': <reason>" or "'<path>' is empty; expected <what>"; never with
// the content.
Result<Secret> ReadSecretFile(const std::string& path, std::string_view what);

// Ok iff `path` is a regular file this process can open for reading.
// Fails with "cannot read '<path>': <reason>", like ReadSecretFile.
Status CheckReadableFile(const std::string& path);

}  // namespace memwatch::config
