// Where a discovered Redis node listens, as its peers announce it: the value
// the discovery parsers return and the app turns into an Endpoint.
#pragma once

#include <string>

namespace memwatch::discovery {

struct NodeAddress {
  std::string host;  // a name or an IP (IPv6 without brackets); empty for a node without one
  int port = 0;      // 0..65535; 0 for a node without an address
  bool operator==(const NodeAddress&) const = default;
  bool operator<(const NodeAddress& o) const {
    return host != o.host ? host < o.host : port < o.port;
  }
};

// "host:port", or "[host]:port" when host holds a ':' (IPv6). For logs.
std::string ToString(const NodeAddress& address);

}  // namespace memwatch::discovery
