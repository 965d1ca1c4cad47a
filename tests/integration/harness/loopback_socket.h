// Non-blocking TCP plumbing shared by the fake peers of the integration
// tests (FakeRespServer, FlakyProxy): a listener on 127.0.0.1 with a port
// the OS picks, and waits and writes that a stop eventfd cuts short.
#pragma once

#include <string_view>

namespace memwatch::testing {

// Returns a non-blocking listening socket on 127.0.0.1:0 and sets *port to
// the port it got. Throws std::runtime_error naming `who` if it cannot.
int ListenOnLoopback(const char* who, int* port);

// Waits until `fd` has `events` or `stop_fd` is readable; false when
// stopping (or on a poll error).
bool WaitForOrStop(int fd, short events, int stop_fd);

// Writes all of `bytes` to the non-blocking `fd`; false if the peer goes
// away or `stop_fd` becomes readable first.
bool SendAllOrStop(int fd, std::string_view bytes, int stop_fd);

}  // namespace memwatch::testing
