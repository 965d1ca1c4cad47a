#include "memwatch/poll_failure.h"

namespace memwatch {

std::string_view PollFailureName(PollFailure f) {
  switch (f) {
    case PollFailure::kNone:
      return "none";
    case PollFailure::kRefused:
      return "refused";
    case PollFailure::kTimeout:
      return "timeout";
    case PollFailure::kAuth:
      return "auth";
    case PollFailure::kProtocol:
      return "protocol";
    case PollFailure::kReplyTooLarge:
      return "reply_too_large";
    case PollFailure::kServerError:
      return "server_error";
    case PollFailure::kClosed:
      return "closed";
    case PollFailure::kResolve:
      return "resolve";
    case PollFailure::kTls:
      return "tls";
  }
  return "unknown";  // Unreachable for valid enum values.
}

}  // namespace memwatch
