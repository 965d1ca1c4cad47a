// Why a poll of one target failed: what the poller reports and the check
// engine, metrics and doctor read. A value type of its own, so the poller
// knows it without knowing the checks.
#pragma once

#include <cstddef>
#include <string_view>

namespace memwatch {

// Stable names (PollFailureName) are the `reason` label of
// redis_memwatch_poll_errors_total. Values are 0..kPollFailureCount-1, in
// this order; a new one goes last (before kPollFailureCount is updated).
enum class PollFailure {
  kNone,
  kRefused,        // connection refused / unreachable
  kTimeout,        // connect or reply did not arrive within `timeout`
  kAuth,           // wrong password, NOAUTH, WRONGPASS, NOPERM
  kProtocol,       // garbage, or a reply that is not what INFO returns
  kReplyTooLarge,  // more bytes than we accept for one reply
  kServerError,    // -ERR / -LOADING ... to INFO
  kClosed,         // the server closed the connection mid-request
  kResolve,        // host name did not resolve
  kTls,            // TLS handshake or session failed (certificate, name, protocol)
};

// The number of PollFailure values (kNone included), for arrays indexed by
// one. tests/unit/types checks that every value below it has a name and
// that no value at it does, so a value added without updating it fails.
inline constexpr size_t kPollFailureCount = static_cast<size_t>(PollFailure::kTls) + 1;

// "none", "refused", "timeout", ...; "unknown" for a value outside the enum.
std::string_view PollFailureName(PollFailure f);

}  // namespace memwatch
