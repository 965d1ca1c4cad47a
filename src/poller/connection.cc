#include "poller/connection.h"

#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <functional>
#include <string_view>
#include <system_error>

#include "memwatch/errno_text.h"
#include "poller/protocol.h"

namespace memwatch::poller {
namespace {

// Bytes read per wake-up before returning to the loop, so one target sending
// a large reply cannot starve the others (epoll is level-triggered: the rest
// is reported again at once).
constexpr size_t kMaxReadPerWakeup = size_t{256} * 1024;

PollFailure ConnectFailure(int error) {
  return error == ETIMEDOUT ? PollFailure::kTimeout : PollFailure::kRefused;
}

// Reads what `fd` has, at most kMaxReadPerWakeup bytes, handing each chunk
// to `sink` until it returns false. Sets *eof when the peer closed, *error
// on a failure other than "nothing more for now".
void ReadSocket(int fd, const std::function<bool(std::string_view)>& sink, bool* eof, int* error) {
  std::array<char, size_t{16} * 1024> buffer{};
  size_t total = 0;
  while (total < kMaxReadPerWakeup) {
    const ssize_t n = recv(fd, buffer.data(), buffer.size(), 0);
    if (n > 0) {
      total += static_cast<size_t>(n);
      if (!sink({buffer.data(), static_cast<size_t>(n)})) return;
    } else if (n == 0) {
      *eof = true;
      return;
    } else if (errno == EINTR) {
      continue;
    } else {
      if (errno != EAGAIN && errno != EWOULDBLOCK) *error = errno;
      return;
    }
  }
}

}  // namespace

Connection::Connection(EventLoop* loop, uint64_t tag, PollTarget target,
                       const PollerOptions& options, TlsContextCache* tls_contexts)
    : loop_(loop),
      tag_(tag),
      target_(std::move(target)),
      timeout_(options.timeout),
      address_(FormatAddress(target_.endpoint)),
      reader_(options.max_reply_bytes),
      tls_contexts_(tls_contexts) {}

bool Connection::busy() const {
  return state_ == State::kConnecting || state_ == State::kHandshaking ||
         state_ == State::kAuthenticating || state_ == State::kAwaitingInfo;
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
  tls_.reset();
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
    if (!start.in_progress) return OnTcpConnected(now);
    state_ = State::kConnecting;
    return std::nullopt;
  }
  return Fail(ConnectFailure(last_connect_errno_),
              "connect to " + last_connect_address_ + ": " + ErrnoText(last_connect_errno_));
}

std::optional<PollOutcome> Connection::OnTcpConnected(MonoTime now) {
  if (!target_.tls.has_value()) return OnConnected(now);
  // The cache loads the files again when one changed on disk: a rotated
  // certificate or key is used from the next connection on.
  Result<std::shared_ptr<const TlsContext>> context = tls_contexts_->Get(*target_.tls);
  if (!context.ok()) return Fail(PollFailure::kTls, context.status().message());
  Result<std::unique_ptr<TlsSession>> session =
      TlsSession::Create(std::move(context).value(), target_.endpoint.host);
  if (!session.ok()) return Fail(PollFailure::kTls, session.status().message());
  tls_ = std::move(session).value();
  state_ = State::kHandshaking;
  deadline_ = now + timeout_;
  return DriveHandshake(now);
}

std::optional<PollOutcome> Connection::ContinueHandshake(MonoTime now) {
  bool eof = false;
  int read_errno = 0;
  ReadSocket(
      fd_,
      [&](std::string_view chunk) {
        tls_->Feed(chunk);
        return true;
      },
      &eof, &read_errno);
  if (std::optional<PollOutcome> outcome = DriveHandshake(now)) return outcome;
  if (state_ != State::kHandshaking) return std::nullopt;
  if (eof || read_errno == ECONNRESET) return ClosedDuringHandshake();
  if (read_errno != 0) {
    return Fail(PollFailure::kClosed,
                address_ + " during the TLS handshake: " + ErrnoText(read_errno));
  }
  return std::nullopt;
}

// A close and a reset are the same news here (which one the peer's close
// gives depends on whether our ClientHello had arrived): the port does not
// speak TLS, or not the way we asked.
std::optional<PollOutcome> Connection::ClosedDuringHandshake() {
  return Fail(PollFailure::kTls,
              address_ +
                  " closed the connection during the TLS handshake: is this a TLS port (a "
                  "plain one takes redis://), and does it accept this TLS version and "
                  "certificate?");
}

std::optional<PollOutcome> Connection::DriveHandshake(MonoTime now) {
  const TlsSession::Step status = tls_->Handshake();
  out_.erase(0, out_offset_);
  out_offset_ = 0;
  tls_->TakeOutput(&out_);
  if (status == TlsSession::Step::kError || status == TlsSession::Step::kClosed) {
    return Fail(PollFailure::kTls, address_ + ": " + tls_->error());
  }
  if (status == TlsSession::Step::kDone) {
    tls_not_after_ = tls_->PeerNotAfter();
    state_ = State::kIdle;  // until OnConnected sends the first request
    return OnConnected(now);
  }
  return Flush(now);
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

std::optional<PollOutcome> Connection::Send(const std::string& request, State next, MonoTime now) {
  // Bytes still queued (the end of a TLS handshake) go first.
  out_.erase(0, out_offset_);
  out_offset_ = 0;
  if (tls_) {
    if (!tls_->Write(request)) return Fail(PollFailure::kTls, address_ + ": " + tls_->error());
    tls_->TakeOutput(&out_);
  } else {
    out_ += request;
  }
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
      if (state_ == State::kHandshaking && (errno == EPIPE || errno == ECONNRESET)) {
        return ClosedDuringHandshake();
      }
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
      return OnTcpConnected(now);
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
  if (state_ == State::kHandshaking) {
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) return ContinueHandshake(now);
    return std::nullopt;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) return ReadAndParse(now);
  return std::nullopt;
}

std::optional<PollOutcome> Connection::ReadAndParse(MonoTime now) {
  bool eof = false;
  int read_errno = 0;
  ReadSocket(
      fd_,
      [&](std::string_view chunk) {
        if (!tls_) return reader_.Feed(chunk);
        tls_->Feed(chunk);
        return true;
      },
      &eof, &read_errno);
  if (tls_) {
    // Decrypt all of it now: bytes left inside OpenSSL would not wake epoll.
    std::string plaintext;
    const TlsSession::Step status = tls_->Read(&plaintext);
    if (status == TlsSession::Step::kError) {
      return Fail(PollFailure::kTls, address_ + ": " + tls_->error());
    }
    if (status == TlsSession::Step::kClosed) eof = true;
    if (!plaintext.empty()) (void)reader_.Feed(plaintext);
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
    } else if ((eof || read_errno == ECONNRESET) && !reused_ && !tls_) {
      // A TLS port drops a plain-text request without a word.
      message += ": is this a TLS port? use rediss://";
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
  if (state_ == State::kAuthenticating || state_ == State::kAwaitingInfo) {
    // The loop can run late (a loaded host, a slow round of other targets):
    // a reply that is in the socket by now was not late and is taken.
    if (auto outcome = ReadAndParse(now)) return outcome;
    if (!busy() || now < deadline_) return std::nullopt;  // e.g. AUTH answered, INFO sent
  }
  const std::string limit = std::to_string(timeout_.count()) + " ms";
  switch (state_) {
    case State::kConnecting:
      return Fail(PollFailure::kTimeout,
                  "connect to " + last_connect_address_ + " timed out after " + limit);
    case State::kHandshaking:
      return Fail(PollFailure::kTimeout, "no TLS handshake from " + address_ + " within " + limit +
                                             ": is this a TLS port?");
    case State::kAuthenticating:
      return Fail(PollFailure::kTimeout, "no reply to AUTH from " + address_ + " within " + limit);
    default:
      return Fail(PollFailure::kTimeout, "no reply to INFO from " + address_ + " within " + limit);
  }
}

}  // namespace memwatch::poller
