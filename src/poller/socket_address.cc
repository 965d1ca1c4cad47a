#include "poller/socket_address.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "poller/protocol.h"

namespace memwatch::poller {

Result<std::vector<SocketAddress>> ResolveEndpoint(const Endpoint& endpoint) {
  std::vector<SocketAddress> addresses;
  if (endpoint.kind == Endpoint::Kind::kUnix) {
    SocketAddress address;
    auto* un = reinterpret_cast<sockaddr_un*>(&address.storage);
    if (endpoint.path.empty() || endpoint.path.size() >= sizeof(un->sun_path)) {
      return Status::Error("unix socket path is empty or longer than " +
                           std::to_string(sizeof(un->sun_path) - 1) + " bytes");
    }
    un->sun_family = AF_UNIX;
    std::memcpy(un->sun_path, endpoint.path.data(), endpoint.path.size());
    address.length =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + endpoint.path.size() + 1);
    address.text = FormatAddress(endpoint);
    addresses.push_back(address);
    return addresses;
  }

  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(endpoint.port);
  const int rc = getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    return Status::Error("cannot resolve " + FormatAddress(endpoint) + ": " + gai_strerror(rc));
  }
  for (const addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
    SocketAddress address;
    std::memcpy(&address.storage, ai->ai_addr, ai->ai_addrlen);
    address.length = ai->ai_addrlen;
    char host[NI_MAXHOST] = "";
    getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), nullptr, 0, NI_NUMERICHOST);
    Endpoint numeric = endpoint;
    numeric.host = host;
    address.text = FormatAddress(numeric);
    addresses.push_back(address);
  }
  freeaddrinfo(found);
  if (addresses.empty()) return Status::Error("no address for " + FormatAddress(endpoint));
  return addresses;
}

ConnectStart StartConnect(const SocketAddress& address) {
  ConnectStart start;
  const int family = address.storage.ss_family;
  const int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    start.error = errno;
    return start;
  }
  if (family == AF_INET || family == AF_INET6) {
    // INFO is one small request: send it now, not after Nagle's delay.
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) == 0) {
    start.fd = fd;
    return start;
  }
  if (errno == EINPROGRESS) {
    start.fd = fd;
    start.in_progress = true;
    return start;
  }
  // Includes EAGAIN on a unix socket whose listen backlog is full: it cannot
  // be waited for, so it counts as refused.
  start.error = errno;
  close(fd);
  return start;
}

int TakeSocketError(int fd) {
  int error = 0;
  socklen_t length = sizeof(error);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
  return error;
}

}  // namespace memwatch::poller
