// Reading the few small files the config names: the config itself and
// password files. The only I/O of the config module.
#pragma once

#include <cstddef>
#include <string>

#include "memwatch/result.h"

namespace memwatch::config {

// Returns the whole content of the regular file at `path`. On failure the
// message is only the reason, for the caller to put after the file's name:
// strerror's text ("No such file or directory", "Is a directory",
// "Permission denied"), "not a regular file" (a FIFO would block), or
// "larger than N bytes". Never returns content in a message.
Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes);

}  // namespace memwatch::config
