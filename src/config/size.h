// Byte sizes as the config writes them: "4GiB", "512mb", "100 MiB", "4096".
#pragma once

#include <cstdint>
#include <string_view>

#include "memwatch/result.h"

namespace memwatch::config {

// Parses a size in bytes. A plain whole number is bytes. Units are
// case-insensitive and all binary (powers of 1024), whatever their spelling,
// because operators write "4g" and "4GiB" for the same container limit:
//   b; k kb ki kib; m mb mi mib; g gb gi gib; t tb ti tib.
// One space may separate number and unit. A fraction is allowed with a unit
// ("1.5GiB") and rounds down to whole bytes. Zero is returned as zero (the
// caller decides). Fails on a sign, an unknown unit and overflow of int64.
// The error text quotes the input, so never pass a secret.
Result<int64_t> ParseSize(std::string_view text);

}  // namespace memwatch::config
