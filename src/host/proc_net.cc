#include "host/proc_net.h"

#include <charconv>
#include <optional>
#include <vector>

#include "host/text_fields.h"

namespace memwatch::host {
namespace {

// Num RefCount Protocol Flags Type St Inode: the columns before Path.
constexpr size_t kUnixFieldsBeforePath = 7;

bool IsHex(std::string_view text) {
  return text.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

// The port of a local_address "HEX_IP:HEX_PORT" (the IP 8 hex digits for
// IPv4, 32 for IPv6), or nullopt when garbage.
std::optional<int64_t> HexPort(std::string_view address) {
  const size_t colon = address.find(':');
  if (colon != 8 && colon != 32) return std::nullopt;
  if (!IsHex(address.substr(0, colon))) return std::nullopt;
  const std::string_view hex = address.substr(colon + 1);
  if (hex.empty() || hex.size() > 4) return std::nullopt;
  unsigned port = 0;
  const char* end = hex.data() + hex.size();
  const auto [ptr, ec] = std::from_chars(hex.data(), end, port, 16);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return port;
}

// 0A is TCP_LISTEN; the kernel prints it upper case.
bool IsListenState(std::string_view st) {
  return st.size() == 2 && st[0] == '0' && (st[1] == 'A' || st[1] == 'a');
}

// The Path column of a net/unix line: everything after the seventh field
// and the single space the kernel prints before it, so a path with spaces
// stays whole. Empty when the socket has no path.
std::string_view UnixPath(std::string_view line) {
  size_t i = 0;
  for (size_t field = 0; field < kUnixFieldsBeforePath; ++field) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i == line.size()) return {};
    while (i < line.size() && line[i] != ' ') ++i;
  }
  if (i == line.size()) return {};
  return line.substr(i + 1);
}

}  // namespace

bool IsTcpListenerOn(std::string_view line, int64_t port) {
  const std::vector<std::string_view> fields = SplitFields(line);
  // sl local_address rem_address st ...
  return fields.size() >= 4 && IsListenState(fields[3]) && HexPort(fields[1]) == port;
}

bool IsUnixSocketAt(std::string_view line, std::string_view path) {
  return !path.empty() && UnixPath(line) == path;
}

}  // namespace memwatch::host
