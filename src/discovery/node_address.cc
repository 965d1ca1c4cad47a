#include "discovery/node_address.h"

#include <string>

namespace memwatch::discovery {

std::string ToString(const NodeAddress& address) {
  const bool v6 = address.host.find(':') != std::string::npos;
  return (v6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

}  // namespace memwatch::discovery
