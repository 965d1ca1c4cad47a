// Splitting the line-oriented text of /proc files into lines and fields,
// and reading numbers from them without trusting the text: every parser in
// this module goes through these, so garbage becomes "no value", never a
// crash.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace memwatch::host {

// The lines of `text`, without their '\n'; a last line without one counts.
std::vector<std::string_view> SplitLines(std::string_view text);

// The fields of `line` separated by runs of spaces and tabs; none when blank.
std::vector<std::string_view> SplitFields(std::string_view line);

// `text` split at every `separator`, empty pieces kept ("a,,b" is 3 pieces).
std::vector<std::string_view> SplitAt(std::string_view text, char separator);

// A whole decimal number with no sign, spaces or trailing text; nullopt
// otherwise or when it does not fit in int64_t.
std::optional<int64_t> ParseDecimal(std::string_view text);

// Like ParseDecimal for uint64_t (cgroup v1 limits reach 2^64 - 1 on some
// kernels).
std::optional<uint64_t> ParseUnsignedDecimal(std::string_view text);

// `text` without leading and trailing spaces, tabs, '\r' and '\n'.
std::string_view TrimSpace(std::string_view text);

}  // namespace memwatch::host
