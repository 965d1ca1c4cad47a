// Where to connect: resolving an Endpoint to socket addresses, and starting a
// non-blocking connect to one of them. The only blocking call in the poller
// is getaddrinfo() for a host name (numeric addresses and unix paths never
// block); it runs on each (re)connect, so a DNS change is picked up, and it is
// rate-limited by the reconnect backoff.
#pragma once

#include <sys/socket.h>

#include <string>
#include <vector>

#include "memwatch/endpoint.h"
#include "memwatch/result.h"

namespace memwatch::poller {

struct SocketAddress {
  sockaddr_storage storage = {};
  socklen_t length = 0;
  std::string text;  // for messages: "127.0.0.1:6379", "[::1]:6379", "unix:/path"
};

// The addresses to try, in order (getaddrinfo's order for a host name).
// Fails with a message for people when the host does not resolve or the unix
// path does not fit in sockaddr_un.
Result<std::vector<SocketAddress>> ResolveEndpoint(const Endpoint& endpoint);

// A connect started on a fresh non-blocking, close-on-exec socket.
struct ConnectStart {
  int fd = -1;               // -1 when the connect failed at once
  bool in_progress = false;  // wait for writability, then TakeSocketError()
  int error = 0;             // errno when fd == -1
};
ConnectStart StartConnect(const SocketAddress& address);

// The pending error of a socket (SO_ERROR): 0 once a connect succeeded.
int TakeSocketError(int fd);

}  // namespace memwatch::poller
