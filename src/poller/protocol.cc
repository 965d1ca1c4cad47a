#include "poller/protocol.h"

#include <hiredis/hiredis.h>

#include <cstdlib>

namespace memwatch::poller {
namespace {

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string FormatCommand(const std::vector<std::string_view>& argv) {
  std::vector<const char*> args;
  std::vector<size_t> lengths;
  args.reserve(argv.size());
  lengths.reserve(argv.size());
  for (std::string_view arg : argv) {
    args.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  char* command = nullptr;
  const int length =
      redisFormatCommandArgv(&command, static_cast<int>(argv.size()), args.data(), lengths.data());
  if (length < 0) std::abort();  // hiredis fails only when out of memory
  std::string result(command, static_cast<size_t>(length));
  redisFreeCommand(command);
  return result;
}

std::string AuthCommand(const std::optional<std::string>& username, const Secret& password) {
  if (username.has_value()) return FormatCommand({"AUTH", *username, password.Reveal()});
  return FormatCommand({"AUTH", password.Reveal()});
}

std::string InfoCommand(bool all_sections) {
  std::vector<std::string_view> argv = {"INFO"};
  if (all_sections) argv.insert(argv.end(), std::begin(kInfoSections), std::end(kInfoSections));
  return FormatCommand(argv);
}

bool IsSectionSyntaxError(std::string_view error) {
  return StartsWith(error, "ERR syntax error") ||
         (StartsWith(error, "ERR wrong number of arguments") &&
          error.find("info") != std::string_view::npos);
}

bool IsAuthError(std::string_view error) {
  return StartsWith(error, "WRONGPASS") || StartsWith(error, "NOAUTH") ||
         StartsWith(error, "NOPERM") || StartsWith(error, "ERR invalid password") ||
         StartsWith(error, "ERR invalid username-password pair") ||
         // AUTH sent to a server that has no password (Redis 6+, then older).
         StartsWith(error, "ERR AUTH <password> called without any password") ||
         StartsWith(error, "ERR Client sent AUTH, but no password is set");
}

bool LooksLikeInfo(std::string_view text) {
  const std::string_view first_line = text.substr(0, text.find_first_of("\r\n"));
  if (StartsWith(first_line, "# ")) return first_line.size() > 2;
  const size_t colon = first_line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (char c : first_line.substr(0, colon)) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
    if (!word) return false;
  }
  return true;
}

std::string SafeErrorText(std::string_view text, const std::optional<Secret>& password,
                          size_t max_chars) {
  std::string safe(text);
  if (password.has_value() && !password->empty()) {
    const std::string& secret = password->Reveal();
    for (size_t at = safe.find(secret); at != std::string::npos; at = safe.find(secret, at)) {
      safe.replace(at, secret.size(), "<redacted>");
      at += std::string_view("<redacted>").size();
    }
  }
  if (safe.size() > max_chars) {
    safe.resize(max_chars);
    safe += "...";
  }
  for (char& c : safe) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return safe;
}

std::string FormatAddress(const Endpoint& endpoint) {
  if (endpoint.kind == Endpoint::Kind::kUnix) return "unix:" + endpoint.path;
  const std::string port = std::to_string(endpoint.port);
  if (endpoint.host.find(':') != std::string::npos) return "[" + endpoint.host + "]:" + port;
  return endpoint.host + ":" + port;
}

}  // namespace memwatch::poller
