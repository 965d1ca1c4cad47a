// One poll of one target, as the check engine sees it.
#pragma once

#include <chrono>
#include <string>

#include "memwatch/clock.h"
#include "memwatch/snapshot.h"

namespace memwatch::checks {

// Why a poll failed. Stable names (PollFailureName) are the `reason` label of
// redis_memwatch_poll_errors_total.
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
};

std::string_view PollFailureName(PollFailure f);

struct Observation {
  MonoTime at;
  PollFailure failure = PollFailure::kNone;
  std::string failure_message;  // for people; never contains a secret
  std::chrono::microseconds probe_duration{0};
  const Snapshot* snapshot = nullptr;  // set iff failure == kNone
};

}  // namespace memwatch::checks
