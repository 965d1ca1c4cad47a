// strerror's text for an errno value, without strerror's shared buffer
// (safe on any thread).
#pragma once

#include <string>
#include <system_error>

namespace memwatch {

inline std::string ErrnoText(int error) { return std::generic_category().message(error); }

}  // namespace memwatch
