#include "poller/command_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <system_error>
#include <utility>

#include "memwatch/errno_text.h"
#include "poller/protocol.h"
#include "poller/socket_address.h"

namespace memwatch::poller {
namespace {

constexpr size_t kReadChunk = size_t{16} * 1024;

// poll(2)'s type for event masks.
using PollEvents = decltype(pollfd::events);

std::string Progress(size_t received, size_t count) {
  // Receive's open count (subscription messages).
  if (count == SIZE_MAX) return "(" + std::to_string(received) + " messages received)";
  return "(" + std::to_string(received) + " of " + std::to_string(count) + " replies received)";
}

}  // namespace

CommandClient::CommandClient(PollTarget target, CommandClientOptions options, const Clock& clock)
    : target_(std::move(target)),
      options_(options),
      clock_(clock),
      address_(FormatAddress(target_.endpoint)),
      reader_(options.max_reply_bytes, options.arrays) {}

CommandClient::~CommandClient() { Close(); }

void CommandClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  tls_.reset();
  out_.clear();
  reader_.Reset();
}

Status CommandClient::Fail(std::string message) {
  Close();
  return Status::Error(std::move(message));
}

std::string CommandClient::Safe(std::string_view server_text) const {
  return SafeErrorText(server_text, target_.password);
}

CommandClient::Wait CommandClient::WaitFor(int events, MonoTime deadline, int* revents) {
  for (;;) {
    const MonoTime now = clock_.Now();
    if (now >= deadline) return Wait::kTimeout;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
    pollfd entry{fd_, static_cast<PollEvents>(events), 0};
    const int n = poll(&entry, 1, static_cast<int>(std::min<int64_t>(left, INT_MAX)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Wait::kFailed;
    // The time the clock said was left has passed.
    if (n == 0) return Wait::kTimeout;
    *revents = entry.revents;
    return Wait::kReady;
  }
}

Status CommandClient::Connect(MonoTime deadline) {
  if (fd_ >= 0) return Status::Ok();
  if (clock_.Now() >= deadline) {
    return Status::Error("connect to " + address_ + ": the deadline passed before it began");
  }
  Status connected = ConnectTo(deadline);
  if (!connected.ok()) return connected;
  if (target_.tls.has_value()) {
    if (Status s = Handshake(deadline); !s.ok()) return s;
  }
  return Authenticate(deadline);
}

Status CommandClient::ConnectTo(MonoTime deadline) {
  Result<std::vector<SocketAddress>> resolved = ResolveEndpoint(target_.endpoint);
  if (!resolved.ok()) return resolved.status();
  int last_error = 0;
  std::string last_address = address_;
  for (const SocketAddress& address : resolved.value()) {
    last_address = address.text;
    const ConnectStart start = StartConnect(address);
    if (start.fd < 0) {
      last_error = start.error;
      continue;
    }
    fd_ = start.fd;
    if (!start.in_progress) return Status::Ok();
    int revents = 0;
    const Wait wait = WaitFor(POLLOUT, deadline, &revents);
    if (wait == Wait::kTimeout) return Fail("connect to " + address.text + " timed out");
    const int error = wait == Wait::kFailed ? errno : TakeSocketError(fd_);
    if (error == 0) return Status::Ok();
    last_error = error;
    Close();
  }
  return Status::Error("connect to " + last_address + ": " + ErrnoText(last_error));
}

Status CommandClient::Handshake(MonoTime deadline) {
  // The cache loads the files again when one changed on disk: a rotated
  // certificate or key is used from the next connection on.
  Result<std::shared_ptr<const TlsContext>> context = tls_contexts_.Get(*target_.tls);
  if (!context.ok()) return Fail(context.status().message());
  Result<std::unique_ptr<TlsSession>> session =
      TlsSession::Create(std::move(context).value(), target_.endpoint.host);
  if (!session.ok()) return Fail(session.status().message());
  tls_ = std::move(session).value();
  for (;;) {
    const TlsSession::Step step = tls_->Handshake();
    tls_->TakeOutput(&out_);
    if (step == TlsSession::Step::kError || step == TlsSession::Step::kClosed) {
      return Fail(address_ + ": " + tls_->error());
    }
    while (!out_.empty()) {
      int revents = 0;
      const Wait wait = WaitFor(POLLOUT, deadline, &revents);
      if (wait == Wait::kTimeout) return Fail("no TLS handshake from " + address_ + " in time");
      if (wait == Wait::kFailed) return Fail("poll on " + address_ + ": " + ErrnoText(errno));
      if (Status s = SendSome(); !s.ok()) return s;
    }
    if (step == TlsSession::Step::kDone) {
      tls_not_after_ = tls_->PeerNotAfter();
      return Status::Ok();
    }
    int revents = 0;
    const Wait wait = WaitFor(POLLIN, deadline, &revents);
    if (wait == Wait::kTimeout) {
      return Fail("no TLS handshake from " + address_ + " in time: is this a TLS port?");
    }
    if (wait == Wait::kFailed) return Fail("poll on " + address_ + ": " + ErrnoText(errno));
    std::array<char, kReadChunk> buffer{};
    const ssize_t n = recv(fd_, buffer.data(), buffer.size(), 0);
    if (n > 0) {
      tls_->Feed({buffer.data(), static_cast<size_t>(n)});
    } else if (n == 0 || errno == ECONNRESET) {
      return Fail(address_ +
                  " closed the connection during the TLS handshake: is this a TLS port, and does "
                  "it accept this TLS version and certificate?");
    } else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      return Fail(address_ + " during the TLS handshake: " + ErrnoText(errno));
    }
  }
}

Status CommandClient::Authenticate(MonoTime deadline) {
  if (!target_.password.has_value()) return Status::Ok();
  std::vector<Reply> replies;
  Status exchanged =
      Exchange(AuthCommand(target_.username, *target_.password), 1, deadline, "AUTH", &replies);
  if (!exchanged.ok()) return exchanged;
  const Reply& reply = replies.front();
  if (reply.type == Reply::Type::kStatus && reply.text == "OK") return Status::Ok();
  if (reply.type == Reply::Type::kError) {
    return Fail("AUTH rejected by " + address_ + ": " + Safe(reply.text));
  }
  return Fail("unexpected reply to AUTH from " + address_);
}

Result<std::vector<Reply>> CommandClient::Pipeline(
    const std::vector<std::vector<std::string>>& commands, MonoTime deadline) {
  if (commands.empty()) return std::vector<Reply>{};
  std::string request;
  for (const std::vector<std::string>& command : commands) {
    request += FormatCommand(std::vector<std::string_view>(command.begin(), command.end()));
  }
  const bool reused = fd_ >= 0;
  for (int attempt = 0;; ++attempt) {
    if (Status connected = Connect(deadline); !connected.ok()) return connected;
    std::vector<Reply> replies;
    Status exchanged = Exchange(request, commands.size(), deadline, "a reply", &replies);
    if (exchanged.ok()) return replies;
    // A kept connection the server closed while it was idle: once more,
    // on a fresh one.
    if (!(reused && attempt == 0 && closed_before_reply_)) return exchanged;
  }
}

Status CommandClient::Send(const std::vector<std::string>& command, MonoTime deadline) {
  if (Status connected = Connect(deadline); !connected.ok()) return connected;
  const std::string request =
      FormatCommand(std::vector<std::string_view>(command.begin(), command.end()));
  if (tls_) {
    if (!tls_->Write(request)) return Fail(address_ + ": " + tls_->error());
    tls_->TakeOutput(&out_);
  } else {
    out_.append(request);
  }
  while (!out_.empty()) {
    int revents = 0;
    const Wait wait = WaitFor(POLLOUT, deadline, &revents);
    if (wait == Wait::kTimeout) return Fail("timed out sending to " + address_);
    if (wait == Wait::kFailed) return Fail("poll on " + address_ + ": " + ErrnoText(errno));
    if (Status s = SendSome(); !s.ok()) return s;
  }
  return Status::Ok();
}

Result<std::vector<Reply>> CommandClient::Receive(MonoTime deadline) {
  if (fd_ < 0) return Status::Error("not connected to " + address_);
  std::vector<Reply> replies;
  // No count: as many messages as arrive (SIZE_MAX is never reached).
  constexpr size_t kAny = SIZE_MAX;
  while (replies.empty()) {
    int revents = 0;
    const Wait wait = WaitFor(POLLIN, deadline, &revents);
    if (wait == Wait::kTimeout) break;
    if (wait == Wait::kFailed) return Fail("poll on " + address_ + ": " + ErrnoText(errno));
    if (Status s = ReceiveSome(kAny, "a message", &replies); !s.ok()) return s;
  }
  return replies;
}

Status CommandClient::Exchange(std::string_view request, size_t count, MonoTime deadline,
                               const char* what, std::vector<Reply>* replies) {
  closed_before_reply_ = false;
  replies->reserve(count);
  if (tls_) {
    if (!tls_->Write(request)) return Fail(address_ + ": " + tls_->error());
    tls_->TakeOutput(&out_);
  } else {
    out_.append(request);
  }
  while (replies->size() < count) {
    int revents = 0;
    const Wait wait = WaitFor(out_.empty() ? POLLIN : POLLIN | POLLOUT, deadline, &revents);
    if (wait == Wait::kTimeout) {
      return Fail(std::string("timed out waiting for ") + what + " from " + address_ + " " +
                  Progress(replies->size(), count));
    }
    if (wait == Wait::kFailed) return Fail("poll on " + address_ + ": " + ErrnoText(errno));
    if ((revents & POLLOUT) != 0 && !out_.empty()) {
      if (Status s = SendSome(); !s.ok()) {
        closed_before_reply_ = closed_before_reply_ && replies->empty();
        return s;
      }
    }
    if ((revents & (POLLIN | POLLERR | POLLHUP)) != 0) {
      if (Status s = ReceiveSome(count, what, replies); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

Status CommandClient::SendSome() {
  while (!out_.empty()) {
    // MSG_NOSIGNAL: a peer that closed must give EPIPE, not kill us with SIGPIPE.
    const ssize_t n = send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL);
    if (n > 0) {
      out_.erase(0, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return Status::Ok();
    } else {
      const int error = errno;
      closed_before_reply_ =
          (error == EPIPE || error == ECONNRESET) && reader_.buffered_bytes() == 0;
      return Fail("send to " + address_ + ": " + ErrnoText(error));
    }
  }
  return Status::Ok();
}

Status CommandClient::ReceiveSome(size_t count, const char* what, std::vector<Reply>* replies) {
  std::array<char, kReadChunk> buffer{};
  const ssize_t n = recv(fd_, buffer.data(), buffer.size(), 0);
  if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) return Status::Ok();
  bool eof = n == 0;
  const int read_error = n < 0 ? errno : 0;
  if (n > 0) {
    std::string_view bytes{buffer.data(), static_cast<size_t>(n)};
    std::string plaintext;
    if (tls_) {
      tls_->Feed(bytes);
      // Decrypt all of it now: bytes left inside OpenSSL would not wake poll.
      const TlsSession::Step step = tls_->Read(&plaintext);
      if (step == TlsSession::Step::kError) return Fail(address_ + ": " + tls_->error());
      if (step == TlsSession::Step::kClosed) eof = true;
      bytes = plaintext;
    }
    if (Status s = FeedReader(bytes, count, what, replies); !s.ok()) return s;
  }
  if ((eof || read_error != 0) && replies->size() < count) {
    closed_before_reply_ =
        replies->empty() && reader_.buffered_bytes() == 0 && (eof || read_error == ECONNRESET);
    std::string how = eof ? "closed the connection" : ErrnoText(read_error);
    return Fail(address_ + " " + how + " while we waited for " + what + " " +
                Progress(replies->size(), count));
  }
  return Status::Ok();
}

Status CommandClient::FeedReader(std::string_view bytes, size_t count, const char* what,
                                 std::vector<Reply>* replies) {
  while (!bytes.empty()) {
    // No more than the cap leaves room for, so that the cap counts the
    // reply being read, not the replies behind it in the same chunk.
    const size_t room = reader_.max_reply_bytes() - reader_.buffered_bytes();
    const std::string_view slice = bytes.substr(0, std::max<size_t>(room, 1));
    bytes.remove_prefix(slice.size());
    const bool fed = reader_.Feed(slice);
    for (;;) {
      Reply reply;
      const ReplyReader::Outcome outcome = reader_.Next(&reply);
      if (outcome == ReplyReader::Outcome::kNeedMore) break;
      if (outcome == ReplyReader::Outcome::kTooLarge) {
        const std::string why =
            reader_.error().empty()
                ? "exceeds the limit of " + std::to_string(reader_.max_reply_bytes()) + " bytes"
                : reader_.error();
        return Fail(std::string{what} + " from " + address_ + " is too large: " + why + " " +
                    Progress(replies->size(), count));
      }
      if (outcome == ReplyReader::Outcome::kProtocolError) {
        return Fail("protocol error from " + address_ + ": " + Safe(reader_.error()));
      }
      if (replies->size() == count) {
        return Fail("protocol error from " + address_ + ": more replies than commands");
      }
      replies->push_back(std::move(reply));
    }
    if (!fed) {
      // Only a failed reader refuses bytes, and Next() reported it above.
      return Fail("protocol error from " + address_ + ": " + Safe(reader_.error()));
    }
  }
  if (replies->size() == count && reader_.buffered_bytes() > 0) {
    return Fail("protocol error from " + address_ + ": bytes after the last reply");
  }
  return Status::Ok();
}

}  // namespace memwatch::poller
