// A value that must never reach a log, a metric, an error message or doctor
// output: passwords, webhook URLs, tokens. Printing it with fmt yields
// "<redacted>"; the plain text is reachable only through Reveal(), which the
// few places that send it over the wire call.
#pragma once

#include <string>
#include <utility>

#include <fmt/format.h>

namespace memwatch {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  bool empty() const { return value_.empty(); }
  const std::string& Reveal() const { return value_; }
  bool operator==(const Secret& other) const = default;

 private:
  std::string value_;
};

}  // namespace memwatch

template <>
struct fmt::formatter<memwatch::Secret> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const memwatch::Secret&, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format("<redacted>", ctx);
  }
};
