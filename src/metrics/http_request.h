// The head of an HTTP/1.x request, as much of it as the metrics endpoint
// needs: method, path and version. Pure: bytes in, data out, no sockets, so
// unit tests and a fuzzer drive it directly. The input is untrusted (anyone
// who can reach the port); nothing here allocates more than its input.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace memwatch::metrics {

struct HttpRequestHead {
  std::string method;  // as sent: methods are case-sensitive (RFC 9110 9.1)
  // The path of the request target, without query or fragment: "/metrics"
  // for "/metrics?x=1" and for "http://host:9121/metrics"; "*" for "*".
  std::string path;
  int minor_version = 1;  // HTTP/1.0 or HTTP/1.1
};

// Where the head ends in `bytes` received so far: the offset just past the
// empty line that closes it ("\r\n\r\n", or "\n\n" and "\n\r\n", which
// RFC 9112 2.2 lets a server accept), or std::nullopt if it has not arrived.
std::optional<size_t> FindHeadEnd(std::string_view bytes);

// Parses the request line of a complete head (what FindHeadEnd delimits):
// "METHOD SP target SP HTTP/1.x", after at most a few empty lines (RFC 9112
// 2.2). Header fields are not looked at. Returns std::nullopt unless the
// method is a token, the target is origin-form ("/..."), absolute-form
// ("http[s]://authority/...") or "*" with no control characters or spaces,
// and the version is HTTP/1.0 or HTTP/1.1.
std::optional<HttpRequestHead> ParseRequestHead(std::string_view head);

}  // namespace memwatch::metrics
