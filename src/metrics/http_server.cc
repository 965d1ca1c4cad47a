#include "metrics/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include <CivetServer.h>
#include <fmt/format.h>

namespace memwatch::metrics {
namespace {

// A whole response with a known body; HEAD gets the same head, no body.
void Reply(mg_connection* conn, bool head, int status, std::string_view status_text,
           std::string_view content_type, std::string_view body) {
  mg_printf(conn,
            "HTTP/1.1 %d %.*s\r\nContent-Type: %.*s\r\nContent-Length: %zu\r\n"
            "Connection: close\r\n\r\n",
            status, static_cast<int>(status_text.size()), status_text.data(),
            static_cast<int>(content_type.size()), content_type.data(), body.size());
  if (!head) mg_write(conn, body.data(), body.size());
}

}  // namespace

class HttpServer::Handler : public CivetHandler {
 public:
  Handler(const MetricsStore* store, const HttpServer* server) : store_(store), server_(server) {}

  bool handleGet(CivetServer*, mg_connection* conn) override {
    Serve(conn, /*head=*/false);
    return true;
  }

  bool handleHead(CivetServer*, mg_connection* conn) override {
    Serve(conn, /*head=*/true);
    return true;
  }

 private:
  void Serve(mg_connection* conn, bool head) {
    const mg_request_info* req = mg_get_request_info(conn);
    std::string_view uri = req->local_uri ? req->local_uri : "";
    if (uri == "/metrics") {
      // Streamed as the store writes it, in ~64 KiB chunks: no copy of the
      // whole exposition (5 MB at 1,000 targets) is ever held. The length is
      // not known up front; the body ends when the connection closes (every
      // response closes it), which HTTP/1.0 and 1.1 clients all read.
      mg_printf(conn,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                "Connection: close\r\n\r\n");
      if (head) return;
      store_->WriteText([conn](std::string_view chunk) {
        // A client that went away stops the scrape.
        return mg_write(conn, chunk.data(), chunk.size()) > 0;
      });
    } else if (uri == "/-/healthy") {
      Reply(conn, head, 200, "OK", "text/plain; charset=utf-8", "redis-memwatch is Healthy.\n");
    } else if (uri == "/-/ready") {
      if (server_->ready()) {
        Reply(conn, head, 200, "OK", "text/plain; charset=utf-8", "redis-memwatch is Ready.\n");
      } else {
        Reply(conn, head, 503, "Service Unavailable", "text/plain; charset=utf-8",
              "redis-memwatch is not ready: the first poll round is not complete.\n");
      }
    } else if (uri == "/") {
      Reply(conn, head, 200, "OK", "text/html; charset=utf-8",
            "<html><head><title>redis-memwatch</title></head><body><h1>redis-memwatch</h1>"
            "<p><a href=\"/metrics\">Metrics</a></p></body></html>\n");
    } else {
      Reply(conn, head, 404, "Not Found", "text/plain; charset=utf-8", "404 page not found\n");
    }
  }

  const MetricsStore* store_;
  const HttpServer* server_;
};

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& listen,
                                                      const MetricsStore* store) {
  std::unique_ptr<HttpServer> s(new HttpServer());
  // A fixed pool: slow or many clients queue instead of growing threads.
  // request_timeout bounds how long one client can hold a thread; 64
  // threads keep Prometheus answered within its 10 s scrape timeout behind
  // 200 clients that send nothing (tests/integration/hostile_test.cc).
  // Idle threads cost ~2 MiB of RSS in all.
  std::vector<std::string> options{"listening_ports",    listen, "num_threads",       "64",
                                   "request_timeout_ms", "2000", "enable_keep_alive", "no",
                                   "listen_backlog",     "128"};
  try {
    s->server_ = std::make_unique<CivetServer>(options);
  } catch (const std::exception& e) {
    return Status::Error(fmt::format(
        "cannot listen on {}: the address is in use or not available on this host", listen));
  }
  std::vector<int> ports = s->server_->getListeningPorts();
  if (ports.empty()) {
    return Status::Error(fmt::format("cannot listen on {}", listen));
  }
  s->port_ = ports[0];
  s->handler_ = std::make_unique<Handler>(store, s.get());
  s->server_->addHandler("/", s->handler_.get());
  return s;
}

HttpServer::~HttpServer() {
  if (!server_) return;
  // CivetWeb's master thread sleeps in poll() on the listening socket for up
  // to a second before it sees the stop flag; a connection wakes it, so the
  // daemon stops well within a second of SIGTERM.
  std::atomic<bool> closed{false};
  std::thread closer([&] {
    server_->close();
    closed = true;
  });
  for (int i = 0; i < 100 && !closed; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0) {
      // Only a wake-up: whether the connect succeeds does not matter.
      (void)connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
      close(fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  closer.join();
}

}  // namespace memwatch::metrics
