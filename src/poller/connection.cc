#include "poller/connection.h"

#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "poller/protocol.h"

namespace memwatch::poller {
namespace {

// Bytes read per wake-up before returning to the loop, so one target sending
// a large reply cannot starve the others (epoll is level-triggered: the rest
// is reported again at once).
constexpr size_t kMaxReadPerWakeup = size_t{256} * 1024;

// strerror's text without its shared buffer (the poller runs beside other
// threads).
std::string ErrnoText(int error) { return std::generic_category().message(error); }

PollFailure ConnectFailure(int error) {
  return error == ETIMEDOUT ? PollFailure::kTimeout : PollFailure::kRefused;
}

}  // namespace

Connection::Connection(EventLoop* loop, uint64_t tag, PollTarget target,
                       const PollerOptions& options)
    : loop_(loop),
      tag_(tag),
      target_(std::move(target)),
      timeout_(options.timeout),
      address_(FormatAddress(target_.endpoint)),
      reader_(options.max_reply_bytes) {}

bool Connection::busy() const {
  return state_ == State::kConnecting || state_ == State::kAuthenticating ||
         state_ == State::kAwaitingInfo;
}

std::optional<MonoTime> Connection::deadline() const {
  if (!busy()) return std::nullopt;
  return deadline_;
}

void Connection::Close() {
  if (fd_ >= 0) {
    loop_->Unwatch(fd_);
    close(fd_);
    fd_ = -1;
  }
  state_ = State::kClosed;
  watched_events_ = 0;
  addresses_.clear();
  out_.clear();
  out_offset_ = 0;
  if (reader_.buffered_bytes() > 0 || !reader_.error().empty()) reader_.Reset();
}

PollOutcome Connection::Fail(PollFailure failure, std::string message) {
  Close();
  return PollOutcome{failure, std::move(message), {}};
}

bool Connection::ClosedBeforeReply() const {
  return reused_ && state_ == State::kAwaitingInfo && reader_.buffered_bytes() == 0;
}

std::string Connection::Safe(std::string_view server_text) const {
  return SafeErrorText(server_text, target_.password);
}

std::optional<PollOutcome> Connection::StartPoll(MonoTime now) {
  if (state_ == State::kIdle) {
    reused_ = true;
    return SendInfo(now);
  }
  return Connect(now);
}

std::optional<PollOutcome> Connection::Connect(MonoTime now) {
  reused_ = false;
  Close();
  auto resolved = ResolveEndpoint(target_.endpoint);
  if (!resolved.ok()) return Fail(PollFailure::kResolve, resolved.status().message());
  addresses_ = std::move(resolved).value();
  next_address_ = 0;
  last_connect_errno_ = 0;
  multi_section_ = true;
  reader_.Reset();
  deadline_ = now + timeout_;  // one deadline for all of the host's addresses
  return ConnectNextAddress(now);
}

std::optional<PollOutcome> Connection::ConnectNextAddress(MonoTime now) {
  while (next_address_ < addresses_.size()) {
    const SocketAddress& address = addresses_[next_address_++];
    last_connect_address_ = address.text;
    ConnectStart start = StartConnect(address);
    if (start.fd < 0) {
      last_connect_errno_ = start.error;
      continue;
    }
    fd_ = start.fd;
    watched_events_ = start.in_progress ? EPOLLOUT : EPOLLIN;
    if (!loop_->Watch(fd_, watched_events_, tag_)) {
      last_connect_errno_ = errno;
      close(fd_);
      fd_ = -1;
      continue;
    }
    if (!start.in_progress) return OnConnected(now);
    state_ = State::kConnecting;
    return std::nullopt;
  }
  return Fail(ConnectFailure(last_connect_errno_),
              "connect to " + last_connect_address_ + ": " + ErrnoText(last_connect_errno_));
}

std::optional<PollOutcome> Connection::OnConnected(MonoTime now) {
  if (target_.password.has_value()) {
    return Send(AuthCommand(target_.username, *target_.password), State::kAuthenticating, now);
  }
  return SendInfo(now);
}

std::optional<PollOutcome> Connection::SendInfo(MonoTime now) {
  sent_multi_section_ = multi_section_;
  return Send(InfoCommand(multi_section_), State::kAwaitingInfo, now);
}

std::optional<PollOutcome> Connection::Send(std::string request, State next, MonoTime now) {
  out_ = std::move(request);
  out_offset_ = 0;
  state_ = next;
  deadline_ = now + timeout_;
  return Flush(now);
}

std::optional<PollOutcome> Connection::Flush(MonoTime now) {
  while (out_offset_ < out_.size()) {
    // MSG_NOSIGNAL: a peer that closed must give EPIPE, not kill us with SIGPIPE.
    const ssize_t n = send(fd_, out_.data() + out_offset_, out_.size() - out_offset_, MSG_NOSIGNAL);
    if (n > 0) {
      out_offset_ += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    } else {
      if (ClosedBeforeReply()) return Connect(now);
      return Fail(PollFailure::kClosed, "send to " + address_ + ": " + ErrnoText(errno));
    }
  }
  if (out_offset_ == out_.size()) {
    out_.clear();
    out_offset_ = 0;
  }
  WatchEvents();
  return std::nullopt;
}

void Connection::WatchEvents() {
  uint32_t wanted = EPOLLIN;
  if (state_ == State::kConnecting) wanted = EPOLLOUT;
  if (!out_.empty()) wanted |= EPOLLOUT;
  if (wanted != watched_events_ && loop_->Modify(fd_, wanted, tag_)) watched_events_ = wanted;
}

std::optional<PollOutcome> Connection::OnReady(uint32_t events, MonoTime now) {
  if (fd_ < 0) return std::nullopt;  // closed since the loop saw the event
  if (state_ == State::kConnecting) {
    const int error = TakeSocketError(fd_);
    if (error == 0) {
      state_ = State::kIdle;  // until OnConnected sends the first request
      return OnConnected(now);
    }
    last_connect_errno_ = error;
    loop_->Unwatch(fd_);
    close(fd_);
    fd_ = -1;
    return ConnectNextAddress(now);
  }
  if ((events & EPOLLOUT) && !out_.empty()) {
    if (auto outcome = Flush(now)) return outcome;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) return ReadAndParse(now);
  return std::nullopt;
}

std::optional<PollOutcome> Connection::ReadAndParse(MonoTime now) {
  char buffer[16 * 1024];
  size_t total = 0;
  bool eof = false;
  int read_errno = 0;
  while (total < kMaxReadPerWakeup) {
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n > 0) {
      total += static_cast<size_t>(n);
      if (!reader_.Feed({buffer, static_cast<size_t>(n)})) break;
    } else if (n == 0) {
      eof = true;
      break;
    } else if (errno == EINTR) {
      continue;
    } else {
      if (errno != EAGAIN && errno != EWOULDBLOCK) read_errno = errno;
      break;
    }
  }

  for (;;) {
    Reply reply;
    const ReplyReader::Outcome parsed = reader_.Next(&reply);
    if (parsed == ReplyReader::Outcome::kNeedMore) break;
    if (parsed == ReplyReader::Outcome::kTooLarge) {
      return Fail(PollFailure::kReplyTooLarge, "reply from " + address_ + " exceeds the limit of " +
                                                   std::to_string(reader_.max_reply_bytes()) +
                                                   " bytes");
    }
    if (parsed == ReplyReader::Outcome::kProtocolError) {
      return Fail(PollFailure::kProtocol,
                  "protocol error from " + address_ + ": " + Safe(reader_.error()));
    }
    if (!busy()) {
      // Nothing was asked: the stream is out of step. Start afresh next poll.
      Close();
      return std::nullopt;
    }
    if (auto outcome = OnReply(std::move(reply), now)) {
      // Bytes after INFO's reply or a closed socket: do not reuse it.
      if (eof || read_errno != 0 || reader_.buffered_bytes() > 0) Close();
      return outcome;
    }
  }

  if (eof || read_errno != 0) {
    if (!busy()) {
      Close();  // the server closed an idle connection (e.g. its `timeout`)
      return std::nullopt;
    }
    if (ClosedBeforeReply()) return Connect(now);
    const char* waiting_for = state_ == State::kAuthenticating ? "AUTH" : "INFO";
    std::string how = eof ? "closed the connection" : ErrnoText(read_errno);
    std::string message = address_ + " " + how + " while waiting for the " + waiting_for + " reply";
    if (reader_.buffered_bytes() > 0) {
      message += " (" + std::to_string(reader_.buffered_bytes()) + " bytes of it received)";
    }
    return Fail(PollFailure::kClosed, std::move(message));
  }
  return std::nullopt;
}

std::optional<PollOutcome> Connection::OnReply(Reply reply, MonoTime now) {
  if (state_ == State::kAuthenticating) {
    if (reply.type == Reply::Type::kStatus && reply.text == "OK") return SendInfo(now);
    if (reply.type == Reply::Type::kError) {
      return Fail(PollFailure::kAuth, "AUTH rejected by " + address_ + ": " + Safe(reply.text));
    }
    return Fail(PollFailure::kProtocol, "unexpected reply to AUTH from " + address_);
  }
  // State::kAwaitingInfo
  if (reply.type == Reply::Type::kError) return OnInfoError(reply.text, now);
  if (reply.type != Reply::Type::kString) {
    return Fail(PollFailure::kProtocol, "reply to INFO from " + address_ + " is not a bulk string");
  }
  if (!LooksLikeInfo(reply.text)) {
    return Fail(PollFailure::kProtocol, "reply to INFO from " + address_ + " is not INFO text");
  }
  state_ = State::kIdle;
  return PollOutcome{PollFailure::kNone, {}, std::move(reply.text)};
}

std::optional<PollOutcome> Connection::OnInfoError(const std::string& error, MonoTime now) {
  if (sent_multi_section_ && IsSectionSyntaxError(error)) {
    spdlog::debug("poller: target {} takes one INFO section at a time (Redis < 7): plain INFO",
                  target_.name);
    multi_section_ = false;
    return SendInfo(now);
  }
  if (IsAuthError(error)) {
    return Fail(PollFailure::kAuth, "INFO refused by " + address_ + ": " + Safe(error));
  }
  return Fail(PollFailure::kServerError, "INFO failed on " + address_ + ": " + Safe(error));
}

std::optional<PollOutcome> Connection::OnDeadline(MonoTime now) {
  if (!busy() || now < deadline_) return std::nullopt;
  const std::string limit = std::to_string(timeout_.count()) + " ms";
  switch (state_) {
    case State::kConnecting:
      return Fail(PollFailure::kTimeout,
                  "connect to " + last_connect_address_ + " timed out after " + limit);
    case State::kAuthenticating:
      return Fail(PollFailure::kTimeout, "no reply to AUTH from " + address_ + " within " + limit);
    default:
      return Fail(PollFailure::kTimeout, "no reply to INFO from " + address_ + " within " + limit);
  }
}

}  // namespace memwatch::poller
