// Small helpers shared by the text parsers of this module: splitting on a
// byte and reading bounded decimal numbers without locale or exceptions.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace memwatch::discovery {

// The pieces of `s` between the bytes `sep`; runs of `sep` give empty pieces
// unless skip_empty. At most max_pieces pieces: the last holds the rest.
std::vector<std::string_view> Split(std::string_view s, char sep, bool skip_empty,
                                    size_t max_pieces = static_cast<size_t>(-1));

// The value of a decimal number of 1..18 digits (an optional leading '-'
// when allow_negative), or nullopt.
std::optional<long long> ParseDecimal(std::string_view s, bool allow_negative = false);

// A TCP port 0..65535, or nullopt.
std::optional<int> ParsePort(std::string_view s);

}  // namespace memwatch::discovery
