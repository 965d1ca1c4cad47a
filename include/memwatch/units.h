// Byte units, for sizes in settings, advice and messages.
#pragma once

#include <cstdint>

namespace memwatch {

constexpr int64_t kKiB = 1024;
constexpr int64_t kMiB = 1024 * kKiB;
constexpr int64_t kGiB = 1024 * kMiB;

}  // namespace memwatch
