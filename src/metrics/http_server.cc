#include "metrics/http_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "memwatch/escape_html.h"
#include "metrics/http_request.h"
#include "metrics/status_page.h"

namespace memwatch::metrics {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kListenBacklog = 128;
// Accepts per turn of the loop, so a flood of connections cannot starve the
// heads already arriving.
constexpr int kMaxAcceptsPerTurn = 64;
// When accept() fails for want of descriptors or memory, the listener is
// left alone this long (connections wait in the kernel's backlog) instead
// of being polled, and failing, in a busy loop.
constexpr std::chrono::milliseconds kAcceptBackoff{100};

// Milliseconds from now until `deadline` for poll(): 0 once it has passed,
// rounded up so that a wake-up is never early.
int MillisUntil(Clock::time_point deadline) {
  const auto left = deadline - Clock::now();
  if (left <= Clock::duration::zero()) return 0;
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
}

// Reads and drops what the client sent beyond its head (a body, a second
// request), so that close() sends a FIN and not a reset, which could destroy
// the response before the client has read it. Never waits.
void DrainInput(int fd) {
  char scratch[4096];
  for (int i = 0; i < 16; ++i) {
    const ssize_t n = recv(fd, scratch, sizeof scratch, MSG_DONTWAIT);
    if (n <= 0) return;
  }
}

// Closes after a complete response.
void CloseGracefully(int fd) {
  DrainInput(fd);
  close(fd);
}

// Closes with a TCP reset: the client sees an error instead of the end of a
// body that was cut short, which a body delimited by the close (no
// Content-Length: it is streamed) could not otherwise tell apart.
void CloseWithReset(int fd) {
  const linger abort_on_close{1, 0};
  (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  close(fd);
}

// Sends all of `bytes` on the non-blocking `fd` before `deadline`. False when
// the client went away, did not take the bytes in time, or `stop_fd` became
// readable (the server is stopping). `more` holds a partial last segment
// back for what follows (MSG_MORE): the head and the body leave in full
// segments, and the tail goes out with the FIN.
bool SendBefore(int fd, std::string_view bytes, Clock::time_point deadline, int stop_fd,
                bool more) {
  const int flags = MSG_NOSIGNAL | MSG_DONTWAIT | (more ? MSG_MORE : 0);
  while (!bytes.empty()) {
    const ssize_t n = send(fd, bytes.data(), bytes.size(), flags);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
    const int wait_ms = MillisUntil(deadline);
    if (wait_ms == 0) return false;
    pollfd fds[2] = {{fd, POLLOUT, 0}, {stop_fd, POLLIN, 0}};
    const int ready = poll(fds, 2, wait_ms);
    if (ready < 0 && errno != EINTR) return false;
    if (fds[1].revents != 0) return false;
    if ((fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) return false;
  }
  return true;
}

// A whole response with a known body, sent at once (a few hundred bytes:
// they fit in the empty send buffer of a new connection), then closed.
void Reply(int fd, bool head_only, std::string_view status, std::string_view content_type,
           std::string_view body, std::string_view extra_headers = "") {
  std::string out = fmt::format(
      "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{}Connection: close\r\n\r\n",
      status, content_type, body.size(), extra_headers);
  if (!head_only) out.append(body);
  (void)send(fd, out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  CloseGracefully(fd);
}

constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
constexpr std::string_view kMetricsHead =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
    "Connection: close\r\n\r\n";

// Splits "host:port" or "[v6]:port" (what the config loader accepts).
bool SplitListen(std::string_view listen, std::string* host, std::string* port) {
  size_t colon = std::string_view::npos;
  if (listen.starts_with('[')) {
    const size_t close_bracket = listen.find(']');
    if (close_bracket == std::string_view::npos) return false;
    *host = std::string(listen.substr(1, close_bracket - 1));
    colon = close_bracket + 1;
    if (colon >= listen.size() || listen[colon] != ':') return false;
  } else {
    colon = listen.rfind(':');
    if (colon == std::string_view::npos) return false;
    *host = std::string(listen.substr(0, colon));
  }
  *port = std::string(listen.substr(colon + 1));
  return !port->empty();
}

// A non-blocking listening socket on `listen`, or why not.
Result<int> Listen(const std::string& listen) {
  std::string host;
  std::string port;
  if (!SplitListen(listen, &host, &port)) {
    return Status::Error(fmt::format("cannot listen on {}: expected host:port", listen));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int gai = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
  if (gai != 0) {
    return Status::Error(fmt::format("cannot listen on {}: {}", listen, gai_strerror(gai)));
  }
  int error = 0;
  int fd = -1;
  for (const addrinfo* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      error = errno;
      continue;
    }
    const int on = 1;
    // A restart can bind while the old process's connections sit in
    // TIME_WAIT; a second listener on the same address still fails.
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    // "[::]:port" means IPv6 only, as it did with CivetWeb.
    if (ai->ai_family == AF_INET6) {
      (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    }
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, kListenBacklog) != 0) {
      error = errno;
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) {
    return Status::Error(
        fmt::format("cannot listen on {}: {}", listen, std::generic_category().message(error)));
  }
  return fd;
}

int BoundPort(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  if (addr.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
}

}  // namespace

// The reading thread (Loop) owns the listener and every connection whose
// head has not yet arrived; a complete GET /metrics moves its descriptor to
// queue_, where a worker (Work) takes it. The state below mu_ is shared; the
// rest belongs to one thread.
class HttpServer::Impl {
 public:
  Impl(int listen_fd, int stop_fd, const MetricsStore* store, const std::atomic<bool>* ready)
      : listen_fd_(listen_fd), stop_fd_(stop_fd), store_(store), ready_(ready) {}

  void Start() {
    loop_ = std::thread([this] { Loop(); });
    for (int i = 0; i < kHttpWorkers; ++i) workers_.emplace_back([this] { Work(); });
  }

  ~Impl() {
    // The eventfd stays readable once written: it wakes the loop and every
    // worker waiting on a slow client.
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = write(stop_fd_, &one, sizeof one);
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (loop_.joinable()) loop_.join();
    for (std::thread& w : workers_) w.join();
    for (const Job& job : queue_) close(job.fd);
    close(listen_fd_);
    close(stop_fd_);
  }

  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void SetRoutePrefix(std::string prefix) {
    std::lock_guard lock(prefix_mu_);
    route_prefix_ = std::move(prefix);
  }

 private:
  // A connection whose request head is still arriving.
  // What a worker serves.
  enum class Page { kMetrics, kStatus, kStatusJson, kTarget };
  struct Job {
    int fd = -1;
    Page page = Page::kMetrics;
    bool head_only = false;
    std::string target;  // kTarget: its name, from the path
  };
  static constexpr std::string_view kTargetPrefix = "/targets/";

  struct Pending {
    int fd = -1;  // -1 once handed on or closed
    Clock::time_point deadline;
    std::string head;
  };

  void Loop() {
    (void)pthread_setname_np(pthread_self(), "http-read");
    std::vector<pollfd> fds;
    std::optional<Clock::time_point> accept_paused_until;
    for (;;) {
      if (accept_paused_until && Clock::now() >= *accept_paused_until) accept_paused_until.reset();
      fds.clear();
      fds.push_back({stop_fd_, POLLIN, 0});
      fds.push_back({accept_paused_until ? -1 : listen_fd_, POLLIN, 0});
      for (const Pending& p : pending_) fds.push_back({p.fd, POLLIN, 0});
      // pending_ is in order of arrival, and every deadline is the same
      // span after it: the first is the earliest.
      std::optional<Clock::time_point> wake;
      if (!pending_.empty()) wake = pending_.front().deadline;
      if (accept_paused_until && (!wake || *accept_paused_until < *wake)) {
        wake = accept_paused_until;
      }
      const int n = poll(fds.data(), fds.size(), wake ? MillisUntil(*wake) : -1);
      // EFAULT or EINVAL would be a bug (the descriptors are ours).
      if (n < 0 && errno != EINTR && errno != ENOMEM) std::abort();
      if (fds[0].revents != 0) break;

      const Clock::time_point now = Clock::now();
      for (size_t i = 0; i < pending_.size(); ++i) {
        Pending& p = pending_[i];
        if (n > 0 && fds[i + 2].revents != 0) ReadHead(p);
        if (p.fd >= 0 && now >= p.deadline) {
          // Silence gets a close, as a server that never heard a request;
          // half a request gets 408.
          if (p.head.empty()) {
            close(p.fd);
          } else {
            Reply(p.fd, false, "408 Request Timeout", kTextPlain,
                  "the request did not arrive in time\n");
          }
          p.fd = -1;
        }
      }
      std::erase_if(pending_, [](const Pending& p) { return p.fd < 0; });
      if (n > 0 && (fds[1].revents & POLLIN) != 0 && !AcceptSome()) {
        accept_paused_until = Clock::now() + kAcceptBackoff;
      }
    }
    for (const Pending& p : pending_) close(p.fd);
    pending_.clear();
  }

  // Accepts what is waiting (up to kMaxAcceptsPerTurn) and reads what has
  // already arrived. False when out of descriptors or memory.
  bool AcceptSome() {
    for (int i = 0; i < kMaxAcceptsPerTurn; ++i) {
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          return false;
        }
        continue;  // the connection failed before it was accepted
      }
      if (pending_.size() >= kHttpMaxPending) {
        // The longest waiting has had the most time to send its request.
        close(pending_.front().fd);
        pending_.pop_front();
      }
      Pending p{fd, Clock::now() + kHttpRequestTimeout, {}};
      ReadHead(p);  // a scraper's request often arrives with its connection
      if (p.fd >= 0) pending_.push_back(std::move(p));
    }
    return true;
  }

  // Reads what `p`'s client has sent; once the head is complete, answers or
  // queues it and sets p.fd to -1, as on any close.
  void ReadHead(Pending& p) {
    // Memory grows with what a client sent, not with how many are waiting.
    char buf[kHttpMaxHeadBytes];
    const ssize_t n = recv(p.fd, buf, kHttpMaxHeadBytes - p.head.size(), 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (n <= 0) {  // closed by the client, or reset
      close(p.fd);
      p.fd = -1;
      return;
    }
    p.head.append(buf, static_cast<size_t>(n));
    const std::optional<size_t> end = FindHeadEnd(p.head);
    if (!end) {
      if (p.head.size() >= kHttpMaxHeadBytes) {
        Reply(p.fd, false, "431 Request Header Fields Too Large", kTextPlain,
              fmt::format("the request head is over {} bytes\n", kHttpMaxHeadBytes));
        p.fd = -1;
      }
      return;
    }
    const std::optional<HttpRequestHead> request =
        ParseRequestHead(std::string_view{p.head}.substr(0, *end));
    const int fd = p.fd;
    p.fd = -1;
    if (!request) {
      Reply(fd, false, "400 Bad Request", kTextPlain, "not an HTTP/1.x request\n");
      return;
    }
    Route(fd, *request);
  }

  // Takes the route prefix off the path (HttpServer::SetRoutePrefix).
  void Route(int fd, const HttpRequestHead& request) {
    const bool head_only = request.method == "HEAD";
    if (request.method != "GET" && !head_only) {
      Reply(fd, false, "405 Method Not Allowed", kTextPlain, "only GET and HEAD are served\n",
            "Allow: GET, HEAD\r\n");
      return;
    }
    std::string prefix;
    {
      std::lock_guard lock(prefix_mu_);
      prefix = route_prefix_;
    }
    if (prefix.empty()) {
      Serve(fd, head_only, request.path);
    } else if (request.path == prefix || request.path == "/") {
      Reply(fd, head_only, "302 Found", kTextPlain, fmt::format("see {}/\n", prefix),
            fmt::format("Location: {}/\r\n", prefix));
    } else if (request.path.starts_with(prefix) && request.path[prefix.size()] == '/') {
      Serve(fd, head_only, std::string_view{request.path}.substr(prefix.size()));
    } else {
      Reply(fd, head_only, "404 Not Found", kTextPlain,
            fmt::format("404 page not found: everything is under {}/\n", prefix));
    }
  }

  // `path` relative to the route prefix, starting with '/'.
  void Serve(int fd, bool head_only, std::string_view path) {
    if (path == "/metrics") {
      if (head_only) {
        (void)send(fd, kMetricsHead.data(), kMetricsHead.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        CloseGracefully(fd);
      } else {
        Enqueue({fd, Page::kMetrics});
      }
    } else if (path == "/" || path == "/api/v1/status") {
      // Rendered by a worker: a page for many targets outgrows one send.
      Enqueue({fd, path == "/" ? Page::kStatus : Page::kStatusJson, head_only});
    } else if (path.starts_with(kTargetPrefix) && path.size() > kTargetPrefix.size()) {
      Enqueue({fd, Page::kTarget, head_only, std::string(path.substr(kTargetPrefix.size()))});
    } else if (path == "/status.css") {
      Reply(fd, head_only, "200 OK", "text/css; charset=utf-8", StatusPageCss(),
            "Cache-Control: max-age=300\r\n");
    } else if (path == "/status.js") {
      Reply(fd, head_only, "200 OK", "text/javascript; charset=utf-8", StatusPageScript(),
            "Cache-Control: max-age=300\r\n");
    } else if (path == "/favicon.svg" || path == "/favicon.ico") {
      Reply(fd, head_only, "200 OK", "image/svg+xml", StatusPageIcon(),
            "Cache-Control: max-age=86400\r\n");
    } else if (path == "/-/healthy") {
      Reply(fd, head_only, "200 OK", kTextPlain, "redis-memwatch is Healthy.\n");
    } else if (path == "/-/ready") {
      if (ready_->load()) {
        Reply(fd, head_only, "200 OK", kTextPlain, "redis-memwatch is Ready.\n");
      } else {
        Reply(fd, head_only, "503 Service Unavailable", kTextPlain,
              "redis-memwatch is not ready: the first poll round is not complete.\n");
      }
    } else {
      Reply(fd, head_only, "404 Not Found", kTextPlain, "404 page not found\n");
    }
  }

  void Enqueue(Job job) {
    const int fd = job.fd;
    {
      std::lock_guard lock(mu_);
      if (queue_.size() < kHttpMaxQueued) {
        queue_.push_back(std::move(job));
        cv_.notify_one();
        return;
      }
    }
    Reply(fd, false, "503 Service Unavailable", kTextPlain,
          fmt::format("{} scrapes are already waiting; try again\n", kHttpMaxQueued),
          "Retry-After: 1\r\n");
  }

  void Work() {
    (void)pthread_setname_np(pthread_self(), "http-write");
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      if (job.page == Page::kMetrics) {
        ServeMetrics(job.fd);
      } else {
        ServeStatus(job);
      }
    }
  }

  // The status page or its JSON, rendered whole (a few KiB per target).
  void ServeStatus(const Job& job) {
    // The wall clock only stamps what people read ("last seen 5 s ago").
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    const std::vector<TargetStatus> targets = store_->Status(now);
    const PageContext ctx{
        store_->version(), now, store_->refresh_seconds(),
        job.page == Page::kTarget ? std::vector<ReceiverNotificationStats>{} : store_->Receivers()};
    const bool html = job.page != Page::kStatusJson;
    std::string status = "200 OK";
    std::string body;
    if (job.page == Page::kStatus) {
      body = RenderStatusPage(targets, ctx);
    } else if (job.page == Page::kStatusJson) {
      body = RenderStatusJson(targets, ctx);
    } else {
      const auto it = std::find_if(targets.begin(), targets.end(),
                                   [&](const TargetStatus& t) { return t.name == job.target; });
      if (it != targets.end()) {
        body = RenderTargetPage(*it, ctx);
      } else {
        status = "404 Not Found";
        body = fmt::format(
            "<!DOCTYPE html>\n<p>No target is named {}. <a href=\"../\">All "
            "targets</a></p>\n",
            EscapeHtml(job.target));
      }
    }
    const std::string head = fmt::format(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
        "Content-Security-Policy: {}\r\nX-Content-Type-Options: nosniff\r\n"
        "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        status, html ? "text/html; charset=utf-8" : "application/json", body.size(),
        kStatusPageCsp);
    const Clock::time_point deadline = Clock::now() + kHttpResponseTimeout;
    bool sent = SendBefore(job.fd, head, deadline, stop_fd_, /*more=*/!job.head_only);
    if (sent && !job.head_only) sent = SendBefore(job.fd, body, deadline, stop_fd_, false);
    if (sent) {
      CloseGracefully(job.fd);
    } else {
      CloseWithReset(job.fd);
    }
  }

  // Streams the exposition as the store writes it, in ~64 KiB chunks: no
  // copy of the whole text (5 MB at 1,000 targets) is ever held. The length
  // is not known up front; the body ends when the connection closes.
  void ServeMetrics(int fd) {
    const Clock::time_point deadline = Clock::now() + kHttpResponseTimeout;
    bool sent = SendBefore(fd, kMetricsHead, deadline, stop_fd_, /*more=*/true);
    if (sent) {
      store_->WriteText([&](std::string_view chunk) {
        sent = SendBefore(fd, chunk, deadline, stop_fd_, /*more=*/true);
        return sent;  // a client gone or too slow stops the scrape
      });
    }
    if (sent) {
      CloseGracefully(fd);
    } else {
      CloseWithReset(fd);
    }
  }

  const int listen_fd_;
  const int stop_fd_;  // an eventfd, readable once the server stops
  const MetricsStore* const store_;
  const std::atomic<bool>* const ready_;
  std::mutex prefix_mu_;
  std::string route_prefix_;  // guarded by prefix_mu_

  std::deque<Pending> pending_;  // Loop's only, oldest first

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;  // guarded by mu_: GET /metrics, / and /api/v1/status waiting
  bool stopping_ = false;  // guarded by mu_

  std::thread loop_;
  std::vector<std::thread> workers_;
};

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& listen,
                                                      const MetricsStore* store) {
  Result<int> listen_fd = Listen(listen);
  if (!listen_fd.ok()) return listen_fd.status();
  const int stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd < 0) {
    close(listen_fd.value());
    return Status::Error(fmt::format("cannot serve on {}: eventfd: {}", listen,
                                     std::generic_category().message(errno)));
  }
  std::unique_ptr<HttpServer> s(new HttpServer());
  s->port_ = BoundPort(listen_fd.value());
  s->impl_ = std::make_unique<Impl>(listen_fd.value(), stop_fd, store, &s->ready_);
  s->impl_->Start();
  return s;
}

HttpServer::~HttpServer() = default;

void HttpServer::SetRoutePrefix(const std::string& prefix) { impl_->SetRoutePrefix(prefix); }

}  // namespace memwatch::metrics
