// Turning secrets-bearing URLs into text that may appear in logs, error
// messages and metrics. A Slack webhook URL is a credential from its path
// on; userinfo is a password; a query may hold a token.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace memwatch::net {

// "https://user:pw@hooks.slack.com:443/services/T/B/x?y" -> "https://hooks.slack.com:443/…".
// Keeps only scheme, host and port; appends "/…" when anything followed.
// Returns "<invalid URL>" when there is no scheme://host.
std::string RedactUrl(std::string_view url);

// Replaces every occurrence of each non-empty secret (and, for URLs, of
// its path-and-query part) in `text` with "…". Defence in depth for texts
// that come from libraries, such as libcurl's error buffer.
std::string ScrubSecrets(std::string text, const std::vector<std::string_view>& secrets);

// True for "localhost" (any case), "127.x.x.x" and "::1" (with or without
// brackets): a server on this machine, where plain text does not cross a
// network. The config check and the SMTP client both ask this one function,
// so what the config accepts is what the client allows.
bool IsLoopbackHost(std::string_view host);

}  // namespace memwatch::net
