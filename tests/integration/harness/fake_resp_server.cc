#include "harness/fake_resp_server.h"

#include "harness/loopback_socket.h"

#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

namespace memwatch::testing {

FakeRespServer::FakeRespServer(Behaviour behaviour, Responder responder, size_t huge_bulk_bytes)
    : behaviour_(behaviour), responder_(std::move(responder)), huge_bulk_bytes_(huge_bulk_bytes) {
  listen_fd_ = ListenOnLoopback("FakeRespServer", &port_);
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) {
    close(listen_fd_);
    throw std::runtime_error("FakeRespServer: no eventfd");
  }
  accept_thread_ = std::thread(&FakeRespServer::AcceptLoop, this);
}

FakeRespServer::~FakeRespServer() {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(stop_fd_, &one, sizeof(one));  // stays readable
  accept_thread_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(connection_threads_);
  }
  for (std::thread& t : threads) t.join();
  close(listen_fd_);
  close(stop_fd_);
}

std::vector<std::vector<std::string>> FakeRespServer::Commands() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commands_;
}

bool FakeRespServer::WaitFor(int fd, short events) { return WaitForOrStop(fd, events, stop_fd_); }

void FakeRespServer::AcceptLoop() {
  while (WaitFor(listen_fd_, POLLIN)) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++accepted_;
    if (behaviour_ == Behaviour::kCloseOnAccept) {
      close(fd);
      continue;
    }
    std::lock_guard<std::mutex> lock(mu_);
    connection_threads_.emplace_back(&FakeRespServer::Serve, this, fd);
  }
}

bool FakeRespServer::SendAll(int fd, std::string_view bytes) {
  return SendAllOrStop(fd, bytes, stop_fd_);
}

void FakeRespServer::Serve(int fd) {
  redisReader* reader = redisReaderCreate();
  char buffer[16 * 1024];
  bool open = true;
  bool answered = false;  // kPartialThenStall: the half reply went out
  while (open && WaitFor(fd, POLLIN)) {
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) break;
    if (n < 0) continue;
    redisReaderFeed(reader, buffer, static_cast<size_t>(n));
    void* parsed = nullptr;
    while (open && redisReaderGetReply(reader, &parsed) == REDIS_OK && parsed != nullptr) {
      const auto* request = static_cast<redisReply*>(parsed);
      std::vector<std::string> argv;
      for (size_t i = 0; request->type == REDIS_REPLY_ARRAY && i < request->elements; ++i) {
        argv.emplace_back(request->element[i]->str, request->element[i]->len);
      }
      freeReplyObject(parsed);
      {
        std::lock_guard<std::mutex> lock(mu_);
        commands_.push_back(argv);
      }
      switch (behaviour_) {
        case Behaviour::kRespond:
          if (responder_) {
            const std::string reply = responder_(argv);
            open = reply != kCloseConnection && SendAll(fd, reply);
          }
          break;
        case Behaviour::kGarbage:
          open = SendAll(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
          break;
        case Behaviour::kCloseMidReply:
          SendAll(fd, "$1000\r\n" + std::string(500, 'x'));
          open = false;
          break;
        case Behaviour::kHugeBulk: {
          open = SendAll(fd, "$" + std::to_string(huge_bulk_bytes_) + "\r\n");
          const std::string chunk(64 * 1024, 'x');
          for (size_t sent = 0; open && sent < huge_bulk_bytes_; sent += chunk.size()) {
            const size_t size = std::min(chunk.size(), huge_bulk_bytes_ - sent);
            open = SendAll(fd, std::string_view(chunk).substr(0, size));
            if (open) huge_sent_ += size;
          }
          if (open) open = SendAll(fd, "\r\n");
          break;
        }
        case Behaviour::kPartialThenStall:
          if (!answered) open = SendAll(fd, "$1000\r\n" + std::string(500, 'x'));
          answered = true;
          break;
        default:  // kNeverAnswer (kCloseOnAccept never gets here)
          break;
      }
    }
  }
  redisReaderFree(reader);
  close(fd);
}

std::string FakeRespServer::Bulk(std::string_view text) {
  return "$" + std::to_string(text.size()) + "\r\n" + std::string(text) + "\r\n";
}

std::string FakeRespServer::Error(std::string_view text) {
  return "-" + std::string(text) + "\r\n";
}

std::string FakeRespServer::InfoText(std::string_view version) {
  return "# Server\r\nredis_version:" + std::string(version) +
         "\r\nredis_mode:standalone\r\n\r\n# Clients\r\nconnected_clients:1\r\n\r\n"
         "# Memory\r\nused_memory:1000000\r\nmaxmemory:0\r\nmaxmemory_policy:noeviction\r\n\r\n"
         "# Keyspace\r\n";
}

}  // namespace memwatch::testing
