// Why a network request got no answer, as the clients in this module
// report it. Kept apart from alerting's TransportError so that net depends
// on nothing; src/notify maps one to the other.
#pragma once

namespace memwatch::net {

enum class NetError {
  kNone,        // the server answered (see the status / reply code)
  kTimeout,     // the request's deadline passed
  kConnect,     // DNS, refused, unreachable, reset, connection lost
  kTls,         // TLS handshake or certificate verification failed
  kAuth,        // the server refused our credentials
  kBadRequest,  // refused before sending: bad URL, disallowed protocol, CR/LF in a header
  kOther,
};

}  // namespace memwatch::net
