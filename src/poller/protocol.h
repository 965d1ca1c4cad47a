// The few requests the poller sends and how it judges the answers. Pure
// functions of text, so every quirk of old Redis versions is unit-tested.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memwatch/endpoint.h"
#include "memwatch/secret.h"

namespace memwatch::poller {

// The sections one poll asks for (Redis >= 7 accepts several at once).
inline constexpr std::string_view kInfoSections[] = {
    "server", "clients", "memory", "persistence", "stats", "replication", "errorstats", "keyspace"};

// RESP encoding of a command (hiredis' redisFormatCommandArgv), binary-safe.
std::string FormatCommand(const std::vector<std::string_view>& argv);

// `AUTH user pass` with a username (Redis 6 ACL), `AUTH pass` without. The
// result holds the password: send it, never log it.
std::string AuthCommand(const std::optional<std::string>& username, const Secret& password);

// `INFO <kInfoSections...>` when `all_sections`, else a plain `INFO` (the
// default sections), for servers older than Redis 7.
std::string InfoCommand(bool all_sections);

// True iff `error` (an error reply without its '-') is how a Redis older than
// 7 refuses several INFO sections: "ERR syntax error" (2.8 .. 6.2) or
// "ERR wrong number of arguments for 'info' command" (older).
bool IsSectionSyntaxError(std::string_view error);

// True iff `error` says we are not allowed in: WRONGPASS, NOAUTH, NOPERM,
// "ERR invalid password", or AUTH sent to a server without a password.
bool IsAuthError(std::string_view error);

// True iff `text` starts the way every INFO reply does: a section header
// ("# Server") or a "field:value" line. Rejects the bulk string a proxy or a
// wrong service might send back.
bool LooksLikeInfo(std::string_view text);

// A server's error text made safe for a message: cut to `max_chars` and any
// occurrence of the password replaced by "<redacted>" (a proxy may echo it).
std::string SafeErrorText(std::string_view text, const std::optional<Secret>& password,
                          size_t max_chars = 200);

// How an endpoint is named in messages and logs: "10.0.0.1:6379",
// "[::1]:6379", "unix:/run/redis.sock". Never contains a secret.
std::string FormatAddress(const Endpoint& endpoint);

}  // namespace memwatch::poller
